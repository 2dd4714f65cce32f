"""Starting the desktop app: open the database (migrations first), then the main window."""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from exam_app.gui.inputs import install_wheel_guard
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


def run_app(open_context: Callable[[], AppContext]) -> int:
    app = make_application()
    try:
        ctx = open_context()
    except (DatabaseError, ServiceError) as error:
        print(f"exam-app: {error}", file=sys.stderr)
        QMessageBox.critical(None, "Cannot open the database", str(error))
        return 1
    from exam_app.gui.main_window import MainWindow

    window = MainWindow(ctx)
    window.show()
    QTimer.singleShot(0, window.offer_drafts)
    try:
        return app.exec()
    finally:
        ctx.close()
