"""The database schema (SQLAlchemy 2 ORM). Changes go through Alembic migrations in `migrations/`.

Findings are one row per item, side and modality, so a single item can be queried across visits
and patients without loading whole records ("every visit where left great-toe extension <= 3").
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from exam_app.tables import NoteStatus, VisitStatus

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}



class UTCDateTime(TypeDecorator[datetime]):
    """An instant stored as naive UTC on every backend and read back as aware UTC."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a time stored in the database must carry its time zone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


def offset_minutes(moment: datetime) -> int:
    offset = moment.utcoffset()
    return 0 if offset is None else int(offset.total_seconds() // 60)


def in_offset(moment: datetime, minutes: int) -> datetime:
    """An aware UTC instant shown at the offset it was written with."""
    return moment.astimezone(timezone(timedelta(minutes=minutes)))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, datetime: UTCDateTime}


class User(Base):
    """An account of a person of the clinic: who signs, and what their role lets them do."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))  # the full name, as it signs
    role: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))  # Argon2id; never the password
    registration_number: Mapped[str | None] = mapped_column(String(64))  # professional registration
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(200))
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column()
    password_changed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Patient(Base):
    __tablename__ = "patients"
    # The order the patient list is shown in: the list's first page is read off the index.
    __table_args__ = (Index("ix_patients_list_order", "family_key", "given_key", "record_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_number: Mapped[str] = mapped_column(String(64), unique=True)
    # The record number folded (case, accents, surrounding spaces): unique, so that two patients never
    # differ only by case, and every look-up by record number goes through it.
    record_key: Mapped[str] = mapped_column(String(64), default="", unique=True)
    family_name: Mapped[str | None] = mapped_column(String(200))
    given_name: Mapped[str | None] = mapped_column(String(200))
    # Case- and accent-folded names for fast type-ahead search by prefix.
    family_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    given_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    birth_date: Mapped[date | None] = mapped_column(Date, index=True)
    sex: Mapped[str | None] = mapped_column(String(16))
    contact: Mapped[str | None] = mapped_column(Text)
    referring_clinician: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    visits: Mapped[list[Visit]] = relationship(
        back_populates="patient", cascade="all, delete-orphan", order_by="Visit.examined_at"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it as declared)


class Visit(Base):
    __tablename__ = "visits"
    __table_args__ = (
        UniqueConstraint("patient_id", "examined_at"),
        # A page of patients' signed visits counted without reading the clinic's (the search list).
        Index("ix_visits_patient_status", "patient_id", "status", "examined_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), index=True)
    examined_at: Mapped[datetime] = mapped_column(index=True)
    examined_at_offset: Mapped[int] = mapped_column(Integer, default=0)  # minutes east of UTC, as written
    examiner: Mapped[str | None] = mapped_column(String(200))
    weakness_onset: Mapped[datetime | None] = mapped_column()
    weakness_onset_offset: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=VisitStatus.DRAFT.value, index=True)
    vac: Mapped[str | None] = mapped_column(String(8))
    dap: Mapped[str | None] = mapped_column(String(8))
    notes: Mapped[str | None] = mapped_column(Text)
    history: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    incomplete_reason: Mapped[str | None] = mapped_column(Text)  # signed as incomplete: why
    asked: Mapped[str] = mapped_column(String(64), default="")  # comma list: symptoms,red_flags
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime | None] = mapped_column()
    # The engine's answer the visit was signed (or imported, or amended) with: urgency, pattern,
    # worsening, progression. Kept as it was when visits added later, e.g. an earlier visit imported
    # afterwards, change what the engine says of it now; shown beside the current answer then.
    signed_assessment: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    patient: Mapped[Patient] = relationship(back_populates="visits")
    findings: Mapped[list[Finding]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="Finding.id"
    )
    amendments: Mapped[list[VisitAmendment]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="VisitAmendment.amended_at"
    )
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])
    isncsci_worksheet: Mapped[IsncsciWorksheet | None] = relationship(
        back_populates="visit", cascade="all, delete-orphan", uselist=False)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it as declared)


class IsncsciWorksheet(Base):
    """The ISNCSCI 2019 worksheet recorded at a visit (at most one): part of the visit, saved with its
    draft, signed and amended with it.

    `entries` holds the boxes in the flat layout of the published cases (`c5RightMotor` -> "4*",
    `analContraction` -> "No"), as `exam_app.clinical.isncsci` reads them; a box not typed yet is absent.
    """

    __tablename__ = "isncsci_worksheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), unique=True)
    entries: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    visit: Mapped[Visit] = relationship(back_populates="isncsci_worksheet")


class Finding(Base):
    """One recorded value: a motor grade, sensory score, reflex, sign, symptom or red-flag answer.

    `kind` is one of motor, light_touch, pin_prick, reflex, plantar_response, ankle_clonus_beats,
    tension_sign, gait, symptom, red_flag. `number` is the value as a number where it has one (the
    base grade of a motor grade, a sensory score, a reflex grade, clonus beats) so that queries can
    compare it; `tag` is the ISNCSCI `*`/`**` tag.
    """

    __tablename__ = "findings"
    # Read by visit only, through the unique key. No index by item: no query asks for one, and each
    # index is kept up at each of a visit's hundred inserts (an import, a demo clinic).
    __table_args__ = (UniqueConstraint("visit_id", "kind", "item", "side"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up through the unique key (visit, kind, item, side), which begins with it: no index of
    # its own to keep up at each of a visit's hundred inserts.
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    item: Mapped[str] = mapped_column(String(64))
    side: Mapped[str] = mapped_column(String(8), default="")  # "" for items without a side
    value: Mapped[str] = mapped_column(String(32))
    number: Mapped[int | None] = mapped_column(Integer)
    tag: Mapped[str] = mapped_column(String(4), default="")
    angle: Mapped[int | None] = mapped_column(Integer)

    visit: Mapped[Visit] = relationship(back_populates="findings")


class VisitAmendment(Base):
    """A correction of a signed visit: the visit as it was before, who changed it, when and why."""

    __tablename__ = "visit_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    amended_at: Mapped[datetime] = mapped_column(default=utc_now)
    amended_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    previous: Mapped[dict[str, Any]] = mapped_column(JSON)

    visit: Mapped[Visit] = relationship(back_populates="amendments")


class AuditEvent(Base):
    """Append-only: the migrations add triggers that refuse UPDATE and DELETE on this table, and each
    event carries the hash of the one before it, so a removed or altered event breaks the chain."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    workstation: Mapped[str | None] = mapped_column(String(200))  # the host name it came from
    patient: Mapped[str | None] = mapped_column(String(64), index=True)  # the record number it concerns
    previous_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class ClinicSetting(Base):
    __tablename__ = "clinic_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class DoctorNoteRow(Base):
    """The doctor's part of a visit: impression, investigations and plan (one per visit)."""

    __tablename__ = "doctor_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), unique=True)
    level: Mapped[str | None] = mapped_column(String(64))
    causes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"ids": [...]}
    impression: Mapped[str | None] = mapped_column(Text)
    investigations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"items": [...]}
    plans: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"ids": [...]}
    plan_text: Mapped[str | None] = mapped_column(Text)
    next_review: Mapped[date | None] = mapped_column(Date)
    surgical_consent: Mapped[bool | None] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16), default=NoteStatus.DRAFT.value)
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it as declared)


