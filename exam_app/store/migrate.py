"""Schema migrations: upgrade to head before the app uses a database, back up SQLite first,
and refuse a database written by a newer version of the app."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import inspect

from exam_app.paths import migrations_path
from exam_app.store.database import Database, DatabaseError


class NewerDatabaseError(DatabaseError):
    """The database was written by a newer version of the app."""


@dataclass(frozen=True)
class SchemaStatus:
    current: str | None  # None: an empty database
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    return config


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def schema_status(db: Database) -> SchemaStatus:
    """Where the database stands; raises NewerDatabaseError for a revision this app does not know."""
    script = _script()
    head = script.get_current_head()
    assert head is not None, "the migrations folder has no revision"
    try:
        with db.engine.connect() as connection:
            heads = MigrationContext.configure(connection).get_current_heads()
    except Exception as error:
        raise DatabaseError(f"cannot read the database {db.url}: {error}") from None
    current = heads[0] if heads else None
    if current is not None:
        try:
            known = script.get_revision(current)
        except CommandError:
            known = None
        if known is None:
            raise NewerDatabaseError(
                f"the database {db.url} was written by a newer version of the app (schema {current}); "
                "install that version or newer to open it"
            )
    return SchemaStatus(current, head)


def upgrade(db: Database, backup_dir: Path | None = None) -> Path | None:
    """Bring the schema to head. Returns the path of the SQLite backup made first, if any."""
    status = schema_status(db)
    if status.up_to_date:
        return None
    backup = None
    if db.sqlite_file is not None and _has_tables(db):
        backup = backup_sqlite(db, backup_dir or db.sqlite_file.parent, f"before-{status.head}")
    try:
        _run(db, "upgrade", status.head)
    except Exception as error:  # the transaction is rolled back: the schema stays where it was
        kept = f"; a copy made before is {backup}" if backup is not None else ""
        raise DatabaseError(f"cannot upgrade the database {db.url} to schema {status.head}: {error}{kept}") from None
    return backup


def downgrade(db: Database, revision: str) -> None:
    _run(db, "downgrade", revision)


def _run(db: Database, direction: str, revision: str) -> None:
    config = _config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        if direction == "upgrade":
            command.upgrade(config, revision)
        else:
            command.downgrade(config, revision)


def _has_tables(db: Database) -> bool:
    return bool(inspect(db.engine).get_table_names())


def backup_sqlite(db: Database, folder: Path, label: str) -> Path:
    """A consistent copy of the SQLite file (the online backup API, safe with WAL)."""
    source_file = db.sqlite_file
    assert source_file is not None
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"{source_file.stem}.{label}.{stamp}.sqlite3"
    source = sqlite3.connect(source_file)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    return target
