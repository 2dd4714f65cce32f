"""The engine's answer for a patient's visits (spec sections 3 and 4): scores, pattern, probable
roots, worsening, window period and urgency, visit by visit in order of examination.

Decision support for the clinician, never a diagnosis: every statement carries the findings it
came from. The visits are read in one pass, each compared with the most recent earlier grading of
every item, so a draft visit can be assessed against the stored ones on every keystroke.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from exam_app.clinical.deficits import (
    WEAK_MUSCLE,
    sign_observations,
    upper_motor_neuron_signs,
    visit_deficits,
)
from exam_app.clinical.examination import read_examination
from exam_app.clinical.pattern import classify_pattern, nerve_labels, pattern_labels
from exam_app.clinical.record import ExamRecord, Visit
from exam_app.clinical.roots import ProbableRoot, probable_roots
from exam_app.clinical.scores import (
    LowerExtremityMotorScore,
    SensorySubtotals,
    lower_extremity_motor_score,
    sensory_subtotals,
)
from exam_app.clinical.urgency import UrgencyTrigger, newly_severe_muscles, visit_urgency
from exam_app.clinical.window import OnsetSoFar, WindowStatus, window_length, window_status
from exam_app.clinical.worsening import Change, EarlierFindings, Worsening
from exam_app.tables import rules


@dataclass(frozen=True)
class VisitAssessment:
    visit: Visit
    lems: LowerExtremityMotorScore
    sensory: SensorySubtotals
    pattern: str
    pattern_findings: tuple[str, ...]
    nerve: str | None
    probable_roots: tuple[ProbableRoot, ...]
    red_flags: tuple[str, ...]
    urgency: str
    urgency_reasons: tuple[str, ...]
    window: WindowStatus  # measured from the visit's examined_at
    worsening: Worsening
    window_onset_from: str | None = None  # where the onset comes from, for the clinician to check
    urgency_triggers: tuple[UrgencyTrigger, ...] = ()

    @property
    def examined_at(self) -> datetime:
        return self.visit.examined_at

    @property
    def progression_within_window(self) -> bool:
        """The headline alert: worse than before, and still inside the window period."""
        return self.worsening.worsened and self.window.within

    def to_json(self) -> dict[str, Any]:
        """The visit's entry of the `assess` output (spec section 4), plus a few optional keys."""
        return {
            "examined_at": self.visit.examined_at.isoformat(),
            "lems": {"left": self.lems.left, "right": self.lems.right, "total": self.lems.total},
            "sensory": {
                modality: {"left": scores.left, "right": scores.right}
                for modality, scores in (
                    ("light_touch", self.sensory.light_touch),
                    ("pin_prick", self.sensory.pin_prick),
                )
            },
            "score_notes": list(self.lems.notes + self.sensory.notes),
            "pattern": self.pattern,
            "pattern_label": pattern_labels()[self.pattern],
            "pattern_findings": list(self.pattern_findings),
            "nerve": self.nerve,
            "nerve_label": nerve_labels()[self.nerve] if self.nerve is not None else None,
            "probable_roots": [_root_json(root) for root in self.probable_roots],
            "red_flags": list(self.red_flags),
            "urgency": self.urgency,
            "urgency_reasons": list(self.urgency_reasons),
            "urgency_triggers": [{"tier": t.tier, "reason": t.reason} for t in self.urgency_triggers],
            "window": _window_json(self.window, self.window_onset_from),
            "worsening": _worsening_json(self.worsening),
            "progression_within_window": self.progression_within_window,
        }


@dataclass(frozen=True)
class RecordAssessment:
    record_number: str
    window_days: int
    rules_version: int
    visits: list[VisitAssessment]  # in order of examined_at

    @property
    def progression_within_window(self) -> bool:
        """Any visit worsened while within the window period."""
        return any(v.progression_within_window for v in self.visits)

    def to_json(self) -> dict[str, Any]:
        """Exactly the structure of spec section 4 (with optional extra keys)."""
        return {
            "record_number": self.record_number,
            "rules_version": self.rules_version,
            "window_days": self.window_days,
            "visits": [visit.to_json() for visit in self.visits],
            "progression_within_window": self.progression_within_window,
        }


