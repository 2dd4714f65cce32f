"""Finding, registering and editing patients."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.orm.exc import StaleDataError

from exam_app.clinical.plausibility import birth_date_problem
from exam_app.clinical.record import Patient
from exam_app.clinical.vocabulary import vocabulary
from exam_app.services.concurrency import retried_on_conflict
from exam_app.services.context import AppContext, InvalidInput, ServiceError, require_patient
from exam_app.store import models
from exam_app.store.faults import WriteConflict
from exam_app.store.records import patient_from_row, search_key, set_patient_fields
from exam_app.store.repository import audit, patient_by_record_number
from exam_app.tables import SIGNED_STATUSES

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y")
_END = "\uffff"  # above every character a folded key holds: key >= t AND key < t + _END is a prefix match


class EditConflict(ServiceError):
    """Somebody else saved the same thing since it was opened; nothing was overwritten."""


@dataclass(frozen=True)
class PatientSummary:
    record_number: str
    name: str  # "Family, Given"
    birth_date: date | None
    sex: str | None
    visits: int
    last_examined_at: datetime | None
    version: int


def _date_in(text: str) -> date | None:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _prefix(column: InstrumentedAttribute[str] | ColumnElement[str], token: str) -> ColumnElement[bool]:
    return and_(column >= token, column < token + _END)


_LIST_ORDER = (models.Patient.family_key, models.Patient.given_key, models.Patient.record_number)
# A word matching more record numbers than this is looked for along the list's order (it matches
# many patients, spread over the whole list); fewer are read from the record numbers' index and sorted.
_SORTED_AT_MOST = 2_000


def _page_ids(session: Session, text: str, limit: int) -> list[int] | None:
    """The ids of the patients the list shows for `text` (None: the whole list, first page).

    The first word is looked for in each column separately, so that each search is a range of one
    index: the family names along the list's own index, the given names and record numbers sorted
    after (or, for a record number prefix most patients share, along the list's index too). The
    other words filter each. Sorting every patient one of the three ranges matched, as one OR
    would, grows with the clinic.
    """
    patient = models.Patient
    born = _date_in(text)
    if born is not None:
        return list(session.scalars(select(patient.id).where(patient.birth_date == born)
                                    .order_by(*_LIST_ORDER).limit(limit)))
    tokens = [token for token in re.split(r"[\s,]+", search_key(text)) if token]
    if not tokens:
        return None
    first, rest = tokens[0], [or_(_prefix(patient.family_key, token), _prefix(patient.given_key, token),
                                  _prefix(patient.record_key, token)) for token in tokens[1:]]
    found: list[int] = []
    for column in (patient.family_key, patient.given_key):
        found += session.scalars(select(patient.id).where(_prefix(column, first), *rest)
                                 .order_by(*_LIST_ORDER).limit(limit))
    by_record = _prefix(patient.record_key, first)
    many = session.scalar(select(func.count()).select_from(
        select(patient.id).where(by_record).limit(_SORTED_AT_MOST).subquery())) == _SORTED_AT_MOST
    if many:  # compared as text made from the column, which no index holds: read along the list's order
        by_record = _prefix(patient.record_key.concat(""), first)
    found += session.scalars(select(patient.id).where(by_record, *rest).order_by(*_LIST_ORDER).limit(limit))
    return found


def search_patients(ctx: AppContext, text: str = "", limit: int = 50) -> list[PatientSummary]:
    """Type-ahead search: every word must start a name or the record number; a date finds births."""
    patient, visit = models.Patient, models.Visit
    with ctx.db.session() as session:
        page = _page_ids(session, text.strip(), limit)
        columns = select(patient.id, patient.record_number, patient.family_name, patient.given_name,
                         patient.birth_date, patient.sex, patient.version)
        if page is not None:
            columns = columns.where(patient.id.in_(page))
        patients = session.execute(columns.order_by(*_LIST_ORDER).limit(limit)).all()
        summaries = {patient_id: (count, last) for patient_id, count, last in session.execute(
            select(visit.patient_id, func.count(visit.id), func.max(visit.examined_at))
            .where(visit.patient_id.in_([p.id for p in patients]), visit.status.in_(SIGNED_STATUSES))
            .group_by(visit.patient_id))}
    return [_summary(record_number, family, given, born, sex, version, *summaries.get(patient_id, (0, None)))
            for patient_id, record_number, family, given, born, sex, version in patients]


def _row_summary(row: models.Patient) -> PatientSummary:
    """A patient just registered or edited, as the list shows them (visits are not counted here)."""
    return _summary(row.record_number, row.family_name, row.given_name, row.birth_date, row.sex, row.version, 0, None)


def _summary(record_number: str, family: str | None, given: str | None, born: date | None, sex: str | None,
             version: int, visits: int, last: datetime | None) -> PatientSummary:
    name = ", ".join(n for n in (family, given) if n) or record_number
    last_local = last.astimezone() if last is not None else None
    return PatientSummary(record_number, name, born, sex, visits, last_local, version)


def patient_summaries(ctx: AppContext, limit: int = 200) -> list[PatientSummary]:
    return search_patients(ctx, "", limit)


def get_patient(ctx: AppContext, record_number: str) -> tuple[Patient, int]:
    """The patient and the version to hand back when saving an edit."""
    with ctx.db.session() as session:
        row = _row(session, record_number)
        return patient_from_row(row), row.version


def _row(session: Session, record_number: str) -> models.Patient:
    return require_patient(session, record_number)


def check_patient(patient: Patient, today: date | None = None) -> Patient:
    """The patient with fields trimmed; InvalidInput names the first field that is wrong."""
    trimmed = replace(
        patient,
        record_number=patient.record_number.strip(),
        family_name=(patient.family_name or "").strip() or None,
        given_name=(patient.given_name or "").strip() or None,
        contact=(patient.contact or "").strip() or None,
        referring_clinician=(patient.referring_clinician or "").strip() or None,
    )
    if not trimmed.record_number:
        raise InvalidInput("record number: required")
    if len(trimmed.record_number) > 64:
        raise InvalidInput("record number: at most 64 characters")
    if not trimmed.family_name and not trimmed.given_name:
        raise InvalidInput("name: give a family name or a given name")
    for label, text in (("family name", trimmed.family_name), ("given name", trimmed.given_name),
                        ("referring clinician", trimmed.referring_clinician)):
        if text is not None and len(text) > 200:
            raise InvalidInput(f"{label}: at most 200 characters")
    if trimmed.birth_date is not None:
        problem = birth_date_problem(trimmed.birth_date, today or date.today())
        if problem is not None:
            raise InvalidInput(f"birth date: {problem}")
    if trimmed.sex is not None and trimmed.sex not in vocabulary().sexes:
        raise InvalidInput(f"sex: {trimmed.sex!r} is not one of {', '.join(vocabulary().sexes)}")
    return trimmed


@retried_on_conflict
def register_patient(ctx: AppContext, patient: Patient) -> PatientSummary:
    """Register a new patient; InvalidInput if the record number is taken, also when another
    workstation registered it a moment before (the second registration is run again and finds it)."""
    ctx.require("register_patient")
    patient = check_patient(patient)
    with ctx.db.session(write=True) as session:
        _refuse_taken(session, patient.record_number)
        row = models.Patient()
        set_patient_fields(row, patient)
        session.add(row)
        flush_new_patient(session, patient.record_number)
        audit(session, ctx.user.id, "patient_registered", "patient", patient.record_number)
        return _row_summary(row)


def flush_new_patient(session: Session, record_number: str) -> None:
    """Flush a patient row whose record number was checked free: another workstation may have taken it
    in between (PostgreSQL lets both check before either commits); that is a WriteConflict, after
    which the use case runs again and finds the number taken."""
    try:
        session.flush()
    except IntegrityError:
        raise WriteConflict(f"record number: {record_number!r} was registered on another workstation at the "
                            "same moment") from None


def _refuse_taken(session: Session, record_number: str, own_id: int | None = None) -> None:
    """InvalidInput if another patient holds the record number (ignoring case and spaces)."""
    taken = patient_by_record_number(session, record_number)
    if taken is not None and taken.id != own_id:
        same = "" if taken.record_number == record_number else f" (as {taken.record_number!r})"
        raise InvalidInput(f"record number: {record_number!r} belongs to another patient{same}: "
                           f"{taken.family_name or ''}, {taken.given_name or ''}".rstrip(", "))


@retried_on_conflict
def update_patient(ctx: AppContext, record_number: str, patient: Patient, version: int) -> PatientSummary:
    """Save an edit made on `version`; EditConflict if somebody saved the patient since."""
    ctx.require("register_patient")
    patient = check_patient(patient)
    try:
        with ctx.db.session(write=True) as session:
            row = _row(session, record_number)
            if row.version != version:
                raise EditConflict(_conflict_message(patient_from_row(row)))
            _refuse_taken(session, patient.record_number, own_id=row.id)
            before = patient_from_row(row)
            set_patient_fields(row, patient)
            flush_new_patient(session, patient.record_number)
            audit(session, ctx.user.id, "patient_edited", "patient", patient.record_number,
                  {"changed": _changed_fields(before, patient)})
            return _row_summary(row)
    except StaleDataError:
        raise EditConflict(_conflict_message(get_patient(ctx, record_number)[0])) from None


def _changed_fields(before: Patient, after: Patient) -> list[str]:
    return [name for name in Patient.__dataclass_fields__ if getattr(before, name) != getattr(after, name)]


def _conflict_message(stored: Patient) -> str:
    born = stored.birth_date.isoformat() if stored.birth_date else "no birth date"
    return (f"{stored.record_number} was changed on another workstation since you opened it "
            f"(now: {stored.display_name}, {born}). Your edit was not saved; reopen the patient and "
            "make it again.")
