"""Spec 3.4: probable roots, their weights, ranking, tie-breaks and the findings behind each."""

from __future__ import annotations

import pytest

from exam_app.clinical.record import Visit
from tests.clinical.builders import (
    assess_one,
    gait,
    light_touch,
    motor,
    motors,
    normal_visit,
    reflex,
    sensation,
    tension,
)

WHEN = "2026-11-02T09:30+01:00"


def ranked(visit: Visit) -> list[tuple[str, str, float]]:
    return [(r.root, r.side, r.score) for r in assess_one(visit).probable_roots]


def test_the_clean_l5_case_ranks_l5_first_with_every_finding() -> None:
    visit = motors(normal_visit(WHEN), "left", great_toe_extension="3", hip_abduction="4", ankle_inversion="4")
    visit = sensation(visit, "L5", "left", "1")
    roots = assess_one(visit).probable_roots
    # great-toe extension 1 + 1 (L5 key muscle), hip abduction 1, inversion 1, light touch 1, pin prick 1.
    assert [(r.root, r.side, r.score) for r in roots] == [("L5", "left", 6.0)]
    assert roots[0].findings == (
        "left great-toe extension 3",
        "left hip abduction 4",
        "left ankle inversion 4",
        "left L5 light touch 1",
        "left L5 pin prick 1",
    )
    assert [e.points for e in roots[0].evidence] == [2.0, 1.0, 1.0, 1.0, 1.0]


def test_foot_drop_with_l5_signs_still_ranks_l5_first() -> None:
    visit = motors(normal_visit(WHEN), "left", ankle_dorsiflexion="2", great_toe_extension="3", hip_abduction="4")
    visit = light_touch(visit, "L5", "left", "1")
    # L4: dorsiflexion 1 + 1 (key muscle) = 2; L5: dorsiflexion 1, great toe 2, hip abduction 1, L5 1 = 5.
    assert ranked(visit) == [("L5", "left", 5.0), ("L4", "left", 2.0)]


def test_supporting_signs_add_half_a_point_to_each_of_their_roots() -> None:
    visit = motor(normal_visit(WHEN), "ankle_dorsiflexion", "left", "4")
    visit = tension(visit, "straight_leg_raise", "left", "positive", 40)  # L5, S1
    visit = gait(visit, "heel_walk", "left", "impaired")  # L4, L5
    roots = assess_one(visit).probable_roots
    assert [(r.root, r.side, r.score) for r in roots] == [("L4", "left", 2.5), ("L5", "left", 2.0), ("S1", "left", 0.5)]
    assert roots[2].findings == ("left straight leg raise positive at 40°",)
    assert roots[1].findings == (
        "left ankle dorsiflexion 4",
        "left straight leg raise positive at 40°",
        "left heel walk impaired",
    )


def test_a_supporting_sign_alone_lists_its_roots() -> None:
    visit = tension(normal_visit(WHEN), "femoral_stretch", "right", "positive")
    visit = gait(visit, "toe_walk", "right", "unable")
    assert ranked(visit) == [("L2", "right", 0.5), ("L3", "right", 0.5), ("L4", "right", 0.5), ("S1", "right", 0.5)]


def test_crossed_straight_leg_raise_counts_on_the_leg_it_is_recorded_under() -> None:
    visit = tension(normal_visit(WHEN), "crossed_straight_leg_raise", "left", "positive")
    assert ranked(visit) == [("L5", "left", 0.5), ("S1", "left", 0.5)]


@pytest.mark.parametrize("result", ["negative", "NT"])
def test_negative_or_nt_tension_signs_add_nothing(result: str) -> None:
    assert ranked(tension(normal_visit(WHEN), "straight_leg_raise", "left", result)) == []


def test_a_reduced_reflex_adds_one_to_each_of_its_roots() -> None:
    visit = reflex(normal_visit(WHEN), "patellar", "right", "0")
    roots = assess_one(visit).probable_roots
    assert [(r.root, r.side, r.score) for r in roots] == [("L3", "right", 1.0), ("L4", "right", 1.0)]
    assert roots[0].findings == ("right patellar reflex 0 (left 2)",)


@pytest.mark.parametrize("grade", ["0", "1", "3", "4-", "4+"])
def test_severity_does_not_change_the_weights(grade: str) -> None:
    assert ranked(motor(normal_visit(WHEN), "ankle_plantarflexion", "left", grade)) == [("S1", "left", 2.0)]


def test_ties_by_root_order_then_left_before_right() -> None:
    visit = motor(motor(normal_visit(WHEN), "hip_adduction", "right", "4"), "hip_adduction", "left", "4")
    assert ranked(visit) == [
        ("L2", "left", 1.0),
        ("L2", "right", 1.0),
        ("L3", "left", 1.0),
        ("L3", "right", 1.0),
        ("L4", "left", 1.0),
        ("L4", "right", 1.0),
    ]


def test_a_higher_score_outranks_root_order() -> None:
    visit = motor(motor(normal_visit(WHEN), "hip_adduction", "left", "4"), "ankle_plantarflexion", "right", "3")
    assert ranked(visit)[0] == ("S1", "right", 2.0)


def test_levels_outside_l2_to_s1_are_not_scored() -> None:
    visit = light_touch(light_touch(normal_visit(WHEN), "L1", "left", "1"), "S2", "left", "0")
    assert ranked(visit) == []


def test_no_finding_no_roots_and_tagged_values_add_nothing() -> None:
    assert ranked(normal_visit(WHEN)) == []
    assert ranked(motor(normal_visit(WHEN), "great_toe_extension", "left", "1*")) == []


def test_roots_are_scored_whatever_the_pattern() -> None:
    visit = motor(normal_visit(WHEN, vac="no"), "great_toe_extension", "left", "3")
    assessment = assess_one(visit)
    assert assessment.pattern == "cauda_equina"
    assert [(r.root, r.score) for r in assessment.probable_roots] == [("L5", 2.0)]
