"""Spec 3.3: the pattern of a visit, each pattern and nerve, their precedence and prerequisites."""

from __future__ import annotations

import pytest

from exam_app.clinical import pattern as pattern_module
from exam_app.clinical.record import Visit
from exam_app.tables import rules
from tests.clinical.builders import (
    assess_one,
    clonus,
    empty_visit,
    gait,
    light_touch,
    motor,
    motors,
    normal_visit,
    pin_prick,
    plantar,
    reflex,
    sensation,
    tension,
)

WHEN = "2026-11-02T09:30+01:00"


def pattern_of(visit: Visit) -> tuple[str, str | None]:
    assessment = assess_one(visit)
    return assessment.pattern, assessment.nerve


def test_a_normal_examination_is_normal() -> None:
    assessment = assess_one(normal_visit(WHEN))
    assert (assessment.pattern, assessment.nerve) == ("normal", None)
    # 22 movements + 36 sensory points + 6 reflexes + 2 plantar + 2 clonus + 6 tension + 4 gait + 2 anal
    assert assessment.pattern_findings == ("no deficit and no upper-motor-neuron sign among 80 findings examined",)


def test_one_item_other_than_nt_is_enough_for_normal() -> None:
    assert pattern_of(empty_visit(WHEN, motor={"hip_flexion": {"left": "5"}})) == ("normal", None)


@pytest.mark.parametrize(
    "visit",
    [
        empty_visit(WHEN),
        empty_visit(WHEN, motor={"hip_flexion": {"left": "NT", "right": "NT*"}}, vac="NT"),
        empty_visit(WHEN, motor={"great_toe_extension": {"left": "2*"}}),  # tagged values are skipped
        empty_visit(WHEN, symptoms=("numbness",), red_flags=("night_pain",)),  # history is not an examination
    ],
)
def test_nothing_examined_is_indeterminate(visit: Visit) -> None:
    assert pattern_of(visit) == ("indeterminate", None)


@pytest.mark.parametrize(
    ("visit", "finding"),
    [
        (plantar(normal_visit(WHEN), "right", "extensor"), "right extensor plantar response"),
        (clonus(normal_visit(WHEN), "left", 3), "left ankle clonus 3 beats"),
        (clonus(normal_visit(WHEN), "left", 12), "left ankle clonus 12 beats"),
        (reflex(normal_visit(WHEN), "achilles", "left", "4"), "left Achilles reflex 4"),
    ],
)
def test_upper_motor_neuron_signs_make_cord_or_central(visit: Visit, finding: str) -> None:
    assessment = assess_one(visit)
    assert assessment.pattern == "cord_or_central"
    assert assessment.pattern_findings == (finding,)


@pytest.mark.parametrize(
    "visit",
    [
        clonus(normal_visit(WHEN), "left", 2),
        reflex(normal_visit(WHEN), "patellar", "left", "3"),
        plantar(normal_visit(WHEN), "left", "silent"),
    ],
)
def test_below_the_thresholds_is_no_upper_motor_neuron_sign(visit: Visit) -> None:
    assert pattern_of(visit) == ("normal", None)


def test_cord_beats_cauda_equina() -> None:
    visit = plantar(normal_visit(WHEN, vac="no", red_flags=("saddle_numbness",)), "left", "extensor")
    assert pattern_of(visit) == ("cord_or_central", None)


@pytest.mark.parametrize(
    ("visit", "findings"),
    [
        (normal_visit(WHEN, vac="no"), ("voluntary anal contraction no",)),
        (normal_visit(WHEN, dap="no"), ("deep anal pressure no",)),
        (light_touch(normal_visit(WHEN), "S3", "left", "1"), ("left S3 light touch 1",)),
        (pin_prick(normal_visit(WHEN), "S4_5", "right", "0"), ("right S4-5 pin prick 0",)),
        (normal_visit(WHEN, red_flags=("bladder_dysfunction",)), ("red flag: bladder dysfunction",)),
        (normal_visit(WHEN, red_flags=("bowel_dysfunction",)), ("red flag: bowel dysfunction",)),
        (normal_visit(WHEN, red_flags=("saddle_numbness",)), ("red flag: saddle numbness",)),
    ],
)
def test_each_cauda_equina_trigger(visit: Visit, findings: tuple[str, ...]) -> None:
    assessment = assess_one(visit)
    assert assessment.pattern == "cauda_equina"
    assert assessment.pattern_findings == findings


@pytest.mark.parametrize(
    "visit",
    [
        normal_visit(WHEN, vac="NT", dap="NT"),
        light_touch(normal_visit(WHEN), "S3", "left", "1*"),  # tagged: not the nerve lesion
        light_touch(normal_visit(WHEN), "S2", "left", "NT"),
        normal_visit(WHEN, red_flags=("sexual_dysfunction",)),  # same-day red flag, but not a 3.3 trigger
    ],
)
def test_not_cauda_equina(visit: Visit) -> None:
    assert pattern_of(visit)[0] == "normal"


def test_cauda_equina_beats_a_root_pattern() -> None:
    visit = motor(normal_visit(WHEN, dap="no"), "great_toe_extension", "left", "3")
    assert pattern_of(visit) == ("cauda_equina", None)


