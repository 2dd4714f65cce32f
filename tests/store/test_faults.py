"""Storage faults as a clinic meets them, each one line for the user and nothing half stored: another
workstation holding the write lock, a full disk (simulated, and a real small filesystem where the test
may mount one), a read-only database, a damaged page, an empty or foreign file; passwords never shown;
the log keeps the whole story."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from exam_app import cli
from exam_app.clinical.record import Patient
from exam_app.services.context import AppContext
from exam_app.services.patients import register_patient, search_patients
from exam_app.services.records import import_file, load_record
from exam_app.store import database
from exam_app.store.database import NotAClinicDatabase
from exam_app.store.faults import DatabaseBusy, DatabaseUnavailable, DiskFull, ReadOnlyDatabase
from exam_app.store.migrate import ForeignDatabase
from tests.accounts import open_as_tester
from tests.records import many_visit_record, two_visit_record, write

pytestmark = pytest.mark.usefixtures("clinic_admin")  # the commands sign in


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    """The error the command line gave: its last line, which must be the only error line."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines, "no error was said"
    assert "Traceback" not in err
    return lines[-1]


@contextmanager
def another_workstation_writing(url: str) -> Iterator[None]:
    """Another process in the middle of a write: SQLite's write lock, or PostgreSQL tables locked
    against writes (reads go on)."""
    if url.startswith("sqlite"):
        holder = sqlite3.connect(str(make_url(url).database), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.rollback()
            holder.close()
        return
    engine = create_engine(url)
    with engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(text("LOCK TABLE patients, visits IN EXCLUSIVE MODE"))
        try:
            yield
        finally:
            transaction.rollback()
    engine.dispose()


# ------------------------------------------------------------------ another workstation writing


def test_a_write_waits_for_another_workstation_then_says_so_and_reads_go_on(database_url: str) -> None:
    ctx = open_as_tester(url=database_url, lock_wait=0.3)
    try:
        register_patient(ctx, Patient("L-1", "Before", "Lock", date(1970, 1, 1)))
        with another_workstation_writing(database_url):
            started = time.monotonic()
            with pytest.raises(DatabaseBusy, match="another workstation is writing to the database"):
                register_patient(ctx, Patient("L-2", "During", "Lock", date(1970, 1, 1)))
            waited = time.monotonic() - started
            assert [p.record_number for p in search_patients(ctx)] == ["L-1"]  # reading goes on
        assert 0.25 <= waited < 5, f"waited {waited:.2f} s for a lock wait of 0.3 s"
        register_patient(ctx, Patient("L-2", "After", "Lock", date(1970, 1, 1)))
        assert sorted(p.record_number for p in search_patients(ctx)) == ["L-1", "L-2"]
    finally:
        ctx.close()


def test_the_import_command_waits_again_then_exits_1_with_one_line(
        database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(database, "LOCK_WAIT_SECONDS", 0.2)
    monkeypatch.setattr(cli, "BUSY_RETRIES", 2)
    source = write(tmp_path / "rec.json", two_visit_record())
    assert run(capsys, "--database", database_url, "worklist")[0] == 0  # the clinic and its account exist
    with another_workstation_writing(database_url):
        code, out, err = run(capsys, "--database", database_url, "import", str(source))
    assert code == 1 and out == ""
    assert one_line_error(err).startswith("exam-app: another workstation is writing to the database")
    assert err.count("; waiting (") == 2  # told while it waited, then gave up
    code, out, err = run(capsys, "--database", database_url, "import", str(source))
    assert (code, err) == (0, "") and "2 visits added" in out


# ------------------------------------------------------------------ a full disk


@contextmanager
def no_room_left(ctx: AppContext) -> Iterator[None]:
    """SQLite refuses to grow the file beyond its size now: the error a full disk gives (SQLITE_FULL)."""
    def cap(connection: Any, _record: Any) -> None:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")

    ctx.db.engine.dispose()
    assert ctx.db.sqlite_file is not None
    with sqlite3.connect(ctx.db.sqlite_file) as connection:  # no free pages left inside the file either
        connection.execute("VACUUM")
    event.listen(ctx.db.engine, "connect", cap)
    try:
        yield
    finally:
        event.remove(ctx.db.engine, "connect", cap)
        ctx.db.engine.dispose()


def test_a_full_disk_is_said_and_the_record_is_stored_whole_once_there_is_room(
        sqlite_ctx: AppContext, tmp_path: Path) -> None:
    source = write(tmp_path / "rec.json", many_visit_record("F-1", 20))  # more than the pages free in the file
    with no_room_left(sqlite_ctx), pytest.raises(DiskFull, match="the disk is full"):
        import_file(sqlite_ctx, source)
    assert search_patients(sqlite_ctx) == []  # nothing half stored
    assert import_file(sqlite_ctx, source).visits_added == 20
    assert len(load_record(sqlite_ctx, "F-1").visits) == 20


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MB filesystem, where this machine lets the tests mount one (root in a container)."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
                                           capture_output=True, check=False).returncode != 0:
        pytest.skip("mounting a small filesystem needs root (the simulated full disk is tested above)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_really_full_disk_is_said_in_one_line(small_disk: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    data = small_disk / "data"
    assert run(capsys, "--data-dir", str(data), "worklist")[0] == 0
    filler = small_disk / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        with pytest.raises(OSError):
            while True:
                os.write(descriptor, b"\0" * 65536)
    finally:
        os.close(descriptor)
    source = write(tmp_path / "rec.json", two_visit_record())
    code, _, err = run(capsys, "--data-dir", str(data), "import", str(source))
    assert code == 1
    assert "the disk is full" in one_line_error(err)
    filler.unlink()
    code, out, err = run(capsys, "--data-dir", str(data), "import", str(source))
    assert (code, err) == (0, "") and "2 visits added" in out


# ------------------------------------------------------------------ a read-only database


def test_a_read_only_database_is_read_and_refuses_writes_in_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    source = write(tmp_path / "rec.json", two_visit_record())
    assert run(capsys, "--data-dir", str(data), "import", str(source))[0] == 0
    file = data / database.SQLITE_FILE_NAME
    if os.geteuid() == 0:  # root writes any file: open it the way a read-only share or mount does
        url = f"sqlite:///file:{file}?mode=ro&uri=true"
    else:
        file.chmod(stat.S_IRUSR)
        url = f"sqlite:///{file}"
    code, out, _ = run(capsys, "--database", url, "worklist")
    assert code == 0 and "Window-period worklist" in out
    second = two_visit_record()
    second["patient"]["record_number"] = "A-1002"
    code, _, err = run(capsys, "--database", url, "import", str(write(tmp_path / "two.json", second)))
    assert code == 1
    line = one_line_error(err)
    assert f"the database {file} is read-only" in line and "nothing can be saved" in line


@pytest.mark.postgres
def test_a_read_only_postgresql_database_refuses_writes_with_a_message(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the PostgreSQL side of the read-only database")
    ctx = open_as_tester(url=database_url)
    name = make_url(database_url).database
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
    try:
        ctx.db.engine.dispose()  # new connections take the database's new default
        assert search_patients(ctx) == []
        with pytest.raises(ReadOnlyDatabase, match="is read-only"):
            register_patient(ctx, Patient("R-1", "Read", "Only", date(1970, 1, 1)))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" RESET default_transaction_read_only'))
        admin.dispose()
        ctx.close()


# ------------------------------------------------------------------ a damaged page, an empty or foreign file


def damage_table(file: Path, table: str) -> None:
    """Overwrite the first page of `table` with noise; the file header stays intact."""
    connection = sqlite3.connect(file)
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    with file.open("r+b") as stream:
        stream.seek((root - 1) * page_size)
        stream.write(bytes(range(256)) * (page_size // 256))


def test_a_damaged_page_is_found_by_db_check_and_said_by_every_command(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "data")
    assert run(capsys, "--data-dir", data, "demo", "--patients", "6")[0] == 0
    assert run(capsys, "--data-dir", data, "db", "check")[0] == 0
    damage_table(tmp_path / "data" / database.SQLITE_FILE_NAME, "findings")
    code, out, _ = run(capsys, "--data-dir", data, "db", "check")
    assert code == 1
    assert "pages: PROBLEM" in out and "schema: ok" in out
    code, _, err = run(capsys, "--data-dir", data, "export", "--all", "--format", "csv")
    assert code == 1
    line = one_line_error(err)
    assert "is damaged" in line and "exam-app restore FILE" in line


def test_an_empty_file_is_never_taken_for_an_empty_clinic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    file = data / database.SQLITE_FILE_NAME
    file.write_bytes(b"")
    with pytest.raises(NotAClinicDatabase, match=r"empty \(0 bytes\)"):
        open_as_tester(data_dir=data)
    code, _, err = run(capsys, "--data-dir", str(data), "worklist")
    assert code == 1 and "the file is empty (0 bytes)" in one_line_error(err)
    code, out, _ = run(capsys, "--data-dir", str(data), "db", "check")
    assert code == 1 and "empty (0 bytes)" in out
    assert file.stat().st_size == 0  # left exactly as it was, for a restore or an inquiry


def test_an_existing_sqlite_file_without_a_clinic_is_refused(tmp_path: Path) -> None:
    foreign = tmp_path / "photos.sqlite3"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, jpeg BLOB)")
    with pytest.raises(ForeignDatabase, match=r"holds tables of another program \(photos\)"):
        open_as_tester(url=f"sqlite:///{foreign}")
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).execute("PRAGMA user_version = 1").connection.close()
    with pytest.raises(NotAClinicDatabase, match="empty SQLite file"):
        open_as_tester(url=f"sqlite:///{empty}")
    new = open_as_tester(url=f"sqlite:///{tmp_path / 'new.sqlite3'}")  # a new path is a new clinic
    new.close()
    assert stat.S_IMODE((tmp_path / "new.sqlite3").stat().st_mode) == 0o600


# ------------------------------------------------------------------ passwords, and the log


def test_a_password_in_a_database_url_is_never_shown_nor_logged(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql://clinic:s3cr3t-pw@127.0.0.1:9/exam"  # nothing listens on port 9
    with pytest.raises(DatabaseUnavailable) as refused:
        open_as_tester(url=url)
    assert "s3cr3t" not in str(refused.value) and "cannot reach the database" in str(refused.value)
    code, out, err = run(capsys, "--data-dir", str(tmp_path), "--database", url, "worklist")
    assert code == 1 and "s3cr3t" not in out + err
    assert "clinic:***@127.0.0.1:9/exam" in one_line_error(err)
    logged = (tmp_path / "logs" / "exam-app.log").read_text(encoding="utf-8")
    assert "s3cr3t" not in logged and "***" in logged


def test_the_log_keeps_every_start_stop_and_error_with_its_traceback_owner_only(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_args: object) -> int:
        raise RuntimeError("a fault of the app itself")

    monkeypatch.setitem(cli._COMMANDS, "worklist", broken)
    code, _, err = run(capsys, "--data-dir", str(tmp_path), "worklist")
    assert code == 1
    log_file = tmp_path / "logs" / "exam-app.log"
    assert one_line_error(err) == (f"exam-app: unexpected error: RuntimeError: a fault of the app itself "
                                   f"(details in {log_file})")
    logged = log_file.read_text(encoding="utf-8")
    assert "start: exam-app" in logged and "stop: worklist, exit code 1" in logged
    assert "Traceback (most recent call last)" in logged and 'raise RuntimeError("a fault of the app itself")' in logged
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_file.parent.stat().st_mode) == 0o700
