"""The app's window while it starts: painted before the clinic is opened and the rest of the app is
loaded, so the window is there at once and says what it is waiting for. The main window takes its
place (and its place on the screen) once someone has signed in.

Only Qt here: importing the database machinery and the app's screens is what this window covers.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QVBoxLayout, QWidget

from exam_app import APP_NAME

# Not the main window's title: nothing here takes typing, and a script waiting for the main window can tell.
STARTING_TITLE = f"{APP_NAME}: opening"
# On a real display the window's first paint waits for the window manager to show it: this long at most.
PAINT_WAIT_SECONDS = 1.0


class StartWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(STARTING_TITLE)
        self.resize(1366, 768)  # the main window's size: it opens where this one was
        self.painted = False
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addStretch(1)
        heading = QLabel(f"<h2>{APP_NAME}</h2>")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(heading)
        self.state = QLabel("Opening the clinic…")
        self.state.setObjectName("hint")
        self.state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.state)
        layout.addStretch(2)
        self.setCentralWidget(body)

    def say(self, text: str) -> None:
        """What the app is doing now, painted before it goes on."""
        self.state.setText(text)
        self.state.repaint()

    def show_now(self) -> None:
        """Show the window and return once it is painted (or the window manager kept it waiting)."""
        self.show()
        deadline = time.monotonic() + PAINT_WAIT_SECONDS
        while not self.painted and time.monotonic() < deadline:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.painted = True
