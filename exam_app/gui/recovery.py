"""Opening the clinic at start-up, and the way back when its database is damaged: the latest backup
offered, restored after a confirmation that names both, the damaged file kept aside."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from exam_app.gui.background import run_in_background
from exam_app.logging_setup import log
from exam_app.services.backups import Restored, latest_backup_of, restore_backup
from exam_app.services.context import ServiceError
from exam_app.store.database import DatabaseError
from exam_app.store.faults import DamagedDatabase
from exam_app.wording import moment

Opened = TypeVar("Opened")


def open_or_recover(open_clinic: Callable[[], Opened], url: str | None, username: str | None = None,
                    parent: QWidget | None = None) -> Opened | None:
    """The opened clinic; or, for a damaged database with a backup, the offer to restore it (then the
    restored clinic); None when the app cannot go on (the user was told why). A database that cannot
    be read cannot say who may restore it: the permissions of its file are the guard."""
    try:
        return open_clinic()
    except DamagedDatabase as damage:
        log.error("cannot open the database: %s", damage, exc_info=damage)
        latest = _latest(url)
        if latest is None or url is None:
            QMessageBox.critical(parent, "The database is damaged",
                                 f"{damage}\n\nNo backup of it was found in its backup folder.")
            return None
        if not _confirm_restore(parent, str(damage), latest):
            return None
        if not _restore(parent, url, latest, username):
            return None
    except (DatabaseError, ServiceError) as error:
        log.error("cannot open the database: %s", error, exc_info=error)
        QMessageBox.critical(parent, "Cannot open the database", str(error))
        return None
    try:
        return open_clinic()
    except (DatabaseError, ServiceError) as error:
        log.error("cannot open the restored database: %s", error, exc_info=error)
        QMessageBox.critical(parent, "Cannot open the database", str(error))
        return None


def _latest(url: str | None) -> Path | None:
    if url is None:
        return None
    try:
        return latest_backup_of(url)
    except (DatabaseError, ServiceError):
        return None


def _confirm_restore(parent: QWidget | None, damage: str, latest: Path) -> bool:
    from datetime import UTC, datetime

    taken = moment(datetime.fromtimestamp(latest.stat().st_mtime, UTC))
    box = QMessageBox(QMessageBox.Icon.Critical, "The database is damaged",
                      f"{damage}\n\nThe latest backup is {latest.name}, taken {taken}. Restore it? What was "
                      "recorded after it is not in it. The damaged database is kept beside the backups.", parent=parent)
    restore = box.addButton("Restore the latest backup", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    return box.clickedButton() is restore


def _restore(parent: QWidget | None, url: str, backup: Path, username: str | None) -> bool:
    """Restore off the GUI thread behind a progress dialog; True once restored."""
    progress = QProgressDialog("Restoring the latest backup…", "", 0, 0, parent)
    progress.setWindowModality(Qt.WindowModality.ApplicationModal)
    progress.setCancelButton(None)  # a restore half done is not stopped
    progress.setMinimumDuration(0)
    outcome: list[Restored | Exception] = []
    loop = QEventLoop()

    def finished(result: object) -> None:
        outcome.append(result)  # type: ignore[arg-type]
        loop.quit()

    run_in_background(lambda: restore_backup(url, backup, username), finished, finished, progress)
    progress.show()
    loop.exec()
    progress.close()
    done = outcome[0]
    if isinstance(done, Exception):
        log.error("restore failed: %s", done, exc_info=done)
        QMessageBox.critical(parent, "The backup was not restored", str(done))
        return False
    kept = f" The damaged database is kept at {done.replaced_kept_at}." if done.replaced_kept_at else ""
    log.info("restored %s; replaced database kept at %s", backup, done.replaced_kept_at)
    QMessageBox.information(parent, "Backup restored", f"{backup.name} was restored.{kept}")
    return True
