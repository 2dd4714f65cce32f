"""The window-period worklist at the top of the home screen; it refreshes itself every minute."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from exam_app.gui.rich_text import coloured
from exam_app.gui.table_model import Index as _Index
from exam_app.gui.table_model import RowsTableModel, row_list_view
from exam_app.presentation import (
    palette,
    pattern_text,
    progression_alert,
    progression_line,
    time_left_text,
    urgency_colour,
    urgency_label,
)
from exam_app.services.context import AppContext
from exam_app.services.worklist import WorklistEntry, worklist
from exam_app.wording import moment

ALERT = progression_alert().upper()


class WorklistModel(RowsTableModel):
    TIME_LEFT, PATIENT, RECORD, LAST_EXAM, URGENCY, PATTERN, ALERT_TEXT = range(7)
    HEADERS: ClassVar[tuple[str, ...]] = (
        "Time left", "Patient", "Record number", "Last examined", "Urgency", "Pattern", "Alert")

    def row(self, number: int) -> WorklistEntry:
        return self._rows[number]  # type: ignore[no-any-return]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(entry, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == self.URGENCY:
                return QColor(urgency_colour(entry.urgency))
            if column == self.ALERT_TEXT and entry.progression_within_window:
                return QColor(palette().alert_text)
        if role == Qt.ItemDataRole.BackgroundRole and column == self.ALERT_TEXT and entry.progression_within_window:
            return QColor(palette().alert)
        if role == Qt.ItemDataRole.FontRole and column in (self.TIME_LEFT, self.URGENCY, self.ALERT_TEXT):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column == self.URGENCY and entry.urgency != entry.last_visit_urgency:
            return (f"The last visit alone is {urgency_label(entry.last_visit_urgency)}; the patient stays "
                    f"{urgency_label(entry.urgency)} while the {progression_alert().lower()} is unresolved.")
        if role == Qt.ItemDataRole.ToolTipRole and column == self.ALERT_TEXT and entry.changes:
            return "\n".join(entry.changes)
        return None

    @staticmethod
    def _text(entry: WorklistEntry, column: int) -> str:
        window = entry.window
        if column == WorklistModel.TIME_LEFT:
            return time_left_text(window)
        if column == WorklistModel.PATIENT:
            return entry.name
        if column == WorklistModel.RECORD:
            return entry.record_number
        if column == WorklistModel.LAST_EXAM:
            return moment(entry.last_examined_at)
        if column == WorklistModel.URGENCY:
            return urgency_label(entry.urgency)
        if column == WorklistModel.PATTERN:
            return pattern_text(entry.pattern, entry.nerve)
        if entry.progression_within_window:
            return progression_line(entry.changes)
        return f"worse {moment(entry.last_worsened_at)}" if entry.last_worsened_at else ""


class WorklistPanel(QWidget):
    patient_chosen = Signal(str)

    REFRESH_MS = 60_000

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.title = QLabel()
        self.model = WorklistModel()
        self.table = row_list_view(self.model, "Window-period worklist", WorklistModel.ALERT_TEXT)
        self.table.doubleClicked.connect(lambda index: self._choose(index.row()))
        self.table.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        self._timer = QTimer(self, interval=self.REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def refresh(self, now: datetime | None = None) -> None:
        entries = worklist(self.ctx, now)
        self.model.set_rows(entries)
        alerts = sum(e.progression_within_window for e in entries)
        alert_text = (f" · {coloured(f'{alerts} with {progression_alert().lower()}', palette().alert, bold=True)}"
                      if alerts else "")
        self.title.setText(f"<h3>Window-period worklist: {len(entries)} patients{alert_text}</h3>")
        rows = min(len(entries), 8)
        self.table.setFixedHeight(self.table.horizontalHeader().height() + max(rows, 1) * 30 + 4)

    def selected(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()).record_number if rows else None

    def _choose(self, row: int) -> None:
        self.patient_chosen.emit(self.model.row(row).record_number)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if (watched is self.table and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            rows = self.table.selectionModel().selectedRows()
            if rows:
                self._choose(rows[0].row())
                return True
        return bool(super().eventFilter(watched, event))
