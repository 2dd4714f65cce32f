"""The ISNCSCI 2019 worksheet of the visit, typed at the speed of the motor grid, with its
classification beside it, recomputed at every box typed.

The grid holds a row per dermatome (C2 … S4-5) and a column per side and kind, in the order of the
paper worksheet: right motor, right light touch, right pin prick, left light touch, left pin prick,
left motor (motor boxes at the key-muscle levels only). A digit sets the box and moves down the
column (from the bottom, to the top of the next column); `*` cycles the tag of the box typed just
before (none, `*`, `**`); N is NT; Delete clears. With "copy down" on, a typed value also fills the
boxes below it in its column, down to the first box typed by hand, as the established calculators
do; a box that holds a copy follows its source until it is typed itself. A motor copy runs over the
key muscles only, from T1 on to L2. Which boxes hold a copy is known while the page is open: a draft
opened again, and boxes filled with Ctrl+R, count as typed by hand and are never overwritten.

Beside the grid, the whole-body dermatome chart shows light touch or pin prick (Alt+L, Alt+P) in
the sensory page's colours; a click on a region scores that box like the legs chart (no copy down).

The result is decision support: every statement is shown with the findings it rests on.
"""

from __future__ import annotations

from functools import partial
from html import escape
from typing import Any, ClassVar, Literal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from exam_app.clinical.completeness import MissingItem
from exam_app.clinical.isncsci import (
    anal_key,
    entry_key,
    entry_labels,
    isncsci_tables,
    non_key_muscle_key,
    read_entries,
    with_remaining_normal,
    worksheet_keys,
)
from exam_app.gui.keys import caption, shortcut
from exam_app.gui.visit.controller import VisitController
from exam_app.gui.visit.grade_keys import TypedGrid, typed_isncsci_score
from exam_app.gui.whole_body_chart import WholeBodyChart
from exam_app.presentation import isncsci_words, palette, words

_Index = QModelIndex | QPersistentModelIndex
_NO_BOX = QColor(palette().muted).lighter(230)