def assess_record(record: ExamRecord, window_days: int | None = None) -> RecordAssessment:
    """Assess every visit of the record; `window_days` None means the clinic default of rules.json.

    Raises ValueError when `window_days` is outside the allowed range or a value is not in the vocabulary.
    """
    days = window_length(window_days)
    return RecordAssessment(
        record_number=record.patient.record_number,
        window_days=days,
        rules_version=rules().rules_version,
        visits=assess_visits(record.visits, days),
    )


def assess_visits(visits: Sequence[Visit], window_days: int | None = None) -> list[VisitAssessment]:
    """Assess visits in order of examination, each against the ones before it.

    For a visit being typed, pass the stored visits and the draft: the draft, examined last, is
    the last assessment returned.
    """
    days = window_length(window_days)
    earlier = EarlierFindings()
    onset = OnsetSoFar()
    assessments = []
    for visit in sorted(visits, key=lambda v: v.examined_at.timestamp()):
        assessment, onset = _assess_visit(visit, earlier, onset, days)
        assessments.append(assessment)
    return assessments


def _assess_visit(
    visit: Visit, earlier: EarlierFindings, onset: OnsetSoFar, window_days: int
) -> tuple[VisitAssessment, OnsetSoFar]:
    """One visit against the earlier ones; takes it into `earlier` and returns the onset so far."""
    exam = read_examination(visit)
    lems = lower_extremity_motor_score(exam)
    deficits = visit_deficits(exam)
    signs = upper_motor_neuron_signs(exam)
    observed_signs = sign_observations(exam)
    pattern = classify_pattern(exam, deficits, signs)
    weak = tuple(d.finding for d in deficits if d.kind == WEAK_MUSCLE)

    worsening = earlier.compare(exam, observed_signs, lems)
    newly_severe = newly_severe_muscles(exam, earlier)
    earlier.take_in(exam, observed_signs, lems)

    onset = onset.after(visit.examined_at, visit.weakness_onset, weak)
    window = window_status(onset.onset, window_days, visit.examined_at)
    urgency = visit_urgency(exam.red_flags, pattern, worsening, newly_severe, weak, window)
    assessment = VisitAssessment(
        visit=visit,
        lems=lems,
        sensory=sensory_subtotals(exam),
        pattern=pattern.pattern,
        pattern_findings=pattern.findings,
        nerve=pattern.nerve,
        probable_roots=probable_roots(exam, deficits),
        red_flags=exam.red_flags,
        urgency=urgency.tier,
        urgency_reasons=urgency.reasons,
        window=window,
        worsening=worsening,
        window_onset_from=onset.source,
        urgency_triggers=urgency.triggers,
    )
    return assessment, onset


def _hours(span: timedelta | None) -> float | None:
    return None if span is None else round(span.total_seconds() / 3600, 2)


def _window_json(window: WindowStatus, onset_from: str | None) -> dict[str, Any]:
    return {
        "onset": window.onset.isoformat() if window.onset is not None else None,
        "ends": window.ends.isoformat() if window.ends is not None else None,
        "within": window.within,
        "onset_from": onset_from,
        "hours_since_onset": _hours(window.time_since_onset),
        "hours_left": _hours(window.time_left),
    }


def _root_json(root: ProbableRoot) -> dict[str, Any]:
    return {
        "root": root.root,
        "side": root.side,
        "score": root.score,
        "findings": list(root.findings),
        "points": [e.points for e in root.evidence],
    }


def _change_json(change: Change) -> dict[str, Any]:
    found: dict[str, Any] = {
        "finding": change.finding,
        "kind": change.kind,
        "side": change.side,
        "item": change.item,
        "before": change.before,
        "after": change.after,
        "before_examined_at": change.before_examined_at.isoformat(),
    }
    if change.modality is not None:
        found["modality"] = change.modality
    return found


def _worsening_json(worsening: Worsening) -> dict[str, Any]:
    return {
        "worsened": worsening.worsened,
        "major": worsening.major,
        "changes": [_change_json(c) for c in worsening.changes],
        "recheck": [_change_json(c) for c in worsening.recheck],
        "new_red_flags": list(worsening.new_red_flags),
        "major_findings": list(worsening.major_findings),
    }
