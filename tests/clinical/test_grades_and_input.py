"""Spec 1.1-1.3: the grade grammar, and values outside the vocabulary refused, never read as zero."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from exam_app.clinical.examination import read_examination
from exam_app.clinical.grades import parse_motor_grade, parse_sensory_score
from exam_app.clinical.record import TensionSign
from tests.clinical.builders import empty_visit, normal_visit


@pytest.mark.parametrize(
    ("text", "base", "modifier", "tag"),
    [
        ("0", 0, "", ""),
        ("5", 5, "", ""),
        ("1-", 1, "-", ""),
        ("4+", 4, "+", ""),
        ("4-", 4, "-", ""),
        ("3*", 3, "", "*"),
        ("0**", 0, "", "**"),
        ("5*", 5, "", "*"),
        ("2+*", 2, "+", "*"),
        ("4-**", 4, "-", "**"),
        ("NT", None, "", ""),
        ("NT*", None, "", "*"),
        ("NT**", None, "", "**"),
    ],
)
def test_valid_motor_grades_read_base_modifier_and_tag(text: str, base: int | None, modifier: str, tag: str) -> None:
    grade = parse_motor_grade(text)
    assert (grade.base, grade.modifier, grade.tag) == (base, modifier, tag)
    assert grade.usable == (base is not None and not tag)


@pytest.mark.parametrize(
    "text", ["5+", "5-", "0-", "0+", "6", "-1", "NT***", "3***", "", " 4", "4 ", "4++", "+4", "nt", "N", "4.0", "*"]
)
def test_invalid_motor_grades_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a motor grade"):
        parse_motor_grade(text)


@pytest.mark.parametrize(
    ("text", "score", "tag"),
    [("0", 0, ""), ("1", 1, ""), ("2", 2, ""), ("1*", 1, "*"), ("0**", 0, "**"), ("NT", None, ""), ("NT*", None, "*")],
)
def test_valid_sensory_scores(text: str, score: int | None, tag: str) -> None:
    parsed = parse_sensory_score(text)
    assert (parsed.score, parsed.tag) == (score, tag)


@pytest.mark.parametrize("text", ["3", "2+", "1-", "NT***", "", "-1", "2***"])
def test_invalid_sensory_scores_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a sensory score"):
        parse_sensory_score(text)


def test_a_visit_with_a_grade_outside_the_grammar_names_item_and_side() -> None:
    visit = normal_visit("2026-11-02T09:30+01:00")
    visit.motor["ankle_dorsiflexion"]["left"] = "6"
    with pytest.raises(ValueError, match=r"^motor\.ankle_dorsiflexion\.left: '6' is not a motor grade$"):
        read_examination(visit)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"motor": {"toe_curl": {"left": "5"}}}, "motor: unknown id 'toe_curl'"),
        ({"motor": {"hip_flexion": {"middle": "5"}}}, "motor.hip_flexion: unknown id 'middle'"),
        ({"motor": {"hip_flexion": {"left": 5}}}, "motor.hip_flexion.left: 5 is not a motor grade"),
        ({"motor": {"hip_flexion": {"left": ["5"]}}}, "motor.hip_flexion.left: ['5'] is not a motor grade"),
        ({"light_touch": {"L5": {"left": "3"}}}, "light_touch.L5.left: '3' is not a sensory score"),
        ({"pin_prick": {"S6": {"left": "2"}}}, "pin_prick: unknown id 'S6'"),
        ({"reflexes": {"achilles": {"left": "5"}}}, "reflexes.achilles.left: '5' is not a reflex grade"),
        ({"reflexes": {"adductor": {"left": "2"}}}, "reflexes: unknown id 'adductor'"),
        ({"plantar_response": {"left": "upgoing"}}, "plantar_response.left: 'upgoing'"),
        ({"ankle_clonus_beats": {"left": -1}}, "ankle_clonus_beats.left: -1 is not a count of beats"),
        ({"ankle_clonus_beats": {"left": True}}, "ankle_clonus_beats.left: True is not a count of beats"),
        ({"gait": {"heel_walk": {"left": "poor"}}}, "gait.heel_walk.left: 'poor' is not a gait result"),
        ({"tension_signs": {"straight_leg_raise": {"left": TensionSign("maybe")}}}, "'maybe' is not a tension-sign"),
        ({"vac": "perhaps"}, "vac: 'perhaps'"),
        ({"red_flags": ("dizziness",)}, "red_flags: unknown id 'dizziness'"),
    ],
)
def test_values_outside_the_vocabulary_are_refused(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")):
        read_examination(replace(empty_visit("2026-11-02T09:30+01:00"), **change))


def test_a_time_without_offset_is_refused() -> None:
    with pytest.raises(ValueError, match="has no time zone"):
        read_examination(empty_visit(datetime(2026, 11, 2, 9, 30)))


def test_a_side_given_as_none_was_not_examined() -> None:
    exam = read_examination(replace(empty_visit("2026-11-02T09:30+01:00"), motor={"hip_flexion": {"left": None}}))
    assert exam.motor == {}
