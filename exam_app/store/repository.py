"""The look-ups every use case repeats, written once: a patient by record number, their signed
visits, and the audit record of an action."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from exam_app.clinical.doctor import Addendum, DoctorNote
from exam_app.store import models
from exam_app.store.audit_trail import append
from exam_app.store.records import doctor_note_from_row, search_key
from exam_app.tables import SIGNED_STATUSES


def record_key(record_number: str) -> str:
    """The key a record number is matched by: case, accents and surrounding spaces do not count."""
    return search_key(record_number)


def patient_by_record_number(session: Session, record_number: str, with_visits: bool = False) -> models.Patient | None:
    """The patient whose record number matches (ignoring case and surrounding spaces), or None.

    `with_visits` loads every visit and its findings in two more queries.
    """
    query = select(models.Patient).where(models.Patient.record_key == record_key(record_number))
    if with_visits:
        query = query.options(selectinload(models.Patient.visits).selectinload(models.Visit.findings))
    return session.scalar(query)


def lock_patient(session: Session, patient_id: int) -> None:
    """Hold the patient's row until the transaction ends, so that workstations changing the same
    patient's signed visits (and the worklist row computed from them) take turns.

    PostgreSQL: FOR NO KEY UPDATE, which still lets others insert visits referring to the patient (their
    foreign key check takes a key-share lock) but not lock the patient themselves. After the lock is
    granted the next statements see everything committed before, however long it waited. SQLite:
    a writing transaction holds the whole database already (BEGIN IMMEDIATE), so nothing is added.
    """
    session.execute(select(models.Patient.id).where(models.Patient.id == patient_id)
                    .with_for_update(key_share=True))


def signed_visits_now(session: Session, patient_id: int) -> list[models.Visit]:
    """The patient's signed and amended visits as stored now, with their findings, in order of
    examination: read again rather than taken from rows loaded earlier in the transaction (which
    another workstation may have changed since)."""
    return [v for v in stored_visits_now(session, patient_id) if v.status in SIGNED_STATUSES]


def stored_visits_now(session: Session, patient_id: int) -> list[models.Visit]:
    """Every visit of the patient (drafts too) as stored now, with findings, in order of examination."""
    return list(session.scalars(
        select(models.Visit)
        .where(models.Visit.patient_id == patient_id)
        .order_by(models.Visit.examined_at)
        .options(selectinload(models.Visit.findings))
        .execution_options(populate_existing=True)))


def signed_visits(patient: models.Patient) -> list[models.Visit]:
    """The patient's signed and amended visits, in order of examination (drafts are not findings yet)."""
    return [v for v in patient.visits if v.status in SIGNED_STATUSES]


def audit(session: Session, user_id: int | None, action: str, entity: str, entity_id: str | int | None = None,
          detail: dict[str, Any] | None = None, patient: str | None = None) -> None:
    """Append one event to the audit trail, chained to the one before, in the caller's transaction.

    `patient` is the record number the event concerns (defaults to `detail["patient"]`), so the
    trail can be read patient by patient.
    """
    if patient is None and detail is not None and isinstance(detail.get("patient"), str):
        patient = detail["patient"]
    if patient is None and entity == "patient" and entity_id is not None:  # registered, edited, exported…
        patient = str(entity_id)
    append(session, user_id, action, entity, entity_id, detail, patient)


def display_name(session: Session, user_id: int | None) -> str | None:
    user = session.get(models.User, user_id) if user_id is not None else None
    return user.display_name if user is not None else None


def stored_doctor_note(session: Session, visit_id: int) -> tuple[models.DoctorNoteRow, DoctorNote] | None:
    """The visit's doctor's note row and the note as read, with who signed it and the results added
    since; None when no note was started."""
    row = session.scalar(select(models.DoctorNoteRow).where(models.DoctorNoteRow.visit_id == visit_id))
    if row is None:
        return None
    addenda = session.scalars(select(models.DoctorNoteAddendum).where(models.DoctorNoteAddendum.visit_id == visit_id)
                              .order_by(models.DoctorNoteAddendum.added_at, models.DoctorNoteAddendum.id)).all()
    note = doctor_note_from_row(row, display_name(session, row.signed_by_id))
    return row, replace(note, addenda=tuple(
        Addendum(a.investigation, a.result, display_name(session, a.added_by_id) or "unknown", a.added_at)
        for a in addenda))
