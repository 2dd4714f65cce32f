"""Motor examination: a grid typed at speed, or one movement at a time with guidance.

Both modes show and change the same visit through the controller.
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from exam_app.clinical.compare import MOTOR as MOTOR_CELL
from exam_app.clinical.compare import is_normal
from exam_app.clinical.completeness import MissingItem
from exam_app.clinical.grades import is_motor_grade
from exam_app.clinical.normal_findings import MOTOR, with_remaining_normal
from exam_app.clinical.vocabulary import LEFT, RIGHT, SIDES, MotorItem, vocabulary
from exam_app.gui.keys import caption, shortcut
from exam_app.gui.visit.controller import VisitController
from exam_app.gui.visit.grade_keys import MODIFIER_KEYS, TypedGrid, typed_grade
from exam_app.presentation import palette
from exam_app.tables import motor_guide

_Index = QModelIndex | QPersistentModelIndex
_WEAK_COLOUR = QColor(palette().weak)  # abnormal grades stand out (dark orange reads in colour-blind vision)


def grade_label(item: MotorItem, side: str) -> str:
    """The accessible name of a grade input: "Left ankle dorsiflexion grade"."""
    return f"{side.capitalize()} {item.movement} grade"


class MotorGridModel(QAbstractTableModel):
    MOVEMENT, ROOTS, LEFT_GRADE, RIGHT_GRADE = range(4)
    HEADERS = ("Movement (muscle)", "Roots · nerve", "Left", "Right")
    SIDE_OF_COLUMN: ClassVar[dict[int, str]] = {LEFT_GRADE: LEFT, RIGHT_GRADE: RIGHT}

    def __init__(self, controller: VisitController) -> None:
        super().__init__()
        self.controller = controller
        self.items = vocabulary().motor_items
        controller.changed.connect(self.refresh)

    def refresh(self) -> None:
        self.dataChanged.emit(self.index(0, self.LEFT_GRADE), self.index(len(self.items) - 1, self.RIGHT_GRADE))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def grade(self, row: int, side: str) -> str:
        return self.controller.visit.motor.get(self.items[row].id, {}).get(side, "")

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item, column = self.items[index.row()], index.column()
        side = self.SIDE_OF_COLUMN.get(column)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == self.MOVEMENT:
                return f"{item.movement} ({item.muscle})"
            if column == self.ROOTS:
                key = f"key muscle {item.key_root} · " if item.key_root else ""
                return f"{key}{', '.join(item.roots)} · {item.nerve}"
            return self.grade(index.row(), side) if side else None
        if role == Qt.ItemDataRole.AccessibleTextRole and side:
            return grade_label(item, side)
        if role == Qt.ItemDataRole.TextAlignmentRole and side:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.FontRole and side:
            font = QFont()
            font.setPointSizeF(font.pointSizeF() * 1.25)
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and side:
            grade = self.grade(index.row(), side)
            if grade and is_normal(MOTOR_CELL, grade) is False:
                return _WEAK_COLOUR
        if role == Qt.ItemDataRole.ToolTipRole and column == self.MOVEMENT and item.key_root:
            return f"ISNCSCI key muscle of {item.key_root}"
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in self.SIDE_OF_COLUMN and not self.controller.read_only:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        side = self.SIDE_OF_COLUMN.get(index.column())
        if role != Qt.ItemDataRole.EditRole or side is None or self.controller.read_only:
            return False
        text = str(value).strip().upper()
        if text and not is_motor_grade(text):
            return False
        self.controller.set_motor(self.items[index.row()].id, side, text)
        return True


class MotorGrid(TypedGrid):
    """The grid, typed at speed: a digit sets the grade and moves down; +, -, * adjust the grade
    just typed; N is NT; Delete clears; arrows, Tab and Enter move."""

    def __init__(self, model: MotorGridModel) -> None:
        super().__init__()
        self.setModel(model)
        self.grid_model = model
        self.setObjectName("gradeGrid")
        self.setAccessibleName("Motor grades, left and right")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(True)
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(MotorGridModel.MOVEMENT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(MotorGridModel.ROOTS, QHeaderView.ResizeMode.ResizeToContents)
        for column in (MotorGridModel.LEFT_GRADE, MotorGridModel.RIGHT_GRADE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.setColumnWidth(column, 90)
        self.verticalHeader().setDefaultSectionSize(34)
        self.setCurrentIndex(model.index(0, MotorGridModel.LEFT_GRADE))

    def type_key(self, event: QKeyEvent, just_typed: QModelIndex | None) -> None:
        index = self.currentIndex()
        text = event.text()
        if index.column() not in MotorGridModel.SIDE_OF_COLUMN or not text or event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and index.isValid():
                self.grid_model.setData(index, "")
                return
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._advance(index)
                return
            super().type_key(event, None)
            return
        target = just_typed if text in MODIFIER_KEYS and just_typed is not None else index
        side = MotorGridModel.SIDE_OF_COLUMN[target.column()]
        new = typed_grade(self.grid_model.grade(target.row(), side), text)
        if new is None:
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.grid_model.setData(index, "")
            else:
                super().type_key(event, None)
            return
        self.grid_model.controller.set_motor(self.grid_model.items[target.row()].id, side, new)
        self.typed_at(target)
        if text not in MODIFIER_KEYS:
            self._advance(target)

    def focus_cell(self, item_id: str, side: str) -> None:
        row = [m.id for m in self.grid_model.items].index(item_id)
        column = MotorGridModel.LEFT_GRADE if side == LEFT else MotorGridModel.RIGHT_GRADE
        self.forget_typed()
        self.setCurrentIndex(self.grid_model.index(row, column))
        self.setFocus()

    def _advance(self, index: QModelIndex) -> None:
        """Down the side's column; from the bottom of Left to the top of Right."""
        row, column = index.row() + 1, index.column()
        if row >= self.grid_model.rowCount():
            row = 0
            column = MotorGridModel.RIGHT_GRADE if column == MotorGridModel.LEFT_GRADE else column
        self.setCurrentIndex(self.grid_model.index(row, column))


