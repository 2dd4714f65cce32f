"""Opening the database: an embedded SQLite file by default, or any SQLAlchemy URL (PostgreSQL).

Every error of the driver that is a storage fault (lock, full disk, read-only, damage, no server)
leaves `session()` as a typed `DatabaseError` with a message for the user (`exam_app.store.faults`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from exam_app.masking import mask_passwords
from exam_app.store.faults import (
    DamagedDatabase,
    DatabaseError,
    DatabaseUnavailable,
    StorageFault,
    storage_fault,
)
from exam_app.store.location import DATABASE_URL_VARIABLE as DATABASE_URL_VARIABLE
from exam_app.store.location import SQLITE_FILE_NAME as SQLITE_FILE_NAME
from exam_app.store.location import database_url as database_url
from exam_app.store.location import default_data_dir as default_data_dir

__all__ = ["DATABASE_URL_VARIABLE", "LOCK_WAIT_SECONDS", "SQLITE_FILE_NAME", "Database", "DatabaseError",
           "MissingDatabase", "NotAClinicDatabase", "database_url", "default_data_dir", "open_database"]

SQLITE_HEADER = b"SQLite format 3\x00"
# How long a write waits for another workstation's write before it is reported busy. Long enough
# for any save or signing, short enough that a command line or the busy state on screen says so.
LOCK_WAIT_SECONDS = 5.0
_WRITE = "exam_app_write"  # execution option: this transaction writes (SQLite: BEGIN IMMEDIATE)
_BRIEF = "exam_app_brief"  # execution option: a write that waits for another writer only a moment
BRIEF_WAIT_MS = 100


class NotAClinicDatabase(DamagedDatabase):
    """An existing file that is not a clinic database (empty, or not SQLite at all): never taken
    for a new, empty clinic."""


class MissingDatabase(DatabaseError):
    """No database at that path yet, and it was not to be created."""


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]
    created: bool = False  # a SQLite file that did not exist before it was opened: a new clinic

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
        if self.engine.url.query.get("uri"):  # file:/path/name?mode=ro as SQLite's own URI
            return Path(name.removeprefix("file:").split("?")[0])
        return Path(name)

    @property
    def where(self) -> str:
        """The database named for the user: the file, or the URL without its password."""
        return str(self.sqlite_file) if self.sqlite_file is not None else self.url

    def fault(self, error: BaseException) -> StorageFault | None:
        """The storage fault `error` is, said for this database (None for other errors)."""
        folder = self.sqlite_file.parent if self.sqlite_file is not None else None
        return storage_fault(error, self.where, folder)

    @contextmanager
    def session(self, write: bool = False, brief: bool = False) -> Iterator[Session]:
        """A short unit of work: committed on success, rolled back on any error.

        `write`: the unit writes. On SQLite it then starts with the write lock (BEGIN IMMEDIATE), so
        it waits for another writer up front instead of failing half-way when the data it read has
        changed underneath it. `brief`: it waits for another writer only a moment (DatabaseBusy then),
        for a write nobody waits for (that a record was viewed).
        """
        session = self.sessions()
        try:
            if write:
                session.connection(execution_options={_WRITE: True, _BRIEF: brief})
                if brief and not self.is_sqlite:
                    session.execute(text(f"SET LOCAL lock_timeout = '{BRIEF_WAIT_MS}ms'"))
            yield session
            session.commit()
        except BaseException as error:
            _quietly_roll_back(session)
            fault = self.fault(error)
            if fault is not None:
                raise fault from error
            raise
        finally:
            session.close()

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A plain connection (schema checks, integrity checks), storage faults said for the user."""
        try:
            with self.engine.connect() as connection:
                yield connection
        except Exception as error:
            fault = self.fault(error)
            if fault is not None:
                raise fault from error
            raise

    @contextmanager
    def begin(self, write: bool = True) -> Iterator[Connection]:
        """A plain transaction (migrations, restores): committed on success, faults said for the user."""
        try:
            with self.engine.connect() as connection:
                if write:
                    connection = connection.execution_options(**{_WRITE: True})
                with connection.begin():
                    yield connection
        except Exception as error:
            fault = self.fault(error)
            if fault is not None:
                raise fault from error
            raise

    def dispose(self) -> None:
        self.engine.dispose()


def _quietly_roll_back(session: Session) -> None:
    with contextlib.suppress(Exception):  # the error that made us roll back is the one to report
        session.rollback()


