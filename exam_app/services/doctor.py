"""The doctor's part of a visit: impression, investigations and plan, saved as a draft, then signed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from exam_app.clinical.doctor import DoctorNote, plans_surgery, surgery_unsupported
from exam_app.services.context import AppContext, InvalidInput, NotFound, ServiceError
from exam_app.services.patients import EditConflict
from exam_app.services.worklist import refresh_patient
from exam_app.store import models
from exam_app.store.records import set_doctor_note_fields, visit_from_row
from exam_app.store.repository import audit, stored_doctor_note
from exam_app.tables import NoteStatus, VisitStatus, doctor


@dataclass(frozen=True)
class OpenNote:
    visit_id: int
    note: DoctorNote
    status: NoteStatus
    version: int | None  # None until first saved
    warnings: tuple[str, ...]


def _known(kind: str) -> set[str]:
    return set(doctor().ids(kind))


def check_note(note: DoctorNote) -> None:
    """InvalidInput naming the first id that is not in resources/doctor.json."""
    if note.level is not None and note.level not in _known("levels"):
        raise InvalidInput(f"level: {note.level!r} is not a known level")
    for kind, ids in (("causes", note.causes), ("plans", note.plans),
                      ("investigations", tuple(i.id for i in note.investigations))):
        unknown = [i for i in ids if i not in _known(kind)]
        if unknown:
            raise InvalidInput(f"{kind}: {unknown[0]!r} is not known")


def note_warnings(ctx: AppContext, visit_id: int, note: DoctorNote) -> tuple[str, ...]:
    """What the doctor should see before signing (never a refusal): surgery without a deficit."""
    if not plans_surgery(note):
        return ()
    with ctx.db.session() as session:
        row = session.get(models.Visit, visit_id)
        if row is None:
            raise NotFound(f"visit {visit_id} does not exist")
        return surgery_unsupported(visit_from_row(row)) or ()


def open_note(ctx: AppContext, visit_id: int) -> OpenNote:
    with ctx.db.session() as session:
        visit = session.get(models.Visit, visit_id)
        if visit is None:
            raise NotFound(f"visit {visit_id} does not exist")
        stored = stored_doctor_note(session, visit_id)
        if stored is None:
            return OpenNote(visit_id, DoctorNote(), NoteStatus.NEW, None, ())
        row, note = stored
    return OpenNote(visit_id, note, NoteStatus(row.status), row.version, note_warnings(ctx, visit_id, note))


def save_note(ctx: AppContext, visit_id: int, note: DoctorNote, version: int | None, sign: bool = False) -> int:
    """Save the note (and sign it when asked); returns the new version.

    Signing a plan with surgery needs the patient's informed consent to surgical referral, the risk
    of paralysis explained.
    """
    ctx.require("doctor_note")
    check_note(note)
    if sign and plans_surgery(note) and note.surgical_consent is not True:
        raise InvalidInput("surgical consent: record the patient's informed consent to surgical referral "
                           "(the risk of paralysis explained) before signing a plan with surgery")
    try:
        with ctx.db.session(write=True) as session:
            visit = session.get(models.Visit, visit_id)
            if visit is None:
                raise NotFound(f"visit {visit_id} does not exist")
            if visit.status == VisitStatus.DRAFT:
                raise ServiceError("the examination is not signed yet: sign it before the doctor's note")
            row = session.scalar(select(models.DoctorNoteRow).where(models.DoctorNoteRow.visit_id == visit_id))
            if row is None:
                if version is not None:
                    raise EditConflict("the doctor's note was deleted on another workstation")
                row = models.DoctorNoteRow(visit_id=visit_id, written_by_id=ctx.user.id)
                session.add(row)
            elif row.version != version:
                raise EditConflict("the doctor's note was saved on another workstation since you opened it; "
                                   "reopen the visit to see it")
            elif row.status == NoteStatus.SIGNED:
                raise ServiceError("the doctor's note is signed and read-only")
            set_doctor_note_fields(row, note)
            row.updated_at = datetime.now(UTC)
            if sign:
                row.status = NoteStatus.SIGNED
                row.signed_by_id = ctx.user.id
                row.signed_at = datetime.now(UTC)
            session.flush()
            if sign:  # its next review may change when the patient's next examination is due
                refresh_patient(session, visit.patient_id, ctx.window_days)
            audit(session, ctx.user.id, "doctor_note_signed" if sign else "doctor_note_saved", "visit", visit_id,
                  {"plans": list(note.plans), "surgical_consent": note.surgical_consent},
                  patient=visit.patient.record_number)
            return row.version
    except StaleDataError:
        raise EditConflict("the doctor's note was saved on another workstation since you opened it") from None


def add_investigation_result(ctx: AppContext, visit_id: int, investigation: str, result: str) -> None:
    """Add the result of a requested investigation to a signed note, as an addendum with who and when
    (the signed note itself is never changed)."""
    ctx.require("doctor_note")
    if not result.strip():
        raise InvalidInput("result: write the result to add")
    with ctx.db.session(write=True) as session:
        stored = stored_doctor_note(session, visit_id)
        if stored is None or stored[0].status != NoteStatus.SIGNED:
            raise ServiceError("the doctor's note is not signed yet: write the result in the note itself")
        requested = {i.id for i in stored[1].investigations}
        if investigation not in requested:
            raise InvalidInput(f"investigation: {investigation!r} was not requested in this note")
        session.add(models.DoctorNoteAddendum(visit_id=visit_id, investigation=investigation, result=result.strip(),
                                              added_by_id=ctx.user.id))
        visit = session.get(models.Visit, visit_id)
        assert visit is not None  # its signed note is there
        audit(session, ctx.user.id, "investigation_result_added", "visit", visit_id,
              {"investigation": investigation, "result": result.strip()}, patient=visit.patient.record_number)
