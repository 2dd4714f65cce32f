"""Backups of the clinic: taken on demand, taken by themselves (at start-up and every few hours,
keeping the last few), and restored.

Where and how often are clinic settings: `backup_folder` (default: `backups/` beside a SQLite file,
or in the user's data folder for PostgreSQL; best on another disk), `backup_every_hours` (default 4;
0 turns the automatic backups off) and `backup_keep` (default 14 automatic backups). Backups are
owner-only files. A restore checks the file first, refuses a newer schema, and keeps the database it
replaces beside the backups.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from exam_app.services.context import AppContext, InvalidInput, NotPermitted
from exam_app.services.outputs import FOLDER, backup_folder, check_output, default_backup_folder
from exam_app.store import migrate, models
from exam_app.store.backup import (
    POSTGRES_SUFFIX,
    SQLITE_SUFFIX,
    BackupFacts,
    PostgresTools,
    backup_postgres,
    backup_sqlite,
    owner_only_folder,
    postgres_facts,
    postgres_tools,
    restore_postgres,
    restore_sqlite,
    server_major_version,
    sqlite_facts,
    stamp,
)
from exam_app.store.database import Database, DatabaseError, check_sqlite_file, open_database
from exam_app.store.faults import DamagedDatabase, StorageFault
from exam_app.store.repository import audit
from exam_app.tables import roles

EVERY_HOURS, KEEP = "backup_every_hours", "backup_keep"
DEFAULT_EVERY_HOURS = 4.0
DEFAULT_KEEP = 14
# Restarting the app several times in an hour (or after a crash at start-up) must not push the older
# automatic backups out of the ones kept: a start-up backup is skipped if one is younger than this.
START_UP_GAP = timedelta(hours=1)
_AUTOMATIC = re.compile(r"\.auto-(\d{8}T\d{6}Z)\.(sqlite3|pgdump)$")
_BEFORE_UPGRADE = re.compile(r"\.before-[^.]+-(\d{8}T\d{6}Z)\.(sqlite3|pgdump)$")


@dataclass(frozen=True)
class BackupSettings:
    folder: Path
    every_hours: float  # 0: no automatic backups
    keep: int


@dataclass(frozen=True)
class BackupMade:
    path: Path
    size: int
    removed: tuple[Path, ...] = ()  # older automatic backups no longer kept


@dataclass(frozen=True)
class Restored:
    backup: BackupFacts
    replaced_kept_at: Path | None  # where the database it replaced was kept (None: there was none)
    schema: str  # the schema of the restored database after its upgrade


# ------------------------------------------------------------------ where and how often


def backup_settings(ctx: AppContext) -> BackupSettings:
    return BackupSettings(backup_folder(ctx), float(ctx.setting(EVERY_HOURS, DEFAULT_EVERY_HOURS)),
                          int(ctx.setting(KEEP, DEFAULT_KEEP)))


def change_backup_settings(ctx: AppContext, folder: Path | None = None, every_hours: float | None = None,
                           keep: int | None = None) -> BackupSettings:
    """Change where automatic backups go, how often and how many are kept (InvalidInput names what is wrong)."""
    ctx.require("settings")
    if folder is not None:
        if not folder.is_absolute():
            raise InvalidInput(f"--folder: {folder} is not an absolute path (e.g. /mnt/backup-disk/exam-app)")
        owner_only_folder(folder)
        ctx.set_setting(FOLDER, str(folder))
    if every_hours is not None:
        if not 0 <= every_hours <= 168:
            raise InvalidInput(f"--every-hours: {every_hours:g} is outside 0 (off) to 168")
        ctx.set_setting(EVERY_HOURS, every_hours)
    if keep is not None:
        if not 1 <= keep <= 1000:
            raise InvalidInput(f"--keep: {keep} is outside 1 to 1000")
        ctx.set_setting(KEEP, keep)
    return backup_settings(ctx)


def _opens(db: Database) -> bool:
    """Whether the database may be connected to without changing it: a SQLite file that is empty or
    not SQLite would be turned into an empty database by the first connection."""
    if db.sqlite_file is None:
        return True
    try:
        check_sqlite_file(db.sqlite_file)
    except DatabaseError:
        return False
    return db.sqlite_file.exists()


def folder_before_upgrade(db: Database) -> Path:
    """The clinic's backup folder, read before the schema is brought up to date (and so without the
    services): where the copy taken before an upgrade goes."""
    if not _opens(db):
        return default_backup_folder(db)
    try:
        with db.session() as session:
            row = session.execute(text("SELECT value FROM clinic_settings WHERE key = :key"),
                                  {"key": FOLDER}).scalar()
    except Exception:  # a new or damaged database: the default folder; the upgrade says what is wrong
        row = None
    value = (row if isinstance(row, dict) else _json(row)).get("value") if row else None
    return Path(str(value)) if value else default_backup_folder(db)


def _json(raw: object) -> dict[str, object]:
    try:
        loaded = json.loads(str(raw))
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _stem(db: Database) -> str:
    return db.sqlite_file.stem if db.sqlite_file is not None else (db.engine.url.database or "exam-app")


def _suffix(db: Database) -> str:
    return SQLITE_SUFFIX if db.is_sqlite else POSTGRES_SUFFIX


# ------------------------------------------------------------------ taking backups


def backup_to(ctx: AppContext, out: Path, force: bool = False) -> BackupMade:
    """A backup of the clinic written to `out` (refused: the database itself, an existing backup, and any
    existing file without `force`)."""
    ctx.require("backup")
    check_output(ctx, out, force)
    made = _take(ctx.db, out)
    _note(ctx, "backup_taken", made.path)
    return made


def _take(db: Database, out: Path) -> BackupMade:
    owner_only_folder(out.parent)
    if db.is_sqlite:
        backup_sqlite(db, out)
    else:
        backup_postgres(db, out, postgres_tools(server_major_version(db)))
    return BackupMade(out, out.stat().st_size)


def _note(ctx: AppContext, action: str, path: Path) -> None:
    try:
        with ctx.db.session(write=True) as session:
            audit(session, ctx.user.id, action, "database", None, {"file": str(path)})
    except StorageFault:
        pass  # the backup is made; a database that cannot be written must not undo that


def automatic_backups(folder: Path, db: Database) -> list[Path]:
    """The automatic backups of this database in `folder`, oldest first."""
    return sorted((p for p in _listing(folder) if p.name.startswith(f"{_stem(db)}.") and _AUTOMATIC.search(p.name)),
                  key=lambda p: p.name)


def _listing(folder: Path) -> Iterator[Path]:
    try:
        yield from (p for p in folder.iterdir() if p.is_file())
    except OSError:
        return


def latest_backup(folder: Path, db: Database) -> Path | None:
    """The newest backup this app made of the database in `folder` (automatic or before an upgrade)."""
    stem = f"{_stem(db)}."
    found = [(m.group(1), p) for p in _listing(folder) if p.name.startswith(stem)
             for m in (_AUTOMATIC.search(p.name) or _BEFORE_UPGRADE.search(p.name),) if m]
    return max(found)[1] if found else None


def latest_backup_of(url: str) -> Path | None:
    """The newest backup of the database at `url` in its clinic's backup folder (the default folder when
    the database cannot say which), for a damaged database to be offered its way back."""
    db = open_for_restore(url)
    try:
        return latest_backup(folder_before_upgrade(db), db)
    finally:
        db.dispose()


def backup_due(ctx: AppContext, at_start_up: bool, now: datetime | None = None) -> bool:
    """Whether an automatic backup is due: at start-up, unless one was taken in the last hour; while
    running, when the newest is `every_hours` old. Never when the clinic turned them off."""
    settings = backup_settings(ctx)
    if settings.every_hours <= 0:
        return False
    taken = automatic_backups(settings.folder, ctx.db)
    if not taken:
        return True
    newest = _taken_at(taken[-1])
    age = (now or datetime.now(UTC)) - newest
    return age >= (START_UP_GAP if at_start_up else timedelta(hours=settings.every_hours))


def _taken_at(path: Path) -> datetime:
    found = _AUTOMATIC.search(path.name)
    assert found is not None
    return datetime.strptime(found.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def automatic_backup(ctx: AppContext, now: datetime | None = None) -> BackupMade:
    """Take an automatic backup into the clinic's folder, then remove the oldest beyond `backup_keep`.
    The older ones are removed only once the new one is taken and checked."""
    settings = backup_settings(ctx)
    owner_only_folder(settings.folder)
    target = settings.folder / f"{_stem(ctx.db)}.auto-{stamp(now)}{_suffix(ctx.db)}"
    made = _take(ctx.db, target)
    kept = automatic_backups(settings.folder, ctx.db)
    removed = []
    for old in kept[: max(0, len(kept) - settings.keep)]:
        try:
            old.unlink()
            removed.append(old)
        except OSError:
            continue  # left for the next rotation
    return BackupMade(made.path, made.size, tuple(removed))


# ------------------------------------------------------------------ restoring


def check_backup(db: Database, backup: Path) -> BackupFacts:
    """What the backup holds; refused (InvalidInput) if it is not a sound backup of this kind of
    database, holds no clinic, or was written by a newer version of the app."""
    if not backup.is_file():
        raise InvalidInput(f"{backup}: no such file")
    try:
        facts = sqlite_facts(backup) if db.is_sqlite else postgres_facts(backup, _tools(db))
    except DamagedDatabase as error:
        raise InvalidInput(f"{backup}: not a sound backup: {error}") from None
    if facts.schema is None:
        raise InvalidInput(f"{backup}: holds no clinic database (no schema version in it)")
    if not migrate.revision_known(facts.schema):
        raise InvalidInput(f"{backup}: written by a newer version of the app (schema {facts.schema}); install "
                           "that version or newer to restore it")
    return facts


def _tools(db: Database) -> PostgresTools:
    return postgres_tools(server_major_version(db))


def current_database_summary(db: Database) -> str:
    """The database a restore would replace, in words for the confirmation."""
    file = db.sqlite_file
    if file is not None and not file.exists():
        return f"{db.where} (no database there yet)"
    if file is not None and file.stat().st_size == 0:
        return f"{db.where} (the file is empty (0 bytes))"
    if not _opens(db):
        return f"{db.where} (not a SQLite database)"
    try:
        with db.session() as session:
            patients = session.scalar(select(func.count()).select_from(models.Patient))
            visits = session.scalar(select(func.count()).select_from(models.Visit))
    except DamagedDatabase:
        return f"{db.where} (damaged: it cannot be read whole)"
    except Exception:  # no clinic's tables in it, or unreadable for another reason
        return f"{db.where} (it holds no clinic that can be read)"
    return f"{db.where} ({patients} patients, {visits} visits)"


def may_restore(db: Database, username: str | None) -> None:
    """NotPermitted unless `username` (signed in by the caller) may restore backups. A database that
    cannot be read (damaged, empty) cannot say who may: then the file permissions of the database are
    the guard."""
    if not _opens(db):
        return
    try:
        with db.session() as session:
            role = session.scalar(select(models.User.role).where(models.User.username == username,
                                                                 models.User.active.is_(True)))
    except Exception:
        return
    if role is None:
        raise InvalidInput("restore: the database can still be read, so an administrator signs in first (--user)")
    if not roles().may(role, "backup"):
        raise NotPermitted(f"{username} ({roles().labels[role]}) may not {roles().actions['backup']}")


def open_for_restore(url: str) -> Database:
    """The database a restore replaces, opened even when its file is not a database (empty or damaged),
    since that is what a restore is for; nothing is created."""
    return open_database(url, check_file=False)


def restore_backup(url: str, backup: Path, username: str | None = None, kept_in: Path | None = None) -> Restored:
    """Replace the database at `url` with the backup: checked first (nothing changes if it is refused),
    the current database kept in `kept_in` (default: the clinic's backup folder), then the schema brought
    up to date. The caller has asked for confirmation."""
    db = open_for_restore(url)
    try:
        may_restore(db, username)
        facts = check_backup(db, backup)
        folder = kept_in or folder_before_upgrade(db)
        owner_only_folder(folder)
        aside = folder / f"{_stem(db)}.replaced-{stamp()}{_suffix(db)}"
        if db.is_sqlite:
            restore_sqlite(db, backup, aside)
            kept = aside if aside.exists() else None
        else:
            tools = _tools(db)
            backup_postgres(db, aside, tools)
            restore_postgres(db, backup, tools)
            kept = aside
    finally:
        db.dispose()
    restored = open_database(url)
    try:
        migrate.upgrade(restored)
        schema = migrate.schema_status(restored).head
        with restored.session(write=True) as session:
            user = session.scalar(select(models.User.id).where(models.User.username == username))
            audit(session, user, "backup_restored", "database", None,
                  {"file": str(backup), "schema": facts.schema, "replaced_kept_at": str(kept) if kept else None})
    finally:
        restored.dispose()
    return Restored(facts, kept, schema)
