"""The pattern of a visit's findings (spec 3.3), read from that visit alone; the first match wins.

The order matters clinically: signs of the cord or of the cauda equina outrank any localisation,
and a weakness that fits one peripheral nerve, with the muscles that would prove a root lesion
tested normal, is named before it is called a radiculopathy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise
from typing import NamedTuple

from exam_app.clinical.deficits import (
    ABNORMAL_SENSATION,
    REDUCED_REFLEX,
    WEAK_MUSCLE,
    Deficit,
    UpperMotorNeuronSign,
)
from exam_app.clinical.examination import Examination
from exam_app.clinical.findings import anal_finding, motor_finding, red_flag_finding, sensory_finding
from exam_app.clinical.vocabulary import SIDES, vocabulary
from exam_app.tables import Pattern, PeripheralNerveRule, rules

# The patterns of spec 3.3, first match wins.
CORD_OR_CENTRAL, CAUDA_EQUINA, PERIPHERAL_NERVE, RADICULOPATHY, MULTIRADICULAR, NORMAL, INDETERMINATE = Pattern


class PatternResult(NamedTuple):
    pattern: str
    findings: tuple[str, ...]
    nerve: str | None = None  # only for PERIPHERAL_NERVE


@dataclass(frozen=True)
class _Nerve:
    id: str
    label: str
    territory: dict[str, frozenset[str]]  # deficit kind -> items inside the nerve's territory
    weak_any: tuple[str, ...]
    weak_all: tuple[str, ...]
    tested_normal: tuple[str, ...]


@cache
def _nerves() -> tuple[_Nerve, ...]:
    return tuple(_nerve(row) for row in rules().peripheral_nerves)


def _nerve(row: PeripheralNerveRule) -> _Nerve:
    return _Nerve(
        id=row.id,
        label=row.label,
        territory={
            WEAK_MUSCLE: frozenset(row.motor),
            ABNORMAL_SENSATION: frozenset(row.sensory),
            REDUCED_REFLEX: frozenset(row.reflexes),
        },
        weak_any=row.requires_weak_any,
        weak_all=row.requires_weak_all,
        tested_normal=row.requires_tested_normal,
    )


@cache
def pattern_labels() -> dict[str, str]:
    return dict(rules().pattern_labels)


@cache
def nerve_labels() -> dict[str, str]:
    return {nerve.id: nerve.label for nerve in _nerves()}


@cache
def _root_order() -> tuple[str, ...]:
    return rules().root_order


def classify_pattern(
    exam: Examination,
    deficits: Sequence[Deficit],
    signs: Sequence[UpperMotorNeuronSign],
) -> PatternResult:
    """The first of the seven patterns of 3.3 that the visit's findings match."""
    if signs:
        return PatternResult(CORD_OR_CENTRAL, tuple(sign.finding for sign in signs))
    cauda_equina = cauda_equina_findings(exam)
    if cauda_equina:
        return PatternResult(CAUDA_EQUINA, cauda_equina)
    if deficits:
        return peripheral_nerve(exam, deficits) or _root_pattern(deficits)
    examined = count_examined(exam)
    if examined:
        return PatternResult(NORMAL, (f"no deficit and no upper-motor-neuron sign among {examined} findings examined",))
    return PatternResult(INDETERMINATE, ("no finding examined other than NT or tagged values",))


@dataclass(frozen=True)
class _CaudaEquina:
    anal_items: tuple[str, ...]
    anal_result: str
    sensory_keys: tuple[tuple[str, str, str], ...]  # (modality, level, side) of the saddle levels
    below: int
    red_flags: frozenset[str]


@cache
def _cauda_equina() -> _CaudaEquina:
    cauda = rules().cauda_equina
    modalities = [m.id for m in vocabulary().sensory_modalities]
    return _CaudaEquina(
        anal_items=cauda.anal_items_no,
        anal_result=cauda.anal_result,
        sensory_keys=tuple(
            (modality, level, side)
            for side in SIDES
            for level in cauda.sensory_levels_below_normal
            for modality in modalities
        ),
        below=rules().abnormal_sensory_below_score,
        red_flags=frozenset(cauda.red_flags),
    )


