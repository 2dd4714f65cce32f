"""Spec 3.2: worsening between visits, recheck, major, new upper-motor-neuron signs, new red flags."""

from __future__ import annotations

import pytest

from exam_app.clinical.assess import VisitAssessment
from exam_app.clinical.record import Visit
from tests.clinical.builders import (
    assess_all,
    assess_latest,
    clonus,
    empty_visit,
    light_touch,
    motor,
    motors,
    normal_visit,
    plantar,
    reflex,
    sensation,
)

DAY1 = "2026-11-02T09:30+01:00"
DAY2 = "2026-11-03T10:00+01:00"
DAY3 = "2026-11-04T11:00+01:00"


def findings(assessment: VisitAssessment) -> list[str]:
    return [change.finding for change in assessment.worsening.changes]


def rechecks(assessment: VisitAssessment) -> list[str]:
    return [change.finding for change in assessment.worsening.recheck]


def gte(when: str, grade: str | None, side: str = "left") -> Visit:
    return motor(normal_visit(when), "great_toe_extension", side, grade)


def test_the_first_visit_has_nothing_to_compare_with() -> None:
    first = motor(normal_visit(DAY1, red_flags=("bladder_dysfunction",)), "great_toe_extension", "left", "1")
    first = plantar(first, "left", "extensor")
    worsening = assess_latest(first).worsening
    assert (worsening.worsened, worsening.major) == (False, False)
    assert worsening.changes == worsening.recheck == worsening.new_red_flags == ()


def test_a_fall_of_a_full_grade_is_worsening_with_its_finding() -> None:
    latest = assess_latest(gte(DAY1, "4"), gte(DAY2, "2"))
    assert latest.worsening.worsened
    assert findings(latest) == ["left great-toe extension 4 → 2 (2026-11-02 → 2026-11-03)"]
    change = latest.worsening.changes[0]
    assert (change.kind, change.side, change.item, change.before, change.after) == (
        "motor",
        "left",
        "great_toe_extension",
        "4",
        "2",
    )


def test_five_to_four_plus_is_a_fall() -> None:
    latest = assess_latest(gte(DAY1, "5"), gte(DAY2, "4+"))
    assert findings(latest) == ["left great-toe extension 5 → 4+ (2026-11-02 → 2026-11-03)"]
    assert not latest.worsening.major


@pytest.mark.parametrize(("before", "after"), [("4+", "4-"), ("4+", "4"), ("4", "4-"), ("2+", "2-")])
def test_a_modifier_falling_within_the_grade_is_a_recheck_never_worsening(before: str, after: str) -> None:
    latest = assess_latest(gte(DAY1, before), gte(DAY2, after))
    assert not latest.worsening.worsened
    assert latest.worsening.changes == ()
    assert rechecks(latest) == [f"left great-toe extension {before} → {after} (2026-11-02 → 2026-11-03)"]


@pytest.mark.parametrize(("before", "after"), [("3", "4"), ("4-", "4+"), ("4-", "4"), ("0", "5"), ("4", "4")])
def test_improvements_and_no_change_are_not_listed(before: str, after: str) -> None:
    latest = assess_latest(gte(DAY1, before), gte(DAY2, after))
    assert latest.worsening.changes == latest.worsening.recheck == ()


def test_an_item_skipped_at_one_visit_is_still_compared_with_its_last_grading() -> None:
    latest = assess_latest(gte(DAY1, "5"), gte(DAY2, None), gte(DAY3, "4"))
    assert findings(latest) == ["left great-toe extension 5 → 4 (2026-11-02 → 2026-11-04)"]


@pytest.mark.parametrize("between", ["NT", "NT*", "3*", "1**"])
def test_nt_and_tagged_gradings_are_not_the_last_grading(between: str) -> None:
    visits = assess_all(gte(DAY1, "5"), gte(DAY2, between), gte(DAY3, "4"))
    assert visits[1].worsening.changes == ()  # a tagged grade is never a fall
    assert findings(visits[2]) == ["left great-toe extension 5 → 4 (2026-11-02 → 2026-11-04)"]


def test_a_tagged_earlier_grade_is_no_baseline() -> None:
    latest = assess_latest(gte(DAY1, "4*"), gte(DAY2, "2"))
    assert latest.worsening.changes == ()


def test_the_same_side_is_compared_only_with_itself() -> None:
    latest = assess_latest(gte(DAY1, "3", side="right"), gte(DAY2, "2", side="left"))
    assert findings(latest) == ["left great-toe extension 5 → 2 (2026-11-02 → 2026-11-03)"]


def test_visits_on_the_same_day_show_their_times() -> None:
    latest = assess_latest(gte("2026-11-02T09:30+01:00", "4"), gte("2026-11-02T15:45+01:00", "3"))
    assert findings(latest) == ["left great-toe extension 4 → 3 (2026-11-02 09:30 → 2026-11-02 15:45)"]