class DoctorNoteAddendum(Base):
    """A result of a requested investigation added after the doctor's note was signed: who and when."""

    __tablename__ = "doctor_note_addenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    investigation: Mapped[str] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(Text)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(default=utc_now)


class ReferralLetter(Base):
    """A letter as issued: what it said, the exact PDF and its hash, who issued it and when.

    A re-print sends the stored PDF, so it is the same letter.
    """

    __tablename__ = "referral_letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(default=utc_now)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recipient: Mapped[str] = mapped_column(String(300))
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)  # what it said: urgency, alerts, findings
    sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)


class PatientStatus(Base):
    """The engine's latest answer for a patient, kept so the worklist is one indexed query.

    Recomputed from the signed visits whenever a visit is signed, amended or imported.
    """

    __tablename__ = "patient_status"
    __table_args__ = (
        # Emergency and same-day patients come first on the worklist, whatever their window.
        Index("ix_patient_status_urgency_examined", "urgency", "last_examined_at"),
        # The recent worsenings of closed windows: the window read off the index, not the row.
        Index("ix_patient_status_worsened_window", "last_worsened_at", "window_ends"),
    )

    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True)
    last_visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="SET NULL"))
    last_examined_at: Mapped[datetime | None] = mapped_column()
    onset: Mapped[datetime | None] = mapped_column()
    window_ends: Mapped[datetime | None] = mapped_column(index=True)
    urgency: Mapped[str] = mapped_column(String(16), default="routine")
    pattern: Mapped[str] = mapped_column(String(32), default="indeterminate")
    nerve: Mapped[str | None] = mapped_column(String(32))
    lems_left: Mapped[str | None] = mapped_column(String(4))
    lems_right: Mapped[str | None] = mapped_column(String(4))
    last_worsened_at: Mapped[datetime | None] = mapped_column()  # the latest visit that worsened
    progression_within_window: Mapped[bool] = mapped_column(Boolean, default=False)
    worsening_findings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"changes": [...]}
    rules_version: Mapped[int] = mapped_column(Integer, default=1)
    window_days: Mapped[int] = mapped_column(Integer, default=3)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    # The next examination (exam_app/clinical/next_examination.py): its time indexed, so the patients
    # due today are a range scan. A NULL basis was never computed (a row from before the column).
    next_exam_due: Mapped[datetime | None] = mapped_column(index=True)
    next_exam_basis: Mapped[str | None] = mapped_column(String(32))
    next_exam: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the plan and what it rests on
    # The doctor's review that takes over once the window closes and the window rule lapses.
    review_due: Mapped[datetime | None] = mapped_column(index=True)
    recall: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the latest recall mark since the last visit


class RecallMark(Base):
    """The front desk recalling a patient for the examination due after their last signed visit:
    called, left a message, or booked for a time. Marks are added, never changed."""

    __tablename__ = "recall_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), index=True)
    # The last signed visit when the mark was made: a later visit leaves the mark behind.
    after_visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="SET NULL"))
    due_at: Mapped[datetime | None] = mapped_column()  # the examination due that the call was about
    outcome: Mapped[str] = mapped_column(String(16))  # an id of resources/next_examination.json recall_outcomes
    booked_for: Mapped[datetime | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)
    marked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[datetime] = mapped_column(default=utc_now)


class SafetyNetSheet(Base):
    """A safety-net sheet as handed to the patient: the exact PDF and its hash, who issued it and when."""

    __tablename__ = "safety_net_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(default=utc_now)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)  # what it said: the next examination, the window
    sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
