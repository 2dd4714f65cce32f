"""Starting the desktop app: its window painted first, then the database opened (migrations first;
a damaged one is offered its latest backup), someone signed in, and the main window in its place,
with automatic backups while it runs.

The database machinery and the screens are imported after the first paint (they take most of the
start): this module imports only Qt and what its errors need at module level.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from exam_app import APP_NAME
from exam_app.gui.start_window import StartWindow
from exam_app.logging_setup import log
from exam_app.masking import mask_passwords
from exam_app.paths import resource_path
from exam_app.services.errors import ServiceError
from exam_app.store.faults import DatabaseError

if TYPE_CHECKING:
    from exam_app.services.context import ActingUser, AppContext
    from exam_app.services.startup import Clinic


def style_sheet() -> str:
    return resource_path("style.qss").read_text(encoding="utf-8")


def make_application() -> QApplication:
    from exam_app.gui.inputs import install_wheel_guard

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
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
            QMessageBox.warning(QApplication.activeWindow(), APP_NAME, line)
        finally:
            self.showing = False


def run_app(data_dir: Path | None = None, url: str | None = None, username: str | None = None,
            password: str | None = None) -> int:
    """Open the clinic (or offer its latest backup when its database is damaged), ask who is signing
    in (or create its first account), then the main window."""
    app = make_application()
    sys.excepthook = _ErrorReport()
    start = StartWindow()
    start.show_now()
    from exam_app.gui.recovery import open_or_recover
    from exam_app.services.context import AppContext
    from exam_app.services.startup import open_clinic
    from exam_app.store.location import database_url

    # The status upkeep reads every visit of a large clinic: after the main window's first paint instead.
    clinic = open_or_recover(lambda: open_clinic(data_dir, url, upkeep=False), database_url(data_dir, url),
                             parent=start)
    if clinic is None:
        return 1
    try:
        start.say("Signing in…")
        user = first_user(clinic, username, password)
        if user is None:
            return 0
        start.say("Opening the patient list…")
        windows = WindowKeeper(clinic)
        windows.open(AppContext(clinic.db, user, clinic.backup_made), instead_of=start)
        return app.exec()
    finally:
        clinic.close()


def first_user(clinic: Clinic, username: str | None, password: str | None) -> ActingUser | None:
    """Who uses the app: the clinic administrator on a new database; else whoever signs in (directly,
    when the command line gave a name and $EXAM_APP_PASSWORD). None: the window was closed."""
    from exam_app.gui.sign_in import FirstAdministratorDialog, SignInDialog
    from exam_app.services.accounts import sign_in

    if not clinic.has_accounts:
        first = FirstAdministratorDialog(clinic.db)
        return first.user if first.exec() else None
    message = ""
    if username and password:
        try:
            return sign_in(clinic.db, username, password)
        except ServiceError as error:
            message = str(error)
    dialog = SignInDialog(clinic.db, username or "", message)
    return dialog.user if dialog.exec() else None


class WindowKeeper(QObject):
    """Keeps the main window of whoever is signed in; another person signing in behind the lock gets
    a window of their own (the first person's draft was saved when the window locked)."""

    def __init__(self, clinic: Clinic) -> None:
        super().__init__()
        self.clinic = clinic
        self.window: QWidget | None = None

    def open(self, ctx: AppContext, instead_of: QWidget | None = None) -> None:
        """The main window of `ctx`'s user, in the place of the window it replaces: `instead_of` (the
        start window) or the window of the person signed in before."""
        from exam_app.gui.background import run_in_background
        from exam_app.gui.backup_schedule import AutomaticBackups
        from exam_app.gui.main_window import MainWindow
        from exam_app.services.startup import keep_up

        old = self.window
        replaced = instead_of if instead_of is not None else old
        window = MainWindow(ctx)
        window.other_user_signed_in.connect(self.open)
        if replaced is not None:
            window.setGeometry(replaced.geometry())
            window.setWindowState(replaced.windowState())
        window.show()
        if instead_of is not None:
            instead_of.close()
        backups = AutomaticBackups(ctx, window)  # the app's own: whoever is signed in
        backups.report.connect(lambda text: window.statusBar().showMessage(text, 30_000))
        QTimer.singleShot(0, window.offer_drafts)
        QTimer.singleShot(0, backups.start)
        if old is None:  # once a start; then the worklist is read again, with what the upkeep filled in
            run_in_background(lambda: keep_up(ctx.db), lambda _: window.worklist.refresh_in_background(),
                              lambda _error: None, window)
        self.window = window
        if old is not None:
            old.close()
            old.deleteLater()
        if replaced is not None:
            window.activateWindow()  # the keyboard to the window that took its place
