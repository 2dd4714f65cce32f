"""Importing and exporting exam-record files, each file all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from exam_app.clinical.record import ExamRecord, Visit
from exam_app.interop.exam_record import RecordError, read_exam_record, visit_document
from exam_app.services.context import AppContext, InvalidInput, NotFound
from exam_app.services.worklist import refresh_status
from exam_app.store import models
from exam_app.store.records import record_from_rows, set_patient_fields, set_visit_fields, visit_from_row


@dataclass(frozen=True)
class ImportResult:
    record_number: str
    patient_created: bool
    visits_added: int
    visits_already_stored: int


def read_record_file(path: Path) -> ExamRecord:
    """Read and validate a record file; InvalidInput names the file and the first problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read ({error.strerror})") from None
    try:
        return read_exam_record(text)
    except RecordError as error:
        raise InvalidInput(f"{path}: {error}") from None


def import_record(ctx: AppContext, record: ExamRecord, source: str) -> ImportResult:
    """Store the record's patient (if new) and the visits not stored yet, as signed visits.

    A visit at a stored time whose findings differ is a conflict: nothing is stored.
    """
    ctx.require("import")
    now = datetime.now(UTC)
    with ctx.db.session() as session:
        patient = _patient_row(session, record.patient.record_number)
        created = patient is None
        if patient is None:
            patient = models.Patient()
            set_patient_fields(patient, record.patient)
            session.add(patient)
        stored = {v.examined_at: v for v in patient.visits}
        added = already = 0
        for index, visit in enumerate(record.visits):
            existing = stored.get(visit.examined_at)
            if existing is not None:
                if _same_visit(visit_from_row(existing), visit):
                    already += 1
                    continue
                raise InvalidInput(
                    f"{source}: visits[{index}].examined_at: a different visit of "
                    f"{record.patient.record_number} is already stored at {visit.examined_at.isoformat()}"
                )
            row = models.Visit(status="signed", created_by_id=ctx.user.id, signed_by_id=ctx.user.id, signed_at=now)
            set_visit_fields(row, visit)
            patient.visits.append(row)
            added += 1
        session.flush()
        if added:
            refresh_status(session, patient, ctx.window_days)
        session.add(models.AuditEvent(
            user_id=ctx.user.id, action="record_imported", entity="patient", entity_id=patient.record_number,
            detail={"source": source, "patient_created": created, "visits_added": added}))
    return ImportResult(record.patient.record_number, created, added, already)


def import_file(ctx: AppContext, path: Path) -> ImportResult:
    return import_record(ctx, read_record_file(path), str(path))


def _same_visit(a: Visit, b: Visit) -> bool:
    return _comparable(a) == _comparable(b)


def _comparable(visit: Visit) -> dict[str, Any]:
    doc = visit_document(visit)
    doc["examined_at"] = visit.examined_at.timestamp()
    if visit.weakness_onset is not None:
        doc["weakness_onset"] = visit.weakness_onset.timestamp()
    return doc


def _patient_row(session: Session, record_number: str) -> models.Patient | None:
    return session.scalar(
        select(models.Patient)
        .where(models.Patient.record_number == record_number)
        .options(selectinload(models.Patient.visits).selectinload(models.Visit.findings))
    )


def load_record(ctx: AppContext, record_number: str, include_drafts: bool = False) -> ExamRecord:
    """One patient's record as stored (signed and amended visits; drafts only if asked)."""
    with ctx.db.session() as session:
        patient = _patient_row(session, record_number)
        if patient is None:
            raise NotFound(f"no patient with record number {record_number!r}")
        visits = [v for v in patient.visits if include_drafts or v.status != "draft"]
        return record_from_rows(patient, visits)

