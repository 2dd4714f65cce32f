"""A visit's life: a draft saved as the examiner types, signed (read-only), amended with a reason.

Drafts live in the database (status `draft`), so a crash or power cut loses at most the seconds
since the last autosave, and the next start offers them back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from exam_app.clinical.completeness import has_findings, missing_items, unanswered_red_flags
from exam_app.clinical.isncsci import entry_labels, missing_entries
from exam_app.clinical.plausibility import examined_at_problem, onset_problem
from exam_app.clinical.record import ExamRecord, Patient, Visit
from exam_app.interop.exam_record import visit_document
from exam_app.services.as_signed import AMENDED, SIGNED, record_as_signed
from exam_app.services.concurrency import retried_on_conflict
from exam_app.services.context import AppContext, InvalidInput, NotFound, ServiceError, require_patient
from exam_app.services.patients import EditConflict
from exam_app.services.worklist import refresh_status
from exam_app.store import models
from exam_app.store.audit_trail import visit_altered, visit_content_hash
from exam_app.store.records import patient_from_row, set_visit_fields, visit_from_row
from exam_app.store.repository import audit, signed_visits
from exam_app.tables import VisitStatus, roles


@dataclass(frozen=True)
class OpenVisit:
    """A visit opened for editing: its id, the version to save against, its patient and findings."""

    visit_id: int
    record_number: str
    patient_name: str
    status: str
    version: int
    visit: Visit
    birth_date: date | None = None
    altered: bool = False  # signed, then changed outside the app: the audit trail does not match
    signed_assessment: dict[str, Any] | None = None  # the engine's answer it was signed with


@dataclass(frozen=True)
class DraftSummary:
    visit_id: int
    record_number: str
    patient_name: str
    examined_at: datetime
    saved_at: datetime


def _now() -> datetime:
    return datetime.now(UTC).astimezone()


def _visit_row(session: Session, visit_id: int) -> models.Visit:
    row = session.scalar(
        select(models.Visit).where(models.Visit.id == visit_id)
        .options(selectinload(models.Visit.findings), selectinload(models.Visit.patient),
                 selectinload(models.Visit.isncsci_worksheet)))
    if row is None:
        raise NotFound(f"visit {visit_id} does not exist (was the draft discarded on another workstation?)")
    return row


def _open(row: models.Visit) -> OpenVisit:
    patient = patient_from_row(row.patient)
    name = ", ".join(n for n in (patient.family_name, patient.given_name) if n) or patient.record_number
    return OpenVisit(row.id, patient.record_number, name, row.status, row.version, visit_from_row(row),
                     patient.birth_date, signed_assessment=row.signed_assessment)


def check_visit(visit: Visit, born: date | None = None, now: datetime | None = None) -> None:
    """InvalidInput naming the first impossible time of a visit being recorded."""
    problem = examined_at_problem(visit.examined_at, now or _now(), born)
    if problem is not None:
        raise InvalidInput(f"examined at: {problem}")
    if visit.weakness_onset is not None:
        problem = onset_problem(visit.weakness_onset, visit.examined_at, born)
        if problem is not None:
            raise InvalidInput(f"onset of the weakness: {problem}")


def check_signable(visit: Visit, born: date | None) -> None:
    """InvalidInput unless the visit may be signed: plausible times, every red-flag question answered,
    and every item recorded (as a value or NT) unless it is signed as incomplete with a reason."""
    check_visit(visit, born)
    unanswered = unanswered_red_flags(visit)
    if unanswered:
        raise InvalidInput(f"red flags: answer every red-flag question before signing ({len(unanswered)} "
                           "unanswered)")
    if visit.incomplete_reason is not None and not visit.incomplete_reason.strip():
        raise InvalidInput("incomplete: say why the examination could not be completed")
    _check_worksheet(visit)
    missing = missing_items(visit)
    if missing and visit.incomplete_reason is None:
        raise InvalidInput(
            f"the examination is not complete: {len(missing)} items not recorded (first: {missing[0].label}); "
            "record them (NT when not testable), or sign it as incomplete with the reason")


def _check_worksheet(visit: Visit) -> None:
    """A worksheet is signed whole or not at all: a half-typed one would be classified by nobody."""
    if visit.isncsci is None:
        return
    empty = missing_entries(visit.isncsci)
    if empty:
        raise InvalidInput(f"ISNCSCI worksheet: {len(empty)} boxes not recorded (first: "
                           f"{entry_labels()[empty[0]]}); record them (NT when not testable), or remove the worksheet")


def _check_no_less_complete(before: Visit, after: Visit, born: date | None) -> None:
    """An amendment keeps what made the signature valid: plausible times, and the red flags and items
    the signed visit had recorded (an imported visit may have left items out, and may still)."""
    check_visit(after, born)
    _check_worksheet(after)
    if not unanswered_red_flags(before) and unanswered_red_flags(after):
        raise InvalidInput("red flags: a correction cannot leave a red-flag question unanswered")
    if before.incomplete_reason is None and not missing_items(before):
        missing = missing_items(after)
        if missing and after.incomplete_reason is None:
            raise InvalidInput(f"the corrected examination is not complete ({missing[0].label} not recorded); "
                               "record it, or give the reason it is incomplete")


@retried_on_conflict
def start_visit(ctx: AppContext, record_number: str, examined_at: datetime | None = None) -> OpenVisit:
    """A new draft visit for the patient, examined now by the acting user."""
    ctx.require("record_visit")
    moment = (examined_at or _now()).replace(microsecond=0)
    with ctx.db.session(write=True) as session:
        patient = require_patient(session, record_number)
        clash = session.scalar(select(models.Visit.id).where(
            models.Visit.patient_id == patient.id, models.Visit.examined_at == moment))
        if clash is not None:
            raise InvalidInput(f"examined at: {patient.record_number} already has a visit at {moment.isoformat()}")
        visit = Visit(examined_at=moment, examiner=ctx.user.username, asked=frozenset({"symptoms", "red_flags"}))
        check_visit(visit, patient.birth_date)
        row = models.Visit(patient=patient, status=VisitStatus.DRAFT, created_by_id=ctx.user.id)
        set_visit_fields(row, visit)
        session.add(row)
        session.flush()
        audit(session, ctx.user.id, "visit_started", "visit", row.id, {"patient": patient.record_number})
        return _open(row)


def open_visit(ctx: AppContext, visit_id: int) -> OpenVisit:
    """A visit to look at or go on recording; opening it is noted in the audit trail, and a signed
    visit changed outside the app since it was signed says so (`altered`)."""
    with ctx.db.session() as session:
        row = _visit_row(session, visit_id)
        if row.status == VisitStatus.DRAFT:
            ctx.require("view_drafts")
        opened = replace(_open(row), altered=visit_altered(session, row))
    ctx.note_viewed(opened.record_number, "visit", "visit", visit_id)
    return opened


@retried_on_conflict
def save_draft(ctx: AppContext, visit_id: int, visit: Visit, version: int) -> int:
    """Store the draft's findings as they are now; returns the new version."""
    ctx.require("record_visit")
    try:
        with ctx.db.session(write=True) as session:
            row = _visit_row(session, visit_id)
            _check_editable(row, version)
            set_visit_fields(row, visit)
            row.updated_at = datetime.now(UTC)  # marks the row changed, so its version moves on
            session.flush()
            return row.version
    except StaleDataError:
        raise EditConflict(_conflict(visit_id)) from None


