"""The idle lock: after some minutes without input (a clinic setting, 10 by default) the window locks
behind the sign-in form, so a workstation left alone shows no patient's data."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

_INPUT = frozenset((QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
                    QEvent.Type.TouchBegin))


class IdleWatch(QObject):
    """Calls `on_idle` after `minutes` without a key, click, wheel or mouse move anywhere in the app."""

    def __init__(self, parent: QObject, on_idle: Callable[[str], None], minutes: int) -> None:
        super().__init__(parent)
        self.minutes: int = minutes
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(lambda: on_idle(f"no input for {self.minutes} min"))
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes
        self.timer.setInterval(max(1, minutes) * 60_000)
        self.timer.start()

    def restart(self) -> None:
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT and self.timer.isActive():
            self.timer.start()  # from now: input resets the count
        return False
