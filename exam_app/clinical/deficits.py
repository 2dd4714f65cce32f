"""The deficits and upper-motor-neuron signs of one visit (spec 3.3), which the pattern, the probable
roots, the window period and urgency all read.

Tagged and `NT` values are never deficits: the examiner has said a tagged value is not the nerve
lesion's doing, and `NT` says nothing about the nerve.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from operator import attrgetter
from typing import NamedTuple

from exam_app.clinical.examination import Examination, clinical_order
from exam_app.clinical.findings import (
    beats_text,
    clonus_finding,
    motor_finding,
    plantar_finding,
    reflex_finding,
    reflex_subject,
    sensory_finding,
)
from exam_app.clinical.vocabulary import LEFT, RIGHT, vocabulary
from exam_app.tables import rules

WEAK_MUSCLE = "weak_muscle"
ABNORMAL_SENSATION = "abnormal_sensation"
REDUCED_REFLEX = "reduced_reflex"

PLANTAR_RESPONSE = "plantar_response"
ANKLE_CLONUS = "ankle_clonus"


class Deficit(NamedTuple):
    """A finding that counts as a deficit in 3.3 (a tuple: a visit can hold dozens)."""

    kind: str  # WEAK_MUSCLE, ABNORMAL_SENSATION or REDUCED_REFLEX
    side: str
    item: str  # motor item, sensory level or reflex id
    roots: tuple[str, ...]  # the roots that would explain it (3.3)
    finding: str
    key_root: str | None = None  # a weak ISNCSCI key muscle's root
    modality: str | None = None  # for an abnormal sensation
    rank: tuple[int, ...] = ()  # where it is listed: left first, then in examination order


@dataclass(frozen=True)
class UpperMotorNeuronSign:
    sign: str  # PLANTAR_RESPONSE, ANKLE_CLONUS or a reflex id (graded 4)
    side: str
    finding: str


class SignObservation(NamedTuple):
    """An upper-motor-neuron sign examined on one side (not NT): shown or not, and the value seen."""

    shown: bool
    value: str


@dataclass(frozen=True)
class _Rules:
    weak_below: int
    abnormal_below: int
    reduced_reflex_max: int
    hyperreflexia: int
    clonus_abnormal: int
    umn_plantar: frozenset[str]
    muscle_roots: dict[str, tuple[str, ...]]
    key_roots: dict[str, str | None]
    reflex_roots: dict[str, tuple[str, ...]]
    reflexes: tuple[str, ...]


@cache
def _rules() -> _Rules:
    tables = rules()
    vocab = vocabulary()
    return _Rules(
        weak_below=tables.weak_muscle_below_base,
        abnormal_below=tables.abnormal_sensory_below_score,
        reduced_reflex_max=tables.reduced_reflex_max_grade,
        hyperreflexia=tables.hyperreflexia_grade,
        clonus_abnormal=tables.clonus_abnormal_beats,
        umn_plantar=frozenset(tables.upper_motor_neuron_plantar_responses),
        muscle_roots={m.id: m.roots for m in vocab.motor_items},
        key_roots={m.id: m.key_root for m in vocab.motor_items},
        reflex_roots={r.id: r.roots for r in vocab.reflexes},
        reflexes=tuple(r.id for r in vocab.reflexes),
    )


def _other(side: str) -> str:
    return RIGHT if side == LEFT else LEFT


def weak_muscles(exam: Examination) -> list[Deficit]:
    """Muscles graded, untagged, at base grade below 5."""
    below = _rules().weak_below
    return [
        _weak_muscle(item, side, grade.text)
        for (item, side), grade in exam.graded_motor.items()
        if grade.base is not None and grade.base < below
    ]


def abnormal_sensations(exam: Examination) -> list[Deficit]:
    """Key sensory points scored, untagged, below 2 (one deficit per modality)."""
    below = _rules().abnormal_below
    return [
        _abnormal_sensation(modality, level, side, score.text)
        for (modality, level, side), score in exam.graded_sensory.items()
        if score.score is not None and score.score < below
    ]


# A deficit depends only on its item, side and value: made once each (a few hundred at most).
@cache
def _weak_muscle(item: str, side: str, grade: str) -> Deficit:
    rules = _rules()
    finding = motor_finding(side, item, grade)
    rank = _deficit_rank(side, WEAK_MUSCLE, item, None)
    return Deficit(WEAK_MUSCLE, side, item, rules.muscle_roots[item], finding, rules.key_roots[item], None, rank)


@cache
def _abnormal_sensation(modality: str, level: str, side: str, score: str) -> Deficit:
    finding = sensory_finding(side, modality, level, score)
    rank = _deficit_rank(side, ABNORMAL_SENSATION, level, modality)
    return Deficit(ABNORMAL_SENSATION, side, level, (level,), finding, None, modality, rank)


@cache
def _reduced_reflex(reflex: str, side: str, grade: int, other_side: str, other: int) -> Deficit:
    finding = reflex_finding(side, reflex, grade, other_side, other)
    rank = _deficit_rank(side, REDUCED_REFLEX, reflex, None)
    return Deficit(REDUCED_REFLEX, side, reflex, _rules().reflex_roots[reflex], finding, None, None, rank)


def reduced_reflexes(exam: Examination) -> list[Deficit]:
    """A reflex graded 0-1 while the other side's is at least one grade higher.

    Bilaterally absent reflexes alone are not a deficit (they are common with age).
    """
    rules = _rules()
    deficits = []
    for (reflex, side), grade in exam.reflexes.items():
        other_side = _other(side)
        other = exam.reflexes.get((reflex, other_side))
        if grade is None or other is None or grade > rules.reduced_reflex_max or other < grade + 1:
            continue
        deficits.append(_reduced_reflex(reflex, side, grade, other_side, other))
    return deficits


def visit_deficits(exam: Examination) -> tuple[Deficit, ...]:
    """All deficits of the visit, left side first, each side in examination order."""
    found = weak_muscles(exam) + abnormal_sensations(exam) + reduced_reflexes(exam)
    found.sort(key=_by_rank)
    return tuple(found)


_by_rank = attrgetter("rank")


def _deficit_rank(side: str, kind: str, item: str, modality: str | None) -> tuple[int, ...]:
    order = clinical_order()
    if kind == WEAK_MUSCLE:
        return (order.sides[side], 0, order.motor[item])
    if kind == ABNORMAL_SENSATION:
        return (order.sides[side], 1, order.levels[item], order.modalities[modality or ""])
    return (order.sides[side], 2, order.reflexes[item])


def upper_motor_neuron_signs(exam: Examination) -> tuple[UpperMotorNeuronSign, ...]:
    """Extensor plantar responses, ankle clonus of 3 beats or more, reflexes graded 4."""
    rules = _rules()
    signs = []
    for side in (LEFT, RIGHT):
        response = exam.plantar_response.get(side)
        if response in rules.umn_plantar:
            signs.append(UpperMotorNeuronSign(PLANTAR_RESPONSE, side, plantar_finding(side, response)))
        beats = exam.ankle_clonus_beats.get(side)
        if beats is not None and beats >= rules.clonus_abnormal:
            signs.append(UpperMotorNeuronSign(ANKLE_CLONUS, side, clonus_finding(side, beats)))
        for reflex in rules.reflexes:
            if exam.reflexes.get((reflex, side)) == rules.hyperreflexia:
                signs.append(UpperMotorNeuronSign(reflex, side, reflex_finding(side, reflex, rules.hyperreflexia)))
    return tuple(signs)


def sign_observations(exam: Examination) -> dict[tuple[str, str], SignObservation]:
    """Every upper-motor-neuron sign examined at the visit (value other than NT), by (sign, side)."""
    seen: dict[tuple[str, str], SignObservation] = {}
    for side, response in exam.plantar_response.items():
        if response != "NT":
            seen[PLANTAR_RESPONSE, side] = _plantar_observation(response)
    for side, beats in exam.ankle_clonus_beats.items():
        seen[ANKLE_CLONUS, side] = _clonus_observation(beats)
    for (reflex, side), grade in exam.reflexes.items():
        if grade is not None:
            seen[reflex, side] = _reflex_observation(grade)
    return seen


@cache
def _plantar_observation(response: str) -> SignObservation:
    return SignObservation(response in _rules().umn_plantar, response)


@lru_cache(maxsize=64)  # beats are any count; the usual few are kept
def _clonus_observation(beats: int) -> SignObservation:
    return SignObservation(beats >= _rules().clonus_abnormal, beats_text(beats))


@cache
def _reflex_observation(grade: int) -> SignObservation:
    return SignObservation(grade == _rules().hyperreflexia, str(grade))


def sign_subject(sign: str, side: str) -> str:
    """How a sign is named in a change: 'left plantar response', 'left patellar reflex'."""
    if sign == PLANTAR_RESPONSE:
        return f"{side} plantar response"
    if sign == ANKLE_CLONUS:
        return f"{side} ankle clonus"
    return reflex_subject(side, sign)
