"""Starting the desktop app: open the database (migrations first), then the main window."""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtWidgets import QApplication, QMessageBox

from exam_app.services.context import AppContext, ServiceError
from exam_app.store.database import DatabaseError


def run_app(open_context: Callable[[], AppContext]) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Lower-limb exam recorder")
    app.setOrganizationName("exam-app")
    try:
        ctx = open_context()
    except (DatabaseError, ServiceError) as error:
        QMessageBox.critical(None, "Cannot open the database", str(error))
        print(f"exam-app: {error}", file=sys.stderr)
        return 1
    from exam_app.gui.main_window import MainWindow

    window = MainWindow(ctx)
    window.show()
    return app.exec()
