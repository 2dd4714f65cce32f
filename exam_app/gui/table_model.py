"""The thin Qt table model shared by the app's lists: named columns, one reset, no business logic."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

Index = QModelIndex | QPersistentModelIndex
# Rows measured to size the columns to their text when a list is filled: a list of a large clinic is
# not read through at every layout and every keystroke (as columns kept sized to their contents would be).
SIZED_ROWS = 20


class RowsTableModel(QAbstractTableModel):
    """Rows of plain objects under fixed headers; a subclass names its columns and writes `data`."""

    HEADERS: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        """Replace every row and tell the attached views."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, number: int) -> Any:
        return self._rows[number]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


def row_list_view(model: RowsTableModel, name: str, stretch_column: int) -> QTableView:
    """A read-only list of whole rows: one selected at a time, columns widened to the text of the first
    rows of each new list (never narrowed: the columns do not jump as one types), one column taking
    the spare width."""
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setResizeContentsPrecision(SIZED_ROWS)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)

    metrics = table.fontMetrics()
    widest: dict[int, int] = {}  # by column: the widest text measured so far

    def size_to_first_rows() -> None:
        # The text's width is cheap to measure; the cells' size (the style's) only when a text is wider.
        rows = min(model.rowCount(), SIZED_ROWS)
        for column in range(model.columnCount()):
            if column == stretch_column or not rows:
                continue
            cells = (str(model.data(model.index(row, column)) or "") for row in range(rows))
            text = max(metrics.horizontalAdvance(cell) for cell in cells)
            if text <= widest.get(column, -1):
                continue
            widest[column] = text
            wanted = max(table.sizeHintForColumn(column), header.sectionSizeHint(column))
            if wanted > header.sectionSize(column):
                header.resizeSection(column, wanted)

    model.modelReset.connect(size_to_first_rows)
    return table
