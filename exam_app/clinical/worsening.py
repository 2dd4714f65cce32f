"""Worsening between visits of a patient (spec 3.2).

Each item and side is compared with its most recent earlier grading: the last earlier visit where it
was graded, untagged and not NT, so an item skipped at one visit is still compared. `EarlierFindings`
keeps those gradings as the visits are read in order, so a long record is read in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Generic, NamedTuple, TypeVar

from exam_app.clinical.deficits import SignObservation, sign_subject
from exam_app.clinical.examination import Examination, clinical_order
from exam_app.clinical.findings import change_finding, motor_subject, sensory_subject
from exam_app.clinical.grades import MotorGrade, SensoryScore, parse_motor_grade
from exam_app.clinical.scores import LowerExtremityMotorScore
from exam_app.clinical.vocabulary import SIDES
from exam_app.tables import rules

MOTOR = "motor"
SENSORY = "sensory"
UPPER_MOTOR_NEURON = "upper_motor_neuron"


class Change(NamedTuple):
    """One item and side that changed since its most recent earlier grading."""

    kind: str  # MOTOR, SENSORY or UPPER_MOTOR_NEURON
    side: str
    item: str  # motor item, sensory level or sign (plantar_response, ankle_clonus, a reflex id)
    before: str
    after: str
    before_examined_at: datetime
    finding: str
    modality: str | None = None  # for a sensory change


class Worsening(NamedTuple):
    worsened: bool
    major: bool
    changes: tuple[Change, ...]
    recheck: tuple[Change, ...]
    new_red_flags: tuple[str, ...]
    major_findings: tuple[str, ...]  # what made it major: a muscle to 3 or below, a LEMS drop


NO_WORSENING = Worsening(False, False, (), (), (), ())


_T = TypeVar("_T")


class Graded(NamedTuple, Generic[_T]):
    """A value and the time of the visit where it was seen."""

    value: _T
    examined_at: datetime


@dataclass(frozen=True)
class _Thresholds:
    major_to_at_most: int
    major_from_at_least: int
    lems_drop: int


@cache
def _thresholds() -> _Thresholds:
    major = rules().major_fall
    return _Thresholds(major.to_base_at_most, major.from_base_at_least, major.lems_side_drop)


@dataclass
class EarlierFindings:
    """The most recent earlier grading of every item and side, and what the previous visit said.

    A visit updates the grades it gave (untagged, not NT) in one step each, at C speed, which keeps
    a long record linear and fast; an item skipped at a visit keeps its older grading.
    """

    # Each grading and, beside it, when it was made. The times are kept apart from the grades, not
    # as the examinations that gave them: plain times and ids stay out of the garbage collector's
    # way, and only the previous examination is kept.
    motor: dict[tuple[str, str], MotorGrade] = field(default_factory=dict)
    motor_at: dict[tuple[str, str], datetime] = field(default_factory=dict)
    sensory: dict[tuple[str, str, str], SensoryScore] = field(default_factory=dict)
    sensory_at: dict[tuple[str, str, str], datetime] = field(default_factory=dict)
    signs: dict[tuple[str, str], SignObservation] = field(default_factory=dict)  # not NT
    signs_at: dict[tuple[str, str], datetime] = field(default_factory=dict)
    # Per side, the most recent LEMS determinable with no tagged key muscle.
    lems: dict[str, Graded[int]] = field(default_factory=dict)
    previous_red_flags: frozenset[str] | None = None  # None before the first visit
    previous: Examination | None = None

    def motor_grading(self, item: str, side: str) -> Graded[MotorGrade] | None:
        """The most recent earlier grading of a movement on a side, if any."""
        grade = self.motor.get((item, side))
        return None if grade is None else Graded(grade, self.motor_at[item, side])

    def compare(
        self, exam: Examination, signs: dict[tuple[str, str], SignObservation], lems: LowerExtremityMotorScore
    ) -> Worsening:
        """What worsened at this visit since the visits already taken in."""
        if self.previous_red_flags is None:
            return NO_WORSENING  # the first visit has nothing to compare with
        falls, recheck = self._motor_changes(exam)
        changes = falls + self._sensory_changes(exam) + self._new_signs(signs, exam.examined_at)
        changes.sort(key=_change_rank)
        recheck.sort(key=_change_rank)
        major_findings = _major_muscle_falls(changes) + self._major_lems_drops(lems, exam.examined_at)
        new_red_flags = tuple(f for f in exam.red_flags if f not in self.previous_red_flags)
        return Worsening(
            bool(changes),
            bool(major_findings),
            tuple(changes),
            tuple(recheck),
            new_red_flags,
            tuple(major_findings),
        )

    def take_in(
        self, exam: Examination, signs: dict[tuple[str, str], SignObservation], lems: LowerExtremityMotorScore
    ) -> None:
        """Remember this visit's gradings as the most recent earlier ones for the visits after it."""
        self.motor.update(exam.graded_motor)
        self.motor_at.update(dict.fromkeys(exam.graded_motor, exam.examined_at))
        self.sensory.update(exam.graded_sensory)
        self.sensory_at.update(dict.fromkeys(exam.graded_sensory, exam.examined_at))
        self.signs.update(signs)
        self.signs_at.update(dict.fromkeys(signs, exam.examined_at))
        at = exam.examined_at
        for side in lems.untagged_sides:
            side_lems = lems.side(side)
            if isinstance(side_lems, int):
                self.lems[side] = Graded(side_lems, at)
        self.previous_red_flags = frozenset(exam.red_flags)
        self.previous = exam

    def _motor_changes(self, exam: Examination) -> tuple[list[Change], list[Change]]:
        falls: list[Change] = []
        recheck: list[Change] = []
        if self.previous is not None and exam.graded_motor == self.previous.graded_motor:
            # The same grades as the previous visit (compared by identity first, at C speed): each
            # item's most recent earlier grading is that same grade, so nothing fell.
            return falls, recheck
        earlier = self.motor
        for key, grade in exam.graded_motor.items():
            before = earlier.get(key)
            if before is None or before is grade:
                continue  # grades are read once per text, so an unchanged grade is the same object
            assert before.base is not None and grade.base is not None  # graded values only
            item, side = key
            if grade.base < before.base:
                falls.append(_motor_change(item, side, before, grade, self.motor_at[key], exam.examined_at))
            elif grade.base == before.base and grade.modifier_rank < before.modifier_rank:
                recheck.append(_motor_change(item, side, before, grade, self.motor_at[key], exam.examined_at))
        return falls, recheck

    def _sensory_changes(self, exam: Examination) -> list[Change]:
        changes: list[Change] = []
        if self.previous is not None and exam.graded_sensory == self.previous.graded_sensory:
            return changes  # the same scores as the previous visit
        earlier = self.sensory
        for key, score in exam.graded_sensory.items():
            before = earlier.get(key)
            if before is None or before is score:
                continue
            assert before.score is not None and score.score is not None
            if score.score < before.score:
                modality, level, side = key
                at = self.sensory_at[key]
                subject = sensory_subject(side, modality, level)
                finding = change_finding(subject, before.text, score.text, at, exam.examined_at)
                changes.append(Change(SENSORY, side, level, before.text, score.text, at, finding, modality))
        return changes

    def _new_signs(self, signs: dict[tuple[str, str], SignObservation], at: datetime) -> list[Change]:
        """Signs shown now whose most recent earlier examination did not show them.

        A sign seen at the first visit that examined it is not new: nothing says it ever was absent.
        """
        changes = []
        for key, seen in signs.items():
            earlier = self.signs.get(key)
            if seen.shown and earlier is not None and not earlier.shown:
                sign, side = key
                earlier_at = self.signs_at[key]
                finding = change_finding(sign_subject(sign, side), earlier.value, seen.value, earlier_at, at)
                changes.append(Change(UPPER_MOTOR_NEURON, side, sign, earlier.value, seen.value, earlier_at, finding))
        return changes

    def _major_lems_drops(self, lems: LowerExtremityMotorScore, at: datetime) -> list[str]:
        drops = []
        for side in SIDES:
            now = lems.side(side)
            earlier = self.lems.get(side)
            if earlier is None or side not in lems.untagged_sides or not isinstance(now, int):
                continue
            if earlier.value - now >= _thresholds().lems_drop:
                drops.append(change_finding(f"{side} LEMS", str(earlier.value), str(now), earlier.examined_at, at))
        return drops


def _motor_change(
    item: str, side: str, before: MotorGrade, after: MotorGrade, earlier: datetime, later: datetime
) -> Change:
    finding = change_finding(motor_subject(side, item), before.text, after.text, earlier, later)
    return Change(MOTOR, side, item, before.text, after.text, earlier, finding)


def _change_rank(change: Change) -> tuple[int, ...]:
    """Examination order: left first; movements, then levels (light touch first), then signs."""
    order = clinical_order()
    side = order.sides[change.side]
    if change.kind == MOTOR:
        return (side, 0, order.motor[change.item])
    if change.kind == SENSORY:
        return (side, 1, order.levels[change.item], order.modalities[change.modality or ""])
    return (side, 2, order.signs[change.item])


def _major_muscle_falls(changes: list[Change]) -> list[str]:
    """Falls to base grade 3 or below from 4 or above (against gravity only, or worse)."""
    limits = _thresholds()
    return [
        change.finding
        for change in changes
        if change.kind == MOTOR
        and _base(change.after) <= limits.major_to_at_most
        and _base(change.before) >= limits.major_from_at_least
    ]


def _base(grade_text: str) -> int:
    base = parse_motor_grade(grade_text).base
    assert base is not None  # a fall is between two graded values
    return base
