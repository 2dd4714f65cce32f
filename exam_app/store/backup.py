"""Copies of the database that can be trusted: taken while the app runs, checked, owner-only.

SQLite: the online backup API copies one consistent moment of the file while other connections
keep writing; the copy is checked (`PRAGMA quick_check`) before it replaces anything. PostgreSQL:
`pg_dump` in its custom format (one consistent snapshot), restored in one transaction through
`pg_restore` and `psql`; the client programs must be as new as the server.

Every backup file is readable by its owner only (0600) and the folders made for them are 0700:
they hold every patient's record. A file is first written under a temporary name and renamed once
whole, so a backup interrupted by a full disk or a power cut never looks like a backup.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from exam_app.masking import mask_passwords
from exam_app.store.database import SQLITE_HEADER, Database, DatabaseError
from exam_app.store.faults import DamagedDatabase, DiskFull, damaged, storage_fault

SQLITE_SUFFIX = ".sqlite3"
POSTGRES_SUFFIX = ".pgdump"
POSTGRES_MAGIC = b"PGDMP"
POSTGRES_BIN_FOLDERS = "/usr/lib/postgresql/*/bin"  # Debian and Ubuntu keep every version here
_STAMP = "%Y%m%dT%H%M%SZ"


class BackupError(DatabaseError):
    """A backup could not be taken, checked or restored; the message says why and what was kept."""


class ToolMissing(BackupError):
    """The PostgreSQL client programs needed are not installed (or older than the server)."""


@dataclass(frozen=True)
class BackupFacts:
    """What a backup file holds, read from the file itself."""

    path: Path
    kind: str  # "sqlite" or "postgresql"
    schema: str | None  # the migration revision; None when the file holds no clinic schema
    patients: int | None  # None where the file cannot say without restoring it (PostgreSQL)
    visits: int | None
    size: int
    modified: datetime


def stamp(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime(_STAMP)


def owner_only_folder(folder: Path) -> None:
    """Make `folder` (0700 for the folders the app makes; an existing folder keeps what its owner chose)."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        for made in missing:
            made.chmod(0o700)
    except OSError as error:
        fault = storage_fault(error, str(folder), folder)
        if fault is not None:
            raise fault from None
        raise BackupError(f"cannot make the backup folder {folder}: {error.strerror}") from None