def cauda_equina_findings(exam: Examination) -> tuple[str, ...]:
    """Absent anal contraction or pressure, saddle sensation below normal, a cauda-equina red flag."""
    rules = _cauda_equina()
    findings = [
        anal_finding(item, rules.anal_result) for item in rules.anal_items if exam.anal.get(item) == rules.anal_result
    ]
    for key in rules.sensory_keys:
        score = exam.graded_sensory.get(key)
        if score is not None and score.score is not None and score.score < rules.below:
            modality, level, side = key
            findings.append(sensory_finding(side, modality, level, score.text))
    findings += [red_flag_finding(flag) for flag in exam.red_flags if flag in rules.red_flags]
    return tuple(findings)


def peripheral_nerve(exam: Examination, deficits: Sequence[Deficit]) -> PatternResult | None:
    """The first nerve, in table order, whose territory holds every deficit of the one affected side."""
    sides = {d.side for d in deficits}
    if len(sides) != 1:
        return None
    (side,) = sides
    weak = {d.item for d in deficits if d.kind == WEAK_MUSCLE}
    for nerve in _nerves():
        if not _fits_nerve(nerve, deficits, weak):
            continue
        normal = _tested_normal(exam, nerve, side)
        if normal is not None:
            findings = tuple(d.finding for d in deficits) + normal
            return PatternResult(PERIPHERAL_NERVE, findings, nerve.id)
    return None


def _fits_nerve(nerve: _Nerve, deficits: Sequence[Deficit], weak: set[str]) -> bool:
    """The weakness the nerve needs is there, and every deficit lies in the nerve's territory."""
    if nerve.weak_any and weak.isdisjoint(nerve.weak_any):
        return False
    if not weak.issuperset(nerve.weak_all):
        return False
    return all(d.item in nerve.territory[d.kind] for d in deficits)


def _tested_normal(exam: Examination, nerve: _Nerve, side: str) -> tuple[str, ...] | None:
    """The findings that rule out a root lesion, each tested at this visit at base grade 5, or None.

    A tagged 5 does not count: the rules skip tagged values, and "not tested" must not pass.
    """
    normal_base = rules().tested_normal_base
    findings = []
    for item in nerve.tested_normal:
        grade = exam.graded_motor.get((item, side))
        if grade is None or grade.base != normal_base:
            return None
        findings.append(motor_finding(side, item, grade.text))
    return tuple(findings)


def _root_pattern(deficits: Sequence[Deficit]) -> PatternResult:
    findings = tuple(d.finding for d in deficits)
    sides = {d.side for d in deficits}
    if len(sides) == 1 and explaining_roots(deficits) is not None:
        return PatternResult(RADICULOPATHY, findings)
    return PatternResult(MULTIRADICULAR, findings)


def explaining_roots(deficits: Sequence[Deficit]) -> tuple[str, ...] | None:
    """The first single root, else the first two adjacent roots (L1 ... S4_5), explaining all deficits."""
    return _explaining_roots(frozenset(d.roots for d in deficits))


@lru_cache(maxsize=4096)
def _explaining_roots(root_sets: frozenset[tuple[str, ...]]) -> tuple[str, ...] | None:
    # Cached: a patient's visits keep showing the same few combinations of deficits.
    order = _root_order()
    shared = frozenset(order).intersection(*root_sets)
    for root in order:
        if root in shared:
            return (root,)
    for lower, upper in pairwise(order):
        if all(lower in roots or upper in roots for roots in root_sets):
            return (lower, upper)
    return None


def count_examined(exam: Examination) -> int:
    """Examination findings recorded with a value other than NT and untagged (the rules skip tags)."""
    count = len(exam.graded_motor) + len(exam.graded_sensory)  # graded, untagged and not NT
    count += sum(1 for grade in exam.reflexes.values() if grade is not None)
    count += sum(1 for response in exam.plantar_response.values() if response != "NT")
    count += len(exam.ankle_clonus_beats)
    count += sum(1 for sign in exam.tension_signs.values() if sign.result != "NT")
    count += sum(1 for result in exam.gait.values() if result != "NT")
    count += sum(1 for result in exam.anal.values() if result != "NT")
    return count
