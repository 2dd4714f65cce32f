"""Start-up: what runs before the first window or command touches the clinic, and who is acting.

Open the database, bring its schema to the newest (a SQLite file is backed up first; a database
written by a newer version is refused), bring every patient's worklist status up to date (after an
upgrade, or a change of the clinic's window length); then sign in. There is no built-in identity:
every window and every command that reads or changes the clinic acts as a signed-in account.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exam_app.services.accounts import accounts_exist, sign_in
from exam_app.services.as_signed import record_missing_assessments
from exam_app.services.backups import folder_before_upgrade
from exam_app.services.context import AppContext, ServiceError
from exam_app.services.worklist import refresh_missing_statuses
from exam_app.store import migrate, models
from exam_app.store.audit_trail import UPGRADE_MARKER, unfingerprinted_visits
from exam_app.store.database import Database, database_url, open_database
from exam_app.store.repository import audit


class NoAccounts(ServiceError):
    """A database without any account yet: the clinic administrator's is created first."""


@dataclass
class Clinic:
    """The clinic's database, open and at the newest schema, before anyone has signed in."""

    db: Database
    backup_made: Path | None = None

    @property
    def has_accounts(self) -> bool:
        return accounts_exist(self.db)

    def sign_in(self, username: str, password: str) -> AppContext:
        if not self.has_accounts:
            raise NoAccounts("no account exists yet: create the clinic administrator's first "
                             "(exam-app user add NAME --role admin --full-name \"…\")")
        return AppContext(self.db, sign_in(self.db, username, password), self.backup_made)

    def close(self) -> None:
        self.db.dispose()


def open_clinic(data_dir: Path | None = None, url: str | None = None, lock_wait: float | None = None,
                upkeep: bool = True) -> Clinic:
    """Open the database and bring it up to date. Raises DatabaseError (and NewerDatabaseError) with a
    message for the user. `lock_wait`: seconds a write waits for another workstation's before it is
    reported busy. `upkeep=False`: the caller runs `keep_up(clinic.db)` itself (the window does,
    after its first paint)."""
    db = open_database(database_url(data_dir, url), lock_wait)
    try:
        backup = migrate.upgrade(db, folder_before_upgrade(db))
        # Before anyone opens a visit: otherwise one signed before fingerprints would show as altered.
        record_missing_fingerprints(db)
        if upkeep:
            keep_up(db)
    except BaseException:
        db.dispose()
        raise
    return Clinic(db, backup)


def record_missing_fingerprints(db: Database) -> int:
    """Once, after the upgrade to schema 0009: the signed visits the audit trail holds no fingerprint of
    (signed before the app fingerprinted visits) are fingerprinted as they are now, in one event that
    says so; otherwise each would be shown as changed outside the app. Returns how many visits."""
    with db.session() as session:  # usually no marker: no need to wait for the write lock
        if session.get(models.ClinicSetting, UPGRADE_MARKER) is None:
            return 0
    with db.session(write=True) as session:
        marker = session.get(models.ClinicSetting, UPGRADE_MARKER)
        if marker is None:  # another workstation did it first
            return 0
        missing = unfingerprinted_visits(session)
        if missing:
            audit(session, None, "fingerprints_recorded", "visit", None,
                  {"visits": missing, "why": "signed before the audit trail fingerprinted visits; "
                                             "fingerprinted as found at the upgrade"})
        session.delete(marker)
    return len(missing)


def keep_up(db: Database) -> None:
    """Fill the worklist status and the kept assessment of what an upgrade or a change of setting left
    without them (usually nothing: two reads that find none)."""
    refresh_missing_statuses(db)
    record_missing_assessments(db)


def open_context(data_dir: Path | None = None, url: str | None = None, username: str = "",
                 password: str = "", lock_wait: float | None = None) -> AppContext:
    """Open the clinic and sign in (the command line's way in)."""
    clinic = open_clinic(data_dir, url, lock_wait)
    try:
        return clinic.sign_in(username, password)
    except BaseException:
        clinic.close()
        raise
