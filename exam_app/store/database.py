"""Opening the database: an embedded SQLite file by default, or any SQLAlchemy URL (PostgreSQL)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

DATABASE_URL_VARIABLE = "EXAM_APP_DATABASE_URL"
SQLITE_FILE_NAME = "exam-records.sqlite3"


class DatabaseError(Exception):
    """The database cannot be used as asked; the message says why, for the user."""


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("exam-app", appauthor=False))


def database_url(data_dir: Path | None = None, url: str | None = None) -> str:
    """The URL to open: `url`, else $EXAM_APP_DATABASE_URL, else the SQLite file in the data dir."""
    chosen = url or os.environ.get(DATABASE_URL_VARIABLE)
    if chosen:
        return chosen
    folder = data_dir or default_data_dir()
    return f"sqlite:///{folder / SQLITE_FILE_NAME}"


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_file(self) -> Path | None:
        name = self.engine.url.database
        if not self.is_sqlite or not name or name == ":memory:":
            return None
        return Path(name)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A short unit of work: committed on success, rolled back on any error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str) -> Database:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(f"{url!r} is not a database URL (e.g. sqlite:///path/file.sqlite3)") from None
    options: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise DatabaseError(f"cannot create the data folder {folder}: {error.strerror}") from None
        options["connect_args"] = {"timeout": 10}
    elif parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("", "psycopg2"):
        # psycopg 3 is the driver the app ships with.
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        engine = create_engine(parsed, pool_pre_ping=True, **options)
    except Exception as error:
        raise DatabaseError(f"cannot use the database {url!r}: {error}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return Database(engine, sessionmaker(engine, expire_on_commit=False))


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # WAL keeps readers and the writer apart and survives a power cut better than a rollback
    # journal; foreign keys are off by default in SQLite.
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()
