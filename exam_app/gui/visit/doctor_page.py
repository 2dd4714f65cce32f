"""The doctor's part of a signed visit: the level of the problem, suspected causes, investigations
(and their results), the plan and the next review; saved as you type by the visit's autosave (the
same queue of writes, off the GUI thread), then signed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from exam_app.clinical.completeness import MissingItem
from exam_app.clinical.doctor import Addendum, DoctorNote, Investigation, plans_surgery
from exam_app.gui.visit.controller import VisitController
from exam_app.services.context import ServiceError
from exam_app.services.doctor import add_investigation_result, note_warnings, open_note, save_note
from exam_app.store.faults import StorageFault
from exam_app.tables import NoteStatus, doctor
from exam_app.wording import moment

NO_DATE = QDate(2000, 1, 1)


class InvestigationRow:
    """One investigation: requested or not, what exactly, and its result when it comes back."""

    def __init__(self, item_id: str, label: str) -> None:
        self.item_id = item_id
        self.requested = QCheckBox(label)
        self.requested.setAccessibleName(f"Investigation requested: {label}")
        self.detail = QLineEdit()
        self.detail.setPlaceholderText("what exactly (optional)")
        self.detail.setAccessibleName(f"{label}: details of the request")
        self.result = QLineEdit()
        self.result.setPlaceholderText("result, when it comes back")
        self.result.setAccessibleName(f"{label}: result")
        # Once the note is signed, a result that comes back is added below it, with who and when.
        self.addenda = QLabel()
        self.addenda.setWordWrap(True)
        self.addenda.setAccessibleName(f"{label}: results added after signing")
        self.add_result = QPushButton("Add result")
        self.add_result.setAccessibleName(f"{label}: add the result to the signed note")

    def value(self) -> Investigation | None:
        if not self.requested.isChecked():
            return None
        return Investigation(self.item_id, self.detail.text().strip() or None, self.result.text().strip() or None)

    def show(self, investigation: Investigation | None, addenda: tuple[Addendum, ...] = ()) -> None:
        self.requested.setChecked(investigation is not None)
        self.detail.setText(investigation.detail or "" if investigation else "")
        self.result.setText(investigation.result or "" if investigation else "")
        mine = [a for a in addenda if a.investigation == self.item_id]
        self.addenda.setText("<br>".join(f"<b>{escape(a.result)}</b> <span style='color:#555'>(added "
                                         f"{moment(a.added_at)} by {escape(a.added_by)})</span>" for a in mine))
        self.addenda.setVisible(bool(mine))


class DoctorPage(QScrollArea):
    signed = Signal()

    def __init__(self, controller: VisitController, visit_signed: bool) -> None:
        super().__init__()
        self.controller = controller
        self.ctx = ctx = controller.ctx
        self.visit_id = controller.visit_id
        self.visit_signed = visit_signed
        self.setWidgetResizable(True)
        words = doctor()
        opened = open_note(ctx, self.visit_id)
        self.status, self.version = opened.status, opened.version
        self._loading = False
        self._typed = False  # something typed is not stored yet
        self._signing = False  # the signature is on its way: no draft save after it
        self._saving: DoctorNote | None = None
        self._requested: set[str] = set()

        self.state = QLabel()
        self.state.setObjectName("hint")
        self.level = QComboBox()
        self.level.setAccessibleName("Level of the problem")
        self.level.addItem("—", None)
        for level in words.levels:
            self.level.addItem(level.label, level.id)
        self.cause_boxes: dict[str, QCheckBox] = {}
        causes = QGroupBox("Suspected causes")
        grid = QGridLayout(causes)
        for number, cause in enumerate(words.causes):
            box = QCheckBox(cause.label)
            box.setAccessibleName(f"Suspected cause: {cause.label}")
            self.cause_boxes[cause.id] = box
            grid.addWidget(box, number // 4, number % 4)
        self.impression = QPlainTextEdit()
        self.impression.setAccessibleName("Impression, in words")
        self.impression.setTabChangesFocus(True)
        self.impression.setFixedHeight(70)

        investigations = QGroupBox("Investigations requested, and their results")
        rows = QGridLayout(investigations)
        self.investigations = [InvestigationRow(r.id, r.label) for r in words.investigations]
        for number, row in enumerate(self.investigations):
            rows.addWidget(row.requested, 2 * number, 0)
            rows.addWidget(row.detail, 2 * number, 1)
            rows.addWidget(row.result, 2 * number, 2)
            rows.addWidget(row.add_result, 2 * number, 3)
            rows.addWidget(row.addenda, 2 * number + 1, 1, 1, 3)
            row.add_result.clicked.connect(lambda _=False, r=row: self.add_result(r))

        plan = QGroupBox("Plan")
        plan_layout = QVBoxLayout(plan)
        self.plan_boxes: dict[str, QCheckBox] = {}
        for plan_row in words.plans:
            box = QCheckBox(plan_row.label)
            box.setAccessibleName(f"Plan: {plan_row.label}")
            self.plan_boxes[plan_row.id] = box
            plan_layout.addWidget(box)
        self.plan_text = QLineEdit()
        self.plan_text.setAccessibleName("Plan, in words")
        self.next_review = QDateEdit()
        self.next_review.setCalendarPopup(True)
        self.next_review.setAccessibleName("Next review date")
        self.next_review.setDisplayFormat("dd MMM yyyy")
        self.next_review.setMinimumDate(NO_DATE)
        self.next_review.setSpecialValueText("not set")
        # "Not set" is stored as the earliest date; the calendar should still open at today.
        self._calendar_opens_today = _OpensAtToday(self.next_review)
        self.next_review.calendarWidget().installEventFilter(self._calendar_opens_today)
        self.surgery_warning = QLabel()
        self.surgery_warning.setObjectName("error")
        self.surgery_warning.setWordWrap(True)
        self.consent = QCheckBox("The patient gave informed consent to surgical referral; the risk of paralysis "
                                 "was explained")
        self.consent.setAccessibleName("Informed consent to surgical referral recorded")
        form = QFormLayout()
        form.addRow("Plan in words", self.plan_text)
        form.addRow("Next review", self.next_review)
        plan_layout.addLayout(form)
        plan_layout.addWidget(self.surgery_warning)
        plan_layout.addWidget(self.consent)

        self.sign_button = QPushButton("Sign doctor's note")
        self.sign_button.setObjectName("primary")
        self.sign_button.clicked.connect(self.sign)
        impression = QGroupBox("Impression")
        impression_form = QFormLayout(impression)
        impression_form.addRow("Level of the problem", self.level)
        impression_form.addRow(causes)
        impression_form.addRow("In words", self.impression)

        body = QWidget()
        layout = QVBoxLayout(body)
        top = QHBoxLayout()
        top.addWidget(self.state, 1)
        top.addWidget(self.sign_button)
        layout.addLayout(top)
        for widget in (impression, investigations, plan):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.setWidget(body)

        self._inputs = [self.level, self.impression, self.plan_text, self.next_review, self.consent,
                        *self.cause_boxes.values(), *self.plan_boxes.values(),
                        *(w for r in self.investigations for w in (r.requested, r.detail, r.result))]
        for field in self._inputs:
            if isinstance(field, QCheckBox):
                field.toggled.connect(self._changed)
            elif isinstance(field, QComboBox):
                field.currentIndexChanged.connect(self._changed)
            elif isinstance(field, QDateEdit):
                field.dateChanged.connect(self._changed)
            else:
                field.textChanged.connect(self._changed)
        self._show(opened.note)
        self._show_state(opened.warnings)
        controller.attach(self)

    # ------------------------------------------------------------------ values

    def note(self) -> DoctorNote:
        review = self.next_review.date()
        return DoctorNote(
            level=self.level.currentData(),
            causes=tuple(i for i, box in self.cause_boxes.items() if box.isChecked()),
            impression=self.impression.toPlainText().strip() or None,
            investigations=tuple(v for v in (r.value() for r in self.investigations) if v is not None),
            plans=tuple(i for i, box in self.plan_boxes.items() if box.isChecked()),
            plan_text=self.plan_text.text().strip() or None,
            next_review=None if review == NO_DATE else date(review.year(), review.month(), review.day()),
            surgical_consent=self.consent.isChecked() if self.consent.isEnabled() else None,
        )

    def _show(self, note: DoctorNote) -> None:
        self._loading = True
        self.level.setCurrentIndex(max(0, self.level.findData(note.level)))
        for cause, box in self.cause_boxes.items():
            box.setChecked(cause in note.causes)
        self.impression.setPlainText(note.impression or "")
        by_id = {i.id: i for i in note.investigations}
        self._requested = set(by_id)
        for row in self.investigations:
            row.show(by_id.get(row.item_id), note.addenda)
        for plan, box in self.plan_boxes.items():
            box.setChecked(plan in note.plans)
        self.plan_text.setText(note.plan_text or "")
        review = note.next_review
        self.next_review.setDate(QDate(review.year, review.month, review.day) if review else NO_DATE)
        self.consent.setChecked(bool(note.surgical_consent))
        self._loading = False

    @property
    def editable(self) -> bool:
        return self.visit_signed and self.status != NoteStatus.SIGNED and self.ctx.may("doctor_note")

    def _show_state(self, warnings: tuple[str, ...]) -> None:
        surgery = plans_surgery(self.note())
        self.consent.setEnabled(surgery and self.editable)
        self.surgery_warning.setText("Warning: " + "; ".join(warnings) + "." if warnings else "")
        for widget in self._inputs:
            if widget is not self.consent:
                widget.setEnabled(self.editable)
        self.sign_button.setEnabled(self.editable)
        adding = self.status == NoteStatus.SIGNED and self.ctx.may("doctor_note")
        for row in self.investigations:
            can_add = adding and row.item_id in self._requested
            row.add_result.setVisible(can_add)
            if can_add:
                row.result.setEnabled(True)
                row.result.setPlaceholderText("result to add to the signed note")
        if not self.visit_signed:
            self.state.setText("The examination is not signed yet: the doctor's note comes after signing.")
        elif self.status == NoteStatus.SIGNED:
            self.state.setText("The doctor's note is signed (read-only).")
        elif not self.ctx.may("doctor_note"):
            self.state.setText("Only a doctor writes this note.")
        else:
            self.state.setText({NoteStatus.NEW: "New note", NoteStatus.DRAFT: "Draft — saved as you type"}[self.status])

    # ------------------------------------------------------------------ saving

    def _changed(self) -> None:
        if self._loading or not self.editable:
            return
        self._typed = True
        self.controller.side_draft_changed()
        self._show_state(note_warnings(self.ctx, self.visit_id, self.note()))

    @property
    def dirty(self) -> bool:
        return self._typed and not self._signing and self.editable

    def save_work(self) -> Callable[[], Any]:
        note, version = self.note(), self.version
        self._saving = note
        return lambda: save_note(self.ctx, self.visit_id, note, version)

    def stored(self, result: Any) -> None:
        self.version = result
        if self.note() == self._saving:  # nothing typed while it was on its way
            self._typed = False
        if self.status == NoteStatus.NEW:
            self.status = NoteStatus.DRAFT
        self._show_state(note_warnings(self.ctx, self.visit_id, self.note()))

    def sign(self) -> None:
        note = self.note()
        # What would refuse the signature is said before asking to sign, not after.
        if plans_surgery(note) and note.surgical_consent is not True:
            QMessageBox.warning(self, "Consent needed", "The plan includes surgical referral: record the patient's "
                                "informed consent (the risk of paralysis explained) before signing.")
            self.consent.setFocus()
            return
        warnings = note_warnings(self.ctx, self.visit_id, note)
        text = "Signing makes the doctor's note read-only; results that come back are added below it."
        if warnings:
            text = "Warning: " + "; ".join(warnings) + ".\n\n" + text
        box = QMessageBox(QMessageBox.Icon.Warning if warnings else QMessageBox.Icon.Question,
                          "Sign the doctor's note?", text, parent=self)
        sign = box.addButton("Sign the note", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep if warnings else sign)
        box.exec()
        if box.clickedButton() is sign:
            self._sign()

    def _sign(self) -> None:
        """The note on screen, signed in one write after any save on its way; a refused signature
        leaves everything typed on screen and still to be saved."""
        self._signing = True
        self.sign_button.setEnabled(False)
        self.state.setText("Signing the doctor's note…")

        def start() -> Callable[[], Any]:
            note, version = self.note(), self.version
            return lambda: save_note(self.ctx, self.visit_id, note, version, sign=True)

        def done(version: int) -> None:
            self.version, self.status = version, NoteStatus.SIGNED
            self._signing = self._typed = False
            self._show_state(note_warnings(self.ctx, self.visit_id, self.note()))
            self.signed.emit()

        def failed(error: Exception) -> None:
            self._signing = False
            self._show_state(note_warnings(self.ctx, self.visit_id, self.note()))
            self._refused("The doctor's note was not signed", error)

        self.controller.submit(start, done, failed)

    def _refused(self, title: str, error: Exception) -> None:
        if not isinstance(error, (ServiceError, StorageFault)):
            raise error  # a fault of the app: the application's error hook logs it and says so
        QMessageBox.warning(self, title, str(error))

    def refresh(self) -> None:
        if self.dirty or self._signing:
            return  # what is typed stays on screen until it is stored
        opened = open_note(self.ctx, self.visit_id)
        self.status, self.version = opened.status, opened.version
        self._show(opened.note)
        self._show_state(opened.warnings)

    def focus_first(self) -> None:
        self.level.setFocus()

    def fill_normal(self) -> None:
        """Nothing is normal by default in a doctor's note: every word is the doctor's."""

    def focus_item(self, gap: MissingItem) -> None:
        """The examination's gaps are on the other pages."""

    def add_result(self, row: InvestigationRow) -> None:
        """A result that came back after the note was signed: kept as an addendum with who and when."""
        text = row.result.text()
        row.add_result.setEnabled(False)

        def done(_: object) -> None:
            row.add_result.setEnabled(True)
            opened = open_note(self.ctx, self.visit_id)
            self._show(opened.note)
            self._show_state(opened.warnings)

        def failed(error: Exception) -> None:
            row.add_result.setEnabled(True)
            self._refused("The result was not added", error)

        self.controller.submit(lambda: lambda: add_investigation_result(self.ctx, self.visit_id, row.item_id, text),
                               done, failed)


class _OpensAtToday(QObject):
    """Shows today's month when the calendar of a date with nothing set opens."""

    def __init__(self, field: QDateEdit) -> None:
        super().__init__(field)
        self.field = field

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self.field.date() == NO_DATE:
            today = QDate.currentDate()
            self.field.calendarWidget().setCurrentPage(today.year(), today.month())
        return False
