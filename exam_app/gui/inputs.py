"""Inputs that never change a value behind the examiner's back.

- The mouse wheel scrolls the page: spin boxes, date and time edits and combo boxes take it only
  when they have the keyboard focus (`WheelGuard`, installed once on the application).
- A number is typed in full and checked against its range: a value outside it is refused where
  the examiner is looking, beside the field, never cut to fit (`NumberField`).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from exam_app.clinical.plausibility import ValueRange

_GUARDED = (QAbstractSpinBox, QComboBox)


class WheelGuard(QObject):
    """Hands the wheel over an unfocused spin, date or combo box to the page that scrolls around it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, _GUARDED):
            # Not WheelFocus: a wheel turning over the box must not give it the focus (and the value).
            watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        elif (kind == QEvent.Type.Wheel and isinstance(watched, _GUARDED) and not watched.hasFocus()
              and isinstance(event, QWheelEvent)):
            area = _scroll_area_around(watched)
            if area is not None:
                vertical = abs(event.angleDelta().y()) >= abs(event.angleDelta().x())
                bar = area.verticalScrollBar() if vertical else area.horizontalScrollBar()
                QApplication.sendEvent(bar, event)
            return True
        return False


def _scroll_area_around(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def install_wheel_guard(app: QApplication) -> None:
    """Once per application (a second call does nothing)."""
    if app.findChild(WheelGuard, "wheelGuard") is None:
        guard = WheelGuard(app)
        guard.setObjectName("wheelGuard")
        app.installEventFilter(guard)


class NumberField(QLineEdit):
    """A whole number in a range; empty means not recorded.

    `value_changed(int | None)` is emitted for an empty field or a number in range; a number out of
    range (or not a number) is refused: the field turns red, `problem` says why, and `refused(str)`
    is emitted so the visit knows the screen holds a value that was not taken.
    """

    value_changed = Signal(object)  # int | None
    refused = Signal(str)  # the problem, or "" once the field holds an accepted value again

    def __init__(self, name: str, allowed: ValueRange, unit: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.allowed = allowed
        self.unit = unit
        self.setAccessibleName(name)
        self.setPlaceholderText(placeholder)
        self.setMaxLength(len(str(allowed.high)) + 2)  # room to type a wrong value and see it refused
        self.setFixedWidth(72)
        self.problem = QLabel()
        self.problem.setObjectName("error")
        self.problem.setAccessibleName(f"{name}: problem")
        self.problem.hide()
        self._name = name
        self.textEdited.connect(self._edited)

    def value(self) -> int | None:
        """The value taken: None when the field is empty or holds a refused value."""
        text = self.text().strip()
        if not text.isdigit() or self.allowed.problem(int(text), self.unit) is not None:
            return None
        return int(text)

    def show_value(self, value: int | None) -> None:
        """Show a stored value (not an edit: nothing is emitted)."""
        if self.hasFocus() and (self.problem.isVisible() or self.value() == value):
            return  # the examiner is typing or correcting here: leave what is on screen
        self.setText("" if value is None else str(value))
        if self.problem.isVisible():
            self._show_problem("")

    def _edited(self, text: str) -> None:
        text = text.strip()
        if not text:
            self._show_problem("")
            self.value_changed.emit(None)
            return
        if not text.isdigit():
            self._refuse(f"{text!r} is not a whole number")
            return
        problem = self.allowed.problem(int(text), self.unit or "this value")
        if problem is not None:
            self._refuse(f"refused: {problem}")
            return
        self._show_problem("")
        self.value_changed.emit(int(text))

    def _refuse(self, problem: str) -> None:
        # The record keeps nothing the screen does not show (not the 40 typed on the way to 400).
        self._show_problem(problem)
        self.value_changed.emit(None)

    def _show_problem(self, problem: str) -> None:
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.setProperty("refused", bool(problem))
        self.style().unpolish(self)
        self.style().polish(self)
        self.refused.emit(f"{self._name}: {problem}" if problem else "")
