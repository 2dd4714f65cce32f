"""The window-period worklist: patients whose window is open, who worsened in the last 14 days, or
whose last visit was an emergency or same-day one in that time. Emergency and same-day patients come
first, then the least time left in the window.

Each patient's latest engine answer is kept in `patient_status`, recomputed from the signed visits
whenever they change, so the worklist is one indexed query however large the clinic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from exam_app.clinical.assess import assess_visits
from exam_app.clinical.urgency import EMERGENCY, SAME_DAY, patient_urgency, worklist_priority
from exam_app.clinical.window import WindowStatus, window_status
from exam_app.services.context import AppContext
from exam_app.store import models
from exam_app.store.records import visit_from_row
from exam_app.store.repository import lock_patient, signed_visits_now

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
    last = assessments[-1]
    worsened = [a for a in assessments if a.worsening.worsened]
    latest_worsening = worsened[-1] if worsened else None
    row.last_visit_id = signed[-1].id
    row.last_examined_at = last.examined_at
    row.onset = last.window.onset
    row.window_ends = last.window.ends
    row.urgency = last.urgency
    row.pattern = last.pattern
    row.nerve = last.nerve
    row.lems_left, row.lems_right = str(last.lems.left), str(last.lems.right)
    row.last_worsened_at = latest_worsening.examined_at if latest_worsening else None
    # The alert belongs to the current window: the latest worsening, if it fell inside its window.
    row.progression_within_window = bool(
        latest_worsening and latest_worsening.progression_within_window
        and latest_worsening.window.onset == last.window.onset)
    row.worsening_findings = {
        "changes": [c.finding for c in latest_worsening.worsening.changes] if latest_worsening else []}
    row.window_days = window_days


def refresh_patient(session: Session, patient_id: int, window_days: int) -> None:
    patient = session.scalar(
        select(models.Patient).where(models.Patient.id == patient_id)
        .options(selectinload(models.Patient.visits).selectinload(models.Visit.findings)))
    if patient is not None:
        refresh_status(session, patient, window_days)


def refresh_missing_statuses(ctx: AppContext) -> int:
    """Fill the status of patients with signed visits but no status row, or one made with another
    window length (after an upgrade or a change of the clinic's setting). Returns how many."""
    days = ctx.window_days
    signed = select(models.Visit.patient_id).where(models.Visit.status != "draft").distinct()
    current = select(models.PatientStatus.patient_id).where(models.PatientStatus.window_days == days)
    with ctx.db.session() as session:  # usually nothing to do: no need to wait for the write lock
        if not session.scalars(signed.except_(current).limit(1)).first():
            return 0
    with ctx.db.session(write=True) as session:
        # In order of id, so two workstations starting at once lock the patients in the same order.
        stale = sorted(session.scalars(signed.except_(current)).all())
        for patient_id in stale:
            refresh_patient(session, patient_id, days)
        return len(stale)


def worklist(ctx: AppContext, now: datetime | None = None, limit: int = 500) -> list[WorklistEntry]:
    """Patients to act on: emergency and same-day first, then open windows by the least time left,
    then closed windows by the most recent worsening.

    Three range scans on indexed columns (window end; last worsening; urgency and last examination)
    rather than one OR, which would read every patient.
    """
    moment = now or datetime.now().astimezone()
    status, patient = models.PatientStatus, models.Patient
    columns = (status, patient.record_number, patient.family_name, patient.given_name)
    open_windows = (
        select(*columns).join(patient, patient.id == status.patient_id)
        .where(status.window_ends >= moment)
        .order_by(status.window_ends).limit(limit))
    recently_worse = (
        select(*columns).join(patient, patient.id == status.patient_id)
        .where(status.last_worsened_at >= moment - RECENT_WORSENING,
               or_(status.window_ends.is_(None), status.window_ends < moment))
        .order_by(status.last_worsened_at.desc()).limit(limit))
    recently_urgent = (
        select(*columns).join(patient, patient.id == status.patient_id)
        .where(status.urgency.in_((EMERGENCY, SAME_DAY)), status.last_examined_at >= moment - RECENT_WORSENING)
        .order_by(status.last_examined_at.desc()).limit(limit))
    days = ctx.window_days  # a setting read from the database: once, not once a row
    with ctx.db.session() as session:
        found = {row.patient_id: (row, rn, family, given)
                 for query in (recently_urgent, recently_worse, open_windows)
                 for row, rn, family, given in session.execute(query).all()}
    entries = [_entry(row, rn, family, given, days, moment) for row, rn, family, given in found.values()]
    entries.sort(key=_order)
    return entries[:limit]


def _order(entry: WorklistEntry) -> tuple[int, int, float]:
    """Emergency and same day first; then open windows, least time left first; then closed windows,
    the most recent worsening first."""
    left = entry.window.time_left
    if entry.window.within and left is not None:
        return worklist_priority(entry.urgency), 0, left.total_seconds()
    worse = entry.last_worsened_at or entry.last_examined_at
    return worklist_priority(entry.urgency), 1, -worse.timestamp()


def _entry(row: models.PatientStatus, record_number: str, family: str | None, given: str | None,
           window_days: int, now: datetime) -> WorklistEntry:
    assert row.last_examined_at is not None
    window = window_status(row.onset, row.window_days or window_days, now)
    return WorklistEntry(
        record_number=record_number,
        name=", ".join(n for n in (family, given) if n) or record_number,
        last_examined_at=row.last_examined_at,
        urgency=patient_urgency(row.urgency, row.progression_within_window and window.within),
        last_visit_urgency=row.urgency,
        pattern=row.pattern,
        nerve=row.nerve,
        lems_left=row.lems_left,
        lems_right=row.lems_right,
        window=window,
        last_worsened_at=row.last_worsened_at,
        progression_within_window=row.progression_within_window,
        changes=tuple(row.worsening_findings.get("changes", ())),
    )
