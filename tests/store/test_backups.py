"""Backups a clinic can trust: backup → damage → restore gives the same clinic back (SQLite, and
PostgreSQL with its client programs), a backup taken while an import runs is consistent, a restore
checks the file and keeps what it replaces, automatic backups rotate, every file is owner-only, and
the PostgreSQL programs used are as new as the server."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from exam_app.cli import main
from exam_app.services.backups import (
    automatic_backup,
    automatic_backups,
    backup_due,
    backup_to,
    change_backup_settings,
)
from exam_app.services.context import AppContext
from exam_app.store import backup as store_backup
from exam_app.store.backup import ToolMissing, postgres_tools, sqlite_facts
from exam_app.store.database import SQLITE_FILE_NAME
from tests.accounts import add_clinic_administrator, open_as_tester
from tests.records import many_visit_record, write

IMPORT_FILES, IMPORT_VISITS = 12, 10

pytestmark = pytest.mark.usefixtures("clinic_admin")  # the commands sign in


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def owner_only(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) == 0o600


def needs_postgres_tools(url: str) -> None:
    if url.startswith("postgresql"):
        try:
            postgres_tools(server_major(url))
        except ToolMissing as missing:
            pytest.skip(str(missing))


def server_major(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        version = int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    engine.dispose()
    return version


def test_backup_damage_restore_gives_the_same_clinic_back(
        database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    needs_postgres_tools(database_url)
    db = ("--database", database_url)
    assert run(capsys, *db, "demo", "--patients", "8")[0] == 0
    code, before, _ = run(capsys, *db, "export", "--all", "--format", "csv")
    assert code == 0 and before.count("\n") > 100
    backup = tmp_path / "offsite" / ("clinic.sqlite3" if database_url.startswith("sqlite") else "clinic.pgdump")
    code, out, _ = run(capsys, *db, "backup", "--out", str(backup))
    assert code == 0 and f"{backup}: backup of" in out
    assert owner_only(backup) and stat.S_IMODE(backup.parent.stat().st_mode) == 0o700

    engine = create_engine(database_url)  # the damage: findings gone, a name changed
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM findings"))
        connection.execute(text("UPDATE patients SET family_name = 'Damaged'"))
    engine.dispose()
    assert run(capsys, *db, "export", "--all", "--format", "csv")[1] != before

    code, out, err = run(capsys, *db, "restore", str(backup), "--yes")
    assert code == 0, err
    assert "restored" in out and "the database it replaced is kept at" in out
    kept = Path(out.rsplit("kept at ", 1)[1].strip())
    assert kept.exists() and owner_only(kept) and ".replaced-" in kept.name
    assert run(capsys, *db, "export", "--all", "--format", "csv")[1] == before
    assert run(capsys, *db, "db", "check")[0] == 0


def test_a_damaged_sqlite_file_is_moved_aside_and_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    assert run(capsys, "--data-dir", str(data), "demo", "--patients", "3")[0] == 0
    backup = tmp_path / "b.sqlite3"
    assert run(capsys, "--data-dir", str(data), "backup", "--out", str(backup))[0] == 0
    (data / SQLITE_FILE_NAME).write_bytes(b"")  # emptied by a sync gone wrong
    assert run(capsys, "--data-dir", str(data), "worklist")[0] == 1
    code, out, _ = run(capsys, "--data-dir", str(data), "restore", str(backup), "--yes")
    assert code == 0 and "the file is empty (0 bytes)" in out  # the confirmation says what is replaced
    assert run(capsys, "--data-dir", str(data), "export", "D-0100001")[0] == 0
    kept = [p for p in (data / "backups").iterdir() if ".replaced-" in p.name]
    assert [p.stat().st_size for p in kept] == [0]


def test_a_restore_checks_the_file_first_and_changes_nothing_when_it_refuses(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "data")
    assert run(capsys, "--data-dir", data, "demo", "--patients", "2")[0] == 0
    backup = tmp_path / "b.sqlite3"
    assert run(capsys, "--data-dir", data, "backup", "--out", str(backup))[0] == 0
    newer = tmp_path / "newer.sqlite3"
    shutil.copy(backup, newer)
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    not_a_backup = write(tmp_path / "notes.sqlite3", {"not": "a database"})
    for file, words in ((newer, "written by a newer version of the app (schema 9999_future)"),
                        (not_a_backup, "not a sound backup"), (tmp_path / "missing.sqlite3", "no such file")):
        code, _, err = run(capsys, "--data-dir", data, "restore", str(file), "--yes")
        assert code == 2 and words in err and "Traceback" not in err
    code, _, err = run(capsys, "--data-dir", data, "restore", str(backup))  # no terminal to ask on
    assert code == 2 and "confirm with --yes" in err
    assert not (tmp_path / "data" / "backups").exists() or not any(
        ".replaced-" in p.name for p in (tmp_path / "data" / "backups").iterdir())


def test_out_refuses_an_existing_file_without_force_and_always_the_database_and_its_backups(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    assert run(capsys, "--data-dir", str(data), "demo", "--patients", "2")[0] == 0
    existing = write(tmp_path / "existing.json", {"keep": "me"})
    code, _, err = run(capsys, "--data-dir", str(data), "export", "D-0100001", "--out", str(existing))
    assert code == 2 and f"--out: {existing} exists; add --force to replace it" in err
    assert existing.read_text(encoding="utf-8") == '{"keep": "me"}'
    assert run(capsys, "--data-dir", str(data), "export", "D-0100001", "--out", str(existing), "--force")[0] == 0
    database = data / SQLITE_FILE_NAME
    for argv in (("referral", "D-0100001", "--out", str(database), "--force"),
                 ("export", "--all", "--format", "csv", "--out", str(database), "--force"),
                 ("backup", "--out", str(database), "--force")):
        code, _, err = run(capsys, "--data-dir", str(data), *argv)
        assert code == 2 and "is the clinic's database" in err, argv
    assert run(capsys, "--data-dir", str(data), "backup")[0] == 0
    [automatic] = list((data / "backups").iterdir())
    code, _, err = run(capsys, "--data-dir", str(data), "backup", "--out", str(automatic), "--force")
    assert code == 2 and "is a backup of the clinic" in err
    assert sqlite_facts(automatic).patients == 2  # untouched


def test_automatic_backups_rotate_and_a_restart_does_not_push_the_older_ones_out(sqlite_ctx: AppContext,
                                                                                tmp_path: Path) -> None:
    folder = tmp_path / "other-disk" / "exam-backups"
    change_backup_settings(sqlite_ctx, folder=folder, every_hours=4, keep=2)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    start = datetime(2026, 11, 30, 8, tzinfo=UTC)
    assert backup_due(sqlite_ctx, at_start_up=True, now=start)
    made = [automatic_backup(sqlite_ctx, now=start + timedelta(hours=4 * n)) for n in range(3)]
    assert [p.name for p in automatic_backups(folder, sqlite_ctx.db)] == [m.path.name for m in made[1:]]
    assert made[2].removed == (made[0].path,)
    assert all(owner_only(m.path) for m in made[1:])
    newest = start + timedelta(hours=8)
    assert not backup_due(sqlite_ctx, at_start_up=True, now=newest + timedelta(minutes=30))
    assert backup_due(sqlite_ctx, at_start_up=True, now=newest + timedelta(hours=1))
    assert not backup_due(sqlite_ctx, at_start_up=False, now=newest + timedelta(hours=3))
    assert backup_due(sqlite_ctx, at_start_up=False, now=newest + timedelta(hours=4))
    change_backup_settings(sqlite_ctx, every_hours=0)
    assert not backup_due(sqlite_ctx, at_start_up=True, now=newest + timedelta(days=9))


def test_the_postgresql_programs_are_those_of_the_servers_version(tmp_path: Path) -> None:
    for version in (13, 15, 16):
        folder = tmp_path / str(version) / "bin"
        folder.mkdir(parents=True)
        for program in ("pg_dump", "pg_restore", "psql"):
            script = folder / program
            script.write_text(f"#!/bin/sh\necho '{program} (PostgreSQL) {version}.2 (Debian)'\n", encoding="utf-8")
            script.chmod(0o755)
    folders = str(tmp_path / "*" / "bin")
    assert postgres_tools(15, path="", folders=folders).pg_dump == tmp_path / "15" / "bin" / "pg_dump"
    assert postgres_tools(14, path="", folders=folders).version == 15  # the nearest newer one
    on_path = postgres_tools(13, path=str(tmp_path / "16" / "bin"), folders=folders)
    assert on_path.version == 13  # the exact version wins over the one on PATH
    with pytest.raises(ToolMissing, match="need pg_dump, pg_restore and psql of version 17 or newer"):
        postgres_tools(17, path="", folders=folders)


@pytest.mark.postgres
def test_without_the_postgresql_client_the_backup_says_what_to_install(
        database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the PostgreSQL side")
    assert run(capsys, "--database", database_url, "worklist")[0] == 0
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(store_backup, "POSTGRES_BIN_FOLDERS", str(tmp_path / "none" / "*"))
    code, _, err = run(capsys, "--database", database_url, "backup", "--out", str(tmp_path / "b.pgdump"))
    assert code == 1
    assert "need pg_dump, pg_restore and psql of version" in err and "postgresql-client" in err
    assert not (tmp_path / "b.pgdump").exists()


def _visits_per_patient_sqlite(backup: Path) -> tuple[Counter[int], int, list[tuple[object, ...]]]:
    connection = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        visits = Counter(row[0] for row in connection.execute("SELECT patient_id FROM visits"))
        statuses = connection.execute("SELECT count(*) FROM patient_status").fetchone()[0]
        orphans = connection.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        connection.close()
    return visits, statuses, orphans


def _copied_rows(backup: Path, table: str, url: str) -> list[list[str]]:
    tools = postgres_tools(server_major(url))
    dump = subprocess.run([str(tools.pg_restore), "--data-only", f"--table={table}", "--file=-", str(backup)],
                          capture_output=True, text=True, check=True).stdout
    rows, header = [], None
    for line in dump.splitlines():
        if line.startswith(f"COPY public.{table} "):
            header = line[line.index("(") + 1:line.index(")")].split(", ")
        elif header is not None:
            if line == "\\.":
                break
            rows.append(dict(zip(header, line.split("\t"), strict=True)))
    return rows  # type: ignore[return-value]


def test_a_backup_taken_during_a_running_import_is_consistent(
        database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    needs_postgres_tools(database_url)
    assert run(capsys, "--database", database_url, "db", "upgrade")[0] == 0
    folder = tmp_path / "clinic-export"
    folder.mkdir()
    for number in range(IMPORT_FILES):
        write(folder / f"P-{number:02d}.json", many_visit_record(f"P-{number:02d}", IMPORT_VISITS))
    ctx = open_as_tester(url=database_url)
    add_clinic_administrator(ctx.db)  # whom the import signs in as
    env = {**os.environ, "EXAM_APP_DATABASE_URL": database_url}
    importing = subprocess.Popen([sys.executable, "-m", "exam_app.cli", "import", str(folder)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    backups: list[tuple[Path, bool]] = []
    try:
        deadline = time.monotonic() + 60
        while importing.poll() is None and time.monotonic() < deadline and len(backups) < 3:
            with ctx.db.session() as session:
                if not session.scalar(select(func.count()).select_from(text("patients"))):
                    time.sleep(0.02)
                    continue
            suffix = ".sqlite3" if database_url.startswith("sqlite") else ".pgdump"
            made = backup_to(ctx, tmp_path / f"during-{len(backups)}{suffix}")
            backups.append((made.path, importing.poll() is None))
        out, err = importing.communicate(timeout=120)
    finally:
        ctx.close()
    assert importing.returncode == 0, err
    assert out.count(f"{IMPORT_VISITS} visits added") == IMPORT_FILES
    assert any(running for _, running in backups), "no backup was taken while the import ran"
    held = []
    for path, _ in backups:
        if database_url.startswith("sqlite"):
            assert sqlite_facts(path).schema is not None  # every page reads (quick_check)
            visits, statuses, orphans = _visits_per_patient_sqlite(path)
            assert orphans == []
        else:
            visits = Counter(int(row["patient_id"]) for row in _copied_rows(path, "visits", database_url))
            statuses = len(_copied_rows(path, "patient_status", database_url))
            assert len(_copied_rows(path, "patients", database_url)) == len(visits)
        assert set(visits.values()) <= {IMPORT_VISITS}, f"a patient stored in part: {visits}"  # whole files only
        assert statuses == len(visits)
        held.append(len(visits))
    print(f"\nbackups taken while importing: {sum(running for _, running in backups)} of {len(backups)}, holding "
          f"{held} of {IMPORT_FILES} patients")
