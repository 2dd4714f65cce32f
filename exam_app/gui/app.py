"""Starting the desktop app: open the database (migrations first; a damaged one is offered its
latest backup), then the main window, with automatic backups while it runs."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from exam_app.gui.inputs import install_wheel_guard
from exam_app.logging_setup import log
from exam_app.masking import mask_passwords
from exam_app.paths import resource_path
from exam_app.services.context import AppContext, ServiceError
from exam_app.store.database import DatabaseError


def style_sheet() -> str:
    return resource_path("style.qss").read_text(encoding="utf-8")


def make_application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv)
    app.setApplicationName("Lower-limb exam recorder")
    app.setOrganizationName("exam-app")
    app.setStyleSheet(style_sheet())
    install_wheel_guard(app)
    return app


class _ErrorReport:
    """Any error no screen handled: the whole story in the log, one line for the user, never a
    traceback on the terminal only (and never a second box while one is shown)."""

    def __init__(self) -> None:
        self.showing = False

    def __call__(self, kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        log.error("unhandled error", exc_info=(kind, error, trace))
        if isinstance(error, DatabaseError | ServiceError):
            line = str(error)
        else:
            line = f"unexpected error: {kind.__name__}: {error} (the details are in the app's log)"
        line = mask_passwords(line)
        print(f"exam-app: {line}", file=sys.stderr)
        if self.showing or QApplication.instance() is None:
            return
        self.showing = True
        try:
            QMessageBox.warning(QApplication.activeWindow(), "Lower-limb exam recorder", line)
        finally:
            self.showing = False


def run_app(open_context: Callable[[], AppContext], database_url: str | None = None,
            username: str | None = None) -> int:
    from exam_app.gui.backup_schedule import AutomaticBackups
    from exam_app.gui.recovery import open_or_recover

    app = make_application()
    sys.excepthook = _ErrorReport()
    ctx = open_or_recover(open_context, database_url, username)
    if ctx is None:
        return 1
    from exam_app.gui.main_window import MainWindow

    window = MainWindow(ctx)
    window.show()
    backups = AutomaticBackups(ctx, window)
    backups.report.connect(lambda text: window.statusBar().showMessage(text, 30_000))
    QTimer.singleShot(0, window.offer_drafts)
    QTimer.singleShot(0, backups.start)
    try:
        return app.exec()
    finally:
        ctx.close()