# Peripheral nerves ---------------------------------------------------------------------------------


def peroneal_palsy() -> Visit:
    """Foot drop with weak eversion and L5 sensory loss; inversion and hip abduction normal."""
    visit = motors(normal_visit(WHEN), "left", ankle_dorsiflexion="3", great_toe_extension="2", ankle_eversion="4")
    return light_touch(visit, "L5", "left", "1")


def test_common_peroneal_nerve() -> None:
    assessment = assess_one(peroneal_palsy())
    assert (assessment.pattern, assessment.nerve) == ("peripheral_nerve", "common_peroneal")
    assert assessment.pattern_findings == (
        "left ankle dorsiflexion 3",
        "left great-toe extension 2",
        "left ankle eversion 4",
        "left L5 light touch 1",
        "left ankle inversion 5",
        "left hip abduction 5",
    )
    assert assessment.to_json()["nerve_label"] == "common peroneal nerve"


def test_common_peroneal_with_weak_great_toe_extension_alone() -> None:
    assert pattern_of(motor(normal_visit(WHEN), "great_toe_extension", "right", "4")) == (
        "peripheral_nerve",
        "common_peroneal",
    )


@pytest.mark.parametrize(
    ("item", "grade"),
    [
        ("hip_abduction", None),
        ("hip_abduction", "NT"),
        ("hip_abduction", "5*"),
        ("ankle_inversion", None),
        ("ankle_inversion", "4"),
        ("hip_abduction", "4+"),
    ],
)
def test_peroneal_needs_inversion_and_hip_abduction_tested_at_five(item: str, grade: str | None) -> None:
    # Not proven peripheral: weak L5 muscles and L5 sensory loss are then an L5 radiculopathy.
    assert pattern_of(motor(peroneal_palsy(), item, "left", grade)) == ("radiculopathy", None)


def femoral_neuropathy() -> Visit:
    visit = motors(normal_visit(WHEN), "left", knee_extension="3", hip_flexion="4")
    visit = sensation(visit, "L3", "left", "1")
    return reflex(visit, "patellar", "left", "1")


def test_femoral_nerve() -> None:
    assessment = assess_one(femoral_neuropathy())
    assert (assessment.pattern, assessment.nerve) == ("peripheral_nerve", "femoral")
    assert assessment.pattern_findings == (
        "left hip flexion 4",
        "left knee extension 3",
        "left L3 light touch 1",
        "left L3 pin prick 1",
        "left patellar reflex 1 (right 2)",
        "left hip adduction 5",
        "left ankle dorsiflexion 5",
    )


@pytest.mark.parametrize(
    ("item", "grade"), [("hip_adduction", None), ("hip_adduction", "4"), ("ankle_dorsiflexion", "NT")]
)
def test_femoral_needs_hip_adduction_and_dorsiflexion_tested_at_five(item: str, grade: str | None) -> None:
    assert pattern_of(motor(femoral_neuropathy(), item, "left", grade)) == ("radiculopathy", None)


def test_femoral_needs_weak_knee_extension() -> None:
    visit = motor(normal_visit(WHEN), "hip_flexion", "left", "4")
    assert pattern_of(visit) == ("radiculopathy", None)


def sciatic_neuropathy() -> Visit:
    visit = motors(normal_visit(WHEN), "right", knee_flexion="4", ankle_dorsiflexion="3", ankle_plantarflexion="4")
    visit = light_touch(visit, "S1", "right", "1")
    return reflex(visit, "achilles", "right", "0")


def test_sciatic_nerve() -> None:
    assessment = assess_one(sciatic_neuropathy())
    assert (assessment.pattern, assessment.nerve) == ("peripheral_nerve", "sciatic")
    assert assessment.pattern_findings[-2:] == ("right hip abduction 5", "right hip extension 5")
    assert "right Achilles reflex 0 (left 2)" in assessment.pattern_findings


@pytest.mark.parametrize(("item", "grade"), [("hip_abduction", "4"), ("hip_extension", None), ("knee_flexion", "5")])
def test_sciatic_needs_gluteals_tested_at_five_and_weak_knee_flexion(item: str, grade: str | None) -> None:
    assert pattern_of(motor(sciatic_neuropathy(), item, "right", grade))[0] == "radiculopathy"


def test_a_deficit_outside_the_territory_is_not_that_nerve() -> None:
    visit = light_touch(peroneal_palsy(), "L4", "left", "1")  # L4 is outside the peroneal territory
    assert pattern_of(visit) == ("radiculopathy", None)  # L4 and L5 explain it


def test_deficits_on_both_sides_are_never_one_nerve() -> None:
    visit = motor(peroneal_palsy(), "great_toe_extension", "right", "4")
    assert pattern_of(visit) == ("multiradicular", None)


