"""The app's context: the open database and the user acting, passed to every use case."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from exam_app.store import models
from exam_app.store.database import Database
from exam_app.store.repository import audit, patient_by_record_number
from exam_app.tables import roles, rules


class ServiceError(Exception):
    """A use case refused: the message says what is wrong, for the user. `exit_code` for the CLI."""

    exit_code = 1


class InvalidInput(ServiceError):
    """The user's input is wrong (exit code 2)."""

    exit_code = 2


class NotPermitted(ServiceError):
    """The acting user's role does not allow this."""


class NotFound(InvalidInput):
    """What was asked for does not exist (a record number, a visit)."""


def require_patient(session: Session, record_number: str, with_visits: bool = False) -> models.Patient:
    """The patient of that record number (ignoring case and surrounding spaces); NotFound otherwise."""
    row = patient_by_record_number(session, record_number, with_visits)
    if row is None:
        raise NotFound(f"no patient with record number {record_number.strip()!r}")
    return row


@dataclass(frozen=True)
class ActingUser:
    id: int
    username: str
    display_name: str
    role: str


@dataclass
class AppContext:
    db: Database
    user: ActingUser
    backup_made: Path | None = None

    def setting(self, key: str, default: Any = None) -> Any:
        with self.db.session() as session:
            row = session.get(models.ClinicSetting, key)
            return default if row is None else row.value.get("value", default)

    def set_setting(self, key: str, value: Any) -> None:
        self.require("settings")
        with self.db.session() as session:
            row = session.get(models.ClinicSetting, key)
            if row is None:
                session.add(models.ClinicSetting(key=key, value={"value": value}))
            else:
                row.value = {"value": value}
            audit(session, self.user.id, "setting_changed", "setting", key, {"value": value})

    def may(self, action: str) -> bool:
        return roles().may(self.user.role, action)

    def require(self, action: str) -> None:
        """NotPermitted unless the acting user's role allows `action` (resources/roles.json)."""
        if not self.may(action):
            raise NotPermitted(f"{self.user.display_name} ({self.user.role.replace('_', ' ')}) may not "
                               f"{roles().actions[action]}")

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> AppContext:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def window_days(self) -> int:
        default = rules().window_days.default
        return int(self.setting("window_days", default))
