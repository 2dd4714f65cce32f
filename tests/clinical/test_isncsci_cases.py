"""Spec 3.1 against the 128 published ISNCSCI 2019 cases: LEMS left, right and total.

The five lower-limb key muscles of each case are read from the flat worksheet inputs
(`l2RightMotor` = hip flexion right, ... `s1LeftMotor` = ankle plantar flexion left); values are
written as the engine reads them ("0*", "NT**", ...); an empty string would be a side not examined.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from exam_app.clinical.examination import read_examination
from exam_app.clinical.record import Visit
from exam_app.clinical.scores import lower_extremity_motor_score
from tests.clinical.builders import at

CASES_FILE = Path(__file__).resolve().parents[1] / "data" / "isncsci-2019-cases.json"
CASES: list[dict[str, Any]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))

KEY_MUSCLE_OF_LEVEL = {
    "l2": "hip_flexion",
    "l3": "knee_extension",
    "l4": "ankle_dorsiflexion",
    "l5": "great_toe_extension",
    "s1": "ankle_plantarflexion",
}
SIDE_OF = {"Left": "left", "Right": "right"}


def key_muscles(case: dict[str, Any]) -> dict[str, dict[str, str]]:
    motor: dict[str, dict[str, str]] = {}
    for level, item in KEY_MUSCLE_OF_LEVEL.items():
        for worksheet_side, side in SIDE_OF.items():
            value = case[f"{level}{worksheet_side}Motor"]
            if value != "":
                motor.setdefault(item, {})[side] = value
    return motor


def expected(case: dict[str, Any]) -> tuple[str, str, str]:
    totals = case["totals"]
    return totals["leftLowerMotorTotal"], totals["rightLowerMotorTotal"], totals["lowerMotorTotal"]


def test_all_128_cases_are_there() -> None:
    assert len(CASES) == 128
    assert len({case["id"] for case in CASES}) == 128


def test_the_cases_cover_tags_nt_and_not_determinable() -> None:
    values = {v for case in CASES for v in (s for sides in key_muscles(case).values() for s in sides.values())}
    assert {"NT", "NT*", "0*", "0**", "4**"} <= values
    assert sum(1 for case in CASES if "ND" in expected(case)) >= 10


@pytest.mark.parametrize("case", CASES, ids=[f"case-{case['id']}" for case in CASES])
def test_lems_matches_the_published_case(case: dict[str, Any]) -> None:
    visit = Visit(examined_at=at("2026-11-02T09:30+01:00"), motor=key_muscles(case))
    lems = lower_extremity_motor_score(read_examination(visit))
    assert (str(lems.left), str(lems.right), str(lems.total)) == expected(case)
