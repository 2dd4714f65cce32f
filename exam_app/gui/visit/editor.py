"""The visit editor: history and red flags, motor, sensory, reflexes and signs, review and sign,
then the doctor's note.

Keyboard: Ctrl+1 … Ctrl+6 go to a page, Ctrl+R fills what is not recorded on the page with
normal findings (on the history page: "no" to the remaining red-flag questions), Ctrl+S signs,
Escape goes back to the patient (the draft is saved).
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from exam_app.clinical.vocabulary import RedFlag
from exam_app.gui.visit.controller import VisitController
from exam_app.gui.visit.doctor_page import DoctorPage
from exam_app.gui.visit.history_page import HistoryPage
from exam_app.gui.visit.motor_page import MotorPage
from exam_app.gui.visit.review_page import ReviewPage
from exam_app.gui.visit.sensory_page import SensoryPage
from exam_app.gui.visit.signs_page import SignsPage
from exam_app.services.context import ServiceError


class EmergencyAlert(QFrame):
    """Full width, at the top, impossible to miss: what to do now."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("emergencyAlert")
        self.setAccessibleName("Emergency alert")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.acknowledge = QPushButton("Acknowledged — I am acting on it")
        self.acknowledge.setAccessibleName("Acknowledge the emergency alert")
        self.acknowledge.clicked.connect(self._acknowledged)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.acknowledge)
        self.hide()

    def raise_for(self, flags: list[RedFlag]) -> None:
        if not flags:
            self.hide()
            return
        lines = "".join(f"<li><b>{escape(f.question)}</b> {escape(f.action)}</li>" for f in flags)
        self.text.setText(f"<span style='font-size:15pt'><b>EMERGENCY</b></span><ul>{lines}</ul>")
        self.acknowledge.setText("Acknowledged — I am acting on it")
        self.show()
        self.acknowledge.setFocus()

    def _acknowledged(self) -> None:
        self.acknowledge.setText("Acknowledged")


