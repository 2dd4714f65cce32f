"""The visit editor: history and red flags, motor, sensory, reflexes and signs, review and sign,
then the doctor's note; and, when the examiner records one, the ISNCSCI worksheet.

Keyboard: Ctrl+1 … Ctrl+7 go to a page, Ctrl+R fills what is not recorded on the page with
normal findings (on the history page: "no" to the remaining red-flag questions), Ctrl+J goes to the
first item not recorded yet, Ctrl+S signs, Ctrl+P prints the patient's safety-net sheet of a signed
visit, Escape goes back to the patient (the draft is saved; a draft with nothing recorded is not kept).
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from functools import partial
from html import escape

from PySide6.QtCore import Qt, Signal
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

from exam_app.clinical.completeness import MissingItem, Part
from exam_app.clinical.isncsci import entry_labels, missing_entries
from exam_app.clinical.vocabulary import RedFlag
from exam_app.gui.keys import caption, shortcut
from exam_app.gui.safety_net_print import SafetyNetPrinting
from exam_app.gui.visit.controller import AMENDING, SIGNING, VisitController
from exam_app.gui.visit.doctor_page import DoctorPage
from exam_app.gui.visit.history_page import HistoryPage
from exam_app.gui.visit.isncsci_page import IsncsciPage
from exam_app.gui.visit.motor_page import MotorPage
from exam_app.gui.visit.page import VisitPage
from exam_app.gui.visit.review_page import ReviewPage
from exam_app.gui.visit.sensory_page import SensoryPage
from exam_app.gui.visit.signs_page import SignsPage
from exam_app.presentation import palette
from exam_app.services.context import ServiceError
from exam_app.services.visits import close_draft
from exam_app.store.database import DatabaseError
from exam_app.tables import SIGNED_STATUSES, VisitStatus
from exam_app.wording import day, moment


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


class StorageProblem(QLabel):
    """Across the top while the database cannot take the draft: why, and that nothing typed is lost."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("storageProblem")
        self.setAccessibleName("Saving problem")
        self.setWordWrap(True)
        colours = palette()
        self.setStyleSheet(f"background:{colours.notice}; color:{colours.notice_text}; padding:6px; "
                           f"border:1px solid {colours.notice_edge};")
        self.hide()