@contextlib.contextmanager
def _partial(target: Path) -> Iterator[Path]:
    """A temporary owner-only file beside `target`, renamed to it when the body succeeds, removed otherwise."""
    partial = target.with_name(f".{target.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    try:
        os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        yield partial
        os.chmod(partial, 0o600)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise


# ------------------------------------------------------------------ SQLite


def backup_sqlite(db: Database, target: Path) -> None:
    """A consistent, checked copy of the SQLite database at `target` (written whole or not at all)."""
    source_file = db.sqlite_file
    assert source_file is not None
    _sqlite_copy(source_file, target, db.where)


def _sqlite_copy(source_file: Path, target: Path, where: str) -> None:
    try:
        with _partial(target) as partial:
            source = sqlite3.connect(source_file, timeout=30)
            try:
                copy = sqlite3.connect(partial)
                try:
                    # All pages in one step: one read transaction, so one consistent moment, while
                    # other connections keep writing (WAL readers do not block writers).
                    source.backup(copy)
                    problems = _quick_check(copy)
                finally:
                    copy.close()
            finally:
                source.close()
            if problems:
                raise damaged(where, f"the copy fails its check: {problems[0]}")
            _sync(partial)
    except sqlite3.Error as error:
        raise _copy_fault(error, source_file, target, where) from None
    except OSError as error:
        fault = storage_fault(error, f"the backup {target}", target.parent)
        raise (fault or BackupError(f"cannot write the backup {target}: {error.strerror}")) from None


def _copy_fault(error: sqlite3.Error, source_file: Path, target: Path, where: str) -> DatabaseError:
    """A failed copy: a full disk is the target's; anything else is said of the source."""
    fault = storage_fault(error, f"the backup {target}", target.parent)
    if isinstance(fault, DiskFull):
        return fault
    return storage_fault(error, where, source_file.parent) or BackupError(f"cannot back up {where} to {target}: "
                                                                            f"{error}")


def _sync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _quick_check(connection: sqlite3.Connection) -> list[str]:
    rows = [str(row[0]) for row in connection.execute("PRAGMA quick_check(20)")]
    return [] if rows == ["ok"] else rows


def sqlite_facts(path: Path) -> BackupFacts:
    """Check a SQLite backup file and say what it holds; DamagedDatabase if it is not a sound database."""
    where = str(path)
    try:
        stat = path.stat()
        with path.open("rb") as stream:
            head = stream.read(len(SQLITE_HEADER))
    except OSError as error:
        raise BackupError(f"{path}: cannot read ({error.strerror})") from None
    if head != SQLITE_HEADER:
        raise DamagedDatabase(f"{path}: not a SQLite backup (it is {'empty' if not head else 'another kind of file'})")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            problems = _quick_check(connection)
            if problems:
                raise damaged(where, problems[0])
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            schema = patients = visits = None
            if "alembic_version" in tables:
                row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
                schema = row[0] if row else None
            if {"patients", "visits"} <= tables:
                patients = connection.execute("SELECT count(*) FROM patients").fetchone()[0]
                visits = connection.execute("SELECT count(*) FROM visits").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise (storage_fault(error, where, path.parent) or BackupError(f"{path}: {error}")) from None
    return BackupFacts(path, "sqlite", schema, patients, visits, stat.st_size,
                       datetime.fromtimestamp(stat.st_mtime, UTC))


def restore_sqlite(db: Database, backup: Path, aside: Path) -> None:
    """Replace the SQLite database with `backup` (already checked), keeping the current one at `aside`.

    A sound database is copied aside and then overwritten in place through the backup API, so another
    process that has it open sees the restored clinic, not a file deleted under it. A damaged or empty
    file is moved aside whole (with its WAL) and the backup copied in its place.
    """
    live = db.sqlite_file
    assert live is not None
    db.dispose()
    sound = _opens_as_database(live)
    if sound:
        _sqlite_copy(live, aside, db.where)
        _sqlite_copy_into(backup, live, db.where)
    else:
        _move_aside(live, aside)
        _sqlite_copy(backup, live, db.where)
    with contextlib.suppress(OSError):
        live.chmod(0o600)


def _opens_as_database(path: Path) -> bool:
    if not path.exists():
        return False
    try:
        with path.open("rb") as stream:
            if stream.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                return False
        connection = sqlite3.connect(path, timeout=30)
        try:
            return not _quick_check(connection)
        finally:
            connection.close()
    except (sqlite3.Error, OSError):
        return False


def _sqlite_copy_into(backup: Path, live: Path, where: str) -> None:
    try:
        source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            target = sqlite3.connect(live, timeout=30)
            try:
                source.backup(target)  # takes the write lock of the live database for the whole copy
                problems = _quick_check(target)
            finally:
                target.close()
        finally:
            source.close()
    except sqlite3.Error as error:
        raise (storage_fault(error, where, live.parent) or BackupError(f"cannot restore into {where}: {error}")) \
            from None
    if problems:
        raise damaged(where, f"after the restore: {problems[0]}")


def _move_aside(live: Path, aside: Path) -> None:
    if not live.exists():
        return
    try:
        shutil.move(str(live), aside)
        aside.chmod(0o600)
        for suffix in ("-wal", "-shm", "-journal"):
            companion = live.with_name(live.name + suffix)
            if companion.exists():
                if suffix == "-wal":
                    shutil.move(str(companion), aside.with_name(aside.name + suffix))
                else:
                    companion.unlink()
    except OSError as error:
        raise BackupError(f"cannot move {live} aside to {aside}: {error.strerror}; nothing was restored") from None


# ------------------------------------------------------------------ PostgreSQL


@dataclass(frozen=True)
class PostgresTools:
    pg_dump: Path
    pg_restore: Path
    psql: Path
    version: int  # major version of the client programs


def server_major_version(db: Database) -> int:
    with db.connect() as connection:
        return int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000


def postgres_tools(server_major: int, path: str | None = None, folders: str | None = None) -> PostgresTools:
    """pg_dump, pg_restore and psql of the server's major version (or the nearest newer one): those on
    PATH when they match, else those of /usr/lib/postgresql/N/bin. ToolMissing says what to install."""
    folders = folders if folders is not None else POSTGRES_BIN_FOLDERS
    candidates: list[tuple[int, int, Path]] = []  # (distance from the server's version, order, folder)
    on_path = shutil.which("pg_dump", path=path if path is not None else os.environ.get("PATH"))
    folders_found = ([Path(on_path).parent] if on_path else []) + sorted(Path(f) for f in glob.glob(folders))
    for order, folder in enumerate(folders_found):
        version = _tool_version(folder / "pg_dump")
        if version is not None and version >= server_major and all(
                (folder / name).exists() for name in ("pg_restore", "psql")):
            candidates.append((version - server_major, order, folder))
    if not candidates:
        raise ToolMissing(
            f"backups of a PostgreSQL {server_major} database need pg_dump, pg_restore and psql of version "
            f"{server_major} or newer (Debian and Ubuntu: the postgresql-client package); none was found on "
            f"PATH or in {folders}")
    _, _, folder = min(candidates)
    return PostgresTools(folder / "pg_dump", folder / "pg_restore", folder / "psql",
                         _tool_version(folder / "pg_dump") or server_major)


def _tool_version(program: Path) -> int | None:
    try:
        output = subprocess.run([str(program), "--version"], capture_output=True, text=True, timeout=30,
                                check=False).stdout
    except OSError:
        return None
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", output)
    return int(found.group(1)) if found else None


def _libpq(db: Database) -> tuple[str, dict[str, str]]:
    """The connection string for the client programs (no password in it: that goes in PGPASSWORD)."""
    url = db.engine.url
    environment = {**os.environ}
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    plain = make_url(url.render_as_string(hide_password=False)).set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), environment


