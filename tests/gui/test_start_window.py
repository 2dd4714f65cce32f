"""Start-up: the app's window is painted before the database machinery and the screens are loaded,
says what it waits for, and the main window takes its place once someone has signed in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QRect
from pytestqt.qtbot import QtBot

from exam_app import APP_NAME
from exam_app.gui.app import WindowKeeper
from exam_app.gui.main_window import MainWindow
from exam_app.gui.start_window import STARTING_TITLE, StartWindow
from exam_app.services.context import AppContext
from exam_app.services.startup import open_clinic
from tests.accounts import account

PASSWORD = "start window password"

# The app started as `exam-app` starts it, watched: what the first paint of a main window shows, and
# whether the database machinery was loaded by then.
_WATCH = """
import os, sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow

class Watch(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
            loaded = [name for name in ("sqlalchemy", "exam_app.store.models", "exam_app.gui.main_window")
                      if name in sys.modules]
            print("painted", repr(watched.windowTitle()), repr(watched.state.text()), loaded, flush=True)
            os._exit(0)
        return False

app = QApplication(sys.argv)
watch = Watch()
app.installEventFilter(watch)
from exam_app.gui.app import run_app
run_app(__import__("pathlib").Path(sys.argv[1]), None, "admin", os.environ["EXAM_APP_PASSWORD"])
"""


def test_the_first_paint_is_the_start_window_before_the_database_is_loaded(tmp_path: Path) -> None:
    data = tmp_path / "clinic"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "EXAM_APP_PASSWORD": PASSWORD}
    env.pop("EXAM_APP_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "exam_app.cli", "--data-dir", str(data), "user", "add", "admin", "--role",
                    "admin", "--full-name", "Clinic administrator", "--password-stdin"], input=PASSWORD + "\n",
                   text=True, capture_output=True, check=True, env=env)
    shown = subprocess.run([sys.executable, "-c", _WATCH, str(data)], text=True, capture_output=True, timeout=120,
                           check=False, env=env)
    assert shown.stdout.strip() == f"painted {STARTING_TITLE!r} 'Opening the clinic…' []", shown.stderr[-2000:]


def test_the_main_window_takes_the_start_window_s_place(tmp_path: Path, qtbot: QtBot) -> None:
    clinic = open_clinic(tmp_path / "data")
    ctx = account(clinic.db, "pt.start", "physiotherapist")
    start = StartWindow()
    qtbot.addWidget(start)
    start.setGeometry(QRect(20, 24, 1340, 720))
    start.show_now()
    assert start.painted and start.windowTitle() == STARTING_TITLE
    keeper = WindowKeeper(clinic)
    keeper.open(AppContext(ctx.db, ctx.user), instead_of=start)
    window = keeper.window
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert not start.isVisible() and window.isVisible()
    assert window.windowTitle() == APP_NAME  # a script or a person waiting for the main window can tell
    assert window.geometry() == QRect(20, 24, 1340, 720)
    # Another person signing in behind the lock: their window where the first person's was.
    window.setGeometry(QRect(10, 40, 1350, 710))
    moved = window.geometry()  # as the window took it (never narrower than the window can be)
    assert moved.topLeft() == QRect(10, 40, 1350, 710).topLeft()
    other = account(clinic.db, "dr.other", "doctor")
    keeper.open(AppContext(other.db, other.user))
    second = keeper.window
    assert isinstance(second, MainWindow) and second is not window
    qtbot.addWidget(second)
    assert not window.isVisible() and second.isVisible()
    assert second.geometry() == moved
    second.close()
    clinic.close()