def _check_editable(row: models.Visit, version: int) -> None:
    if row.status != VisitStatus.DRAFT:
        raise ServiceError(f"visit {row.id} is {row.status} and can no longer be edited; amend it instead")
    if row.version != version:
        raise EditConflict(_conflict(row.id))


def _conflict(visit_id: int) -> str:
    return (f"visit {visit_id} was saved on another workstation since you opened it; your changes were not "
            "saved over it. Reopen the visit to see both.")


@retried_on_conflict
def sign_visit(ctx: AppContext, visit_id: int, visit: Visit, version: int) -> int:
    """Save and sign: the visit becomes read-only. Returns the new version.

    Refused (InvalidInput, nothing saved) unless every red-flag question is answered and every item
    is recorded, or the visit carries the reason it is incomplete (`visit.incomplete_reason`).
    """
    ctx.require("record_visit")
    try:
        with ctx.db.session(write=True) as session:
            row = _visit_row(session, visit_id)
            _check_editable(row, version)
            check_signable(visit, row.patient.birth_date)
            set_visit_fields(row, visit)
            row.status = VisitStatus.SIGNED
            row.signed_by_id = ctx.user.id
            row.signed_at = datetime.now(UTC)
            session.flush()
            refresh_status(session, row.patient, ctx.window_days)
            record_as_signed(session, row.patient_id, [row.id], ctx.window_days, SIGNED)
            audit(session, ctx.user.id, "visit_signed", "visit", row.id,
                  {"patient": row.patient.record_number, "examined_at": visit.examined_at.isoformat(),
                   "incomplete_reason": visit.incomplete_reason, "visits": {str(row.id): visit_content_hash(row)}})
            return row.version
    except StaleDataError:
        raise EditConflict(_conflict(visit_id)) from None


