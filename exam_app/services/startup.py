"""Start-up: what runs before the first window or command touches the clinic.

Open the database, bring its schema to the newest (a SQLite file is backed up first; a database
written by a newer version is refused), find the acting account, and bring every patient's
worklist status up to date (after an upgrade, or a change of the clinic's window length).
"""

from __future__ import annotations

import getpass
from pathlib import Path

from sqlalchemy import select

from exam_app.services.context import ActingUser, AppContext, InvalidInput
from exam_app.services.worklist import refresh_missing_statuses
from exam_app.store import migrate, models
from exam_app.store.database import Database, database_url, open_database

SYSTEM_USER = "system"


def open_context(data_dir: Path | None = None, url: str | None = None, username: str | None = None) -> AppContext:
    """Open the database, upgrade its schema (backing up a SQLite file first) and find the user.

    Raises DatabaseError (and NewerDatabaseError) with a message for the user.
    """
    db = open_database(database_url(data_dir, url))
    try:
        backup = migrate.upgrade(db)
        user = _acting_user(db, username)
    except BaseException:
        db.dispose()
        raise
    ctx = AppContext(db, user, backup)
    refresh_missing_statuses(ctx)
    return ctx


def _acting_user(db: Database, username: str | None) -> ActingUser:
    with db.session() as session:
        if username is not None:
            row = session.scalar(select(models.User).where(models.User.username == username))
            if row is None or not row.active:
                raise InvalidInput(f"--user: no active account named {username!r}")
        else:
            row = session.scalar(select(models.User).where(models.User.username == SYSTEM_USER))
            if row is None:
                row = models.User(
                    username=SYSTEM_USER,
                    display_name=f"command line ({getpass.getuser()})",
                    role="system",
                    active=True,
                )
                session.add(row)
                session.flush()
        return ActingUser(row.id, row.username, row.display_name, row.role)