class VisitEditor(QWidget):
    closed = Signal()  # back to the patient
    signed = Signal()

    PAGE_TITLES = ("&1 History and red flags", "&2 Motor", "&3 Sensory", "&4 Reflexes and signs", "&5 Review",
                   "&6 Doctor's note")

    def __init__(self, controller: VisitController) -> None:
        super().__init__()
        self.controller = controller
        self.header = QLabel()
        self.header.setObjectName("visitHeader")
        self.save_state = QLabel()
        self.save_state.setObjectName("hint")
        self.amend_button = QPushButton("Amend visit…")
        self.amend_button.setAccessibleName("Correct this signed visit")
        self.amend_button.clicked.connect(self.begin_amendment)
        self.cancel_amend_button = QPushButton("Cancel amendment")
        self.cancel_amend_button.clicked.connect(self.cancel_amendment)
        self._original = controller.visit
        self.alert = EmergencyAlert()
        self.history = HistoryPage(controller)
        self.motor = MotorPage(controller)
        self.sensory = SensoryPage(controller)
        self.signs = SignsPage(controller)
        self.review = ReviewPage(controller)
        self.doctor = DoctorPage(controller.ctx, controller.visit_id, controller.read_only)
        self.pages = QTabWidget()
        self.pages.setAccessibleName("Visit pages")
        for page, title in zip((self.history, self.motor, self.sensory, self.signs, self.review, self.doctor),
                               self.PAGE_TITLES, strict=True):
            self.pages.addTab(page, title.replace("&", ""))
        self.pages.currentChanged.connect(self._page_shown)
        self.review.sign_button.clicked.connect(self.sign)

        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.save_state)
        top.addWidget(self.amend_button)
        top.addWidget(self.cancel_amend_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.alert)
        layout.addWidget(self.pages, 1)

        for number in range(1, 7):
            QShortcut(QKeySequence(f"Ctrl+{number}"), self, lambda n=number: self.show_page(n - 1))
        QShortcut(QKeySequence("Ctrl+R"), self, self.remaining_normal)
        QShortcut(QKeySequence("Alt+O"), self, controller.answer_remaining_red_flags_no)
        QShortcut(QKeySequence("Ctrl+S"), self, self.sign)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close_visit)

        controller.saved.connect(self._saved)
        controller.save_failed.connect(self._save_failed)
        controller.emergency_raised.connect(self.alert.raise_for)
        controller.changed.connect(self._changed)
        self._show_header()
        self.alert.raise_for(controller.emergency_flags())
        self.show_page(0 if not controller.read_only else 4)

    # ------------------------------------------------------------------ pages

    def show_page(self, number: int) -> None:
        self.pages.setCurrentIndex(number)
        self._page_shown(number)

    def _page_shown(self, number: int) -> None:
        page = self.pages.widget(number)
        focus = getattr(page, "focus_first", None)
        if focus is not None:
            focus()

    def remaining_normal(self) -> None:
        page = self.pages.currentWidget()
        if page is self.history:
            self.controller.answer_remaining_red_flags_no()
        elif hasattr(page, "remaining_normal"):
            page.remaining_normal()

    # ------------------------------------------------------------------ state

    def _show_header(self) -> None:
        c = self.controller
        state = {"draft": "draft — saved as you type", "signed": "signed, read-only",
                 "amended": "amended, read-only", "amending": "being corrected — not saved yet"}[c.status]
        self.amend_button.setVisible(c.status in ("signed", "amended") and c.ctx.may("amend_visit"))
        self.cancel_amend_button.setVisible(c.amending)
        self.header.setText(f"<b style='font-size:14pt'>{escape(c.patient_name)}</b> · {escape(c.record_number)}"
                            f" · visit of {c.visit.examined_at.astimezone():%d %b %Y %H:%M} · {state}")

    def _changed(self) -> None:
        self.save_state.setText("Unsaved changes…")
        if not self.controller.emergency_flags():
            self.alert.hide()

    def _saved(self, at: datetime) -> None:
        self.save_state.setText(f"Draft saved {at:%H:%M:%S}")

    def _save_failed(self, message: str) -> None:
        self.save_state.setText("Not saved")
        QMessageBox.warning(self, "The draft could not be saved", message)

    # ------------------------------------------------------------------ amendments

    def begin_amendment(self) -> None:
        try:
            self.controller.begin_amendment()
        except ServiceError as error:
            QMessageBox.warning(self, "The visit cannot be amended", str(error))
            return
        self._original = self.controller.visit
        self._show_header()
        self.save_state.setText("Correcting: the original stays on record")
        self.show_page(1)

    def cancel_amendment(self) -> None:
        self.controller.cancel_amendment(self._original)
        self._show_header()
        self.save_state.setText("Amendment cancelled")

    def save_amendment(self) -> None:
        reason, given = QInputDialog.getMultiLineText(
            self, "Save the amendment", "Why is the signed visit corrected? (kept with the original)")
        if not given:
            return
        try:
            self.controller.save_amendment(reason)
        except ServiceError as error:
            QMessageBox.warning(self, "The amendment was not saved", str(error))
            return
        self._show_header()
        self.save_state.setText("Amendment saved")
        self.signed.emit()

    # ------------------------------------------------------------------ actions

    def sign(self) -> None:
        if self.controller.amending:
            self.save_amendment()
            return
        if self.controller.read_only:
            return
        missing = self.controller.unanswered_red_flags()
        if missing:
            QMessageBox.information(
                self, "Red flags unanswered",
                f"Answer every red-flag question before signing: {len(missing)} still unanswered.")
            self.show_page(0)
            return
        answer = QMessageBox.question(
            self, "Sign this visit?",
            "A signed visit is read-only; later corrections are kept as amendments with who, when and why.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.controller.sign()
        except ServiceError as error:
            QMessageBox.warning(self, "The visit was not signed", str(error))
            return
        self._show_header()
        self.save_state.setText("Signed")
        for page in (self.history, self.signs, self.sensory):
            page.refresh()
        self._replace_doctor_page()
        self.signed.emit()

    def _replace_doctor_page(self) -> None:
        """Once the examination is signed, the doctor's note can be written."""
        index = self.pages.indexOf(self.doctor)
        self.doctor.deleteLater()
        self.doctor = DoctorPage(self.controller.ctx, self.controller.visit_id, True)
        self.pages.removeTab(index)
        self.pages.insertTab(index, self.doctor, self.PAGE_TITLES[index].replace("&", ""))

    def close_visit(self) -> None:
        if self.controller.amending and self.controller.dirty:
            answer = QMessageBox.question(
                self, "Discard the amendment?", "The correction has not been saved. Discard it?",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                return
            self.controller.cancel_amendment(self._original)
        if self.controller.save_now() and self.doctor.save_now():
            self.closed.emit()