def open_database(url: str, lock_wait: float | None = None, create: bool = True, check_file: bool = True) -> Database:
    """Open the database at `url`. A SQLite file that exists must be a SQLite database (an empty or
    foreign file is refused, never taken for a new clinic); one that does not exist is created
    unless `create` is False. `check_file=False` (a restore replacing a damaged file) skips both."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(f"{mask_passwords(url)!r} is not a database URL "
                            "(e.g. sqlite:///path/file.sqlite3)") from None
    wait = LOCK_WAIT_SECONDS if lock_wait is None else lock_wait
    options: dict[str, Any] = {}
    created = False
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.query.get("uri"):
            path = Path(parsed.database)
            created = _prepare_sqlite_file(path, create) if check_file else not path.exists()
        options["connect_args"] = {"timeout": wait}
    elif parsed.get_backend_name() == "postgresql":
        if parsed.get_driver_name() in ("", "psycopg2"):
            parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3 is the driver the app ships with
        # A row lock held longer than this is reported busy instead of hanging the workstation.
        options["connect_args"] = {"options": f"-c lock_timeout={int(wait * 1000)}", "connect_timeout": 10}
    try:
        engine = create_engine(parsed, pool_pre_ping=True, **options)
    except Exception as error:
        raise DatabaseError(f"cannot use the database {mask_passwords(url)!r}: "
                            f"{mask_passwords(str(error))}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connected)
        event.listen(engine, "begin", _sqlite_begin)
    return Database(engine, sessionmaker(engine, expire_on_commit=False), created)


def _prepare_sqlite_file(path: Path, create: bool) -> bool:
    """Check an existing file; make the folder of a new one. True when the file is new."""
    if path.is_dir():
        raise DatabaseUnavailable(f"cannot open the database {path}: it is a folder, not a file")
    if path.exists():
        check_sqlite_file(path)
        return False
    if not create:
        raise MissingDatabase(f"{path}: no database there yet (the app creates it on first use)")
    folder = path.parent
    try:
        missing = not folder.exists()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if missing:
            folder.chmod(0o700)
        # Every patient's record is in it: readable by its owner only (SQLite gives its WAL the same mode).
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return False  # made by another process a moment ago: checked like any existing file
    except OSError as error:
        raise DatabaseError(f"cannot create the data folder {folder}: {error.strerror}") from None
    return True


def check_sqlite_file(path: Path) -> None:
    """NotAClinicDatabase unless `path` starts like a SQLite database."""
    try:
        with path.open("rb") as stream:
            head = stream.read(len(SQLITE_HEADER))
    except OSError as error:
        raise DatabaseUnavailable(f"cannot read the database {path}: {error.strerror}") from None
    if not head:
        raise NotAClinicDatabase(
            f"cannot read the database {path}: the file is empty (0 bytes), so it holds no clinic; it may have "
            "been emptied by a copy or a sync that went wrong. Restore the latest backup (`exam-app restore "
            "FILE`), or move the file away to start a new clinic")
    if head != SQLITE_HEADER:
        raise NotAClinicDatabase(
            f"cannot read the database {path}: the file is not a SQLite database (it begins {head[:8]!r}). "
            "Restore the latest backup (`exam-app restore FILE`), or choose another file")


def _sqlite_connected(connection: Any, _record: Any) -> None:
    # The driver's own transaction handling is switched off: it would begin a transaction only at the
    # first write, so reads before it would see another moment than the write. `_sqlite_begin`
    # begins every transaction at its first statement instead.
    connection.isolation_level = None
    # WAL keeps readers and the writer apart and survives a power cut better than a rollback
    # journal; foreign keys are off by default in SQLite.
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    with contextlib.suppress(sqlite3.OperationalError):
        # a read-only file keeps its journal mode and is still read; writes say it is read-only
        cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    options = connection.get_execution_options()
    if not options.get(_WRITE, False):
        connection.exec_driver_sql("BEGIN")
        return
    if not options.get(_BRIEF, False):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        return
    usual = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    connection.exec_driver_sql(f"PRAGMA busy_timeout = {BRIEF_WAIT_MS}")
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(usual or 0)}")


def insert_many(session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows of plain values (strings, numbers, None, in the order of `columns`) through the
    driver's executemany, in the session's transaction: for the many rows of a bulk write, where
    converting each row's values one by one costs more than writing them."""
    if not rows:
        return
    connection = session.connection()
    compiled = table.insert().compile(dialect=connection.dialect, column_keys=list(columns))
    names = compiled.positiontup if compiled.positional else None
    if names is not None and list(names) != list(columns):
        raise ValueError(f"insert_many: {table.name}: the statement takes {names}, not {columns}")
    params: Sequence[Any] = rows if names is not None else [dict(zip(columns, row, strict=True)) for row in rows]
    connection.exec_driver_sql(str(compiled), params)
