"""The audit trail (administrator): who did what, when, from which workstation; filtered by account,
patient, action and date; saved as CSV; and checked for tampering."""

from __future__ import annotations

import json
from datetime import datetime, time
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from exam_app.gui.table_model import Index as _Index
from exam_app.gui.table_model import RowsTableModel, row_list_view
from exam_app.presentation import palette
from exam_app.services.accounts import list_accounts
from exam_app.services.audit import AuditEntry, audit_entries, entries_csv, recorded_actions, verify_trail
from exam_app.services.context import AppContext, ServiceError
from exam_app.wording import moment

SHOWN = 2000  # the newest events on screen; the CSV holds every one that matches


class AuditTableModel(RowsTableModel):
    WHEN, USER, ACTION, PATIENT, WHAT, WORKSTATION, DETAIL = range(7)
    HEADERS: ClassVar[tuple[str, ...]] = ("When", "User", "Action", "Patient", "What", "Workstation", "Detail")

    def row(self, number: int) -> AuditEntry:
        return self._rows[number]  # type: ignore[no-any-return]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        entry = self.row(index.row())
        detail = entry.row()["detail"]
        if role == Qt.ItemDataRole.ToolTipRole:
            return json.dumps(json.loads(detail), indent=1, ensure_ascii=False) if detail else None
        who = f"{entry.full_name} ({entry.username})" if entry.username else "—"
        return (moment(entry.at), who, entry.action.replace("_", " "), entry.patient or "",
                f"{entry.entity} {entry.entity_id or ''}".strip(), entry.workstation or "",
                detail[:120])[index.column()]


class AuditViewer(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Audit trail")
        self.user = QComboBox()
        self.user.setAccessibleName("Only this account")
        self.user.addItem("every account", None)
        for account in list_accounts(ctx) if ctx.may("users") else ():
            self.user.addItem(f"{account.full_name} ({account.username})", account.username)
        self.patient = QLineEdit()
        self.patient.setPlaceholderText("record number")
        self.patient.setAccessibleName("Only this patient")
        self.action = QComboBox()
        self.action.setAccessibleName("Only this action")
        self.action.setEditable(True)
        self.action.addItem("", None)
        for action in recorded_actions(ctx):
            self.action.addItem(action, action)
        self.since = QDateEdit()
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("dd MMM yyyy")
        self.since.setDate(QDate.currentDate().addDays(-30))
        self.since.setAccessibleName("From this day")
        show = QPushButton("Show")
        show.setObjectName("primary")
        show.clicked.connect(self.refresh)
        self.patient.returnPressed.connect(self.refresh)
        filters = QHBoxLayout()
        for label, field in (("Account", self.user), ("Patient", self.patient), ("Action", self.action),
                             ("From", self.since)):
            filters.addWidget(QLabel(label))
            filters.addWidget(field)
        filters.addWidget(show)
        self.model = AuditTableModel()
        self.table = row_list_view(self.model, "Audit trail", AuditTableModel.DETAIL)
        self.count = QLabel()
        self.count.setObjectName("hint")
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        save = QPushButton("Save as CSV…")
        save.clicked.connect(self.save_csv)
        verify = QPushButton("Check the trail for tampering")
        verify.clicked.connect(self.verify)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(verify)
        bottom.addWidget(save)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.verdict)
        layout.addLayout(bottom)
        self.resize(1280, 680)
        self.refresh()

    def _matching(self) -> list[AuditEntry]:
        day = self.since.date()
        since = datetime.combine(datetime(day.year(), day.month(), day.day()).date(), time()).astimezone()
        action = self.action.currentText().strip() or None
        return audit_entries(self.ctx, since, self.user.currentData(), self.patient.text().strip() or None, action)

    def refresh(self) -> None:
        try:
            entries = self._matching()
        except ServiceError as error:
            self.count.setText(str(error))
            return
        newest = list(reversed(entries))[:SHOWN]
        self.model.set_rows(newest)
        more = f" (the newest {SHOWN} shown; the CSV holds all)" if len(entries) > SHOWN else ""
        self.count.setText(f"{len(entries)} events{more}")

    def save_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the audit trail as CSV", str(Path.home() / "audit.csv"),
                                              "CSV (*.csv)")
        if not path:
            return
        try:
            Path(path).write_text(entries_csv(self._matching()), encoding="utf-8", newline="")
        except OSError as error:
            QMessageBox.warning(self, "Not saved", f"{path}: cannot write ({error.strerror})")
            return
        except ServiceError as error:
            QMessageBox.warning(self, "Not saved", str(error))
            return
        self.count.setText(f"Saved to {path}.")

    def verify(self) -> None:
        problems = verify_trail(self.ctx)
        if not problems:
            self.verdict.setText(f"<b style='color:{palette().good}'>The trail holds:</b> every event is chained to "
                                 "the one before, every signed visit and every issued letter is as recorded.")
        else:
            listed = "".join(f"<li>{p}</li>" for p in problems[:20])
            self.verdict.setText(f"<b style='color:{palette().alert}'>{len(problems)} records were changed outside the "
                                 f"app:</b><ul>{listed}</ul>")
        self.refresh()
