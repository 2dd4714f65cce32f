"""Spec 3.1: LEMS per side and total, sensory subtotals, and "ND"."""

from __future__ import annotations

import pytest

from exam_app.clinical.examination import read_examination
from exam_app.clinical.scores import lower_extremity_motor_score, sensory_subtotals
from tests.clinical.builders import (
    KEY_MUSCLES,
    LEVELS,
    empty_visit,
    light_touch,
    motor,
    motors,
    normal_visit,
    pin_prick,
    sensation,
)

WHEN = "2026-11-02T09:30+01:00"


def lems_of(visit):  # type: ignore[no-untyped-def]
    return lower_extremity_motor_score(read_examination(visit))


def test_a_normal_examination_scores_25_per_side_and_50_in_all() -> None:
    lems = lems_of(normal_visit(WHEN))
    assert (lems.left, lems.right, lems.total) == (25, 25, 50)
    assert lems.untagged_sides == {"left", "right"}


def test_lems_sums_base_grades_modifiers_and_tags_count_by_their_number() -> None:
    # 4+ -> 4, 3 -> 3, 4- -> 4, 2* -> 2, 0 -> 0: 13 on the left.
    visit = motors(
        normal_visit(WHEN),
        "left",
        hip_flexion="4+",
        knee_extension="3",
        ankle_dorsiflexion="4-",
        great_toe_extension="2*",
        ankle_plantarflexion="0",
    )
    lems = lems_of(visit)
    assert (lems.left, lems.right, lems.total) == (13, 25, 38)
    assert lems.untagged_sides == {"right"}  # the left side has a tagged key muscle
    assert "left LEMS counts left great-toe extension 2* by its number" in lems.notes


def test_a_consider_normal_tag_still_counts_by_number() -> None:
    lems = lems_of(motor(normal_visit(WHEN), "ankle_plantarflexion", "right", "2**"))
    assert (lems.right, lems.total) == (22, 47)


@pytest.mark.parametrize("value", ["NT", "NT*", "NT**", None])
def test_a_key_muscle_nt_or_not_examined_makes_the_side_nd(value: str | None) -> None:
    lems = lems_of(motor(normal_visit(WHEN), "knee_extension", "left", value))
    assert (lems.left, lems.right, lems.total) == ("ND", 25, "ND")
    assert lems.untagged_sides == {"right"}
    expected = "knee extension not examined" if value is None else f"knee extension {value}"
    assert lems.notes == (f"left LEMS not determinable: {expected}",)


def test_the_other_six_movements_do_not_count_in_lems() -> None:
    visit = motors(normal_visit(WHEN), "left", hip_abduction="0", ankle_inversion="1", knee_flexion="2")
    assert lems_of(visit).left == 25


def test_nothing_examined_is_nd_everywhere() -> None:
    lems = lems_of(empty_visit(WHEN))
    assert (lems.left, lems.right, lems.total) == ("ND", "ND", "ND")
    subtotals = sensory_subtotals(read_examination(empty_visit(WHEN)))
    assert (subtotals.light_touch.left, subtotals.pin_prick.right) == ("ND", "ND")


def test_only_key_muscles_examined_is_enough() -> None:
    visit = empty_visit(WHEN, motor={item: {"left": "5", "right": "4"} for item in KEY_MUSCLES})
    lems = lems_of(visit)
    assert (lems.left, lems.right, lems.total) == (25, 20, 45)


def test_sensory_subtotals_per_side_and_modality() -> None:
    visit = light_touch(light_touch(normal_visit(WHEN), "L5", "left", "1"), "S1", "left", "0")
    visit = pin_prick(visit, "L4", "right", "1*")  # a tag counts by its number here too
    subtotals = sensory_subtotals(read_examination(visit))
    assert (subtotals.light_touch.left, subtotals.light_touch.right) == (15, 18)
    assert (subtotals.pin_prick.left, subtotals.pin_prick.right) == (18, 17)


@pytest.mark.parametrize("value", ["NT", "NT*", None])
def test_a_level_nt_or_not_examined_makes_that_subtotal_nd(value: str | None) -> None:
    subtotals = sensory_subtotals(read_examination(light_touch(normal_visit(WHEN), "S4_5", "right", value)))
    assert (subtotals.light_touch.left, subtotals.light_touch.right) == (18, "ND")
    assert (subtotals.pin_prick.left, subtotals.pin_prick.right) == (18, 18)
    reason = "S4-5 not examined" if value is None else f"S4-5 {value}"
    assert subtotals.notes == (f"right light touch subtotal not determinable: {reason}",)


def test_sensory_subtotal_runs_from_0_to_18() -> None:
    visit = normal_visit(WHEN)
    for level in LEVELS:
        visit = sensation(visit, level, "left", "0")
    subtotals = sensory_subtotals(read_examination(visit))
    assert (subtotals.light_touch.left, subtotals.pin_prick.left) == (0, 0)
    assert len(LEVELS) == 9