class VisitEditor(QWidget):
    closed = Signal()  # back to the patient
    signed = Signal()

    PAGE_TITLES = ("&1 History and red flags", "&2 Motor", "&3 Sensory", "&4 Reflexes and signs", "&5 Review",
                   "&6 Doctor's note", "&7 ISNCSCI worksheet")

    def __init__(self, controller: VisitController) -> None:
        super().__init__()
        self.controller = controller
        controller.setParent(self)  # its timers (autosave, retry) end with the editor
        self.header = QLabel()
        self.header.setObjectName("visitHeader")
        self.save_state = QLabel()
        self.save_state.setObjectName("hint")
        self.amend_button = QPushButton("Amend visit…")
        self.amend_button.setAccessibleName("Correct this signed visit")
        self.amend_button.clicked.connect(self.begin_amendment)
        self.cancel_amend_button = QPushButton("Cancel amendment")
        self.cancel_amend_button.clicked.connect(self.cancel_amendment)
        self.safety_net_button = QPushButton("Safety-net sheet… (Ctrl+P)")
        self.safety_net_button.setAccessibleName("Print the patient's safety-net sheet")
        self.safety_net_button.clicked.connect(self.print_safety_net)
        self.safety_net = SafetyNetPrinting(controller.ctx, self)
        self.safety_net.started.connect(lambda: self.save_state.setText("Preparing the safety-net sheet…"))
        self.safety_net.printed.connect(lambda _sheet: self.save_state.setText(
            "Safety-net sheet printed (stored as issued)"))
        self.safety_net.failed.connect(self._safety_net_failed)
        self._original = controller.visit
        self.alert = EmergencyAlert()
        self.storage_problem = StorageProblem()
        self.history = HistoryPage(controller)
        self.motor = MotorPage(controller)
        self.sensory = SensoryPage(controller)
        self.signs = SignsPage(controller)
        self.review = ReviewPage(controller)
        self.doctor = DoctorPage(controller, controller.read_only)
        self.isncsci = IsncsciPage(controller)
        self.pages = QTabWidget()
        self.pages.setAccessibleName("Visit pages")
        for page, title in zip((self.history, self.motor, self.sensory, self.signs, self.review, self.doctor,
                                self.isncsci), self.PAGE_TITLES, strict=True):
            self.pages.addTab(page, title.replace("&", ""))
        self.pages.currentChanged.connect(self._page_shown)
        self.review.sign_button.clicked.connect(self.sign)

        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.save_state)
        top.addWidget(self.safety_net_button)
        top.addWidget(self.amend_button)
        top.addWidget(self.cancel_amend_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.storage_problem)
        layout.addWidget(self.alert)
        if controller.altered:  # the audit trail does not match what is stored: say so, loudly
            tampered = QLabel("<b>This signed visit was changed outside the app after it was signed.</b> What is "
                              "shown is not what was signed; do not act on it. The administrator can see where with "
                              "the audit trail's check (exam-app audit verify).")
            tampered.setObjectName("emergencyAlert")
            tampered.setWordWrap(True)
            tampered.setStyleSheet(f"background: {palette().alert}; color: {palette().alert_text}; padding: 8px;")
            tampered.setAccessibleName("Warning: the signed visit was changed outside the app")
            layout.insertWidget(1, tampered)
        layout.addWidget(self.pages, 1)

        for number in range(1, len(self.PAGE_TITLES) + 1):
            shortcut(f"page_{number}", self, partial(self.show_page, number - 1))
        shortcut("fill_normal", self, self.remaining_normal)
        shortcut("no_red_flags", self, controller.answer_remaining_red_flags_no)
        shortcut("sign", self, self.sign)
        shortcut("first_gap", self, self.go_to_first_gap)
        shortcut("print_safety_net", self, self.print_safety_net)
        shortcut("back", self, self.close_visit)

        controller.saved.connect(self._saved)
        controller.saving.connect(lambda: self.save_state.setText("Saving…"))
        controller.save_waiting.connect(self._save_waiting)
        controller.save_failed.connect(self._save_failed)
        controller.visit_signed.connect(self._signed)
        controller.sign_refused.connect(self._sign_refused)
        controller.emergency_raised.connect(self.alert.raise_for)
        controller.changed.connect(self._changed)
        self._show_header()
        self.alert.raise_for(controller.emergency_flags())
        self.show_page(0 if not controller.read_only else 4)

    # ------------------------------------------------------------------ pages

    def show_page(self, number: int) -> None:
        self.pages.setCurrentIndex(number)
        self._page_shown(number)

    def visit_pages(self) -> tuple[VisitPage, ...]:
        return (self.history, self.motor, self.sensory, self.signs, self.review, self.doctor, self.isncsci)

    def current_page(self) -> VisitPage:
        return self.visit_pages()[self.pages.currentIndex()]

    def _page_shown(self, number: int) -> None:
        self.visit_pages()[number].focus_first()

    def remaining_normal(self) -> None:
        if not self.controller.read_only:
            self.current_page().fill_normal()

    # ------------------------------------------------------------------ state

    def _show_header(self) -> None:
        c = self.controller
        state = {VisitStatus.DRAFT: "draft — saved as you type", VisitStatus.SIGNED: "signed, read-only",
                 VisitStatus.AMENDED: "amended, read-only", AMENDING: "being corrected — not saved yet",
                 SIGNING: "being signed…"}[c.status]
        if c.read_only and c.visit.incomplete_reason:
            state += f" · incomplete: {c.visit.incomplete_reason}"
        self.amend_button.setVisible(c.status in SIGNED_STATUSES and c.ctx.may("amend_visit"))
        self.cancel_amend_button.setVisible(c.amending)
        self.safety_net_button.setVisible(c.status in SIGNED_STATUSES and c.ctx.may("handout"))
        born = f"born {day(c.birth_date)}" if c.birth_date else "birth date unknown"
        # Who is being examined is on screen before anything is recorded.
        self.header.setText(f"<b style='font-size:14pt'>{escape(c.patient_name)}</b> · {born} · "
                            f"record {escape(c.record_number)} · visit of "
                            f"{moment(c.visit.examined_at)} · {escape(state)}")

    def _changed(self) -> None:
        self.save_state.setText("Unsaved changes…")
        if not self.controller.emergency_flags():
            self.alert.hide()

    def _saved(self, at: datetime) -> None:
        self.storage_problem.hide()
        self.save_state.setText(f"Draft saved {at:%H:%M:%S}" + (" · unsaved changes…" if self.controller.dirty
                                                                 else ""))

    def _save_waiting(self, message: str) -> None:
        self.save_state.setText("Not saved yet")
        self.storage_problem.setText(message)
        self.storage_problem.show()

    def _save_failed(self, message: str) -> None:
        self.save_state.setText("Not saved")
        QMessageBox.warning(self, "The draft could not be saved", message)

    # ------------------------------------------------------------------ the patient's safety-net sheet

    def print_safety_net(self) -> None:
        """The sheet is printed from what was signed: not from a draft or a correction not yet saved."""
        c = self.controller
        if c.status not in SIGNED_STATUSES or c.amending:
            self.save_state.setText("Sign the visit first: the safety-net sheet is printed from a signed visit")
            return
        self.safety_net.print_sheet(c.record_number, c.visit_id)

    def _safety_net_failed(self, message: str) -> None:
        self.save_state.setText("Safety-net sheet not printed")
        QMessageBox.warning(self, "Safety-net sheet", message)

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
        self.save_state.setText("Saving the amendment…")

    # ------------------------------------------------------------------ actions

    def sign(self) -> None:
        """Sign what the screen shows: refused values, red flags, times and gaps are dealt with first."""
        if self.controller.amending:
            self.save_amendment()
            return
        if self.controller.read_only:
            return
        c = self.controller
        if c.input_problems:
            QMessageBox.warning(self, "A value was refused", "Correct it before signing:\n\n"
                                + "\n".join(c.input_problems.values()))
            return
        missing = c.unanswered_red_flags()
        if missing:
            QMessageBox.information(
                self, "Red flags unanswered",
                f"Answer every red-flag question before signing: {len(missing)} still unanswered.")
            self.show_page(0)
            return
        problems = c.time_problems(datetime.now().astimezone())
        if problems:
            QMessageBox.warning(self, "A time is not possible", "Correct it on the history page before signing:\n\n"
                                + "\n".join(f"{'Examined at' if k == 'examined_at' else 'Onset'}: {p}"
                                             for k, p in problems.items()))
            self.show_page(0)
            return
        empty = missing_entries(c.visit.isncsci) if c.visit.isncsci else ()
        if empty:
            QMessageBox.information(
                self, "ISNCSCI worksheet not complete",
                f"The ISNCSCI worksheet has {len(empty)} empty boxes (first: {entry_labels()[empty[0]]}). A worksheet "
                "is signed only whole: record them (N for NT), or remove the worksheet.")
            self.show_page(6)
            return
        gaps = c.missing()
        reason = self._ask_incomplete(gaps) if gaps else None
        if gaps and reason is None:
            return
        if not gaps and not self._confirm_sign():
            return
        try:
            c.sign(reason)
        except ServiceError as error:
            QMessageBox.warning(self, "The visit was not signed", str(error))
            return
        self._show_header()
        self.save_state.setText("Signing…")

    def _signed(self) -> None:
        """The signature (or the amendment) is stored."""
        c = self.controller
        self.storage_problem.hide()
        self._show_header()
        if c.status == VisitStatus.AMENDED:
            self.save_state.setText("Amendment saved")
        else:
            self.save_state.setText("Signed" + (" as incomplete" if c.visit.incomplete_reason else ""))
            for page in (*self.visit_pages()[:4], self.isncsci):
                page.refresh()
            self._replace_doctor_page()
        self.signed.emit()

    def _sign_refused(self, message: str) -> None:
        amending = self.controller.amending
        self._show_header()
        self.save_state.setText("Amendment not saved" if amending else "Not signed")
        for page in (*self.visit_pages()[:4], self.isncsci):
            page.refresh()
        QMessageBox.warning(self, "The amendment was not saved" if amending else "The visit was not signed",
                            message)

    def _confirm_sign(self) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Sign this visit?",
                          "Signing makes the visit read-only: later corrections are kept as amendments with "
                          "who, when and why.", parent=self)
        sign = box.addButton("Sign visit", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(sign)
        box.exec()
        return box.clickedButton() is sign

    def _ask_incomplete(self, gaps: list[MissingItem]) -> str | None:
        """The examination is not complete: go to the first gap, or sign as incomplete with a reason."""
        listed = "\n".join(f"• {gap.label}" for gap in gaps[:8]) + (f"\n… and {len(gaps) - 8} more" if len(gaps) > 8
                                                                    else "")
        box = QMessageBox(QMessageBox.Icon.Warning, "The examination is not complete",
                          f"{len(gaps)} items are not recorded yet (record NT for what cannot be tested):\n\n"
                          f"{listed}", parent=self)
        go = box.addButton(caption("Go to the first gap", "first_gap"), QMessageBox.ButtonRole.AcceptRole)
        incomplete = box.addButton("Sign as incomplete…", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(go)
        box.exec()
        if box.clickedButton() is go:
            self.go_to_first_gap()
            return None
        if box.clickedButton() is not incomplete:
            return None
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Sign as incomplete")
        dialog.setLabelText("Why could the patient not complete the examination? The visit is signed read-only "
                            "with this reason, shown wherever it is read.")
        dialog.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
        dialog.setOkButtonText("Sign as incomplete")
        dialog.setCancelButtonText("Keep editing")
        while dialog.exec():
            reason = dialog.textValue().strip()
            if reason:
                return reason
            dialog.setLabelText("Give the reason: signing as incomplete needs one.")
        return None

    def go_to_first_gap(self) -> None:
        """The page and input of the first item not recorded yet."""
        if self.controller.read_only:
            return
        gaps = self.controller.missing()
        if not gaps:
            self.save_state.setText("Nothing missing: every item is recorded")
            return
        gap = gaps[0]
        number = (Part.HISTORY, Part.MOTOR, Part.SENSORY, Part.SIGNS).index(gap.part)  # the pages' order
        self.pages.setCurrentIndex(number)
        self.visit_pages()[number].focus_item(gap)

    def _replace_doctor_page(self) -> None:
        """Once the examination is signed, the doctor's note can be written."""
        index = self.pages.indexOf(self.doctor)
        self.controller.detach(self.doctor)
        self.doctor.deleteLater()
        self.doctor = DoctorPage(self.controller, True)
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
        self.controller.when_saved(self._close_when_saved)

    def _close_when_saved(self, problem: str | None) -> None:
        if problem is not None:
            QMessageBox.warning(self, "The draft is not saved yet",
                                f"{problem}\n\nThe visit stays open so that nothing recorded is lost.")
            return
        if self.controller.status == VisitStatus.DRAFT:
            # Nothing recorded: not kept (if the database refuses now, the next start removes it).
            with contextlib.suppress(DatabaseError):
                close_draft(self.controller.ctx, self.controller.visit_id)
        self.closed.emit()
