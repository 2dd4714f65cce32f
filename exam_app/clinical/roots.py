"""Probable roots (spec 3.4): roots L2-S1 on each side scored from the visit's deficits and the
signs that support them, ranked, each with the findings behind its score.

A ranked list with its evidence, not one answer: bedside tests localise only modestly well, so the
clinician weighs the list. Severity does not change the weights (the weights are in rules.json).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from exam_app.clinical.deficits import ABNORMAL_SENSATION, REDUCED_REFLEX, WEAK_MUSCLE, Deficit
from exam_app.clinical.examination import Examination
from exam_app.clinical.findings import gait_finding, tension_finding
from exam_app.clinical.vocabulary import SIDES, vocabulary
from exam_app.tables import rules


class RootEvidence(NamedTuple):
    finding: str
    points: float


class ProbableRoot(NamedTuple):
    """A root on one side, its score and the findings behind it."""

    root: str
    side: str
    score: float
    evidence: tuple[RootEvidence, ...]

    @property
    def findings(self) -> tuple[str, ...]:
        return tuple(e.finding for e in self.evidence)


@dataclass(frozen=True)
class _Weights:
    positive_tension_sign_per_root: float
    abnormal_gait_per_root: float
    root_rank: dict[str, int]  # the scored roots L2-S1, in order
    positive_tension: frozenset[str]
    abnormal_gait: frozenset[str]
    tension_roots: dict[str, tuple[str, ...]]
    gait_roots: dict[str, tuple[str, ...]]


@cache
def _weights() -> _Weights:
    tables = rules()
    weights = tables.root_weights
    vocab = vocabulary()
    return _Weights(
        positive_tension_sign_per_root=weights.positive_tension_sign_per_root,
        abnormal_gait_per_root=weights.abnormal_gait_per_root,
        root_rank={root: rank for rank, root in enumerate(tables.probable_root_range)},
        positive_tension=frozenset(tables.supporting_tension_sign_results),
        abnormal_gait=frozenset(tables.supporting_gait_results),
        tension_roots={t.id: t.roots for t in vocab.tension_signs},
        gait_roots={g.id: g.roots for g in vocab.gait_items},
    )


def probable_roots(exam: Examination, deficits: Sequence[Deficit]) -> tuple[ProbableRoot, ...]:
    """Roots with at least one finding, highest score first; ties by root order, then left before right."""
    weights = _weights()
    evidence: dict[tuple[str, str], list[RootEvidence]] = {}
    for deficit in deficits:
        for key, found in _deficit_evidence(deficit.kind, deficit.item, deficit.side, deficit.finding):
            evidence.setdefault(key, []).append(found)
    for (sign, side), result in exam.tension_signs.items():
        if result.result in weights.positive_tension:
            finding = tension_finding(side, sign, result)
            for root in weights.tension_roots[sign]:
                evidence.setdefault((root, side), []).append(
                    RootEvidence(finding, weights.positive_tension_sign_per_root)
                )
    for (item, side), gait in exam.gait.items():
        if gait in weights.abnormal_gait:
            finding = gait_finding(side, item, gait)
            for root in weights.gait_roots[item]:
                evidence.setdefault((root, side), []).append(RootEvidence(finding, weights.abnormal_gait_per_root))

    rank = weights.root_rank
    ranked = [
        ProbableRoot(root, side, sum([e.points for e in found]), tuple(found))
        for (root, side), found in evidence.items()
        if root in rank  # only L2-S1 are scored; L1 and the sacral levels below S1 are left out
    ]
    ranked.sort(key=lambda r: (-r.score, rank[r.root], SIDES.index(r.side)))
    return tuple(ranked)


@cache  # one entry per kind of deficit, item, side and wording: a small table
def _deficit_evidence(
    kind: str, item: str, side: str, finding: str
) -> tuple[tuple[tuple[str, str], RootEvidence], ...]:
    return tuple(((root, side), RootEvidence(finding, points)) for root, points in _points(kind, item))


@cache
def _points(kind: str, item: str) -> tuple[tuple[str, float], ...]:
    weights = rules().root_weights
    vocab = vocabulary()
    if kind == WEAK_MUSCLE:
        muscle = vocab.motor(item)
        return tuple(
            (
                root,
                weights.weak_muscle_per_root
                + (weights.weak_key_muscle_bonus if root == muscle.key_root else 0.0),
            )
            for root in muscle.roots
        )
    if kind == ABNORMAL_SENSATION:
        return ((item, weights.abnormal_key_point_per_modality),)
    if kind == REDUCED_REFLEX:
        return tuple((root, weights.reduced_reflex_per_root) for root in vocab.reflex(item).roots)
    raise ValueError(f"unknown deficit kind {kind!r}")
