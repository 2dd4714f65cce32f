"""Importing and exporting exam-record files, each file all or nothing."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from exam_app.clinical.assess import VisitAssessment, assess_visits
from exam_app.clinical.record import ExamRecord, Patient, Visit
from exam_app.interop.exam_record import RecordError, read_exam_record, visit_document
from exam_app.services.as_signed import (
    IMPORTED,
    ChangedAssessment,
    changed_answers,
    current_answers,
    summary,
)
from exam_app.services.concurrency import retried_on_conflict
from exam_app.services.context import AppContext, InvalidInput, require_patient
from exam_app.services.next_examination import intervals_in, plan_values, plan_without_reviews
from exam_app.services.patients import flush_new_patient
from exam_app.services.visits import check_visit
from exam_app.services.worklist import refresh_status, status_values
from exam_app.store import models
from exam_app.store.audit_trail import content_hash
from exam_app.store.database import insert_many
from exam_app.store.records import (
    FINDING_COLUMNS,
    finding_rows,
    patient_from_row,
    record_from_rows,
    set_patient_fields,
    visit_from_row,
    visit_values,
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
    del data  # the text is all the reading needs: a large file is not held three times
    try:
        return read_exam_record(text)
    except RecordError as error:
        raise InvalidInput(f"{path}: {error}") from None


def _line_and_column(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    return f"line {line} column {offset - line_start + 1}"


# Visits written per statement: the rows of one batch are all that is held besides the file's record.
IMPORT_BATCH = 250
# The version an imported visit starts at: the import wrote each visit, then its assessment, before it
# wrote them in bulk; visits imported since agree with those imported before.
IMPORTED_VERSION = 2


@retried_on_conflict
def import_record(ctx: AppContext, record: ExamRecord, source: str, allow_backdated: bool = False,
                  progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Store the record's patient (if new) and the visits not stored yet, as signed visits.

    A visit at a stored time whose findings differ is a conflict: nothing is stored. A visit examined
    before the patient's latest signed visit would change the assessment of visits already signed
    (and of letters issued from them): refused unless `allow_backdated`; then the signed visits whose
    assessment changes are returned and audited, and each keeps the assessment it was signed with.

    The new visits, their findings and worksheets are written in bulk, `IMPORT_BATCH` visits a
    statement, all in one transaction; `progress(done, total)` is called after each batch of a file
    holding more than one.
    """
    ctx.require("import")
    now = datetime.now(UTC)
    days = ctx.window_days
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
        new: dict[datetime, Visit] = {}
        already = 0
        for index, visit in enumerate(record.visits):
            try:
                check_visit(visit, patient.birth_date)  # the stored birth date, if the file gives none
            except InvalidInput as error:
                raise InvalidInput(f"{source}: visits[{index}]: {error}") from None
            existing = stored.get(visit.examined_at)
            earlier = visit_from_row(existing) if existing is not None else new.get(visit.examined_at)
            if earlier is not None:
                if _same_visit(earlier, visit):
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
                    before = current_answers(session, patient.id, days)
                backdated += 1
            new[visit.examined_at] = visit
        added = len(new)
        changed: list[ChangedAssessment] = []
        fingerprints: dict[str, str] = {}
        if added:
            visits = list(new.values())
            answers = _answers_when_imported(list(signed_rows.values()), visits, days)
            ids = _write_visits(session, patient.id, visits, answers, ctx.user.id, now, days, progress)
            fingerprints = {str(visit_id): content_hash(patient.id, visit)
                            for visit_id, visit in zip(ids, visits, strict=True)}
            if created:  # every signed visit is one of the file's
                last = {id(visit): visit_id for visit_id, visit in zip(ids, visits, strict=True)}[id(answers[-1][0])]
                _write_new_status(session, patient.id, last, [a for _, a in answers], days)
            else:
                refresh_status(session, patient, days)
            if before is not None:
                changed = changed_answers(before, current_answers(session, patient.id, days), signed_rows)
        # Who imported it, and the examiners the file names, are kept apart.
        audit(session, ctx.user.id, "record_imported", "patient", patient.record_number,
              {"source": source, "patient_created": created, "visits_added": added, "backdated": backdated,
               "examiners": sorted({v.examiner for v in record.visits if v.examiner}),
               "visits": fingerprints}, patient=patient.record_number)
        if backdated:
            audit(session, ctx.user.id, "backdated_import", "patient", patient.record_number, {
                "source": source, "visits_backdated": backdated,
                "assessments_changed": [{"visit_id": c.visit_id, "examined_at": c.examined_at.isoformat(),
                                         "changes": list(c.changes), "as_signed": c.as_signed}
                                        for c in changed]})
        return ImportResult(patient.record_number, created, added, already, backdated, tuple(changed))