def test_nerves_are_checked_in_table_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """The v1 territories never overlap in a way two nerves both match; to see that the first listed
    wins, give a second nerve the peroneal nerve's exact rule under another name."""
    assert [n.id for n in rules().peripheral_nerves] == ["common_peroneal", "femoral", "sciatic"]
    nerves = pattern_module._nerves()
    twin = nerves[0].__class__(**{**nerves[0].__dict__, "id": "peroneal_twin", "label": "twin"})
    monkeypatch.setattr(pattern_module, "_nerves", lambda: (twin, *nerves))
    monkeypatch.setattr(pattern_module, "nerve_labels", lambda: {"peroneal_twin": "twin"})
    assert pattern_of(peroneal_palsy()) == ("peripheral_nerve", "peroneal_twin")
    monkeypatch.setattr(pattern_module, "_nerves", lambda: (*nerves, twin))
    assert pattern_of(peroneal_palsy()) == ("peripheral_nerve", "common_peroneal")


# Roots ---------------------------------------------------------------------------------------------


def l5_radiculopathy() -> Visit:
    visit = motors(normal_visit(WHEN), "left", great_toe_extension="3", hip_abduction="4", ankle_inversion="4")
    return sensation(visit, "L5", "left", "1")


def test_l5_radiculopathy() -> None:
    assessment = assess_one(l5_radiculopathy())
    assert (assessment.pattern, assessment.nerve) == ("radiculopathy", None)
    assert assessment.pattern_findings == (  # in the vocabulary's order: the key muscles first
        "left great-toe extension 3",
        "left hip abduction 4",
        "left ankle inversion 4",
        "left L5 light touch 1",
        "left L5 pin prick 1",
    )


def test_two_adjacent_roots_explain_a_radiculopathy() -> None:
    # knee extension (L3, L4) and L5 sensory loss: L4 and L5 together explain both.
    visit = light_touch(motor(normal_visit(WHEN), "knee_extension", "left", "4"), "L5", "left", "1")
    assert pattern_of(visit) == ("radiculopathy", None)


def test_roots_that_are_not_adjacent_are_multiradicular() -> None:
    visit = light_touch(light_touch(normal_visit(WHEN), "L2", "left", "1"), "S1", "left", "1")
    assert pattern_of(visit) == ("multiradicular", None)


def test_three_roots_on_one_side_are_multiradicular() -> None:
    visit = sensation(sensation(sensation(normal_visit(WHEN), "L2", "left", "1"), "L3", "left", "1"), "L4", "left", "1")
    assert pattern_of(visit) == ("multiradicular", None)


def test_deficits_on_both_sides_are_multiradicular() -> None:
    visit = light_touch(light_touch(normal_visit(WHEN), "L5", "left", "1"), "L5", "right", "1")
    assessment = assess_one(visit)
    assert assessment.pattern == "multiradicular"
    assert assessment.pattern_findings == ("left L5 light touch 1", "right L5 light touch 1")


def test_l1_and_sacral_levels_take_part_in_explaining() -> None:
    # L1 sensory loss with hip flexion (L2, L3) weakness: L1 and L2 are adjacent.
    visit = light_touch(motor(normal_visit(WHEN), "hip_flexion", "left", "4"), "L1", "left", "1")
    assert pattern_of(visit) == ("radiculopathy", None)
    # S2 sensory loss (no cauda equina trigger) with S1 weakness: S1 and S2 are adjacent.
    visit = light_touch(motor(normal_visit(WHEN), "ankle_plantarflexion", "left", "4"), "S2", "left", "1")
    assert pattern_of(visit) == ("radiculopathy", None)


# Reflexes and what is not a deficit ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right", "reduced"),
    [
        ("1", "2", "left Achilles reflex 1 (right 2)"),
        ("0", "1", "left Achilles reflex 0 (right 1)"),
        ("0", "3", "left Achilles reflex 0 (right 3)"),
        ("2", "0", "right Achilles reflex 0 (left 2)"),
    ],
)
def test_a_reduced_reflex_is_zero_or_one_with_the_other_side_higher(left: str, right: str, reduced: str) -> None:
    visit = reflex(reflex(normal_visit(WHEN), "achilles", "left", left), "achilles", "right", right)
    assessment = assess_one(visit)
    assert assessment.pattern == "radiculopathy"
    assert assessment.pattern_findings == (reduced,)


@pytest.mark.parametrize(("left", "right"), [("0", "0"), ("1", "1"), ("2", "3"), ("0", "NT"), ("1", None)])
def test_symmetric_or_unmatched_reflexes_are_no_deficit(left: str, right: str | None) -> None:
    visit = reflex(reflex(normal_visit(WHEN), "achilles", "left", left), "achilles", "right", right)
    assert pattern_of(visit) == ("normal", None)


def test_tension_signs_gait_and_symptoms_are_not_deficits() -> None:
    visit = tension(
        normal_visit(WHEN, symptoms=("shooting_pain", "numbness")), "straight_leg_raise", "left", "positive", 35
    )
    visit = gait(visit, "heel_walk", "left", "unable")
    assert pattern_of(visit) == ("normal", None)


@pytest.mark.parametrize("grade", ["0*", "2**", "NT", "NT*"])
def test_tagged_and_nt_values_are_never_deficits(grade: str) -> None:
    assert pattern_of(motor(normal_visit(WHEN), "great_toe_extension", "left", grade)) == ("normal", None)