class GradeInput(QLineEdit):
    """One grade typed in guided mode: the same keys as the grid.

    Digits, N, Delete and Backspace change this grade (`committed`); +, - and * are handed to the
    guided view (`modifier_typed`), which applies them to the grade typed just before, wherever the
    focus went; any other key or a click is `navigated`.
    """

    committed = Signal(str)
    modifier_typed = Signal(str)
    navigated = Signal()

    def __init__(self, label: str) -> None:
        super().__init__()
        self.setAccessibleName(label)
        self.setMaxLength(4)
        self.setFixedWidth(90)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.setFont(font)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text and not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            if text in MODIFIER_KEYS:
                self.modifier_typed.emit(text)
                return
            new = typed_grade(self.text(), text)
            if new is not None:
                self.setText(new)
                self.committed.emit(new)
                return
            if event.key() in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
                self.clear()
                self.committed.emit("")
                return
            if text.isprintable() and event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab):
                return  # not a grade key: ignore rather than type it
        self.navigated.emit()
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.navigated.emit()
        super().mousePressEvent(event)


class GuidedMotor(QWidget):
    """One movement at a time: how to position and resist, root and nerve, MRC definitions."""

    def __init__(self, controller: VisitController) -> None:
        super().__init__()
        self.controller = controller
        self.items = vocabulary().motor_items
        self.position = 0
        guide = motor_guide()
        self._guides = guide.movements

        self.title = QLabel()
        self.title.setObjectName("guidedTitle")
        self.counter = QLabel()
        self.anatomy = QLabel()
        self.how = QLabel()
        self.how.setWordWrap(True)
        self.functional = QLabel()
        self.functional.setWordWrap(True)
        self.inputs = {side: GradeInput("") for side in SIDES}
        self._last_typed: tuple[str, str] | None = None  # (movement, side) of the grade typed last
        self.last_entered = QLabel()
        self.last_entered.setObjectName("lastEntered")
        self.last_entered.setAccessibleName("Grade entered last")
        for side, field in self.inputs.items():
            field.committed.connect(lambda grade, side=side: self._commit(side, grade))
            field.modifier_typed.connect(lambda key, side=side: self._modify(side, key))
            field.navigated.connect(self._forget_last_typed)
        self.previous_button = QPushButton("◀ Previous movement")
        self.next_button = QPushButton("Next movement ▶")
        self.previous_button.clicked.connect(lambda: self.show_item(self.position - 1))
        self.next_button.clicked.connect(lambda: self.show_item(self.position + 1))
        self.previous_button.clicked.connect(self._forget_last_typed)
        self.next_button.clicked.connect(self._forget_last_typed)

        grades = QGridLayout()
        for column, side in enumerate(SIDES):
            grades.addWidget(QLabel(f"<b>{side.capitalize()}</b>"), 0, column, Qt.AlignmentFlag.AlignCenter)
            grades.addWidget(self.inputs[side], 1, column, Qt.AlignmentFlag.AlignCenter)
        mrc = QLabel("<b>MRC grades</b><br>" + "<br>".join(
            f"<b>{g.grade}</b> {g.meaning}" for g in guide.mrc_grades))
        mrc.setObjectName("mrcScale")
        mrc.setWordWrap(True)
        mrc.setFrameShape(QFrame.Shape.StyledPanel)
        mrc.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        text = QVBoxLayout()
        for widget in (self.counter, self.title, self.anatomy, self.how, self.functional):
            text.addWidget(widget)
        text.addSpacing(12)
        text.addLayout(grades)
        text.addWidget(self.last_entered)
        text.addStretch(1)
        navigation = QHBoxLayout()
        navigation.addWidget(self.previous_button)
        navigation.addStretch(1)
        navigation.addWidget(self.next_button)
        text.addLayout(navigation)
        layout = QHBoxLayout(self)
        layout.addLayout(text, 3)
        layout.addWidget(mrc, 2)
        controller.changed.connect(self._refresh_grades)
        self.show_item(0)

    def show_item(self, position: int) -> None:
        self.position = max(0, min(position, len(self.items) - 1))
        item = self.items[self.position]
        guide = self._guides[item.id]
        self.counter.setText(f"Movement {self.position + 1} of {len(self.items)}")
        self.title.setText(f"<h2>{item.movement.capitalize()}</h2>")
        key = f"ISNCSCI key muscle of <b>{item.key_root}</b>; " if item.key_root else ""
        self.anatomy.setText(f"{item.muscle.capitalize()} — {key}roots {', '.join(item.roots)}; "
                             f"{item.nerve} nerve")
        self.how.setText(f"<b>Position:</b> {guide.position}<br><b>Resist:</b> {guide.resist}")
        self.functional.setText(f"<b>Also:</b> {guide.functional}" if guide.functional else "")
        for side, field in self.inputs.items():
            field.setAccessibleName(grade_label(item, side))
        self.previous_button.setEnabled(self.position > 0)
        self.next_button.setEnabled(self.position < len(self.items) - 1)
        self._refresh_grades()
        self.inputs[LEFT].setFocus()

    def _refresh_grades(self) -> None:
        item = self.items[self.position]
        for side, field in self.inputs.items():
            field.setText(self.controller.visit.motor.get(item.id, {}).get(side, ""))
            field.setReadOnly(self.controller.read_only)

    def _commit(self, side: str, grade: str) -> None:
        item = self.items[self.position]
        self.controller.set_motor(item.id, side, grade)
        self._last_typed = (item.id, side) if grade else None
        self._show_last_entered()
        if grade:
            if side == LEFT:
                self.inputs[RIGHT].setFocus()
            elif self.position < len(self.items) - 1:
                self.show_item(self.position + 1)

    def _modify(self, side: str, key: str) -> None:
        """+, - or * change the grade typed just before (shown under the inputs), else this box's."""
        item_id, target_side = self._last_typed or (self.items[self.position].id, side)
        current = self.controller.visit.motor.get(item_id, {}).get(target_side, "")
        new = typed_grade(current, key)
        if new is None or self.controller.read_only:
            return
        self.controller.set_motor(item_id, target_side, new)
        self._last_typed = (item_id, target_side)
        self._show_last_entered()

    def _forget_last_typed(self) -> None:
        self._last_typed = None
        self._show_last_entered()

    def _show_last_entered(self) -> None:
        if self._last_typed is None:
            self.last_entered.setText("")
            return
        item_id, side = self._last_typed
        grade = self.controller.visit.motor.get(item_id, {}).get(side, "")
        item = vocabulary().motor(item_id)
        self.last_entered.setText(f"Entered: {side} {item.movement} {grade}  (+, − or * now change it)")

    def focus_item(self, item_id: str, side: str) -> None:
        self.show_item([m.id for m in self.items].index(item_id))
        self._forget_last_typed()
        self.inputs[side].setFocus()


