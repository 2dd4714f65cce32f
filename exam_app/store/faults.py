"""What goes wrong with storage, said for the user.

Every driver error that is not the app's own mistake becomes one of a few typed `DatabaseError`s,
each with one line that names the database and says what happened and what to do: another
workstation holds the lock, the disk is full, the database is read-only, the file is damaged, the
server cannot be reached. Callers decide what to do next (wait and retry, keep the draft, offer a
backup); the storage layer never shows anything itself.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from exam_app.masking import mask_passwords

# SQLite result codes (https://sqlite.org/rescode.html); the low byte is the primary code.
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR = 5, 6, 8, 10
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 11, 13, 14, 26
_SQLITE_BUSY_SNAPSHOT = 517
# Below this much free space a disk I/O error is taken for a full disk (SQLite reports some writes
# that fail for lack of space, e.g. of its shared-memory index, as plain I/O errors).
_NEARLY_FULL_BYTES = 4 * 1024 * 1024


class DatabaseError(Exception):
    """The database cannot be used as asked; the message says why, for the user."""


class StorageFault(DatabaseError):
    """The database could not do what was asked for a reason outside the app. `transient`: the same
    operation may succeed if tried again later without anybody doing anything."""

    transient = False


class DatabaseBusy(StorageFault):
    """Another workstation (or process) is writing and held the lock for longer than the app waits."""

    transient = True

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.where = where  # the database, for a caller that says it is waiting again


class WriteConflict(StorageFault):
    """Two workstations changed the same records at the same moment; the loser is simply run again."""

    transient = True


class DiskFull(StorageFault):
    """No space left where the database (or a backup) is written."""

    transient = True  # space may be freed while the app keeps the draft


class ReadOnlyDatabase(StorageFault):
    """The database can be read but not written (file permissions, a read-only share or account)."""


class DamagedDatabase(StorageFault):
    """The database file is damaged or is not a database at all: a backup is the way back."""


class DatabaseUnavailable(StorageFault):
    """The database cannot be reached or opened (server down, network, missing folder)."""

    transient = True


def storage_fault(error: BaseException, where: str, folder: Path | None = None) -> StorageFault | None:
    """The typed fault for a driver error, or None when the error is not a storage fault (a bug, or a
    constraint the caller handles). `where` names the database for the user (no password);
    `folder` is where a SQLite file lives, to tell a full disk from other I/O errors."""
    original = getattr(error, "orig", None) or error
    if isinstance(original, sqlite3.Error):
        return _sqlite_fault(original, where, folder)
    sqlstate = getattr(original, "sqlstate", None)
    if type(original).__module__.startswith("psycopg"):
        return _postgres_fault(original, sqlstate, where)
    if isinstance(original, OSError):
        return _os_fault(original, where, folder)
    return None


def _detail(error: BaseException) -> str:
    text = mask_passwords(str(error)).strip().splitlines()
    return text[0] if text else type(error).__name__


def _sqlite_fault(error: sqlite3.Error, where: str, folder: Path | None) -> StorageFault | None:
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:  # a message without a code: match the words SQLite uses
        code = _code_from_message(str(error))
    if code is None:
        return None
    primary, detail = code & 0xFF, _detail(error)
    if code == _SQLITE_BUSY_SNAPSHOT:
        return WriteConflict(f"another workstation wrote to the database {where} at the same moment; try again")
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return busy(where)
    if primary == _SQLITE_FULL:
        return disk_full(where, folder)
    if primary == _SQLITE_READONLY:
        return read_only(where, detail)
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return damaged(where, detail)
    if primary == _SQLITE_IOERR:
        if folder is not None and free_bytes(folder) < _NEARLY_FULL_BYTES:
            return disk_full(where, folder)
        return StorageFault(f"the disk holding the database {where} failed to read or write ({detail}); nothing "
                            "was saved. Check the disk, then try again")
    if primary == _SQLITE_CANTOPEN:
        return DatabaseUnavailable(f"cannot open the database file {where} ({detail}): check that its folder "
                                   "exists and may be written")
    return None


_MESSAGES = (("database is locked", _SQLITE_BUSY), ("database table is locked", _SQLITE_LOCKED),
             ("disk is full", _SQLITE_FULL), ("readonly database", _SQLITE_READONLY),
             ("disk image is malformed", _SQLITE_CORRUPT), ("file is not a database", _SQLITE_NOTADB),
             ("disk i/o error", _SQLITE_IOERR), ("unable to open database", _SQLITE_CANTOPEN))


def _code_from_message(message: str) -> int | None:
    lowered = message.lower()
    return next((code for words, code in _MESSAGES if words in lowered), None)


def _postgres_fault(error: BaseException, sqlstate: str | None, where: str) -> StorageFault | None:
    detail = _detail(error)
    if sqlstate in ("40001", "40P01"):  # serialization failure, deadlock: run the transaction again
        return WriteConflict(f"another workstation changed the same records in {where} at the same moment; "
                             "try again")
    if sqlstate == "55P03":  # lock_timeout
        return busy(where)
    if sqlstate == "53100":
        return DiskFull(f"the database server of {where} has no disk space left: nothing was saved; ask the "
                        "administrator to free space, then try again")
    if sqlstate in ("25006", "42501"):  # read-only transaction (a standby), no write privilege
        return read_only(where, detail)
    if sqlstate in ("XX001", "XX002"):
        return damaged(where, detail)
    no_connection = sqlstate is None and type(error).__name__ in ("OperationalError", "InterfaceError")
    if no_connection or (sqlstate or "").startswith(("08", "57P")):  # no server, or it is shutting down
        return DatabaseUnavailable(f"cannot reach the database {where} ({detail}): check the network and "
                                       "that the database server is running, then try again")
    return None


def _os_fault(error: OSError, where: str, folder: Path | None) -> StorageFault | None:
    if error.errno == errno.ENOSPC:
        return disk_full(where, folder)
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return read_only(where, error.strerror or str(error))
    return None


def busy(where: str) -> DatabaseBusy:
    return DatabaseBusy(f"another workstation is writing to the database {where}; nothing was lost, try again "
                        "in a moment", where)


def disk_full(where: str, folder: Path | None) -> DiskFull:
    left = f" ({_size(free_bytes(folder))} free on {folder})" if folder is not None else ""
    return DiskFull(f"the disk is full{left}: nothing was written to {where}. Free some space (or move old "
                    "backups to another disk), then try again")


def read_only(where: str, detail: str) -> ReadOnlyDatabase:
    return ReadOnlyDatabase(f"the database {where} is read-only ({detail}): it can be read but nothing can be "
                            "saved. Ask the administrator to make it writable")


def damaged(where: str, detail: str) -> DamagedDatabase:
    return DamagedDatabase(f"the database {where} is damaged ({detail}): run `exam-app db check`, then restore "
                           "the latest backup (`exam-app restore FILE`)")


def free_bytes(folder: Path) -> int:
    """Free space where `folder` is (its nearest existing parent); very large when unknown."""
    for candidate in (folder, *folder.parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:
            continue
    return 1 << 62


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    size = float(count)
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            break
    return f"{size:.1f} {unit}"
