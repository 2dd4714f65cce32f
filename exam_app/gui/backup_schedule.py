"""Automatic backups while the app runs: one at start-up (unless one was taken in the last hour),
then whenever the newest is `backup_every_hours` old, always off the GUI thread, the outcome said in
the status bar (and the log)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from exam_app.gui.background import run_in_background
from exam_app.logging_setup import log
from exam_app.services.backups import BackupMade, automatic_backup, backup_due
from exam_app.services.context import AppContext
from exam_app.wording import moment

CHECK_EVERY_MS = 10 * 60 * 1000  # how often the app looks whether a backup is due


class AutomaticBackups(QObject):
    report = Signal(str)  # for the status bar
    backed_up = Signal(object)  # BackupMade

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._running = False
        self._timer = QTimer(self, interval=CHECK_EVERY_MS)
        self._timer.timeout.connect(lambda: self.check(at_start_up=False))

    def start(self) -> None:
        self.check(at_start_up=True)
        self._timer.start()

    def check(self, at_start_up: bool) -> None:
        if self._running:
            return
        self._running = True

        def work() -> BackupMade | None:
            return automatic_backup(self.ctx) if backup_due(self.ctx, at_start_up) else None

        run_in_background(work, self._done, self._failed, self)

    def _done(self, made: BackupMade | None) -> None:
        self._running = False
        if made is None:
            return
        log.info("automatic backup %s (%d bytes); removed %s", made.path, made.size,
                 ", ".join(str(p) for p in made.removed) or "none")
        from datetime import datetime

        self.report.emit(f"Backed up {moment(datetime.now().astimezone())} to {made.path.parent}")
        self.backed_up.emit(made)

    def _failed(self, error: Exception) -> None:
        self._running = False
        log.error("automatic backup failed: %s", error, exc_info=error)
        self.report.emit(f"Automatic backup failed: {error}")