class WorksheetModel(QAbstractTableModel):
    """The worksheet's boxes; the values live in the controller's visit."""

    COLUMNS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("right", "motor"), ("right", "light_touch"), ("right", "pin_prick"),
        ("left", "light_touch"), ("left", "pin_prick"), ("left", "motor"))
    HEADERS = ("Right motor", "Right light touch", "Right pin prick", "Left light touch", "Left pin prick",
               "Left motor")

    def __init__(self, controller: VisitController) -> None:
        super().__init__()
        self.controller = controller
        tables = isncsci_tables()
        self.levels = tables.levels
        self._muscles = dict(tables.key_muscles)
        controller.changed.connect(self.refresh)

    def refresh(self) -> None:
        self.dataChanged.emit(self.index(0, 0), self.index(len(self.levels) - 1, len(self.COLUMNS) - 1))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.levels)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def key(self, row: int, column: int) -> str | None:
        """The box's key in the flat layout; None where the worksheet has no box (motor, no key muscle)."""
        side, kind = self.COLUMNS[column]
        level = self.levels[row]
        if kind == "motor" and level not in self._muscles:
            return None
        return entry_key(level, side, kind)

    def is_motor(self, column: int) -> bool:
        return self.COLUMNS[column][1] == "motor"

    def entries(self) -> dict[str, str]:
        return dict(self.controller.visit.isncsci or {})

    def value(self, row: int, column: int) -> str:
        key = self.key(row, column)
        return "" if key is None else self.entries().get(key, "")

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section].replace(" ", "\n", 1)  # two lines: the body chart shares the width
        if orientation == Qt.Orientation.Horizontal and role in (Qt.ItemDataRole.ToolTipRole,
                                                                 Qt.ItemDataRole.AccessibleTextRole):
            return self.HEADERS[section]
        if orientation == Qt.Orientation.Vertical:
            level = self.levels[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return level.replace("_", "-")
            if role == Qt.ItemDataRole.ToolTipRole and level in self._muscles:
                return f"Key muscle of {level}: {self._muscles[level]}"
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        key = self.key(index.row(), index.column())
        if role == Qt.ItemDataRole.BackgroundRole and key is None:
            return QBrush(_NO_BOX)
        if key is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.entries().get(key, "")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return entry_labels()[key]
        if role == Qt.ItemDataRole.ToolTipRole and self.is_motor(index.column()):
            return f"{entry_labels()[key]}: {self._muscles[self.levels[index.row()]]}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if self.key(index.row(), index.column()) is None:
            return Qt.ItemFlag.NoItemFlags  # no box: the cursor passes over it
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class WorksheetGrid(TypedGrid):
    """The worksheet typed at speed (see the module's docstring)."""

    typed = Signal(int, int, str)  # row, column, the box's new value ("" cleared)

    def __init__(self, model: WorksheetModel) -> None:
        super().__init__()
        self.setModel(model)
        self.sheet = model
        self.setObjectName("isncsciGrid")
        self.setAccessibleName("ISNCSCI worksheet: light touch, pin prick and key muscles, right and left")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(False)  # Tab leaves the grid for the anal findings and the result
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setDefaultSectionSize(24)
        self.setCurrentIndex(model.index(0, 1))

    def type_key(self, event: QKeyEvent, just_typed: QModelIndex | None) -> None:
        index = self.currentIndex()
        text = event.text()
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and index.isValid():
            self.typed.emit(index.row(), index.column(), "")
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and index.isValid():
            self._advance(index)
            return
        if not text or not index.isValid() or event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            super().type_key(event, None)
            return
        target = just_typed if text == "*" and just_typed is not None else index
        current = self.sheet.value(target.row(), target.column())
        new = typed_isncsci_score(current, text, self.sheet.is_motor(target.column()))
        if new is None or self.sheet.key(target.row(), target.column()) is None:
            super().type_key(event, None)
            return
        self.typed.emit(target.row(), target.column(), new)
        self.typed_at(target)
        if text != "*":
            self._advance(target)

    def _advance(self, index: QModelIndex) -> None:
        """Down the column to its next box; from the bottom, the top of the next column."""
        row, column = index.row() + 1, index.column()
        while True:
            if row >= self.sheet.rowCount():
                row, column = 0, column + 1
                if column >= self.sheet.columnCount():
                    return  # the last box of the worksheet: stay
            if self.sheet.key(row, column) is not None:
                break
            row += 1
        self.setCurrentIndex(self.sheet.index(row, column))

    def focus_box(self, key: str) -> None:
        for row in range(self.sheet.rowCount()):
            for column in range(self.sheet.columnCount()):
                if self.sheet.key(row, column) == key:
                    self.setCurrentIndex(self.sheet.index(row, column))
        self.setFocus()


class IsncsciPage(QWidget):
    def __init__(self, controller: VisitController) -> None:
        super().__init__()
        self.controller = controller
        self.copied: set[str] = set()  # boxes holding a copy from above: they follow it until typed
        self.grid = WorksheetGrid(WorksheetModel(controller))
        self.grid.typed.connect(self.type_box)
        self.copy_down = QCheckBox("Cop&y values down the column")
        self.copy_down.setChecked(True)
        self.copy_down.setAccessibleName("Copy a typed value down the column until a box typed by hand")
        self.copy_down.toggled.connect(lambda _on: self.grid.setFocus())  # Alt+Y, and typing goes on
        self.anal: dict[Literal["vac", "dap"], QComboBox] = {}
        self.non_key: dict[str, QComboBox] = {}
        form = QFormLayout()
        tables = isncsci_tables()
        anal: tuple[tuple[Literal["vac", "dap"], str], ...] = (
            ("vac", "&VAC (voluntary anal contraction)"), ("dap", "&DAP (deep anal pressure)"))
        for finding, text in anal:
            box = QComboBox()
            box.addItems(["", *tables.anal_findings])
            box.setAccessibleName(text.replace("&", ""))
            box.currentTextChanged.connect(partial(self._set_box, anal_key(finding)))
            label = QLabel(text)
            label.setBuddy(box)
            form.addRow(label, box)
            self.anal[finding] = box
        for side, text in (("right", "Lowest non-key muscle with motor function, &right"),
                           ("left", "Lowest non-key muscle with motor function, l&eft")):
            box = QComboBox()
            box.addItems(["", *tables.non_key_muscle_levels])
            box.setAccessibleName(text.replace("&", ""))
            box.currentTextChanged.connect(partial(self._set_box, non_key_muscle_key(side)))
            label = QLabel(text)
            label.setBuddy(box)
            form.addRow(label, box)
            self.non_key[side] = box
        self.normal_button = QPushButton(caption("All remaining normal", "fill_normal"))
        self.normal_button.setAccessibleName("All remaining ISNCSCI boxes normal")
        self.normal_button.clicked.connect(self.fill_normal)
        self.clear_button = QPushButton("Remove the &worksheet")
        self.clear_button.setAccessibleName("Remove the ISNCSCI worksheet from this visit")
        self.clear_button.clicked.connect(self.clear)

        self.result = QLabel()
        self.result.setObjectName("isncsciResult")
        self.result.setAccessibleName(isncsci_words().title)
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        self.result.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.result.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # reachable by Tab, read by a screen reader
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                            | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chart = WholeBodyChart(self.sensory_value)
        self.chart.setObjectName("isncsciBodyChart")
        self.chart.score_chosen.connect(self.score_region)
        self.chart.region_focused.connect(self._select_box)
        self.grid.selectionModel().currentChanged.connect(self._follow_grid)
        for modality in ("light_touch", "pin_prick"):
            shortcut(f"worksheet_{modality}", self, partial(self.chart.set_modality, modality),
                     Qt.ShortcutContext.WidgetWithChildrenShortcut)
        result_area = QScrollArea()
        result_area.setWidget(self.result)
        result_area.setWidgetResizable(True)

        hint = QLabel("Type 0–5 (key muscles) or 0–2 (sensation); N = NT; * after a score tags it (*, then **: "
                      "impaired by another condition, ** considered normal). The cursor moves down the column.")
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        bar = QHBoxLayout()
        bar.addWidget(hint, 1)
        bar.addWidget(self.copy_down)
        bar.addWidget(self.normal_button)
        bar.addWidget(self.clear_button)
        worksheet = QVBoxLayout()
        worksheet.addWidget(self.grid, 1)
        worksheet.addLayout(form)
        body = QHBoxLayout()
        body.addLayout(worksheet, 6)
        body.addWidget(self.chart, 3)
        body.addWidget(result_area, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(body, 1)
        self.setTabOrder(self.grid, self.anal["vac"])
        # Tab: the grid, the boxes under it, the chart's layer buttons and regions, the result
        self.setTabOrder(self.non_key["left"], self.chart.buttons["light_touch"])
        self.setTabOrder(self.chart.region_focus("S4_5", "right"), self.result)
        controller.changed.connect(self.refresh)
        self.refresh()

    # ---------------------------------------------------------------- typing

    def type_box(self, row: int, column: int, value: str) -> None:
        """One box typed (or cleared): with copy down, the boxes below that are empty or hold a copy
        take the value too, down to the first box typed by hand."""
        if self.controller.read_only:
            return
        model = self.grid.sheet
        key = model.key(row, column)
        if key is None:
            return
        entries = model.entries()
        self.copied.discard(key)
        if value:
            entries[key] = value
        else:
            entries.pop(key, None)
        if value and self.copy_down.isChecked():
            for below in range(row + 1, model.rowCount()):
                other = model.key(below, column)
                if other is None:
                    continue
                if entries.get(other) and other not in self.copied:
                    break
                entries[other] = value
                self.copied.add(other)
        self.controller.set_isncsci(entries)

    def sensory_value(self, modality: str, level: str, side: str) -> str:
        """A light touch or pin prick box, as the body chart reads it."""
        return (self.controller.visit.isncsci or {}).get(entry_key(level, side, modality), "")

    def score_region(self, modality: str, level: str, side: str, value: str) -> None:
        """A region scored on the body chart: that box only (a click copies nothing down)."""
        key = entry_key(level, side, modality)
        self.copied.discard(key)
        self._set_box(key, value)
        self._select_box(modality, level, side)

    def _select_box(self, modality: str, level: str, side: str) -> None:
        """Show in the grid the box the chart is on, leaving the keyboard where it is."""
        model = self.grid.sheet
        self.grid.setCurrentIndex(model.index(model.levels.index(level), model.COLUMNS.index((side, modality))))

    def _follow_grid(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """The box being typed in the grid, ringed on the chart in its sense."""
        side, kind = self.grid.sheet.COLUMNS[current.column()]
        if current.isValid() and kind != "motor" and self.grid.hasFocus():
            self.chart.show_box(kind, self.grid.sheet.levels[current.row()], side)

    def _set_box(self, key: str, value: str) -> None:
        if self.controller.read_only or (self.controller.visit.isncsci or {}).get(key, "") == value:
            return
        entries = dict(self.controller.visit.isncsci or {})
        if value:
            entries[key] = value
        else:
            entries.pop(key, None)
        self.controller.set_isncsci(entries)

    def clear(self) -> None:
        self.copied.clear()
        if not self.controller.read_only:
            self.controller.set_isncsci(None)

    # ---------------------------------------------------------------- showing

    def refresh(self) -> None:
        entries = self.controller.visit.isncsci or {}
        read_only = self.controller.read_only
        for finding, box in self.anal.items():
            self._show_choice(box, entries.get(anal_key(finding), ""), read_only)
        for side, box in self.non_key.items():
            self._show_choice(box, entries.get(non_key_muscle_key(side), ""), read_only)
        for widget in (self.normal_button, self.clear_button, self.copy_down):
            widget.setEnabled(not read_only)
        self.grid.sheet.refresh()
        self.chart.set_read_only(read_only)
        self.chart.refresh()
        self.result.setText(result_html(entries))

    @staticmethod
    def _show_choice(box: QComboBox, value: str, read_only: bool) -> None:
        box.blockSignals(True)
        box.setCurrentText(value)
        box.setEnabled(not read_only)
        box.blockSignals(False)

    # ---------------------------------------------------------------- the editor's keys

    def fill_normal(self) -> None:
        if not self.controller.read_only:
            self.controller.set_isncsci(with_remaining_normal(self.controller.visit.isncsci or {}))

    def focus_first(self) -> None:
        missing = read_entries(self.controller.visit.isncsci or {}).missing
        if missing and not self.controller.read_only:
            self.grid.focus_box(missing[0])
        else:
            self.grid.setFocus()

    def focus_item(self, gap: MissingItem) -> None:
        self.focus_first()  # the examination's gaps are on the other pages


def result_html(entries: dict[str, str]) -> str:
    """The classification beside the worksheet: totals, levels, NLI, AIS, ZPP and the findings behind."""
    text = isncsci_words()
    reading = read_entries(entries)
    if reading.results is None:
        first = entry_labels()[reading.missing[0]]
        total = len(worksheet_keys()[0])
        return (f"<h3>{escape(text.title)}</h3><p>"
                + escape(text.not_classified.format(count=len(reading.missing), total=total, first=first)) + "</p>")
    results = reading.results
    rows = "".join(f"<tr><td>{escape(label)}</td><td><b>{escape(results[key])}</b></td></tr>"
                   for key, label in text.rows)
    totals = "".join(f"<tr><td>{escape(label)}</td><td>{escape(results[right])}</td><td>{escape(results[left])}</td>"
                     f"<td><b>{escape(results[total])}</b></td></tr>" for label, right, left, total in text.totals)
    behind = "".join(f"<li>{escape(what)}: {escape(findings)}</li>" for what, findings in reading.findings)
    return (f"<h3>{escape(text.title)}</h3>"
            f"<table cellspacing='0' cellpadding='3'>{rows}</table>"
            f"<p><b>Totals</b></p><table cellspacing='0' cellpadding='3'><tr><td></td><td>right</td><td>left</td>"
            f"<td>total</td></tr>{totals}</table>"
            f"<p><b>Findings behind it</b></p><ul>{behind}</ul>"
            f"<p style='color:{palette().muted}'>{escape(text.legend)}<br>{escape(words().decision_support)}</p>")
