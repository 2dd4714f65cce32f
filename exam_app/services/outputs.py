"""Files the app writes for the user (letters, exports, backups): never over the clinic's database
or one of its backups, whatever the options, and never over another existing file unless asked to."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from exam_app.services.context import AppContext, InvalidInput
from exam_app.store.database import Database, default_data_dir

FOLDER = "backup_folder"  # the clinic setting: where backups go

_OUR_BACKUP = re.compile(r"\.(auto|before-[^.]+|replaced)-\d{8}T\d{6}Z\.(sqlite3|pgdump)$")
_COMPANIONS = ("", "-wal", "-shm", "-journal")


def _same(a: Path, b: Path) -> bool:
    if a == b:
        return True
    with contextlib.suppress(OSError):
        return a.exists() and b.exists() and a.samefile(b)
    return False


def default_backup_folder(db: Database) -> Path:
    if db.sqlite_file is not None:
        return db.sqlite_file.parent / "backups"
    return default_data_dir() / "backups"


def backup_folder(ctx: AppContext) -> Path:
    """Where the clinic's backups go (a setting; by default `backups/` beside a SQLite file)."""
    folder = ctx.setting(FOLDER)
    return Path(folder) if folder else default_backup_folder(ctx.db)


def check_output(ctx: AppContext, out: Path, force: bool = False, option: str = "--out",
                 folder_allowed: bool = False) -> None:
    """InvalidInput (naming `option`) unless `out` may be written: never the database (or its WAL and
    journal files) nor a backup of it; an existing file only with `force`; an existing folder only when
    `folder_allowed` (the caller checks it is empty)."""
    target = out.expanduser().resolve()
    database = ctx.db.sqlite_file
    if database is not None:
        live = database.expanduser().resolve()
        for suffix in _COMPANIONS:
            if _same(target, live.with_name(live.name + suffix)):
                raise InvalidInput(f"{option}: {out} is the clinic's database; choose another file")
    if target.exists() and not target.is_dir():
        backups = backup_folder(ctx).expanduser().resolve()
        if target.parent == backups or _OUR_BACKUP.search(target.name):
            raise InvalidInput(f"{option}: {out} is a backup of the clinic; choose another file")
        if not force:
            raise InvalidInput(f"{option}: {out} exists; add --force to replace it")
    if target.is_dir() and not folder_allowed:
        raise InvalidInput(f"{option}: {out} is a folder; name a file")
