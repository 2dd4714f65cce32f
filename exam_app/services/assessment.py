"""Assessing a visit while it is being recorded, against the patient's stored visits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from exam_app.clinical.assess import VisitAssessment, assess_visits
from exam_app.clinical.record import Patient, Visit
from exam_app.clinical.window import WindowStatus, window_status
from exam_app.services.as_signed import differences, summary
from exam_app.services.audit import note_viewed
from exam_app.services.context import AppContext
from exam_app.services.visits import earlier_visits, stored_visits
from exam_app.tables import SIGNED_STATUSES


@dataclass(frozen=True)
class DraftAssessor:
    """The patient's signed visits, loaded once, to assess a draft on every change in memory."""

    earlier: tuple[Visit, ...]
    window_days: int

    def assess(self, draft: Visit) -> VisitAssessment:
        before = [v for v in self.earlier if v.examined_at < draft.examined_at]
        return assess_visits([*before, draft], self.window_days)[-1]

    def previous(self, draft: Visit) -> Visit | None:
        before = [v for v in self.earlier if v.examined_at < draft.examined_at]
        return before[-1] if before else None

    def window_now(self, assessment: VisitAssessment, now: datetime) -> WindowStatus:
        """The window period measured from now rather than from the examination."""
        return window_status(assessment.window.onset, self.window_days, now)


def draft_assessor(ctx: AppContext, record_number: str) -> DraftAssessor:
    record = earlier_visits(ctx, record_number)
    return DraftAssessor(tuple(record.visits_in_order()), ctx.window_days)


@dataclass(frozen=True)
class VisitRow:
    """One line of a patient's visit list."""

    visit_id: int
    examined_at: datetime
    status: str
    examiner: str | None
    assessment: VisitAssessment | None  # None for a draft (not assessed until signed)
    incomplete_reason: str | None = None
    as_signed: dict[str, Any] | None = None  # the engine's answer the visit was signed with
    changed_since_signing: tuple[str, ...] = ()  # how the answer now differs from it, in words
    signed_by: str | None = None  # by name and role


@dataclass(frozen=True)
class PatientOverview:
    patient: Patient
    version: int
    visits: list[VisitRow]  # newest first
    window_now: WindowStatus | None  # the latest signed visit's window, measured from now


def _changed(as_signed: dict[str, Any] | None, now: VisitAssessment | None, window_days: int) -> tuple[str, ...]:
    return differences(as_signed, summary(now, window_days, "now")) if now is not None else ()


def patient_overview(ctx: AppContext, record_number: str, now: datetime | None = None) -> PatientOverview:
    """The patient, every visit (drafts too) and the engine's summary of each signed visit; looking
    is noted in the audit trail."""
    stored = stored_visits(ctx, record_number)
    note_viewed(ctx, stored.patient.record_number, "patient's visits")
    signed = [v for v in stored.visits if v.status in SIGNED_STATUSES]
    assessments = assess_visits([v.visit for v in signed], ctx.window_days)
    by_id = {v.visit_id: a for v, a in zip(signed, assessments, strict=True)}
    rows = [VisitRow(v.visit_id, v.visit.examined_at, v.status, v.visit.examiner, by_id.get(v.visit_id),
                     v.visit.incomplete_reason, v.signed_assessment,
                     _changed(v.signed_assessment, by_id.get(v.visit_id), ctx.window_days), v.signed_by)
            for v in reversed(stored.visits)]
    window = None
    if assessments:
        moment = now or datetime.now().astimezone()
        window = window_status(assessments[-1].window.onset, ctx.window_days, moment)
    return PatientOverview(stored.patient, stored.version, rows, window)
