"""The app's context: the open database and the user acting, passed to every use case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from exam_app.services.errors import InvalidInput as InvalidInput
from exam_app.services.errors import NotFound as NotFound
from exam_app.services.errors import NotPermitted as NotPermitted
from exam_app.services.errors import ServiceError as ServiceError
from exam_app.store import models
from exam_app.store.database import Database
from exam_app.store.faults import StorageFault
from exam_app.store.repository import audit, patient_by_record_number
from exam_app.tables import roles, rules


def require_patient(session: Session, record_number: str, with_visits: bool = False) -> models.Patient:
    """The patient of that record number (ignoring case and surrounding spaces); NotFound otherwise."""
    row = patient_by_record_number(session, record_number, with_visits)
    if row is None:
        raise NotFound(f"no patient with record number {record_number.strip()!r}")
    return row


def read_setting(db: Database, key: str, default: Any = None) -> Any:
    """A clinic setting (letterhead, window length, idle lock…), or `default` when never set."""
    with db.session() as session:
        row = session.get(models.ClinicSetting, key)
        return default if row is None else row.value.get("value", default)


def clinic_window_days(db: Database) -> int:
    return int(read_setting(db, "window_days", rules().window_days.default))


@dataclass(frozen=True)
class ActingUser:
    """The person signed in: who signs what they do."""

    id: int
    username: str
    display_name: str  # the full name
    role: str
    registration_number: str | None = None
    phone: str | None = None
    email: str | None = None
    sign_in_unnoted: datetime | None = field(default=None, compare=False)  # signed in while the trail could not say so

    @property
    def role_label(self) -> str:
        return roles().label(self.role)

    @property
    def signature(self) -> str:
        """"Dr Alex Jones, doctor (registration GMC 7654321)"."""
        registered = f" (registration {self.registration_number})" if self.registration_number else ""
        return f"{self.display_name}, {self.role_label}{registered}"


@dataclass(frozen=True)
class UnnotedEvent:
    """Something for the audit trail that the database could not take when it happened (busy,
    read-only, full): noted with the first write it takes, with the moment it happened."""

    at: datetime
    action: str
    entity: str
    entity_id: str | int | None
    detail: dict[str, Any]
    patient: str | None = None


@dataclass
class AppContext:
    db: Database
    user: ActingUser
    backup_made: Path | None = None
    # When another workstation holds the database longer than a write waits: how many more times a
    # use case waits (the command line) and whom to tell each time; the screens retry by themselves.
    busy_retries: int = 0
    on_busy: Callable[[str], None] | None = None
    # Events not in the audit trail yet (records looked at, the sign-in) while the database could not take them.
    unnoted: list[UnnotedEvent] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.user.sign_in_unnoted is not None:
            self.unnoted.append(UnnotedEvent(self.user.sign_in_unnoted, "signed_in", "user", self.user.username, {}))

    def setting(self, key: str, default: Any = None) -> Any:
        return read_setting(self.db, key, default)

    def set_setting(self, key: str, value: Any) -> None:
        self.require("settings")
        with self.db.session(write=True) as session:
            row = session.get(models.ClinicSetting, key)
            before = None if row is None else row.value.get("value")
            if row is None:
                session.add(models.ClinicSetting(key=key, value={"value": value}))
            else:
                row.value = {"value": value}
            audit(session, self.user.id, "setting_changed", "setting", key, {"before": before, "after": value})

    def may(self, action: str) -> bool:
        return roles().may(self.user.role, action)

    def require(self, action: str) -> None:
        """NotPermitted unless the acting user's role allows `action` (resources/roles.json)."""
        if not self.may(action):
            raise NotPermitted(f"{self.user.display_name} ({self.user.role_label}) may not {roles().actions[action]}")

    def note_viewed(self, record_number: str, what: str, entity: str = "patient",
                    entity_id: str | int | None = None) -> None:
        """Looking at a patient's record is itself on the record (who looked, when, at what). Reading
        never waits for it: while another workstation writes (or the database is read-only) the view
        is noted with the next one the database takes."""
        self.unnoted.append(UnnotedEvent(datetime.now(UTC), "record_viewed", entity,
                                         record_number if entity_id is None else entity_id, {"what": what},
                                         record_number))
        self.note_unnoted()

    def note_unnoted(self) -> None:
        """Write the events the database could not take before, if it takes them now (never waiting)."""
        if not self.unnoted:
            return
        try:
            with self.db.session(write=True, brief=True) as session:
                for event in self.unnoted:
                    late = datetime.now(UTC) - event.at > timedelta(seconds=1)
                    detail = {**event.detail, **({"happened_at": event.at.isoformat()} if late else {})}
                    audit(session, self.user.id, event.action, event.entity, event.entity_id, detail,
                          patient=event.patient)
        except StorageFault:
            return
        self.unnoted.clear()

    def close(self) -> None:
        self.note_unnoted()
        self.db.dispose()

    def __enter__(self) -> AppContext:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def window_days(self) -> int:
        return clinic_window_days(self.db)