@pytest.mark.parametrize(
    ("before", "after", "worse"),
    [
        ("2", "1", True),
        ("2", "0", True),
        ("1", "0", True),
        ("0", "1", False),
        ("1", "2", False),
        ("2", "1*", False),
        ("2", "NT", False),
    ],
)
def test_sensory_worsening(before: str, after: str, worse: bool) -> None:
    latest = assess_latest(
        light_touch(normal_visit(DAY1), "L5", "left", before), light_touch(normal_visit(DAY2), "L5", "left", after)
    )
    assert latest.worsening.worsened is worse
    if worse:
        assert findings(latest) == [f"left L5 light touch {before} → {after} (2026-11-02 → 2026-11-03)"]
        assert latest.worsening.changes[0].modality == "light_touch"


def test_both_modalities_are_listed_in_examination_order() -> None:
    latest = assess_latest(normal_visit(DAY1), sensation(gte(DAY2, "4"), "S4_5", "right", "1"))
    assert findings(latest) == [
        "left great-toe extension 5 → 4 (2026-11-02 → 2026-11-03)",
        "right S4-5 light touch 2 → 1 (2026-11-02 → 2026-11-03)",
        "right S4-5 pin prick 2 → 1 (2026-11-02 → 2026-11-03)",
    ]


# New upper-motor-neuron signs --------------------------------------------------------------------


def test_an_extensor_plantar_response_after_a_flexor_one_is_new() -> None:
    latest = assess_latest(normal_visit(DAY1), plantar(normal_visit(DAY2), "left", "extensor"))
    assert latest.worsening.worsened
    assert findings(latest) == ["left plantar response flexor → extensor (2026-11-02 → 2026-11-03)"]
    assert latest.worsening.changes[0].kind == "upper_motor_neuron"


def test_a_sign_seen_at_the_first_visit_that_examined_it_is_not_new() -> None:
    visits = assess_all(
        plantar(normal_visit(DAY1), "left", "extensor"), plantar(normal_visit(DAY2), "left", "extensor")
    )
    assert [v.worsening.worsened for v in visits] == [False, False]
    assert visits[0].pattern == "cord_or_central"  # it still sets the pattern


def test_a_sign_first_examined_at_a_later_visit_is_not_new() -> None:
    latest = assess_latest(plantar(normal_visit(DAY1), "left", None), plantar(normal_visit(DAY2), "left", "extensor"))
    assert not latest.worsening.worsened


def test_nt_does_not_count_as_an_examination_of_the_sign() -> None:
    never = assess_latest(plantar(normal_visit(DAY1), "left", "NT"), plantar(normal_visit(DAY2), "left", "extensor"))
    assert not never.worsening.worsened
    skipped = assess_latest(
        normal_visit(DAY1), plantar(normal_visit(DAY2), "left", "NT"), plantar(normal_visit(DAY3), "left", "extensor")
    )
    assert findings(skipped) == ["left plantar response flexor → extensor (2026-11-02 → 2026-11-04)"]


def test_a_sign_that_went_away_and_came_back_is_new_again() -> None:
    visits = assess_all(
        plantar(normal_visit(DAY1), "left", "extensor"),
        normal_visit(DAY2),
        plantar(normal_visit(DAY3), "left", "extensor"),
    )
    assert [v.worsening.worsened for v in visits] == [False, False, True]


def test_a_sign_on_the_other_side_is_not_compared() -> None:
    latest = assess_latest(plantar(normal_visit(DAY1), "right", None), plantar(normal_visit(DAY2), "right", "extensor"))
    assert not latest.worsening.worsened


@pytest.mark.parametrize(("before", "after", "new"), [(2, 3, True), (0, 12, True), (3, 5, False), (2, 2, False)])
def test_ankle_clonus_of_three_beats_or_more_is_new_when_it_was_below_three(before: int, after: int, new: bool) -> None:
    latest = assess_latest(clonus(normal_visit(DAY1), "right", before), clonus(normal_visit(DAY2), "right", after))
    assert latest.worsening.worsened is new
    if new:
        assert findings(latest) == [
            f"right ankle clonus {before} beat{'s' if before != 1 else ''} → {after} beats (2026-11-02 → 2026-11-03)"
        ]


def test_a_reflex_graded_four_after_three_is_new() -> None:
    latest = assess_latest(
        reflex(normal_visit(DAY1), "patellar", "left", "3"), reflex(normal_visit(DAY2), "patellar", "left", "4")
    )
    assert findings(latest) == ["left patellar reflex 3 → 4 (2026-11-02 → 2026-11-03)"]


# New red flags ------------------------------------------------------------------------------------