def _answers_when_imported(signed: list[models.Visit], new: list[Visit],
                           days: int) -> list[tuple[Visit | None, VisitAssessment]]:
    """The engine's answer for each of the patient's signed visits once the new ones are stored, in
    order of examination, each with its new visit (None for a visit signed before)."""
    visits: list[tuple[datetime, Visit | None, Visit]] = [(row.examined_at, None, visit_from_row(row))
                                                           for row in signed]
    visits += [(visit.examined_at, visit, visit) for visit in new]
    visits.sort(key=lambda entry: entry[0])
    assessments = assess_visits([read for _, _, read in visits], days)
    return [(added, assessment) for (_, added, _), assessment in zip(visits, assessments, strict=True)]


def _write_visits(session: Session, patient_id: int, new: list[Visit],
                  answers: list[tuple[Visit | None, VisitAssessment]], user_id: int, now: datetime, days: int,
                  progress: Callable[[int, int], None] | None) -> list[int]:
    """Insert the new visits as signed (each with the assessment it is imported with), their findings
    and worksheets, `IMPORT_BATCH` at a time. Returns the visits' ids, in the order of `new`."""
    kept = {id(visit): summary(assessment, days, IMPORTED) for visit, assessment in answers if visit is not None}
    tables = models.Base.metadata.tables
    visits = tables["visits"]
    connection = session.connection()
    written: list[int] = []
    for start in range(0, len(new), IMPORT_BATCH):
        batch = new[start:start + IMPORT_BATCH]
        ids = connection.execute(
            insert(visits).returning(visits.c.id, sort_by_parameter_order=True),
            [visit_values(visit) | {"patient_id": patient_id, "status": VisitStatus.SIGNED,
                                    "created_by_id": user_id, "signed_by_id": user_id, "signed_at": now,
                                    "signed_assessment": kept[id(visit)], "version": IMPORTED_VERSION}
             for visit in batch]).scalars().all()
        findings = [(visit_id, *row) for visit_id, visit in zip(ids, batch, strict=True) for row in finding_rows(visit)]
        insert_many(session, tables["findings"], ("visit_id", *FINDING_COLUMNS), findings)
        sheets = [{"visit_id": visit_id, "entries": dict(visit.isncsci)}
                  for visit_id, visit in zip(ids, batch, strict=True) if visit.isncsci is not None]
        if sheets:
            connection.execute(insert(tables["isncsci_worksheets"]), sheets)
        written += ids
        if progress is not None and len(new) > IMPORT_BATCH:  # a file written in one statement needs no bar
            progress(len(written), len(new))
    return written


def _write_new_status(session: Session, patient_id: int, last_visit_id: int,
                      assessments: list[VisitAssessment], days: int) -> None:
    """The status row of a patient this import created: every signed visit is one of the file's, and
    none has a doctor's note or a recall mark yet."""
    session.connection().execute(insert(models.Base.metadata.tables["patient_status"]), [
        {"patient_id": patient_id} | status_values(assessments, last_visit_id, days)
        | plan_values(plan_without_reviews(assessments, intervals_in(session)))])


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


def import_file(ctx: AppContext, path: Path, allow_backdated: bool = False,
                progress: Callable[[int, int], None] | None = None) -> ImportResult:
    return import_record(ctx, read_record_file(path), str(path), allow_backdated, progress)


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

