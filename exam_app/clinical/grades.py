"""Motor grades (MRC 0-5 with modifiers and ISNCSCI tags) and sensory scores (spec 1.1, 1.2).

A grade that does not parse is invalid input, never a zero: the parsers raise `ValueError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

_MOTOR = re.compile(r"(?:(?P<base>[05])|(?P<mid>[1-4])(?P<mod>[+-])?)(?P<tag>\*{1,2})?|NT(?P<nttag>\*{1,2})?")
_SENSORY = re.compile(r"(?P<base>[0-2])(?P<tag>\*{1,2})?|NT(?P<nttag>\*{1,2})?")

# A modifier ranks the grade within its base: 4- < 4 < 4+.
_MODIFIER_RANK = {"-": -1, "": 0, "+": 1}


@dataclass(frozen=True)
class MotorGrade:
    text: str
    base: int | None  # None for NT
    modifier: str  # "", "+" or "-"
    tag: str  # "", "*" or "**"

    @property
    def not_testable(self) -> bool:
        return self.base is None

    @property
    def tagged(self) -> bool:
        return bool(self.tag)

    @property
    def usable(self) -> bool:
        """Counts for the rules of section 3: graded, untagged and not NT."""
        return self.base is not None and not self.tag

    @property
    def modifier_rank(self) -> int:
        return _MODIFIER_RANK[self.modifier]


@dataclass(frozen=True)
class SensoryScore:
    text: str
    score: int | None  # None for NT
    tag: str

    @property
    def not_testable(self) -> bool:
        return self.score is None

    @property
    def tagged(self) -> bool:
        return bool(self.tag)

    @property
    def usable(self) -> bool:
        return self.score is not None and not self.tag


@cache
def parse_motor_grade(text: str) -> MotorGrade:
    """`"4-"` -> MotorGrade(base=4, modifier="-"); raises ValueError for anything else."""
    match = _MOTOR.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not a motor grade")
    if text.startswith("NT"):
        return MotorGrade(text, None, "", match["nttag"] or "")
    base = match["base"] or match["mid"]
    return MotorGrade(text, int(base), match["mod"] or "", match["tag"] or "")


@cache
def parse_sensory_score(text: str) -> SensoryScore:
    """`"1*"` -> SensoryScore(score=1, tag="*"); raises ValueError for anything else."""
    match = _SENSORY.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not a sensory score")
    if text.startswith("NT"):
        return SensoryScore(text, None, match["nttag"] or "")
    return SensoryScore(text, int(match["base"]), match["tag"] or "")


def is_motor_grade(text: object) -> bool:
    return isinstance(text, str) and _MOTOR.fullmatch(text) is not None


def is_sensory_score(text: object) -> bool:
    return isinstance(text, str) and _SENSORY.fullmatch(text) is not None