@retried_on_conflict
def amend_visit(ctx: AppContext, visit_id: int, visit: Visit, version: int, reason: str) -> int:
    """Correct a signed visit, keeping the original, who, when and why."""
    ctx.require("amend_visit")
    if not reason.strip():
        raise InvalidInput("reason: say why the signed visit is corrected")
    try:
        with ctx.db.session(write=True) as session:
            row = _visit_row(session, visit_id)
            if row.status == VisitStatus.DRAFT:
                raise ServiceError(f"visit {visit_id} is a draft: edit it directly")
            if row.version != version:
                raise EditConflict(_conflict(visit_id))
            before = visit_from_row(row)
            _check_no_less_complete(before, visit, row.patient.birth_date)
            previous = visit_document(before)
            row.amendments.append(models.VisitAmendment(
                amended_by_id=ctx.user.id, reason=reason.strip(), previous=previous))
            set_visit_fields(row, visit)
            row.status = VisitStatus.AMENDED
            row.updated_at = datetime.now(UTC)
            session.flush()
            refresh_status(session, row.patient, ctx.window_days)
            signed_with = row.signed_assessment  # replaced by the amendment's: the trail keeps it
            record_as_signed(session, row.patient_id, [row.id], ctx.window_days, AMENDED)
            audit(session, ctx.user.id, "visit_amended", "visit", row.id,
                  {"patient": row.patient.record_number, "reason": reason.strip(), "before": previous,
                   "assessment_before": signed_with, "visits": {str(row.id): visit_content_hash(row)}})
            return row.version
    except StaleDataError:
        raise EditConflict(_conflict(visit_id)) from None


@retried_on_conflict
def discard_draft(ctx: AppContext, visit_id: int) -> None:
    ctx.require("record_visit")
    with ctx.db.session(write=True) as session:
        row = _visit_row(session, visit_id)
        if row.status != VisitStatus.DRAFT:
            raise ServiceError(f"visit {visit_id} is {row.status}: a signed visit is never deleted")
        audit(session, ctx.user.id, "draft_discarded", "visit", visit_id,
              {"patient": row.patient.record_number, "examined_at": row.examined_at.isoformat(),
               "had_findings": has_findings(visit_from_row(row))})
        session.delete(row)


