"""The table of a patient's visits compared: items as rows, signed visits as columns.

Each cell shows the value as written with a symbol and a colour for its mark against the most
recent earlier grading: ▼ worse, ▲ better, = same, ? recheck. The symbols carry the meaning on a
greyscale printout and for a colour-blind reader; the colours (the body chart's, Okabe–Ito based)
make a change stand out at a glance. Visits inside the window period are tinted, header and cells,
as a band across those columns. The item names stay in view while the visits scroll sideways.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from exam_app.clinical.compare import BETTER, RECHECK, SAME, WORSE
from exam_app.gui.body_chart import DIFFERENCE_STYLES
from exam_app.presentation import palette, progression_alert
from exam_app.services.comparison import Comparison, ComparisonCell, ComparisonColumn, ComparisonRow
from exam_app.wording import day, moment

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class MarkStyle:
    symbol: str
    ink: str  # text colour
    fill: str  # cell background ("" for none)
    caption: str


# Worse and better in the body chart's colours, so a change reads the same on the map and here.
MARK_STYLES: dict[str, MarkStyle] = {
    WORSE: MarkStyle("▼", "#8f2f00", DIFFERENCE_STYLES["worse"].fill, "worse"),
    BETTER: MarkStyle("▲", "#0b5079", DIFFERENCE_STYLES["better"].fill, "better"),
    SAME: MarkStyle("=", "#5f6b76", "", "same"),
    RECHECK: MarkStyle("?", "#6b4a00", "#f6dc7d", "recheck: same grade, modifier fell"),
}
WINDOW_HEADER = palette().window_band  # the band over the visits inside the window period
WINDOW_CELL = palette().window_cell
HEADING_FILL = "#e4e8ec"
SELECTION_EDGE = "#1f5f99"


class ComparisonTableModel(QAbstractTableModel):
    """Rows: a heading per group, then its items; columns: the item's name, then one per visit."""

    ITEM = 0  # the item's name, frozen at the left
    FIRST_VISIT = 1  # visits from here on, oldest first
    MARK_ROLE = Qt.ItemDataRole.UserRole + 1  # "worse", "better", "same", "recheck" or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._comparison: Comparison | None = None
        self._lines: list[ComparisonRow | str] = []  # a group's title, or an item row
        self._bold = QFont()
        self._bold.setBold(True)

    # the one way to change what is shown
    def reset(self, comparison: Comparison | None, changed_only: bool = False) -> None:
        """Show a comparison; with `changed_only`, only the items (scores included) that were worse,
        better or to recheck at some visit."""
        self.beginResetModel()
        self._comparison = comparison
        self._lines = []
        for group in comparison.groups if comparison else ():
            rows = [row for row in group.rows if not changed_only or row.changed]
            if rows:
                self._lines.append(group.title)
                self._lines.extend(rows)
        self.endResetModel()

    def item_row(self, row: int) -> ComparisonRow | None:
        """The item of a table row; None for a group's heading."""
        line = self._lines[row] if 0 <= row < len(self._lines) else None
        return line if isinstance(line, ComparisonRow) else None

    def row_of(self, row: ComparisonRow) -> int:
        """The table row of an item, -1 when it is not shown."""
        return next((n for n, line in enumerate(self._lines) if isinstance(line, ComparisonRow) and
                     line.cell == row.cell), -1)

    def visit(self, column: int) -> ComparisonColumn | None:
        if self._comparison is None or not self.FIRST_VISIT <= column < self.columnCount():
            return None
        return self._comparison.columns[column - self.FIRST_VISIT]

    # Qt's side
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._comparison is None:
            return 0 if parent.isValid() else self.FIRST_VISIT
        return self.FIRST_VISIT + len(self._comparison.columns)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.item_row(index.row()) is None:
            return Qt.ItemFlag.NoItemFlags  # a heading: the arrow keys pass over it
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.item_row(index.row())
        if row is None:
            return self._heading_data(index, role)
        if index.column() == self.ITEM:
            return self._item_data(row, role)
        number = index.column() - self.FIRST_VISIT
        assert self._comparison is not None
        column = self._comparison.columns[number]
        if role == self.MARK_ROLE:
            return row.marks[number]
        return self._cell_data(row, column, self._comparison.cell(row, number), role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if section == self.ITEM:
            return "Item" if role == Qt.ItemDataRole.DisplayRole else None
        column = self.visit(section)
        if column is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            local = column.examined_at.astimezone()  # as every screen shows times: the clinic's clock
            incomplete = "\nincomplete" if column.incomplete_reason else ""
            changed = "\n≠ as signed" if column.changed_since_signing else ""
            return f"{day(local)}\n{local:%H:%M}\n{_window_words(column)}{incomplete}{changed}"
        if role == Qt.ItemDataRole.BackgroundRole and column.within_window:
            return QBrush(QColor(WINDOW_HEADER))
        if role == Qt.ItemDataRole.ForegroundRole and column.progression_within_window:
            return QBrush(QColor(palette().alert))
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return visit_description(column)
        return None

    def _heading_data(self, index: _Index, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and index.column() == self.ITEM:
            return self._lines[index.row()]
        if role == Qt.ItemDataRole.FontRole:
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(HEADING_FILL))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#1f2a33"))  # a heading is not selectable, yet must not look greyed out
        return None

    def _item_data(self, row: ComparisonRow, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return row.label
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            scale = row.scale
            values = ", ".join(words for _, words in scale.ticks) or f"{scale.minimum:g}–{scale.maximum:g}"
            return f"{row.subject} ({values})"
        return None

    def _cell_data(self, row: ComparisonRow, column: ComparisonColumn, cell: ComparisonCell, role: int) -> Any:
        style = MARK_STYLES.get(cell.mark) if cell.mark else None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{style.symbol} {cell.text}" if style else cell.text
        if role == Qt.ItemDataRole.BackgroundRole:
            if style and style.fill:
                return QBrush(QColor(style.fill))
            return QBrush(QColor(WINDOW_CELL)) if column.within_window else None
        if role == Qt.ItemDataRole.ForegroundRole and style:
            return QBrush(QColor(style.ink))
        if role == Qt.ItemDataRole.FontRole and cell.mark in (WORSE, RECHECK):
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return cell_description(row, column, cell)
        return None


def _window_words(column: ComparisonColumn) -> str:
    """The third line of a visit's header."""
    if column.progression_within_window:
        return "⚠ progression"
    if column.within_window:
        return "in window"
    return "after window" if column.onset is not None else ""


def visit_description(column: ComparisonColumn) -> str:
    """What a visit's column header says in full (tooltip, screen reader)."""
    parts = [f"Visit of {moment(column.examined_at)}", f"by {column.examiner or 'unknown examiner'}", column.status]
    if column.incomplete_reason:
        parts.append(f"incomplete: {column.incomplete_reason}")
    if column.within_window and column.window_ends is not None:
        parts.append(f"inside the window period (ends {moment(column.window_ends)})")
    elif column.onset is not None:
        parts.append("after the window period")
    text = ", ".join(parts)
    if column.changes:
        heading = progression_alert().upper() if column.progression_within_window else "Worse"
        text += f"\n{heading}:\n" + "\n".join(f"  {change}" for change in column.changes)
    if column.isncsci_worse:
        text += "\nISNCSCI worse:\n" + "\n".join(f"  {change}" for change in column.isncsci_worse)
    if column.changed_since_signing:
        text += "\nThe assessment differs from the one it was signed with:\n" + "\n".join(
            f"  {change}" for change in column.changed_since_signing)
    return text


def cell_description(row: ComparisonRow, column: ComparisonColumn, cell: ComparisonCell) -> str:
    """'left ankle dorsiflexion on 21 Nov 2026 02:12: 2, worse (was 4 on 19 Nov 2026 13:12)'."""
    where = f"{row.subject} on {moment(column.examined_at)}"
    if not cell.text:
        return f"{where}: not examined"
    if cell.mark is None:
        reason = "nothing earlier to compare with" if cell.comparable else "not compared (NT, tagged, a score " \
            "that is not determinable or counts a tagged value, or an ISNCSCI result resting on a tagged score)"
        return f"{where}: {cell.text}, {reason}"
    earlier = f"was {cell.before} on {moment(cell.before_at)}" if cell.before_at else ""
    return f"{where}: {cell.text}, {MARK_STYLES[cell.mark].caption} ({earlier})"


class MarkDelegate(QStyledItemDelegate):
    """Draws a cell's mark colour even on the selected row, outlined instead of filled, so the
    selection never hides what changed."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        plain = QStyleOptionViewItem(option)
        plain.state &= ~(QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_HasFocus)
        super().paint(painter, plain, index)
        rect: QRect = option.rect
        painter.save()
        painter.setPen(QPen(QColor(SELECTION_EDGE), 2))
        if selected:
            painter.drawLine(rect.topLeft(), rect.topRight())
            painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        if focused:
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        painter.restore()


_ENSURE_VISIBLE = QAbstractItemView.ScrollHint.EnsureVisible


class FrozenColumnTable(QTableView):
    """A table whose first column (the item names) stays put while the visits scroll sideways.

    The Qt way (the "frozen column" example): a second view of the same model, showing only the
    first column, laid over the left edge and scrolled up and down with the main one.
    """

    ITEM_WIDTH = 210
    _laying_out = False

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.frozen = QTableView(self)
        self.frozen.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays in the main table
        self.frozen.verticalHeader().hide()
        self.frozen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setAccessibleName("Item names")
        self.viewport().stackUnder(self.frozen)
        for view in (self, self.frozen):
            view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
            view.setWordWrap(False)
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
            view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().hide()
        self.setItemDelegate(MarkDelegate(self))
        self.verticalScrollBar().valueChanged.connect(self.frozen.verticalScrollBar().setValue)
        self.frozen.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.horizontalScrollBar().valueChanged.connect(self._snap_to_columns)

    def visit_width(self) -> int:
        """Wide enough for a visit's header ("21 Nov 2026", "⚠ progression") and nearly every cell
        (a long one, such as a tension sign with its angle, is elided; its tooltip has it whole)."""
        header = self.horizontalHeader()
        header.ensurePolished()  # the style sheet's font, not the default one
        words = max(QFontMetrics(header.font()).horizontalAdvance(w) for w in ("30 Nov 2026", "⚠ progression"))
        margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        return words + 2 * margin + 12

    def _size_columns(self) -> None:
        width = self.visit_width()
        for view in (self, self.frozen):
            view.horizontalHeader().setDefaultSectionSize(width)
            view.setColumnWidth(0, self.ITEM_WIDTH)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        self.frozen.setModel(model)
        self.frozen.setSelectionModel(self.selectionModel())
        if model is not None:
            model.modelReset.connect(self._show_only_the_first_column)
        self._show_only_the_first_column()

    def _show_only_the_first_column(self) -> None:
        model = self.model()
        columns = model.columnCount() if model is not None else 0
        self._size_columns()
        for column in range(1, columns):
            self.frozen.setColumnHidden(column, True)
        self._place_frozen()

    def _place_frozen(self) -> None:
        frame = self.frameWidth()
        self.frozen.setGeometry(frame, frame, self.columnWidth(0) + 1,
                                self.viewport().height() + self.horizontalHeader().height())
        self.frozen.horizontalHeader().setFixedHeight(self.horizontalHeader().height())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange) and hasattr(self, "frozen"):
            self._size_columns()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._place_frozen()
        if self.currentIndex().isValid():
            self.scrollTo(self.currentIndex())  # the visit being read stays in view

    def updateGeometries(self) -> None:
        bar = self.horizontalScrollBar()
        offset = bar.value()
        self._laying_out = True  # Qt resets the scroll range here, which may clamp the offset for a moment
        super().updateGeometries()
        self._laying_out = False
        if hasattr(self, "frozen"):  # Qt calls this during construction, before the frozen view exists
            self._place_frozen()
            # Room to scroll the last visits into whole columns too.
            width = self.horizontalHeader().defaultSectionSize()
            bar.setMaximum(-(-bar.maximum() // width) * width)
            bar.setValue(min(offset, bar.maximum()))
            self._snap_to_columns(bar.value())

    # Scrolling sideways. Qt's own scrolling knows nothing of the item names laid over the left
    # edge: it would leave a visit half hidden under them. Here the visits scroll by whole columns,
    # the first one in view starting right at the names' edge.

    def scrollTo(self, index: _Index, hint: QAbstractItemView.ScrollHint = _ENSURE_VISIBLE) -> None:
        sideways = self.horizontalScrollBar().value()
        super().scrollTo(index, hint)  # for the rows
        column = index.column() if index.column() > 0 else self.currentIndex().column()
        self.horizontalScrollBar().setValue(self._offset_showing(column, sideways))

    def _offset_showing(self, column: int, offset: int) -> int:
        """The sideways offset, from `offset`, that shows a whole visit column beside the names."""
        if column < 1:
            return offset
        header = self.horizontalHeader()
        width = header.defaultSectionSize()
        left = header.sectionPosition(column) - self.columnWidth(0)  # the offset with it first in view
        if offset > left:
            return left
        room = self.viewport().width() - self.columnWidth(0)
        if left - offset + width > room:
            offset = left + width - room
        return -(-offset // width) * width  # whole columns: round up, so the column stays in view

    def _snap_to_columns(self, offset: int) -> None:
        width = self.horizontalHeader().defaultSectionSize()
        if offset % width and not self._laying_out:
            self.horizontalScrollBar().setValue(round(offset / width) * width)

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        # Left from the first visit stays on it: the item names are not a place to stand.
        index = super().moveCursor(action, modifiers)
        if index.isValid() and index.column() == 0 and self.model().columnCount() > 1:
            return self.model().index(index.row(), 1)
        return index
