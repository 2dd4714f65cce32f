"""The main window: patients → one patient → a visit. Keyboard first.

Ctrl+F search patients, Ctrl+Shift+N register a patient, Ctrl+N new visit for the selected
patient, Enter open, Escape back.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from exam_app.gui.compare_view import ComparisonView
from exam_app.gui.patient_page import PatientPage
from exam_app.gui.patients import PatientDialog, PatientSearch
from exam_app.gui.referral_dialog import ReferralDialog
from exam_app.gui.visit.controller import VisitController
from exam_app.gui.visit.editor import VisitEditor
from exam_app.gui.worklist import WorklistPanel
from exam_app.services.assessment import draft_assessor
from exam_app.services.context import AppContext, ServiceError
from exam_app.services.patients import get_patient
from exam_app.services.visits import discard_draft, drafts_to_recover, open_visit, start_visit
from exam_app.wording import moment


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle("Lower-limb exam recorder")
        self.resize(1366, 768)
        self.patients = PatientSearch(ctx)
        self.patient = PatientPage(ctx)
        self.editor: VisitEditor | None = None
        self._close_anyway = False  # the user chose to close although the draft could not be saved
        self.pages = QStackedWidget()
        home = QWidget()
        home_layout = QVBoxLayout(home)
        self.worklist = WorklistPanel(ctx)
        home_layout.addWidget(self.worklist)
        heading = QLabel("<h3>Patients</h3>")
        home_layout.addWidget(heading)
        home_layout.addWidget(self.patients, 1)
        self.home = home
        self.pages.addWidget(home)
        self.pages.addWidget(self.patient)
        self.comparison = ComparisonView(ctx)
        self.pages.addWidget(self.comparison)
        self.setCentralWidget(self.pages)
        self.statusBar().showMessage(f"Signed in as {ctx.user.display_name} · database {ctx.db.url}")

        self.patients.patient_chosen.connect(self.show_patient)
        self.worklist.patient_chosen.connect(self.show_patient)
        self.patients.register_requested.connect(self.register_patient)
        self.patient.back_requested.connect(self.show_home)
        self.patient.new_visit_requested.connect(self.new_visit)
        self.patient.visit_opened.connect(self.open_visit)
        self.patient.edit_requested.connect(self.edit_patient)
        self.patient.referral_requested.connect(self.referral_letter)
        self.patient.compare_requested.connect(self.compare_visits)
        self.comparison.back_requested.connect(lambda: self.show_patient(self.patient.record_number))

        QShortcut(QKeySequence("Ctrl+F"), self, self.focus_search)
        QShortcut(QKeySequence("Ctrl+Shift+N"), self, self.register_patient)
        QShortcut(QKeySequence("Ctrl+N"), self, self._new_visit_here)
        QShortcut(QKeySequence("Ctrl+L"), self, self._referral_here)
        QShortcut(QKeySequence("Ctrl+K"), self, self._compare_here)
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.patient, self.show_home)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.patients.search.setFocus()

    # ------------------------------------------------------------------ navigation

    def show_home(self) -> None:
        self.worklist.refresh()
        self.patients.refresh()
        self.pages.setCurrentWidget(self.home)
        self.patients.search.setFocus()
        self.patients.search.selectAll()

    def focus_search(self) -> None:
        if self.editor is None:
            self.show_home()

    def show_patient(self, record_number: str) -> None:
        try:
            self.patient.show_patient(record_number)
        except ServiceError as error:
            QMessageBox.warning(self, "Patient not found", str(error))
            return
        self.pages.setCurrentWidget(self.patient)

    def register_patient(self) -> None:
        if self.editor is not None:
            return
        dialog = PatientDialog(self.ctx, self)
        if dialog.exec() and dialog.saved_record_number:
            self.show_patient(dialog.saved_record_number)

    def edit_patient(self, record_number: str) -> None:
        patient, version = get_patient(self.ctx, record_number)
        dialog = PatientDialog(self.ctx, self, patient, version)
        if dialog.exec() and dialog.saved_record_number:
            self.show_patient(dialog.saved_record_number)

    # ------------------------------------------------------------------ comparison

    def _compare_here(self) -> None:
        if self.editor is None and self.pages.currentWidget() is self.patient:
            self.compare_visits(self.patient.record_number)

    def compare_visits(self, record_number: str) -> None:
        try:
            self.comparison.show_patient(record_number)
        except ServiceError as error:
            QMessageBox.warning(self, "Cannot compare the visits", str(error))
            return
        self.pages.setCurrentWidget(self.comparison)

    # ------------------------------------------------------------------ letters

    def selected_patient(self) -> str | None:
        """The patient an action of the keyboard acts on: the one on screen, or the one the list with
        the focus shows selected (the patient list after its search has caught up with the typing)."""
        if self.editor is not None:
            return None
        shown = self.pages.currentWidget()
        if shown is self.patient:
            return self.patient.record_number
        if shown is self.home:
            return self.worklist.selected() if self.worklist.table.hasFocus() else self.patients.selected()
        return None

    def _referral_here(self) -> None:
        record_number = self.selected_patient()
        if record_number:
            self.referral_letter(record_number)

    def referral_letter(self, record_number: str) -> None:
        if not self.ctx.may("refer"):
            QMessageBox.information(self, "Referral letter", f"{self.ctx.user.display_name} may not issue letters.")
            return
        dialog = ReferralDialog(self.ctx, record_number, self)
        dialog.exec()

    # ------------------------------------------------------------------ visits

    def _new_visit_here(self) -> None:
        record_number = self.selected_patient()
        if record_number:
            self.new_visit(record_number)

    def new_visit(self, record_number: str) -> None:
        try:
            opened = start_visit(self.ctx, record_number)
        except ServiceError as error:
            QMessageBox.warning(self, "No new visit", str(error))
            return
        self._edit(opened.visit_id)

    def open_visit(self, visit_id: int) -> None:
        self._edit(visit_id)

    def _edit(self, visit_id: int) -> None:
        try:
            opened = open_visit(self.ctx, visit_id)
            assessor = draft_assessor(self.ctx, opened.record_number)
        except ServiceError as error:
            QMessageBox.warning(self, "Cannot open the visit", str(error))
            return
        controller = VisitController(self.ctx, opened, assessor)
        self.editor = VisitEditor(controller)
        self.editor.closed.connect(self._visit_closed)
        self.pages.addWidget(self.editor)
        self.pages.setCurrentWidget(self.editor)
        self.editor.show_page(0 if not controller.read_only else 4)

    def _visit_closed(self) -> None:
        editor = self.editor
        if editor is None:
            return
        record_number = editor.controller.record_number
        self.editor = None
        self.pages.removeWidget(editor)
        editor.deleteLater()
        self.show_patient(record_number)

    def offer_drafts(self) -> None:
        """After a crash or power cut: offer back the visits that were being recorded."""
        for draft in drafts_to_recover(self.ctx):
            box = QMessageBox(self)
            box.setIcon(QMessageBox.Icon.Question)
            box.setWindowTitle("Unsigned visit found")
            box.setText(f"A visit of {draft.patient_name} ({draft.record_number}) examined "
                        f"{moment(draft.examined_at)} was not signed. Last saved {moment(draft.saved_at)}.")
            resume = box.addButton("Continue recording", QMessageBox.ButtonRole.AcceptRole)
            box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
            discard = box.addButton("Discard it", QMessageBox.ButtonRole.DestructiveRole)
            box.setDefaultButton(resume)
            box.exec()
            if box.clickedButton() is resume:
                self._edit(draft.visit_id)
                return
            if box.clickedButton() is discard and self._confirm_discard():
                discard_draft(self.ctx, draft.visit_id)

    def _confirm_discard(self) -> bool:
        answer = QMessageBox.warning(
            self, "Discard the unsigned visit?", "Its findings will be deleted. This cannot be undone.",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard

    def closeEvent(self, event: QCloseEvent) -> None:
        editor = self.editor
        if editor is not None and not self._close_anyway:
            if editor.controller.unsaved:  # saved off the GUI thread first; the window closes after
                event.ignore()
                editor.controller.when_saved(self._close_after_saving)
                return
            if not editor.doctor.save_now() and not self._lose_changes("The doctor's note could not be saved."):
                event.ignore()
                return
        event.accept()

    def _close_after_saving(self, problem: str | None) -> None:
        if problem is None or self._lose_changes(problem):
            self._close_anyway = True
            self.close()

    def _lose_changes(self, problem: str) -> bool:
        answer = QMessageBox.warning(
            self, "The draft could not be saved", f"{problem}\n\nClose anyway and lose the latest changes?",
            QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Close