def _run(command: list[str], environment: dict[str, str], what: str, **options: object) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False,
                            **options)  # type: ignore[call-overload]
    if result.returncode != 0:
        detail = mask_passwords(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else
                                f"exit status {result.returncode}")
        if "No space left" in result.stderr:
            raise BackupError(f"{what}: the disk is full ({detail})")
        raise BackupError(f"{what}: {detail}")


def backup_postgres(db: Database, target: Path, tools: PostgresTools) -> None:
    """pg_dump of the whole database in the custom format: one consistent snapshot, compressed."""
    dsn, environment = _libpq(db)
    with _partial(target) as partial:
        _run([str(tools.pg_dump), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}",
              f"--dbname={dsn}"], environment, f"cannot back up {db.where}")
        _sync(partial)


def postgres_facts(path: Path, tools: PostgresTools) -> BackupFacts:
    """Check a pg_dump file (its table of contents must read) and read its schema revision."""
    try:
        stat = path.stat()
        with path.open("rb") as stream:
            head = stream.read(len(POSTGRES_MAGIC))
    except OSError as error:
        raise BackupError(f"{path}: cannot read ({error.strerror})") from None
    if head != POSTGRES_MAGIC:
        raise DamagedDatabase(f"{path}: not a PostgreSQL backup in pg_dump's custom format")
    environment = {**os.environ}
    listing = subprocess.run([str(tools.pg_restore), "--list", str(path)], capture_output=True, text=True,
                             env=environment, check=False)
    if listing.returncode != 0:
        raise DamagedDatabase(f"{path}: the backup cannot be read ({listing.stderr.strip()[:200]})")
    data = subprocess.run([str(tools.pg_restore), "--data-only", "--table=alembic_version", "--file=-", str(path)],
                          capture_output=True, text=True, env=environment, check=False)
    schema = None
    copying = False
    for line in data.stdout.splitlines():
        if line.startswith("COPY ") and "alembic_version" in line:
            copying = True
        elif copying:
            schema = None if line == "\\." else line.strip() or None
            break
    return BackupFacts(path, "postgresql", schema, None, None, stat.st_size,
                       datetime.fromtimestamp(stat.st_mtime, UTC))


def restore_postgres(db: Database, backup: Path, tools: PostgresTools) -> None:
    """Replace every table of the database with the backup's, in one transaction: on any error the
    database stays as it was."""
    dsn, environment = _libpq(db)
    with db.connect() as connection:
        tables = inspect(connection).get_table_names()
    db.dispose()  # the app's own idle connections must not hold locks on the tables being replaced
    drop = "".join(f'DROP TABLE IF EXISTS "{name}" CASCADE;\n' for name in tables)
    script = subprocess.Popen([str(tools.pg_restore), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                               "--file=-", str(backup)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=environment)
    psql = subprocess.Popen([str(tools.psql), "--no-psqlrc", "--quiet", "--single-transaction",
                             "--set=ON_ERROR_STOP=1", f"--dbname={dsn}"], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment)
    assert script.stdout is not None and psql.stdin is not None and psql.stderr is not None
    try:
        psql.stdin.write(drop.encode())
        shutil.copyfileobj(script.stdout, psql.stdin)
    except BrokenPipeError:
        pass  # psql stopped on an error: its message says which
    finally:
        with contextlib.suppress(BrokenPipeError):
            psql.stdin.close()
        script.stdout.close()
    script_errors = script.stderr.read() if script.stderr is not None else b""
    script.wait()
    psql_errors = psql.stderr.read()
    psql.wait()
    for stream in (script.stderr, psql.stderr):
        if stream is not None:
            stream.close()
    if script.returncode != 0:
        raise BackupError(f"cannot read the backup {backup}: {script_errors.decode(errors='replace').strip()[:300]}; "
                          "nothing was restored")
    if psql.returncode != 0:
        detail = mask_passwords(psql_errors.decode(errors="replace").strip().splitlines()[-1]
                                if psql_errors.strip() else f"exit status {psql.returncode}")
        raise BackupError(f"cannot restore {db.where}: {detail}; the database was left as it was")