@retried_on_conflict
def close_draft(ctx: AppContext, visit_id: int) -> bool:
    """The examiner leaves a draft: one with nothing recorded is not kept. True if it was removed."""
    with ctx.db.session(write=True) as session:
        row = session.get(models.Visit, visit_id)
        if row is None or row.status != VisitStatus.DRAFT or has_findings(visit_from_row(row)):
            return False
        audit(session, ctx.user.id, "draft_discarded", "visit", visit_id,
              {"patient": row.patient.record_number, "examined_at": row.examined_at.isoformat(),
               "had_findings": False})
        session.delete(row)
        return True


@retried_on_conflict
def drafts_to_recover(ctx: AppContext) -> list[DraftSummary]:
    """The acting user's unsigned drafts, newest first: what a crash may have left behind."""
    with ctx.db.session(write=True) as session:
        rows = session.scalars(
            select(models.Visit)
            .where(models.Visit.status == VisitStatus.DRAFT, models.Visit.created_by_id == ctx.user.id)
            .options(selectinload(models.Visit.patient), selectinload(models.Visit.findings))
            .order_by(models.Visit.updated_at.desc())).all()
        kept = []
        for row in rows:
            if has_findings(visit_from_row(row)):
                kept.append(row)
            else:  # opened and left before anything was recorded: nothing to offer back
                audit(session, ctx.user.id, "draft_discarded", "visit", row.id,
                      {"patient": row.patient.record_number, "examined_at": row.examined_at.isoformat(),
                       "had_findings": False})
                session.delete(row)
        return [DraftSummary(r.id, r.patient.record_number, _open_name(r.patient),
                             models.in_offset(r.examined_at, r.examined_at_offset), r.updated_at.astimezone())
                for r in kept]


def _open_name(row: models.Patient) -> str:
    return ", ".join(n for n in (row.family_name, row.given_name) if n) or row.record_number


def earlier_visits(ctx: AppContext, record_number: str, before: datetime | None = None) -> ExamRecord:
    """The patient's signed (and amended) visits, optionally only those before a time."""
    with ctx.db.session() as session:
        patient = require_patient(session, record_number, with_visits=True)
        visits = [visit_from_row(v) for v in signed_visits(patient) if before is None or v.examined_at < before]
        return ExamRecord(patient_from_row(patient), visits)


@dataclass(frozen=True)
class StoredVisit:
    visit_id: int
    status: str
    visit: Visit
    signed_assessment: dict[str, Any] | None = None  # the engine's answer it was signed with
    signed_by: str | None = None  # who signed it, by name and role: "Sam Smith (physiotherapist)"


@dataclass(frozen=True)
class StoredVisits:
    patient: Patient
    version: int
    visits: list[StoredVisit]  # in order of examination


def stored_visits(ctx: AppContext, record_number: str) -> StoredVisits:
    """Every visit of the patient, drafts included, with ids and statuses."""
    with ctx.db.session() as session:
        patient = require_patient(session, record_number, with_visits=True)
        return StoredVisits(patient_from_row(patient), patient.version,
                            [StoredVisit(v.id, v.status, visit_from_row(v), v.signed_assessment, _signer(v))
                             for v in patient.visits])


def _signer(row: models.Visit) -> str | None:
    user = row.signed_by
    return None if user is None else f"{user.display_name} ({roles().label(user.role)})"


def find_visit(ctx: AppContext, record_number: str, examined_at: datetime) -> int:
    """The id of the patient's visit examined at that minute; NotFound names the visits there are."""
    stored = stored_visits(ctx, record_number)
    minute = examined_at.replace(second=0, microsecond=0)
    for visit in stored.visits:
        if visit.visit.examined_at.replace(second=0, microsecond=0) == minute:
            return visit.visit_id
    times = ", ".join(v.visit.examined_at.strftime("%Y-%m-%dT%H:%M%z") for v in stored.visits) or "none"
    raise NotFound(f"--visit: {record_number} has no visit examined at {examined_at.isoformat()} "
                   f"(visits: {times})")
