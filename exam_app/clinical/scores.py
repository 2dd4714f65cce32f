"""Scores of one visit (spec 3.1): the lower-extremity motor score and the sensory subtotals.

As in ISNCSCI, a tagged value counts by its number, while `NT` (tagged or not) or an item not
examined makes the side's score not determinable, `"ND"`.
"""

from __future__ import annotations

from functools import cache
from typing import Literal, NamedTuple

from exam_app.clinical.examination import Examination
from exam_app.clinical.findings import level_label, modality_label, motor_finding, movement, sensory_finding
from exam_app.clinical.vocabulary import LEFT, RIGHT, SIDES, vocabulary
from exam_app.tables import rules

NOT_DETERMINABLE: Literal["ND"] = "ND"

Score = int | Literal["ND"]


class LowerExtremityMotorScore(NamedTuple):
    """LEMS: per side the sum of the base grades of the five key muscles (0-25), and the total."""

    left: Score
    right: Score
    total: Score
    # Sides whose LEMS is determinable with no tagged key muscle: only these are compared for a
    # major fall (3.2), since a tagged grade is not the nerve lesion's doing.
    untagged_sides: frozenset[str]
    notes: tuple[str, ...]  # why a side is ND, which tagged grades were counted by number

    def side(self, side: str) -> Score:
        return self.left if side == LEFT else self.right


class SideScores(NamedTuple):
    left: Score
    right: Score

    def side(self, side: str) -> Score:
        return self.left if side == LEFT else self.right


class SensorySubtotals(NamedTuple):
    """Per modality and side, the sum of the scores at the nine levels L1-S4_5 (0-18)."""

    light_touch: SideScores
    pin_prick: SideScores
    notes: tuple[str, ...]

    def modality(self, modality: str) -> SideScores:
        if modality == "light_touch":
            return self.light_touch
        if modality == "pin_prick":
            return self.pin_prick
        raise KeyError(modality)


@cache
def _key_muscles() -> tuple[str, ...]:
    return rules().key_muscles


@cache
def _levels() -> tuple[str, ...]:
    return tuple(level.id for level in vocabulary().sensory_levels)


def add_scores(left: Score, right: Score) -> Score:
    if left == NOT_DETERMINABLE or right == NOT_DETERMINABLE:
        return NOT_DETERMINABLE
    return left + right


@cache
def _lems_keys() -> dict[str, tuple[tuple[str, str], ...]]:
    return {side: tuple((item, side) for item in _key_muscles()) for side in SIDES}


@cache
def _sensory_keys() -> dict[tuple[str, str], tuple[tuple[str, str, str], ...]]:
    modalities = [m.id for m in vocabulary().sensory_modalities]
    return {
        (modality, side): tuple((modality, level, side) for level in _levels())
        for modality in modalities
        for side in SIDES
    }


def lower_extremity_motor_score(exam: Examination) -> LowerExtremityMotorScore:
    sides: dict[str, Score] = {}
    untagged: set[str] = set()
    notes: list[str] = []
    for side, keys in _lems_keys().items():
        bases = [grade.base for key in keys if (grade := exam.graded_motor.get(key)) is not None]
        if len(bases) == len(keys):  # the usual visit: all five graded, none tagged or NT
            sides[side] = sum([base or 0 for base in bases])
            untagged.add(side)
        else:
            # A key muscle tagged, NT or not examined: never a side "determinable with no tagged key muscle".
            sides[side] = _side_lems_with_notes(exam, side, notes)
    left, right = sides[LEFT], sides[RIGHT]
    return LowerExtremityMotorScore(left, right, add_scores(left, right), frozenset(untagged), tuple(notes))


def _side_lems_with_notes(exam: Examination, side: str, notes: list[str]) -> Score:
    """A side with a key muscle tagged, NT or not examined: the score and the notes that say why."""
    total = 0
    missing: list[tuple[str, str | None]] = []  # (item, NT value or None if not examined)
    tagged: list[str] = []
    for item_id in _key_muscles():
        grade = exam.motor.get((item_id, side))
        if grade is None:
            missing.append((movement(item_id), None))
        elif grade.base is None:
            missing.append((movement(item_id), grade.text))
        else:
            total += grade.base
            if grade.tag:
                tagged.append(motor_finding(side, item_id, grade.text))
    notes.extend(f"{side} LEMS counts {finding} by its number" for finding in tagged)
    if missing:
        notes.append(f"{side} LEMS not determinable: {_missing_text(missing)}")
        return NOT_DETERMINABLE
    return total


def sensory_subtotals(exam: Examination) -> SensorySubtotals:
    notes: list[str] = []
    subtotals: dict[tuple[str, str], Score] = {}
    for (modality, side), keys in _sensory_keys().items():
        scores = [score.score for key in keys if (score := exam.graded_sensory.get(key)) is not None]
        if len(scores) == len(keys):  # the usual visit: all nine scored, none tagged or NT
            subtotals[modality, side] = sum([score or 0 for score in scores])
        else:
            subtotals[modality, side] = _side_subtotal_with_notes(exam, modality, side, notes)
    return SensorySubtotals(
        SideScores(subtotals["light_touch", LEFT], subtotals["light_touch", RIGHT]),
        SideScores(subtotals["pin_prick", LEFT], subtotals["pin_prick", RIGHT]),
        tuple(notes),
    )


def _side_subtotal_with_notes(exam: Examination, modality: str, side: str, notes: list[str]) -> Score:
    total = 0
    missing: list[tuple[str, str | None]] = []  # (level, NT value or None if not examined)
    subtotal = f"{side} {modality_label(modality)} subtotal"
    for level in _levels():
        score = exam.sensory.get((modality, level, side))
        if score is None:
            missing.append((level_label(level), None))
        elif score.score is None:
            missing.append((level_label(level), score.text))
        else:
            total += score.score
            if score.tag:
                notes.append(f"{subtotal} counts {sensory_finding(side, modality, level, score.text)} by its number")
    if missing:
        notes.append(f"{subtotal} not determinable: {_missing_text(missing)}")
        return NOT_DETERMINABLE
    return total


def _missing_text(missing: list[tuple[str, str | None]]) -> str:
    """'hip flexion, knee extension not examined; ankle plantar flexion NT*'."""
    parts = [f"{item} {value}" for item, value in missing if value is not None]
    not_examined = [item for item, value in missing if value is None]
    if not_examined:
        parts.insert(0, f"{', '.join(not_examined)} not examined")
    return "; ".join(parts)
