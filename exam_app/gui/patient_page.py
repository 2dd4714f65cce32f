"""One patient: identification, window period from now, and every visit with its summary."""

from __future__ import annotations

from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from exam_app.gui.background import run_in_background
from exam_app.gui.keys import caption
from exam_app.gui.rich_text import window_html
from exam_app.gui.table_model import Index as _Index
from exam_app.gui.table_model import RowsTableModel, row_list_view
from exam_app.presentation import palette, pattern_text, progression_alert, urgency_colour, urgency_label
from exam_app.services.as_signed import in_words
from exam_app.services.assessment import PatientOverview, VisitRow, patient_overview
from exam_app.services.context import AppContext, ServiceError
from exam_app.services.exports import file_names, save_fhir_bundle
from exam_app.services.visits import discard_draft
from exam_app.tables import VisitStatus
from exam_app.wording import day, moment


class VisitTableModel(RowsTableModel):
    EXAMINED, STATUS, EXAMINER, SIGNED_BY, LEMS, PATTERN, URGENCY, ALERT = range(8)
    HEADERS: ClassVar[tuple[str, ...]] = (
        "Examined", "Status", "Examiner", "Signed by", "LEMS L / R", "Pattern", "Urgency", "Alert")

    def row(self, number: int) -> VisitRow:
        return self._rows[number]  # type: ignore[no-any-return]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], index.column()
        assessment = row.assessment
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.EXAMINED:
                return moment(row.examined_at)
            if column == self.STATUS:
                return f"{row.status} (incomplete)" if row.incomplete_reason else row.status
            if column == self.EXAMINER:
                return row.examiner or ""
            if column == self.SIGNED_BY:
                return row.signed_by or ""
            if assessment is None:
                return "" if column != self.PATTERN else "(draft: not assessed)"
            if column == self.LEMS:
                return f"{assessment.lems.left} / {assessment.lems.right}"
            if column == self.PATTERN:
                return pattern_text(assessment.pattern, assessment.nerve)
            if column == self.URGENCY:
                signed = row.as_signed.get("urgency") if row.as_signed and row.changed_since_signing else None
                now = urgency_label(assessment.urgency)
                return now if signed in (None, assessment.urgency) else f"{now} (signed: {urgency_label(str(signed))})"
            if column == self.ALERT:
                since = " · changed since signing" if row.changed_since_signing else ""
                if assessment.progression_within_window:
                    return progression_alert().upper() + since
                return ("worse" if assessment.worsening.worsened else "") + since
        if role == Qt.ItemDataRole.ToolTipRole and row.changed_since_signing and row.as_signed:
            return (f"Signed with: {in_words(row.as_signed)}. The assessment differs now (visits stored later change "
                    "what it is compared with): " + "; ".join(row.changed_since_signing))
        if role == Qt.ItemDataRole.ToolTipRole and column == self.STATUS and row.incomplete_reason:
            return f"Incomplete examination: {row.incomplete_reason}"
        if role == Qt.ItemDataRole.ForegroundRole and assessment is not None:
            if column == self.URGENCY:
                return QColor(urgency_colour(assessment.urgency))
            if column == self.ALERT and assessment.worsening.worsened:
                return QColor(palette().alert)
        return None


