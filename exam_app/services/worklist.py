"""The window-period worklist: patients whose window is open, who worsened in the last 14 days, or
whose last visit was an emergency or same-day one in that time, or whose next examination is due
today or overdue. Emergency and same-day patients come first, then the least time left in the window.
With `due_only`, the re-examinations due today and overdue, the overdue inside an open window first.

Each patient's latest engine answer is kept in `patient_status`, recomputed from the signed visits
whenever they change, so the worklist is one indexed query however large the clinic.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, Unicode, or_, select, type_coerce
from sqlalchemy.orm import Session, selectinload

from exam_app.clinical.assess import VisitAssessment, assess_visits
from exam_app.clinical.next_examination import (
    DueState,
    NextExamination,
    due_state,
    end_of_day,
    listed_as_due,
    next_examination_tables,
)
from exam_app.clinical.urgency import EMERGENCY, SAME_DAY, patient_urgency, worklist_priority
from exam_app.clinical.window import WindowStatus, window_status
from exam_app.services.context import AppContext, clinic_window_days
from exam_app.services.next_examination import fill_missing_plans, store_plan
from exam_app.services.recall import RecallState, recall_state
from exam_app.store import models
from exam_app.store.database import Database
from exam_app.store.records import visit_from_row
from exam_app.store.repository import lock_patient, signed_visits_now
from exam_app.tables import SIGNED_STATUSES, rules

RECENT_WORSENING = timedelta(days=14)


@dataclass(frozen=True)
class WorklistEntry:
    record_number: str
    name: str
    last_examined_at: datetime
    urgency: str  # the patient's: the last visit's, raised to same day by an unresolved progression
    last_visit_urgency: str
    pattern: str
    nerve: str | None
    lems_left: str | None
    lems_right: str | None
    window: WindowStatus  # measured from now
    last_worsened_at: datetime | None
    progression_within_window: bool  # the headline alert
    changes: tuple[str, ...]  # the findings that worsened, for the alert
    contact: str | None = None  # the patient's phone and address, for the recall
    next_examination: DueState | None = None  # when the next examination is due, seen from now
    recall: RecallState | None = None  # the latest recall mark since the last visit

    @property
    def overdue_in_open_window(self) -> bool:
        return self.next_examination is not None and self.next_examination.overdue_in_open_window


def refresh_status(session: Session, patient: models.Patient, window_days: int) -> None:
    """Recompute the patient's status row from their signed visits (in the caller's transaction).

    The patient is locked first and the visits read again, so that two workstations signing visits of
    the same patient at once take turns and the second computes from both visits.
    """
    lock_patient(session, patient.id)
    signed = signed_visits_now(session, patient.id)
    row = session.scalar(select(models.PatientStatus).where(models.PatientStatus.patient_id == patient.id)
                         .execution_options(populate_existing=True))
    if not signed:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        row = models.PatientStatus(patient_id=patient.id)
        session.add(row)
    assessments = assess_visits([visit_from_row(v) for v in signed], window_days)
    for name, value in status_values(assessments, signed[-1].id, window_days).items():
        setattr(row, name, value)
    store_plan(session, row, signed, assessments)


def status_values(assessments: Sequence[VisitAssessment], last_visit_id: int, window_days: int) -> dict[str, Any]:
    """The status row's columns computed from a patient's signed visits' assessments (oldest first),
    without the next examination (see `store_plan`)."""
    last = assessments[-1]
    worsened = [a for a in assessments if a.worsening.worsened]
    latest_worsening = worsened[-1] if worsened else None
    # The alert belongs to the current window: the latest worsening, if it fell inside its window.
    alert = bool(latest_worsening and latest_worsening.progression_within_window
                 and latest_worsening.window.onset == last.window.onset)
    return {
        "last_visit_id": last_visit_id, "last_examined_at": last.examined_at, "onset": last.window.onset,
        "window_ends": last.window.ends, "urgency": last.urgency, "pattern": last.pattern, "nerve": last.nerve,
        "lems_left": str(last.lems.left), "lems_right": str(last.lems.right),
        "last_worsened_at": latest_worsening.examined_at if latest_worsening else None,
        "progression_within_window": alert,
        "worsening_findings": {
            "changes": [c.finding for c in latest_worsening.worsening.changes] if latest_worsening else []},
        "window_days": window_days,
    }


def refresh_patient(session: Session, patient_id: int, window_days: int) -> None:
    patient = session.scalar(
        select(models.Patient).where(models.Patient.id == patient_id)
        .options(selectinload(models.Patient.visits).selectinload(models.Visit.findings)))
    if patient is not None:
        refresh_status(session, patient, window_days)


def refresh_missing_statuses(db: Database) -> int:
    """Fill the status of patients with signed visits but no status row, or one made with another
    window length (after an upgrade or a change of the clinic's setting). Returns how many."""
    days = clinic_window_days(db)
    signed = select(models.Visit.patient_id).where(models.Visit.status.in_(SIGNED_STATUSES)).distinct()
    current = select(models.PatientStatus.patient_id).where(models.PatientStatus.window_days == days)
    stale: list[int] = []
    with db.session() as session:  # usually nothing to do: no need to wait for the write lock
        waiting = session.scalars(signed.except_(current).limit(1)).first() is not None
    if waiting:
        with db.session(write=True) as session:
            # In order of id, so two workstations starting at once lock the patients in the same order.
            stale = sorted(session.scalars(signed.except_(current)).all())
            for patient_id in stale:
                refresh_patient(session, patient_id, days)
    return len(stale) + fill_missing_plans(db, refresh_patient)


def worklist(ctx: AppContext, now: datetime | None = None, limit: int = 500,
             due_only: bool = False) -> list[WorklistEntry]:
    """Patients to act on: emergency and same-day first, then open windows by the least time left,
    then closed windows by the most recent worsening. `due_only`: the next examinations due today
    and overdue, the overdue inside an open window first, then by the time due.

    Range scans on indexed columns (window end; last worsening; urgency and last examination; next
    examination due; doctor's review due) rather than one OR, which would read every patient.
    """
    moment = now or datetime.now().astimezone()
    status, patient = models.PatientStatus, models.Patient
    # The columns the entries need, as plain rows: an ORM object a row cost more than the rest together.
    # The JSON documents come as the driver gives them, decoded only for the rows listed (see `_documents`).
    documents = [type_coerce(column, Unicode).label(column.key)
                 for column in (status.worsening_findings, status.next_exam, status.recall)]
    columns: tuple[Any, ...] = (
        status.patient_id, status.last_examined_at, status.onset, status.window_days, status.urgency, status.pattern,
        status.nerve, status.lems_left, status.lems_right, status.last_worsened_at, status.progression_within_window,
        *documents, patient.record_number, patient.family_name, patient.given_name, patient.contact)
    end_of_today = end_of_day(moment)
    overdue_since = moment - timedelta(days=max(next_examination_tables()["overdue_listed_days"],
                                                rules().window_days.max))
    due_exams = (
        select(*columns).join(patient, patient.id == status.patient_id)
        .where(status.next_exam_due < end_of_today, status.next_exam_due >= overdue_since)
        .order_by(status.next_exam_due).limit(limit))
    due_reviews = (  # the doctor's review that takes over once a window closes
        select(*columns).join(patient, patient.id == status.patient_id)
        .where(status.review_due < end_of_today, status.review_due >= overdue_since)
        .order_by(status.review_due).limit(limit))
    open_windows = (
        select(*columns).join(patient, patient.id == status.patient_id)
        .where(status.window_ends >= moment)
        .order_by(status.window_ends).limit(limit))
    recently_worse = (
        select(*columns).join(patient, patient.id == status.patient_id)
        .where(status.last_worsened_at >= moment - RECENT_WORSENING,
               or_(status.window_ends.is_(None), status.window_ends < moment))
        .order_by(status.last_worsened_at.desc()).limit(limit))
    recently_urgent = [  # a range of the index per tier: one IN over both would sort every recent patient
        select(*columns).join(patient, patient.id == status.patient_id)
        .where(status.urgency == tier, status.last_examined_at >= moment - RECENT_WORSENING)
        .order_by(status.last_examined_at.desc()).limit(limit)
        for tier in (EMERGENCY, SAME_DAY)]
    days = ctx.window_days  # a setting read from the database: once, not once a row
    with ctx.db.session() as session:
        connection = session.connection()  # plain rows: the ORM's loading would add nothing but time
        rows: list[Row[Any]] = []
        if not due_only:
            urgent = [row for query in recently_urgent for row in connection.execute(query).all()]
            rows = sorted(urgent, key=lambda row: row.last_examined_at or moment, reverse=True)[:limit]
            rows += [row for query in (recently_worse, open_windows) for row in connection.execute(query).all()]
        listed: dict[int, tuple[Row[Any], DueState | None]] = {row.patient_id: (row, None) for row in rows}
        due = {row.patient_id: row for query in (due_exams, due_reviews) for row in connection.execute(query).all()}
    # A lapsed window rule or a review overdue too long is in the scans' range but not due: read each.
    for patient_id, row in due.items():
        if patient_id not in listed:
            state = _next_examination(row, moment)
            if state is not None and listed_as_due(state, moment):
                listed[patient_id] = (row, state)
    # Ordered by what the order needs (the window, the urgency, the next examination of the due); the
    # entries made, and their documents decoded, for the rows kept only.
    order = _due_order if due_only else _order
    kept = sorted(listed.values(), key=lambda pair: order(pair[0], pair[1], days, moment))[:limit]
    return [_entry(row, days, moment, state) for row, state in kept]


def _due_order(row: Row[Any], state: DueState | None, _window_days: int, _now: datetime) -> tuple[int, float, str]:
    """Overdue inside an open window first; then by the time due, the most overdue first."""
    assert state is not None and state.due is not None
    return (0 if state.overdue_in_open_window else 1), state.due.timestamp(), _name(row)


def _order(row: Row[Any], _state: DueState | None, window_days: int, now: datetime) -> tuple[int, int, float]:
    """Emergency and same day first; then open windows, least time left first; then closed windows,
    the most recent worsening first."""
    window = _window(row, window_days, now)
    priority = worklist_priority(_urgency(row, window))
    left = window.time_left
    if window.within and left is not None:
        return priority, 0, left.total_seconds()
    worse = row.last_worsened_at or row.last_examined_at
    return priority, 1, -worse.timestamp()


def _window(row: Row[Any], window_days: int, now: datetime) -> WindowStatus:
    return window_status(row.onset, row.window_days or window_days, now)


def _urgency(row: Row[Any], window: WindowStatus) -> str:
    return patient_urgency(row.urgency, row.progression_within_window and window.within)


def _name(row: Row[Any]) -> str:
    return ", ".join(n for n in (row.family_name, row.given_name) if n) or row.record_number


def _entry(row: Row[Any], window_days: int, now: datetime, next_examination: DueState | None) -> WorklistEntry:
    """The entry of one row of `worklist`'s columns, its documents decoded."""
    assert row.last_examined_at is not None
    window = _window(row, window_days, now)
    return WorklistEntry(
        record_number=row.record_number,
        name=_name(row),
        last_examined_at=row.last_examined_at,
        urgency=_urgency(row, window),
        last_visit_urgency=row.urgency,
        pattern=row.pattern,
        nerve=row.nerve,
        lems_left=row.lems_left,
        lems_right=row.lems_right,
        window=window,
        last_worsened_at=row.last_worsened_at,
        progression_within_window=row.progression_within_window,
        changes=tuple((_decoded(row.worsening_findings) or {}).get("changes", ())),
        contact=row.contact,
        next_examination=next_examination if next_examination is not None else _next_examination(row, now),
        recall=recall_state(_decoded(row.recall)),
    )


def _next_examination(row: Row[Any], now: datetime) -> DueState | None:
    plan = _decoded(row.next_exam)
    return due_state(NextExamination.from_json(plan), now) if plan else None


def _decoded(document: str | dict[str, Any] | None) -> Any:
    """A JSON column read as text (SQLite) or already decoded by the driver (PostgreSQL)."""
    return json.loads(document) if isinstance(document, str) else document
