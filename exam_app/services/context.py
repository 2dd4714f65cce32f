"""The app's context: the open database and the user acting, passed to every use case."""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from exam_app.clinical.vocabulary import rule_tables
from exam_app.paths import resource_path
from exam_app.store import migrate, models
from exam_app.store.database import Database, database_url, open_database
from exam_app.store.repository import patient_by_record_number

SYSTEM_USER = "system"


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


@cache
def role_actions() -> dict[str, frozenset[str]]:
    raw = json.loads(resource_path("roles.json").read_text(encoding="utf-8"))
    return {role: frozenset(actions) for role, actions in raw["roles"].items()}


def action_words(action: str) -> str:
    raw = json.loads(resource_path("roles.json").read_text(encoding="utf-8"))
    return str(raw["actions"][action])


@dataclass
class AppContext:
    db: Database
    user: ActingUser
    backup_made: Path | None = None
    # When another workstation holds the database longer than a write waits: how many more times a
    # use case waits (the command line) and whom to tell each time; the screens retry by themselves.
    busy_retries: int = 0
    on_busy: Callable[[str], None] | None = None

    def setting(self, key: str, default: Any = None) -> Any:
        with self.db.session() as session:
            row = session.get(models.ClinicSetting, key)
            return default if row is None else row.value.get("value", default)

    def set_setting(self, key: str, value: Any) -> None:
        self.require("settings")
        with self.db.session(write=True) as session:
            row = session.get(models.ClinicSetting, key)
            if row is None:
                session.add(models.ClinicSetting(key=key, value={"value": value}))
            else:
                row.value = {"value": value}
            session.add(models.AuditEvent(
                user_id=self.user.id, action="setting_changed", entity="setting", entity_id=key,
                detail={"value": value}))

    def may(self, action: str) -> bool:
        return action in role_actions().get(self.user.role, frozenset())

    def require(self, action: str) -> None:
        """NotPermitted unless the acting user's role allows `action` (resources/roles.json)."""
        if not self.may(action):
            raise NotPermitted(f"{self.user.display_name} ({self.user.role.replace('_', ' ')}) may not "
                               f"{action_words(action)}")

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> AppContext:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def window_days(self) -> int:
        default = int(rule_tables()["window_days"]["default"])
        return int(self.setting("window_days", default))


def open_context(data_dir: Path | None = None, url: str | None = None, username: str | None = None,
                 lock_wait: float | None = None) -> AppContext:
    """Open the database, upgrade its schema (backing up a SQLite file first) and find the user.

    Raises DatabaseError (and NewerDatabaseError) with a message for the user. `lock_wait`: seconds a
    write waits for another workstation's before it is reported busy.
    """
    from exam_app.services.backups import folder_before_upgrade  # the backups need the context

    db = open_database(database_url(data_dir, url), lock_wait)
    try:
        backup = migrate.upgrade(db, folder_before_upgrade(db))
        user = _acting_user(db, username)
    except BaseException:
        db.dispose()
        raise
    ctx = AppContext(db, user, backup)
    from exam_app.services.as_signed import record_missing_assessments  # these need the context
    from exam_app.services.worklist import refresh_missing_statuses

    refresh_missing_statuses(ctx)
    record_missing_assessments(ctx)
    return ctx


def _acting_user(db: Database, username: str | None) -> ActingUser:
    with db.session() as session:
        name = username if username is not None else SYSTEM_USER
        row = session.scalar(select(models.User).where(models.User.username == name))
        if username is not None and (row is None or not row.active):
            raise InvalidInput(f"--user: no active account named {username!r}")
        if row is not None:
            return ActingUser(row.id, row.username, row.display_name, row.role)
    try:
        return _add_system_user(db)
    except IntegrityError:  # another workstation made the command-line account at the same moment
        return _acting_user(db, username)


def _add_system_user(db: Database) -> ActingUser:
    with db.session(write=True) as session:
        row = models.User(username=SYSTEM_USER, display_name=f"command line ({getpass.getuser()})",
                          role="system", active=True)
        session.add(row)
        session.flush()
        return ActingUser(row.id, row.username, row.display_name, row.role)
