"""Finding a patient: type-ahead search over name, record number or birth date; registering one."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from exam_app.clinical.record import Patient
from exam_app.clinical.vocabulary import vocabulary
from exam_app.gui.background import run_in_background
from exam_app.gui.keys import caption
from exam_app.gui.table_model import Index as _Index
from exam_app.gui.table_model import RowsTableModel, row_list_view
from exam_app.services.context import AppContext, ServiceError
from exam_app.services.patients import PatientSummary, register_patient, search_patients, update_patient
from exam_app.wording import day, moment


class PatientTableModel(RowsTableModel):
    RECORD, NAME, BORN, VISITS, LAST_EXAM = range(5)
    HEADERS: ClassVar[tuple[str, ...]] = ("Record number", "Name", "Birth date", "Visits", "Last examined")

    def row(self, number: int) -> PatientSummary:
        return self._rows[number]  # type: ignore[no-any-return]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self._rows[index.row()]
        column = index.column()  # only the text asked for: a list is drawn and measured cell by cell
        if column == self.RECORD:
            return row.record_number
        if column == self.NAME:
            return row.name
        if column == self.BORN:
            return day(row.birth_date) if row.birth_date else ""
        if column == self.VISITS:
            return str(row.visits)
        return moment(row.last_examined_at) if row.last_examined_at else ""


class PatientSearch(QWidget):
    """The search box over the list; Enter or a double click opens the patient."""

    patient_chosen = Signal(str)
    new_visit_requested = Signal(str)
    register_requested = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.search = QLineEdit()
        self.search.setPlaceholderText(caption("Search: name, record number or birth date", "search"))
        self.search.setAccessibleName("Search patients")
        self.search.setClearButtonEnabled(True)
        self.model = PatientTableModel()
        self.table = row_list_view(self.model, "Patients", PatientTableModel.NAME)
        self.table.doubleClicked.connect(lambda index: self._choose(index.row()))
        self.register_button = QPushButton(caption("Register patient", "register"))
        self.register_button.clicked.connect(self.register_requested)
        self.count = QLabel()
        self.count.setObjectName("hint")
        # Search after a short pause in typing, off the GUI thread, so a fast typist is not slowed by
        # queries; a result for text typed over since is not shown.
        self._searched = self._shown = 0  # the latest search begun, and the one the list shows
        self._debounce = QTimer(self, singleShot=True, interval=120)
        self._debounce.timeout.connect(self._search_in_background)
        self.search.textChanged.connect(self._debounce.start)
        self.search.installEventFilter(self)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.register_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self.refresh()

    def refresh(self) -> None:
        """Search for what is typed now and show it."""
        self._searched += 1
        self._show(self._searched, search_patients(self.ctx, self.search.text(), limit=200))

    def _search_in_background(self) -> None:
        self._searched += 1
        searched, text = self._searched, self.search.text()
        run_in_background(lambda: search_patients(self.ctx, text, limit=200),
                          lambda rows: self._show(searched, rows), lambda _error: self._failed(searched), self)

    def _failed(self, searched: int) -> None:
        if searched == self._searched:
            self.refresh()  # again on the GUI thread, where a storage fault is told to the user

    def _show(self, searched: int, rows: list[PatientSummary]) -> None:
        if searched != self._searched:
            return
        self._shown = searched
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
        shown = f"{len(rows)} shown" + (" (first 200; type more to narrow)" if len(rows) == 200 else "")
        self.count.setText(shown)

    def selected(self) -> str | None:
        """The record number of the patient the list shows selected for what is typed in the search
        box now: a search still waiting for the pause in typing is run first, so an action never
        takes the patient of a query already typed over."""
        self.settle()
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()).record_number if rows else None

    def settle(self) -> None:
        if self._debounce.isActive() or self._shown != self._searched:
            self._debounce.stop()
            self.refresh()

    def _choose(self, row: int) -> None:
        self.patient_chosen.emit(self.model.row(row).record_number)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        """From the search box, Down moves through the list and Enter opens the selected patient."""
        if watched is self.search and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self.settle()
                current = self.table.currentIndex().row()
                step = 1 if key == Qt.Key.Key_Down else -1
                self.table.selectRow(max(0, min(self.model.rowCount() - 1, current + step)))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                record_number = self.selected()
                if record_number:
                    self.patient_chosen.emit(record_number)
                return True
        return bool(super().eventFilter(watched, event))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected():
            self.patient_chosen.emit(self.selected() or "")
            return
        super().keyPressEvent(event)


class PatientDialog(QDialog):
    """Register a patient, or edit one (with the version it was opened at)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, patient: Patient | None = None,
                 version: int | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.original = patient
        self.version = version
        self.saved_record_number: str | None = None
        self.setWindowTitle("Edit patient" if patient else "Register patient")
        self.record_number = QLineEdit(patient.record_number if patient else "")
        self.family = QLineEdit(patient.family_name or "" if patient else "")
        self.given = QLineEdit(patient.given_name or "" if patient else "")
        self.birth = QDateEdit()
        self.birth.setCalendarPopup(True)
        self.birth.setDisplayFormat("dd MMM yyyy")
        self.birth.setMaximumDate(QDate.currentDate())
        self.birth.setSpecialValueText("unknown")
        self.birth.setMinimumDate(QDate(1900, 1, 1))
        born = patient.birth_date if patient else None
        self.birth.setDate(QDate(born.year, born.month, born.day) if born else self.birth.minimumDate())
        self.sex = QComboBox()
        self.sex.addItem("—", None)
        for sex in vocabulary().sexes:
            self.sex.addItem(sex, sex)
        self.sex.setCurrentIndex(max(0, self.sex.findData(patient.sex if patient else None)))
        self.contact = QPlainTextEdit(patient.contact or "" if patient else "")
        self.contact.setTabChangesFocus(True)
        self.contact.setFixedHeight(60)
        self.referrer = QLineEdit(patient.referring_clinician or "" if patient else "")
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        form = QFormLayout()
        for label, widget in (("Record number", self.record_number), ("Family name", self.family),
                              ("Given name", self.given), ("Birth date", self.birth), ("Sex", self.sex),
                              ("Contact", self.contact), ("Referring clinician", self.referrer)):
            widget.setAccessibleName(label)
            form.addRow(label, widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def patient(self) -> Patient:
        chosen = self.birth.date()
        born = None if chosen == self.birth.minimumDate() else date(chosen.year(), chosen.month(), chosen.day())
        return Patient(
            record_number=self.record_number.text(), family_name=self.family.text(),
            given_name=self.given.text(), birth_date=born, sex=self.sex.currentData(),
            contact=self.contact.toPlainText(), referring_clinician=self.referrer.text())

    def save(self) -> None:
        try:
            if self.original is None:
                summary = register_patient(self.ctx, self.patient())
            else:
                assert self.version is not None
                summary = update_patient(self.ctx, self.original.record_number, self.patient(), self.version)
        except ServiceError as error:
            self.error.setText(str(error))
            if "changed on another workstation" in str(error):
                QMessageBox.warning(self, "Not saved", str(error))
            return
        self.saved_record_number = summary.record_number
        self.accept()