class MotorPage(QWidget):
    def __init__(self, controller: VisitController) -> None:
        super().__init__()
        self.controller = controller
        self.grid = MotorGrid(MotorGridModel(controller))
        self.guided = GuidedMotor(controller)
        self.modes = QStackedWidget()
        self.modes.addWidget(self.grid)
        self.modes.addWidget(self.guided)
        self.mode_button = QPushButton(caption("Guided mode", "guided"))
        self.mode_button.setCheckable(True)
        self.mode_button.toggled.connect(self.set_guided)
        self.normal_button = QPushButton(caption("All remaining normal", "fill_normal"))
        self.normal_button.setAccessibleName("All remaining motor grades normal")
        self.normal_button.clicked.connect(self.fill_normal)
        shortcut("guided", self, self.mode_button.toggle)

        hint = QLabel("Type 0–5, then + or − if needed; N = not testable; * tags a grade not due to the "
                      "nerve lesion. The cursor moves down the Left column, then the Right.")
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        bar = QHBoxLayout()
        bar.addWidget(hint, 1)
        bar.addWidget(self.normal_button)
        bar.addWidget(self.mode_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.modes, 1)

    def set_guided(self, guided: bool) -> None:
        self.modes.setCurrentWidget(self.guided if guided else self.grid)
        self.mode_button.setChecked(guided)
        (self.guided.inputs[LEFT] if guided else self.grid).setFocus()

    def refresh(self) -> None:
        self.grid.grid_model.refresh()
        self.guided.show_item(self.guided.position)

    def fill_normal(self) -> None:
        if not self.controller.read_only:
            self.controller.apply(with_remaining_normal(self.controller.visit, MOTOR))

    def focus_first(self) -> None:
        (self.guided.inputs[LEFT] if self.mode_button.isChecked() else self.grid).setFocus()

    def focus_item(self, gap: MissingItem) -> None:
        if self.mode_button.isChecked():
            self.guided.focus_item(gap.item, gap.side)
        else:
            self.grid.focus_cell(gap.item, gap.side)