def test_a_red_flag_answered_yes_now_and_not_at_the_previous_visit_is_new_but_not_worsening() -> None:
    visits = assess_all(
        normal_visit(DAY1, red_flags=("night_pain",)),
        normal_visit(DAY2, red_flags=("night_pain", "bladder_dysfunction")),
        normal_visit(DAY3, red_flags=("bladder_dysfunction",)),
    )
    assert [v.worsening.new_red_flags for v in visits] == [(), ("bladder_dysfunction",), ()]
    assert not any(v.worsening.worsened for v in visits)


def test_new_red_flags_compare_with_the_previous_visit_only() -> None:
    visits = assess_all(
        normal_visit(DAY1, red_flags=("night_pain",)), normal_visit(DAY2), normal_visit(DAY3, red_flags=("night_pain",))
    )
    assert visits[2].worsening.new_red_flags == ("night_pain",)


# Major --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "major"),
    [("4", "3", True), ("5", "3", True), ("4-", "3+", True), ("5", "0", True), ("3", "2", False), ("5", "4", False)],
)
def test_major_when_a_muscle_falls_to_three_or_below_from_four_or_above(before: str, after: str, major: bool) -> None:
    latest = assess_latest(
        motor(normal_visit(DAY1), "hip_abduction", "left", before),
        motor(normal_visit(DAY2), "hip_abduction", "left", after),
    )
    assert latest.worsening.worsened
    assert latest.worsening.major is major
    if major:
        assert latest.worsening.major_findings == (f"left hip abduction {before} → {after} (2026-11-02 → 2026-11-03)",)


FOURS = {
    "hip_flexion": "4",
    "knee_extension": "4",
    "ankle_dorsiflexion": "4",
    "great_toe_extension": "4",
    "ankle_plantarflexion": "4",
}


def test_major_when_lems_of_a_side_falls_by_five() -> None:
    latest = assess_latest(normal_visit(DAY1), motors(normal_visit(DAY2), "left", **FOURS))
    assert latest.lems.left == 20
    assert latest.worsening.major
    assert latest.worsening.major_findings == ("left LEMS 25 → 20 (2026-11-02 → 2026-11-03)",)


def test_a_lems_fall_of_four_is_not_major() -> None:
    latest = assess_latest(normal_visit(DAY1), motors(normal_visit(DAY2), "left", **{**FOURS, "hip_flexion": "5"}))
    assert latest.lems.left == 21
    assert latest.worsening.worsened and not latest.worsening.major


def test_lems_is_compared_with_the_last_visit_where_it_was_determinable_with_no_tagged_key_muscle() -> None:
    # Day 2's LEMS (21) has a tagged key muscle, so day 3 (20, clean) compares with day 1 (25): major.
    # Against day 2 it would be a fall of 1. No muscle falls to 3 or below, so only the LEMS makes it major.
    day2 = motor(normal_visit(DAY2), "ankle_plantarflexion", "left", "1*")
    visits = assess_all(normal_visit(DAY1), day2, motors(normal_visit(DAY3), "left", **FOURS))
    assert visits[1].lems.left == 21
    assert visits[2].worsening.major_findings == ("left LEMS 25 → 20 (2026-11-02 → 2026-11-04)",)


def test_lems_with_a_tagged_key_muscle_now_is_not_compared() -> None:
    latest = assess_latest(
        normal_visit(DAY1), motors(normal_visit(DAY2), "left", **{**FOURS, "ankle_plantarflexion": "4*"})
    )
    assert latest.lems.left == 20
    assert not latest.worsening.major


def test_lems_not_determinable_earlier_is_no_baseline() -> None:
    day1 = motor(normal_visit(DAY1), "hip_flexion", "left", "NT")
    latest = assess_latest(day1, motors(normal_visit(DAY2), "left", **{**FOURS, "hip_flexion": "5"}))
    assert not latest.worsening.major


def test_empty_visits_in_between_change_nothing() -> None:
    latest = assess_latest(gte(DAY1, "4"), empty_visit(DAY2), gte(DAY3, "3"))
    assert findings(latest) == ["left great-toe extension 4 → 3 (2026-11-02 → 2026-11-04)"]


def test_a_lems_fall_against_an_older_clean_baseline_is_major_without_worsening() -> None:
    """docs/rules.md, interpretation 4: the falls were reported at day 2 (LEMS "ND" there); at day 3
    no item fell against its own last grading, yet the left LEMS is 8 below day 1's clean 25."""
    threes = {item: "3" for item in FOURS}
    visits = assess_all(
        normal_visit(DAY1),
        motors(normal_visit(DAY2), "left", **{**threes, "ankle_plantarflexion": "NT"}),
        motors(normal_visit(DAY3), "left", **{**threes, "ankle_plantarflexion": "5"}),
    )
    assert visits[1].worsening.worsened and visits[1].lems.left == "ND"
    latest = visits[2]
    assert latest.lems.left == 17
    assert (latest.worsening.worsened, latest.worsening.major) == (False, True)
    assert latest.worsening.major_findings == ("left LEMS 25 → 17 (2026-11-02 → 2026-11-04)",)
