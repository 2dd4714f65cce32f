"""The window-period worklist at the top of the home screen; it refreshes itself every minute.

Each row says when the patient's next examination is due (overdue inside an open window in red);
"Due today only" (Alt+D) lists the re-examinations due today and overdue, and Recall (Ctrl+Shift+R)
marks the call made to the selected patient.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from exam_app.gui.background import run_in_background
from exam_app.gui.recall_dialog import OVERDUE_RED, RecallDialog
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
from exam_app.services.next_examination import next_exam_words
from exam_app.services.recall import recall_words
from exam_app.services.worklist import WorklistEntry, worklist
from exam_app.wording import moment, short_moment

ALERT = progression_alert().upper()


class WorklistModel(RowsTableModel):
    TIME_LEFT, NEXT_EXAM, PATIENT, RECORD, PHONE, LAST_EXAM, URGENCY, PATTERN, RECALL, ALERT_TEXT = range(10)
    HEADERS: ClassVar[tuple[str, ...]] = (
        "Time left", "Next exam", "Patient", "Record number", "Phone", "Last examined", "Urgency", "Pattern",
        "Recall", "Alert")

    def row(self, number: int) -> WorklistEntry:
        return self._rows[number]  # type: ignore[no-any-return]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(entry, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == self.NEXT_EXAM and entry.overdue_in_open_window:
                return QColor(OVERDUE_RED)
            if column == self.URGENCY:
                return QColor(urgency_colour(entry.urgency))
            if column == self.ALERT_TEXT and entry.progression_within_window:
                return QColor(palette().alert_text)
        if role == Qt.ItemDataRole.BackgroundRole and column == self.ALERT_TEXT and entry.progression_within_window:
            return QColor(palette().alert)
        if role == Qt.ItemDataRole.FontRole and column in (self.TIME_LEFT, self.NEXT_EXAM, self.URGENCY,
                                                            self.ALERT_TEXT):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column == self.URGENCY and entry.urgency != entry.last_visit_urgency:
            return (f"The last visit alone is {urgency_label(entry.last_visit_urgency)}; the patient stays "
                    f"{urgency_label(entry.urgency)} while the {progression_alert().lower()} is unresolved.")
        if role == Qt.ItemDataRole.ToolTipRole and column == self.ALERT_TEXT and entry.changes:
            return "\n".join(entry.changes)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.NEXT_EXAM and entry.next_examination is not None:
            state = entry.next_examination
            when = f"Due {moment(state.due)}" if state.due is not None else "Nothing due"
            return "\n".join((when + (", overdue inside the open window period" if entry.overdue_in_open_window
                                       else ""), "Based on:", *state.plan.reasons))
        if role == Qt.ItemDataRole.ToolTipRole and column == self.RECALL and entry.recall is not None:
            mark = entry.recall
            return f"Marked by {mark.marked_by}, {moment(mark.marked_at)}" + (f": {mark.note}" if mark.note else "")
        if role == Qt.ItemDataRole.ToolTipRole and column == self.PHONE and entry.contact:
            return entry.contact
        return None

    @staticmethod
    def _text(entry: WorklistEntry, column: int) -> str:
        window = entry.window
        if column == WorklistModel.TIME_LEFT:
            return time_left_text(window)
        if column == WorklistModel.NEXT_EXAM:
            words = next_exam_words(entry.next_examination)
            return words.replace("overdue", "OVERDUE", 1) if entry.overdue_in_open_window else words
        if column == WorklistModel.PATIENT:
            return entry.name
        if column == WorklistModel.PHONE:
            contact = (entry.contact or "").strip()
            return contact.splitlines()[0] if contact else ""
        if column == WorklistModel.RECALL:
            return recall_words(entry.recall, entry.window.ends)
        if column == WorklistModel.RECORD:
            return entry.record_number
        if column == WorklistModel.LAST_EXAM:
            return short_moment(entry.last_examined_at)
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
        self.due_only = QCheckBox("&Due today only")
        self.due_only.setAccessibleName("Show only the re-examinations due today and overdue")
        self.due_only.toggled.connect(lambda _checked: self.refresh())
        self.recall_button = QPushButton("Recall… (Ctrl+Shift+R)")
        self.recall_button.setAccessibleName("Mark the call to the selected patient")
        self.recall_button.clicked.connect(self.recall_selected)
        self.recall_button.setEnabled(ctx.may("recall"))
        if not ctx.may("recall"):
            self.recall_button.setToolTip(f"{ctx.user.display_name} may not recall patients")
        QShortcut(QKeySequence("Ctrl+Shift+R"), self, self.recall_selected)
        self.recall_dialog: RecallDialog | None = None
        bar = QHBoxLayout()
        bar.addWidget(self.title, 1)
        bar.addWidget(self.due_only)
        bar.addWidget(self.recall_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        # Read off the GUI thread when the window opens and every minute after; "loading" until then.
        self._generation = 0  # a list read before the latest refresh began is not shown
        self.title.setText("<h3>Window-period worklist: loading…</h3>")
        self._timer = QTimer(self, interval=self.REFRESH_MS)
        self._timer.timeout.connect(self.refresh_in_background)
        self._timer.start()
        QTimer.singleShot(0, self.refresh_in_background)

    def refresh(self, now: datetime | None = None) -> None:
        """Read the worklist now (after the user changed something) and show it."""
        self._generation += 1
        due_only = self.due_only.isChecked()
        self._show(worklist(self.ctx, now, due_only=due_only), due_only)

    def refresh_in_background(self) -> None:
        self._generation += 1
        generation, due_only = self._generation, self.due_only.isChecked()
        run_in_background(lambda: worklist(self.ctx, due_only=due_only),
                          lambda entries: self._loaded(generation, due_only, entries), self._not_loaded, self)

    def _loaded(self, generation: int, due_only: bool, entries: list[WorklistEntry]) -> None:
        if generation == self._generation and due_only == self.due_only.isChecked():
            self._show(entries, due_only)

    def _not_loaded(self, error: Exception) -> None:
        if self.model.rowCount() == 0:
            self.title.setText("<h3>Window-period worklist: cannot be read now; tried again in a minute</h3>")

    def _show(self, entries: list[WorklistEntry], due_only: bool) -> None:
        self.model.set_rows(entries)
        alerts = sum(e.progression_within_window for e in entries)
        alert_text = (f" · {coloured(f'{alerts} with {progression_alert().lower()}', palette().alert, bold=True)}"
                      if alerts else "")
        overdue = sum(e.overdue_in_open_window for e in entries)
        overdue_text = (f" · <span style='color:{OVERDUE_RED}'><b>{overdue} overdue inside the window</b></span>"
                        if overdue else "")
        # The front desk calls from the due list: the phone instead of the clinical pattern there.
        self.table.setColumnHidden(WorklistModel.PHONE, not due_only)
        self.table.setColumnHidden(WorklistModel.PATTERN, due_only)
        if due_only:
            self.title.setText(f"<h3>Re-examinations due today: {len(entries)} patients{overdue_text}</h3>")
        else:
            self.title.setText(f"<h3>Window-period worklist: {len(entries)} patients{alert_text}{overdue_text}</h3>")
        rows = min(len(entries), 8)
        self.table.setFixedHeight(self.table.horizontalHeader().height() + max(rows, 1) * 30 + 4)

    def selected(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()).record_number if rows else None

    def recall_selected(self) -> None:
        """Open the recall of the selected patient (the first row when none is selected)."""
        if not self.ctx.may("recall") or self.model.rowCount() == 0:
            return
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else 0
        self.table.selectRow(row)
        self.recall_dialog = RecallDialog(self.ctx, self.model.row(row), self)
        self.recall_dialog.marked.connect(lambda _mark: self.refresh())
        self.recall_dialog.open()  # window-modal, without blocking the worklist's refresh timer
        self.recall_dialog.activateWindow()  # the keyboard goes to the dialog at once

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
