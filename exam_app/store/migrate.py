"""Schema migrations: upgrade to head before the app uses a database, back up SQLite first,
and refuse a database written by a newer version of the app."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from exam_app.paths import migrations_path
from exam_app.store.backup import backup_sqlite, owner_only_folder, stamp
from exam_app.store.database import Database, DatabaseError, NotAClinicDatabase
from exam_app.store.faults import StorageFault

if TYPE_CHECKING:  # Alembic is read only when a schema is not at the newest (see `upgrade`)
    from alembic.config import Config
    from alembic.script import ScriptDirectory


class NewerDatabaseError(DatabaseError):
    """The database was written by a newer version of the app."""


class ForeignDatabase(NotAClinicDatabase):
    """The database holds another program's tables: never taken for a new clinic."""

# Two workstations starting a new version at once: one migrates, the other waits and finds it done.
_MIGRATION_LOCK = 7_345_100


@dataclass(frozen=True)
class SchemaStatus:
    current: str | None  # None: an empty database
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    return config


def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def schema_status(db: Database) -> SchemaStatus:
    """Where the database stands; raises NewerDatabaseError for a revision this app does not know."""
    from alembic.migration import MigrationContext

    script = _script()
    head = script.get_current_head()
    assert head is not None, "the migrations folder has no revision"
    try:
        with db.connect() as connection:
            heads = MigrationContext.configure(connection).get_current_heads()
    except StorageFault:
        raise
    except Exception as error:
        raise DatabaseError(f"cannot read the database {db.where}: {error}") from None
    current = heads[0] if heads else None
    if current is not None and not revision_known(current):
        raise NewerDatabaseError(
            f"the database {db.where} was written by a newer version of the app (schema {current}); "
            "install that version or newer to open it"
        )
    return SchemaStatus(current, head)


def revision_known(revision: str) -> bool:
    """Whether this version of the app knows the schema revision (False: written by a newer one)."""
    from alembic.util.exc import CommandError

    try:
        return _script().get_revision(revision) is not None
    except CommandError:
        return False


def check_is_clinic(db: Database) -> None:
    """ForeignDatabase or NotAClinicDatabase unless the database is a clinic's, or a new one.

    An empty database is a new clinic only when the app has just created it (a new SQLite path) or it
    is a server database (made empty by its administrator); an existing empty SQLite file is refused.
    """
    with db.connect() as connection:
        tables = set(inspect(connection).get_table_names())
    if "alembic_version" in tables:
        return
    if tables:
        listed = ", ".join(sorted(tables)[:5]) + (" …" if len(tables) > 5 else "")
        raise ForeignDatabase(f"the database {db.where} holds tables of another program ({listed}), not a "
                              "clinic: choose another database")
    if db.is_sqlite and not db.created:
        raise NotAClinicDatabase(
            f"the database {db.where} is an empty SQLite file: it holds no clinic and is not taken for a new "
            "one. Restore the latest backup (`exam-app restore FILE`), or move the file away to start a new "
            "clinic")


def upgrade(db: Database, backup_dir: Path | None = None) -> Path | None:
    """Bring the schema to head. Returns the path of the SQLite backup made first, if any.

    Refuses a database of another program, an existing empty SQLite file and a newer schema.
    """
    if _at_newest(db):
        return None  # the usual start: no need to read the migrations with Alembic
    status = schema_status(db)
    if status.up_to_date:
        return None
    if status.current is None:
        check_is_clinic(db)
    backup = None
    if db.sqlite_file is not None and _has_tables(db):
        folder = backup_dir or db.sqlite_file.parent / "backups"
        owner_only_folder(folder)
        backup = folder / f"{db.sqlite_file.stem}.before-{status.head}-{stamp()}.sqlite3"
        backup_sqlite(db, backup)
    kept = f"; a copy made before is {backup}" if backup is not None else ""
    try:
        _run(db, "upgrade", status.head)
    except StorageFault as fault:  # the transaction is rolled back: the schema stays where it was
        raise type(fault)(f"{fault}{kept}") from fault
    except Exception as error:
        raise DatabaseError(f"cannot upgrade the database {db.where} to schema {status.head}: {error}{kept}") \
            from None
    return backup


def _at_newest(db: Database) -> bool:
    """Whether the database's schema is the newest revision of the migrations folder, told from the
    revision files' names (numbered 0001, 0002, ...: tools/new_migration.py) and one SELECT. False
    when in doubt: then Alembic reads the migrations and says where the database stands."""
    numbers = [match.group(1) for path in (migrations_path() / "versions").glob("*.py")
               if (match := re.match(r"(\d{4})_", path.name))]
    if not numbers:
        return False
    try:
        with db.connect() as connection:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except StorageFault:
        raise
    except SQLAlchemyError:
        return False  # no version table: a new or foreign database
    return current == [max(numbers)]


def downgrade(db: Database, revision: str) -> None:
    _run(db, "downgrade", revision)


def _run(db: Database, direction: str, revision: str) -> None:
    from alembic import command

    config = _config()
    with db.begin(write=True) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        if direction == "upgrade":
            command.upgrade(config, revision)
        else:
            command.downgrade(config, revision)


def _has_tables(db: Database) -> bool:
    with db.connect() as connection:
        return bool(inspect(connection).get_table_names())
