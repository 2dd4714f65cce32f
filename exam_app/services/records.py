"""Importing and exporting exam-record files, each file all or nothing."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from exam_app.clinical.record import ExamRecord, Patient, Visit
from exam_app.interop.exam_record import RecordError, read_exam_record, visit_document
from exam_app.services.as_signed import (
    IMPORTED,
    ChangedAssessment,
    changed_answers,
    current_answers,
    record_as_signed,
)
from exam_app.services.concurrency import retried_on_conflict
from exam_app.services.context import AppContext, InvalidInput, require_patient
from exam_app.services.patients import flush_new_patient
from exam_app.services.visits import check_visit
from exam_app.services.worklist import refresh_status
from exam_app.store import models
from exam_app.store.audit_trail import visit_content_hash
from exam_app.store.records import (
    patient_from_row,
    record_from_rows,
    set_patient_fields,
    set_visit_fields,
    visit_from_row,
)
from exam_app.store.repository import (
    audit,
    lock_patient,
    patient_by_record_number,
    signed_visits,
    stored_visits_now,
)
from exam_app.tables import SIGNED_STATUSES, VisitStatus


@dataclass(frozen=True)
class ImportResult:
    record_number: str
    patient_created: bool
    visits_added: int
    visits_already_stored: int
    # Visits added before the patient's signed visits (only with allow_backdated), and the signed
    # visits whose assessment that changed: listed for the user and kept in the audit trail.
    backdated: int = 0
    changed: tuple[ChangedAssessment, ...] = ()


def read_record_file(path: Path) -> ExamRecord:
    """Read and validate a record file; InvalidInput names the file and the first problem."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path}: is a folder, not a record file") from None
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read ({error.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{path}: $: not UTF-8 text at {_line_and_column(data, error.start)} "
                           f"(byte {error.start})") from None
    try:
        return read_exam_record(text)
    except RecordError as error:
        raise InvalidInput(f"{path}: {error}") from None


def _line_and_column(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    return f"line {line} column {offset - line_start + 1}"


@retried_on_conflict
def import_record(ctx: AppContext, record: ExamRecord, source: str, allow_backdated: bool = False) -> ImportResult:
    """Store the record's patient (if new) and the visits not stored yet, as signed visits.

    A visit at a stored time whose findings differ is a conflict: nothing is stored. A visit examined
    before the patient's latest signed visit would change the assessment of visits already signed
    (and of letters issued from them): refused unless `allow_backdated`; then the signed visits whose
    assessment changes are returned and audited, and each keeps the assessment it was signed with.
    """
    ctx.require("import")
    now = datetime.now(UTC)
    with ctx.db.session(write=True) as session:
        patient = patient_by_record_number(session, record.patient.record_number)
        created = patient is None
        if patient is None:
            patient = models.Patient()
            set_patient_fields(patient, record.patient)
            session.add(patient)
            flush_new_patient(session, record.patient.record_number)
        else:
            _check_same_patient(patient_from_row(patient), record.patient, source)
            lock_patient(session, patient.id)  # another import of the same patient waits for this one
        stored = {v.examined_at: v for v in stored_visits_now(session, patient.id)}
        signed_rows = {v.id: v for v in stored.values() if v.status in SIGNED_STATUSES}
        latest_signed = max((v.examined_at for v in signed_rows.values()), default=None)
        before: dict[int, dict[str, Any]] | None = None
        backdated = 0
        added_rows: list[models.Visit] = []
        added = already = 0
        for index, visit in enumerate(record.visits):
            try:
                check_visit(visit, patient.birth_date)  # the stored birth date, if the file gives none
            except InvalidInput as error:
                raise InvalidInput(f"{source}: visits[{index}]: {error}") from None
            existing = stored.get(visit.examined_at)
            if existing is not None:
                if _same_visit(visit_from_row(existing), visit):
                    already += 1
                    continue
                raise InvalidInput(
                    f"{source}: visits[{index}].examined_at: a different visit of "
                    f"{record.patient.record_number} is already stored at {visit.examined_at.isoformat()}"
                )
            if latest_signed is not None and visit.examined_at < latest_signed:
                if not allow_backdated:
                    raise InvalidInput(
                        f"{source}: visits[{index}].examined_at: {visit.examined_at.isoformat()} is before "
                        f"{patient.record_number}'s signed visit of {_written(signed_rows, latest_signed)}: it would "
                        "change the assessment of visits already signed (and of letters issued from them); nothing "
                        "was imported. Import with --allow-backdated to list and record the changes")
                if before is None:
                    before = current_answers(session, patient.id, ctx.window_days)
                backdated += 1
            row = models.Visit(patient_id=patient.id, status=VisitStatus.SIGNED, created_by_id=ctx.user.id,
                               signed_by_id=ctx.user.id, signed_at=now)
            set_visit_fields(row, visit)
            session.add(row)
            stored[visit.examined_at] = row
            added_rows.append(row)
            added += 1
        session.flush()
        changed: list[ChangedAssessment] = []
        if added:
            refresh_status(session, patient, ctx.window_days)
            record_as_signed(session, patient.id, [r.id for r in added_rows], ctx.window_days, IMPORTED)
            if before is not None:
                changed = changed_answers(before, current_answers(session, patient.id, ctx.window_days),
                                          signed_rows)
        # Who imported it, and the examiners the file names, are kept apart.
        audit(session, ctx.user.id, "record_imported", "patient", patient.record_number,
              {"source": source, "patient_created": created, "visits_added": added, "backdated": backdated,
               "examiners": sorted({v.examiner for v in record.visits if v.examiner}),
               "visits": {str(r.id): visit_content_hash(r) for r in added_rows}}, patient=patient.record_number)
        if backdated:
            audit(session, ctx.user.id, "backdated_import", "patient", patient.record_number, {
                "source": source, "visits_backdated": backdated,
                "assessments_changed": [{"visit_id": c.visit_id, "examined_at": c.examined_at.isoformat(),
                                         "changes": list(c.changes), "as_signed": c.as_signed}
                                        for c in changed]})
        return ImportResult(patient.record_number, created, added, already, backdated, tuple(changed))


def _written(rows: dict[int, models.Visit], at: datetime) -> str:
    row = next(r for r in rows.values() if r.examined_at == at)
    return models.in_offset(row.examined_at, row.examined_at_offset).isoformat()


def _check_same_patient(stored: Patient, given: Patient, source: str) -> None:
    """InvalidInput (both identities named) when the file's patient is not the stored one.

    A name or birth date the file leaves out is no conflict; one it gives must match, ignoring
    case, accents' composition and spacing.
    """
    differs = [label for label, a, b in (("family name", stored.family_name, given.family_name),
                                          ("given name", stored.given_name, given.given_name),
                                          ("birth date", stored.birth_date, given.birth_date))
               if a is not None and b is not None and _identity_key(a) != _identity_key(b)]
    if differs:
        raise InvalidInput(
            f"{source}: patient: the record number {given.record_number.strip()!r} belongs to {_identity(stored)} "
            f"in the database, but the file names {_identity(given)} ({' and '.join(differs)} "
            f"{'differ' if len(differs) > 1 else 'differs'}); nothing was imported")


def _identity_key(value: object) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value)).casefold().split())


def _identity(patient: Patient) -> str:
    name = ", ".join(n for n in (patient.family_name, patient.given_name) if n) or "no name"
    born = f"born {patient.birth_date.isoformat()}" if patient.birth_date else "birth date not given"
    return f"{name} ({born})"


def import_file(ctx: AppContext, path: Path, allow_backdated: bool = False) -> ImportResult:
    return import_record(ctx, read_record_file(path), str(path), allow_backdated)


def _same_visit(a: Visit, b: Visit) -> bool:
    return _comparable(a) == _comparable(b)


def _comparable(visit: Visit) -> dict[str, Any]:
    doc = visit_document(visit)
    doc["examined_at"] = visit.examined_at.timestamp()
    if visit.weakness_onset is not None:
        doc["weakness_onset"] = visit.weakness_onset.timestamp()
    return doc


def load_record(ctx: AppContext, record_number: str, include_drafts: bool = False) -> ExamRecord:
    """One patient's record as stored (signed and amended visits; drafts only if asked)."""
    with ctx.db.session() as session:
        patient = require_patient(session, record_number, with_visits=True)
        return record_from_rows(patient, patient.visits if include_drafts else signed_visits(patient))

