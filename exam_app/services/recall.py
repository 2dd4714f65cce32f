"""Recalling patients for their next examination: the front desk calls, leaves a message or books a
time, and marks it. Every mark is kept (who, when, about which examination due) and audited; the
latest one since the patient's last visit shows on the worklist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from exam_app.clinical.next_examination import due_state, next_examination_tables
from exam_app.services.context import AppContext, InvalidInput, require_patient
from exam_app.store import models
from exam_app.store.repository import audit, display_name
from exam_app.wording import moment, short_moment

# A booking a few minutes in the past is the clock of another workstation, not a mistake.
_BOOKING_CLOCK_SLACK = timedelta(minutes=10)


@dataclass(frozen=True)
class RecallOutcome:
    id: str
    label: str  # "called", "left message", "booked for"
    needs_time: bool  # a booking carries the time booked


def recall_outcomes() -> tuple[RecallOutcome, ...]:
    """The marks the front desk can make (resources/next_examination.json `recall_outcomes`)."""
    return tuple(RecallOutcome(r["id"], r["label"], bool(r["needs_time"]))
                 for r in next_examination_tables()["recall_outcomes"])


def _outcome(outcome_id: str) -> RecallOutcome:
    for outcome in recall_outcomes():
        if outcome.id == outcome_id:
            return outcome
    raise InvalidInput(f"outcome: {outcome_id!r} is not one of {', '.join(o.id for o in recall_outcomes())}")


@dataclass(frozen=True)
class RecallState:
    """A recall mark as the worklist shows it."""

    outcome: str
    marked_at: datetime
    marked_by: str
    booked_for: datetime | None = None
    note: str | None = None

    @property
    def label(self) -> str:
        return _outcome(self.outcome).label


def recall_words(state: RecallState | None, window_ends: datetime | None = None) -> str:
    """'called 21 Nov 10:05', 'booked for 22 Nov 15:00 (after the window closes)'."""
    if state is None:
        return ""
    if state.booked_for is None:
        return f"{state.label} {short_moment(state.marked_at)}"
    late = (" (after the window closes)" if window_ends is not None and state.booked_for > window_ends
            and state.marked_at <= window_ends else "")
    return f"{state.label} {short_moment(state.booked_for)}{late}"


def recall_state(document: dict[str, Any] | None) -> RecallState | None:
    """The mark kept on a patient's status row (services.next_examination.recall_document)."""
    if not document:
        return None
    booked = document.get("booked_for")
    return RecallState(document["outcome"], datetime.fromisoformat(document["marked_at"]), document["marked_by"],
                       datetime.fromisoformat(booked) if booked else None, document.get("note"))


@dataclass(frozen=True)
class RecallMarkRecord:
    """One mark of a patient's recall history."""

    mark_id: int
    outcome: str
    label: str
    marked_at: datetime
    marked_by: str
    booked_for: datetime | None
    note: str | None
    due_at: datetime | None  # the examination due that the call was about
    current: bool  # made since the last signed visit


def mark_recall(ctx: AppContext, record_number: str, outcome: str, booked_for: datetime | None = None,
                note: str | None = None, now: datetime | None = None) -> RecallState:
    """Record that the patient was called, left a message, or booked for a time (audited).

    Refused (InvalidInput) for an unknown outcome, a booking without its time (or a time given with
    another outcome), a booking in the past, and a patient without a signed visit to follow up.
    """
    ctx.require("recall")
    chosen = _outcome(outcome)
    current = now or datetime.now().astimezone()
    if chosen.needs_time and booked_for is None:
        raise InvalidInput("booked for: give the date and time of the appointment")
    if not chosen.needs_time and booked_for is not None:
        raise InvalidInput(f"booked for: only a booking has a time, not {chosen.label!r}")
    if booked_for is not None:
        if booked_for.tzinfo is None:
            raise InvalidInput("booked for: the time needs its time zone")
        if booked_for < current - _BOOKING_CLOCK_SLACK:
            raise InvalidInput(f"booked for: {moment(booked_for)} is in the past")
    words = (note or "").strip() or None
    with ctx.db.session(write=True) as session:
        patient = require_patient(session, record_number)
        status = session.get(models.PatientStatus, patient.id)
        if status is None or status.last_visit_id is None:
            raise InvalidInput(f"{patient.record_number} has no signed visit: there is no examination to recall "
                               "them for")
        from exam_app.services.next_examination import plan_of, recall_document  # the plan lives on the status row

        plan = plan_of(status)
        due = due_state(plan, current).due if plan is not None else None
        row = models.RecallMark(patient_id=patient.id, after_visit_id=status.last_visit_id, due_at=due,
                                outcome=chosen.id, booked_for=booked_for, note=words, marked_by_id=ctx.user.id,
                                marked_at=current)
        session.add(row)
        session.flush()
        status.recall = recall_document(session, row)
        audit(session, ctx.user.id, "recall_marked", "patient", patient.record_number, {
            "outcome": chosen.id, "booked_for": booked_for.isoformat() if booked_for else None,
            "due_at": due.isoformat() if due else None, "after_visit": status.last_visit_id, "note": words})
        state = recall_state(status.recall)
        assert state is not None
        return state


def recall_history(ctx: AppContext, record_number: str) -> list[RecallMarkRecord]:
    """Every recall mark of the patient, newest first; `current` for those since the last visit."""
    with ctx.db.session() as session:
        patient = require_patient(session, record_number)
        status = session.get(models.PatientStatus, patient.id)
        last_visit = status.last_visit_id if status is not None else None
        mark = models.RecallMark
        rows = session.scalars(select(mark).where(mark.patient_id == patient.id)
                               .order_by(mark.marked_at.desc(), mark.id.desc())).all()
        return [RecallMarkRecord(r.id, r.outcome, _outcome(r.outcome).label, r.marked_at,
                                 display_name(session, r.marked_by_id) or "?", r.booked_for, r.note, r.due_at,
                                 r.after_visit_id is not None and r.after_visit_id == last_visit)
                for r in rows]