class PatientPage(QWidget):
    visit_opened = Signal(int)
    new_visit_requested = Signal(str)
    edit_requested = Signal(str)
    referral_requested = Signal(str)
    compare_requested = Signal(str)
    back_requested = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.record_number = ""
        self.overview: PatientOverview | None = None
        self.title = QLabel()
        self.title.setObjectName("patientTitle")
        self.window_label = QLabel()
        self.window_label.setWordWrap(True)
        self.model = VisitTableModel()
        self.table = row_list_view(self.model, "Visits", VisitTableModel.PATTERN)
        self.table.doubleClicked.connect(lambda index: self.visit_opened.emit(self.model.row(index.row()).visit_id))
        self.new_button = QPushButton(caption("New visit", "new_visit"))
        self.new_button.setObjectName("primary")
        self.new_button.clicked.connect(lambda: self.new_visit_requested.emit(self.record_number))
        self.new_button.setVisible(ctx.may("record_visit"))  # the front desk records no findings
        self.open_button = QPushButton(caption("Open visit", "open"))
        self.open_button.clicked.connect(self.open_selected)
        self.edit_button = QPushButton("Edit patient")
        self.edit_button.clicked.connect(lambda: self.edit_requested.emit(self.record_number))
        self.compare_button = QPushButton(caption("Compare visits", "compare"))
        self.compare_button.clicked.connect(lambda: self.compare_requested.emit(self.record_number))
        self.referral_button = QPushButton(caption("Referral letter…", "referral"))
        self.referral_button.clicked.connect(lambda: self.referral_requested.emit(self.record_number))
        self.fhir_button = QPushButton("Save as FHIR…")
        self.fhir_button.clicked.connect(self.save_fhir)
        self.fhir_button.setEnabled(ctx.may("export"))
        self.fhir_button.setToolTip("The patient's signed visits, scores and letters as a FHIR R4 bundle"
                                    if ctx.may("export") else f"{ctx.user.display_name} may not export records")
        self.saved_label = QLabel()
        self.saved_label.setObjectName("hint")
        self.back_button = QPushButton(caption("◀ Patients", "back"))
        self.back_button.clicked.connect(self.back_requested)
        self.discard_button = QPushButton("Discard draft…")
        self.discard_button.setAccessibleName("Discard the selected unsigned visit")
        self.discard_button.clicked.connect(self.discard_selected_draft)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable_discard())
        buttons = QHBoxLayout()
        for button in (self.back_button, self.edit_button, self.compare_button, self.referral_button,
                       self.fhir_button, self.discard_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.window_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.saved_label)
        layout.addLayout(buttons)

    def show_patient(self, record_number: str, now: datetime | None = None) -> None:
        self.record_number = record_number
        self.saved_label.setText("")
        self.overview = patient_overview(self.ctx, record_number, now)
        patient = self.overview.patient
        born = day(patient.birth_date) if patient.birth_date else "birth date unknown"
        name = ", ".join(n for n in (patient.family_name, patient.given_name) if n)
        self.title.setText(f"<span style='font-size:16pt'><b>{escape(name)}</b></span> · {escape(record_number)}"
                           f" · born {born} · {escape(patient.sex or '')}")
        window = self.overview.window_now
        self.window_label.setText(f"<b>Window period:</b> {window_html(window)}" if window else
                                  "<b>Window period:</b> no signed visit yet.")
        self.model.set_rows(self.overview.visits)
        if self.overview.visits:
            self.table.selectRow(0)
        self._enable_discard()
        self.table.setFocus()

    def save_fhir(self) -> None:
        """Ask where, then write the patient's FHIR bundle there, off the GUI thread."""
        record_number = self.record_number
        default = Path.home() / file_names([record_number], ".fhir.json")[record_number]
        path, _ = QFileDialog.getSaveFileName(self, "Save the patient's record as FHIR", str(default),
                                              "FHIR JSON (*.json)")
        if not path:
            return
        self.saved_label.setText("Saving the FHIR bundle…")
        run_in_background(lambda: save_fhir_bundle(self.ctx, record_number, Path(path)), self._fhir_saved,
                          self._fhir_failed, self)

    def _fhir_saved(self, path: Path) -> None:
        self.saved_label.setText(f"Saved as FHIR to {path}.")

    def _fhir_failed(self, error: Exception) -> None:
        self.saved_label.setText("")
        QMessageBox.warning(self, "Not saved", str(error))

    def selected_visit(self) -> VisitRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def open_selected(self) -> None:
        visit = self.selected_visit()
        if visit is not None:
            self.visit_opened.emit(visit.visit_id)

    def _enable_discard(self) -> None:
        visit = self.selected_visit()
        draft = visit is not None and visit.status == VisitStatus.DRAFT
        self.discard_button.setEnabled(draft and self.ctx.may("record_visit"))

    def discard_selected_draft(self) -> None:
        """Delete the selected unsigned visit, after a confirmation that names it."""
        visit = self.selected_visit()
        if visit is None or visit.status != VisitStatus.DRAFT or self.overview is None:
            return
        patient = self.overview.patient
        box = QMessageBox(QMessageBox.Icon.Warning, "Discard the unsigned visit?",
                          f"The unsigned visit of {patient.display_name} ({patient.record_number}) examined "
                          f"{moment(visit.examined_at)} and everything recorded in it will be deleted. "
                          "This cannot be undone.", parent=self)
        discard = box.addButton("Discard this visit", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Keep it", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is not discard:
            return
        try:
            discard_draft(self.ctx, visit.visit_id)
        except ServiceError as error:
            QMessageBox.warning(self, "The visit was not discarded", str(error))
        self.show_patient(self.record_number)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_selected()
            return
        super().keyPressEvent(event)
