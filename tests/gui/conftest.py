"""GUI fixtures: a main window on its own database, and a keyboard that counts key presses."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from exam_app.clinical.record import Patient
from exam_app.gui.app import make_application
from exam_app.gui.main_window import MainWindow
from exam_app.gui.visit.controller import VisitController
from exam_app.gui.visit.doctor_page import DoctorPage
from exam_app.services.assessment import draft_assessor
from exam_app.services.context import AppContext
from exam_app.services.patients import register_patient
from exam_app.services.visits import open_visit
from tests.accounts import open_as_tester


@pytest.fixture
def gui_ctx(tmp_path: Path, qapp: QApplication) -> Iterator[AppContext]:
    make_application()
    ctx = open_as_tester(data_dir=tmp_path / "data")
    register_patient(ctx, Patient("R-100", "Müller", "Zoë", date(1970, 5, 1), "female"))
    register_patient(ctx, Patient("R-200", "Smith", "John", date(1960, 1, 2), "male"))
    yield ctx
    ctx.close()


@pytest.fixture
def window(gui_ctx: AppContext, qtbot: QtBot) -> MainWindow:
    main = MainWindow(gui_ctx)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


SHIFTED = frozenset('~!@#$%^&*()_+{}|:"<>?')  # typed with Shift on a US keyboard


@dataclass
class Keyboard:
    """Types into whatever has the focus, as a person would, and counts every key press."""

    qtbot: QtBot
    presses: int = 0

    def _target(self) -> QWidget:
        widget = QApplication.activeModalWidget() or QApplication.focusWidget() or QApplication.activeWindow()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        self.presses += 1
        self.qtbot.keyClick(self._target(), key, modifier)

    def type(self, text: str) -> None:
        """As a keyboard sends it: a character typed with Shift (`+`, `*`, capitals on a US layout)
        comes after a press of Shift alone, which the widget sees first."""
        for character in text:
            self.presses += 1
            if character in SHIFTED or character.isupper():
                self.qtbot.keyPress(self._target(), Qt.Key.Key_Shift)
                self.qtbot.keyClicks(self._target(), character, Qt.KeyboardModifier.ShiftModifier)
                self.qtbot.keyRelease(self._target(), Qt.Key.Key_Shift, Qt.KeyboardModifier.ShiftModifier)
            else:
                self.qtbot.keyClicks(self._target(), character)

    def ctrl(self, key: Qt.Key) -> None:
        self.press(key, Qt.KeyboardModifier.ControlModifier)

    def answer_next_dialog(self, key: Qt.Key = Qt.Key.Key_Return) -> None:
        """Press `key` in the modal dialog the next action opens (counted as one key press)."""
        def press_in_dialog() -> None:
            dialog = QApplication.activeModalWidget()
            if dialog is None:
                QTimer.singleShot(10, press_in_dialog)
                return
            self.qtbot.keyClick(dialog, key)

        self.presses += 1
        QTimer.singleShot(0, press_in_dialog)


@pytest.fixture
def keyboard(qtbot: QtBot) -> Keyboard:
    return Keyboard(qtbot)


@pytest.fixture
def wait_until(qtbot: QtBot) -> Callable[[Callable[[], bool]], None]:
    def wait(condition: Callable[[], bool]) -> None:
        qtbot.waitUntil(lambda: bool(condition()), timeout=5000)
    return wait


@pytest.fixture
def demo_ctx(tmp_path: Path, qapp: QApplication) -> Iterator[AppContext]:
    """An empty clinic for the demo to fill (the demo never mixes with other patients)."""
    make_application()
    ctx = open_as_tester(data_dir=tmp_path / "demo")
    yield ctx
    ctx.close()


def doctor_page(ctx: AppContext, visit_id: int, visit_signed: bool = True) -> DoctorPage:
    """The doctor's page of a visit as the editor makes it: saved by the visit's controller."""
    opened = open_visit(ctx, visit_id)
    controller = VisitController(ctx, opened, draft_assessor(ctx, opened.record_number))
    page = DoctorPage(controller, visit_signed)
    controller.setParent(page)
    return page
