"""The main window: patients → one patient → a visit. Keyboard first.

Ctrl+F search patients, Ctrl+Shift+N register a patient, Ctrl+N new visit for the selected
patient, Enter open, Escape back.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from exam_app import APP_NAME
from exam_app.gui.idle import IdleWatch
from exam_app.gui.keys import caption, shortcut
from exam_app.gui.patient_page import PatientPage
from exam_app.gui.patients import PatientDialog, PatientSearch
from exam_app.gui.sign_in import SignInForm
from exam_app.gui.worklist import WorklistPanel
from exam_app.services.accounts import note_lock
from exam_app.services.assessment import draft_assessor
from exam_app.services.context import ActingUser, AppContext, ServiceError
from exam_app.services.patients import get_patient
from exam_app.services.visits import discard_draft, drafts_to_recover, open_visit, start_visit
from exam_app.tables import roles
from exam_app.wording import moment

if TYPE_CHECKING:  # read when first opened, not before the window is painted
    from exam_app.gui.compare_view import ComparisonView
    from exam_app.gui.visit.editor import VisitEditor


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(APP_NAME)
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
        self._comparison: ComparisonView | None = None  # made when first opened (its chart library with it)
        # The lock hides every patient's data behind the sign-in form (idle, or Ctrl+Shift+L).
        self.lock_form = SignInForm(ctx.db, "", ctx.user.username)
        self.lock_form.signed_in.connect(self._unlocked)
        locked = QWidget()
        locked_layout = QVBoxLayout(locked)
        # Centred by stretches, not by alignment: an aligned widget gets its size hint's height, which
        # clips the wrapped message; between stretches at a fixed width it gets the height it needs.
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(self.lock_form)
        centred.addStretch(1)
        locked_layout.addStretch(1)
        locked_layout.addLayout(centred)
        locked_layout.addStretch(2)
        self.lock_form.setFixedWidth(520)
        self.shell = QStackedWidget()
        self.shell.addWidget(self.pages)
        self.shell.addWidget(locked)
        self.locked_page = locked
        self.setCentralWidget(self.shell)
        self.statusBar().showMessage(f"Signed in as {ctx.user.signature} · database {ctx.db.url}")
        self.idle = IdleWatch(self, self.lock, self._idle_minutes())
        self._menus()

        self.patients.patient_chosen.connect(self.show_patient)
        self.worklist.patient_chosen.connect(self.show_patient)
        self.patients.register_requested.connect(self.register_patient)
        self.patient.back_requested.connect(self.show_home)
        self.patient.new_visit_requested.connect(self.new_visit)
        self.patient.visit_opened.connect(self.open_visit)
        self.patient.edit_requested.connect(self.edit_patient)
        self.patient.referral_requested.connect(self.referral_letter)
        self.patient.compare_requested.connect(self.compare_visits)

        shortcut("search", self, self.focus_search)
        shortcut("register", self, self.register_patient)
        shortcut("new_visit", self, self._new_visit_here)
        shortcut("referral", self, self._referral_here)
        shortcut("compare", self, self._compare_here)
        shortcut("back", self.patient, self.show_home, Qt.ShortcutContext.WidgetWithChildrenShortcut)
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

    @property
    def comparison(self) -> ComparisonView:
        if self._comparison is None:
            from exam_app.gui.compare_view import ComparisonView

            self._comparison = ComparisonView(self.ctx)
            self._comparison.back_requested.connect(lambda: self.show_patient(self.patient.record_number))
            self.pages.addWidget(self._comparison)
        return self._comparison

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
        from exam_app.gui.referral_dialog import ReferralDialog

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
        from exam_app.gui.visit.controller import VisitController
        from exam_app.gui.visit.editor import VisitEditor

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

    # ------------------------------------------------------------------ who is signed in

    other_user_signed_in = Signal(object)  # the AppContext of another person signing in behind the lock

    def _idle_minutes(self) -> int:
        return int(self.ctx.setting("idle_lock_minutes", roles().accounts.idle_lock_minutes))

    def _menus(self) -> None:
        clinic = self.menuBar().addMenu("&Clinic")
        lock = clinic.addAction(caption("Lock the screen", "lock"))
        lock.triggered.connect(lambda: self.lock("locked by the user"))
        shortcut("lock", self, lambda: self.lock("locked by the user"))
        clinic.addAction("Change my password…").triggered.connect(self.change_password)
        for action, words, slot in (("settings", "Clinic settings…", self.open_settings),
                                    ("users", "Accounts…", self.open_accounts),
                                    ("audit", "Audit trail…", self.open_audit)):
            item = clinic.addAction(words)
            item.triggered.connect(slot)
            item.setVisible(self.ctx.may(action))
        clinic.addSeparator()
        clinic.addAction(caption("Close", "quit")).triggered.connect(self.close)
        shortcut("quit", self, self.close)

    @property
    def is_locked(self) -> bool:
        return self.shell.currentWidget() is self.locked_page

    def lock(self, reason: str = "no input for a while") -> None:
        """Hide patient data behind the sign-in form; the draft on screen is saved first."""
        if self.is_locked:
            return
        if self.editor is not None:
            self.editor.controller.save()  # off the GUI thread (the doctor's note too): under way while locked
        for dialog in [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]:
            dialog.reject()
        note_lock(self.ctx, reason)
        self.lock_form.heading.setText(f"<b>Locked</b> ({reason}). {escape(self.ctx.user.display_name)} was "
                                       "signed in: sign in to go on. Another person signing in starts afresh.")
        self.lock_form.username.setText(self.ctx.user.username)
        self.shell.setCurrentWidget(self.locked_page)
        self.statusBar().showMessage("Locked")
        self.lock_form.focus()

    def _unlocked(self, user: ActingUser) -> None:
        if user.id == self.ctx.user.id:
            self.shell.setCurrentWidget(self.pages)  # back where they were, the draft as it was
            self.statusBar().showMessage(f"Signed in as {self.ctx.user.signature} · database {self.ctx.db.url}")
            self.idle.restart()
            return
        if self.editor is not None and self.editor.controller.unsaved:  # the save begun at the lock
            self.editor.controller.when_saved(lambda problem: self._hand_over(user, problem))
            return
        self._hand_over(user, None)

    def _hand_over(self, user: ActingUser, problem: str | None) -> None:
        """Another person's window, once the draft of the person before is stored; while it cannot be,
        the window stays locked with the draft in it (nothing recorded is lost)."""
        if problem is not None:
            QMessageBox.warning(self, "The draft on screen is not saved yet",
                                f"{problem}\n\n{self.ctx.user.display_name}'s visit stays open behind the lock "
                                "until it is stored: try again in a moment, or sign in as them.")
            self.lock_form.username.setText(self.ctx.user.username)
            self.lock_form.focus()
            return
        if self.editor is not None:
            self.editor.controller.dirty = False  # stored: the window closes without asking
            self.editor = None
        self.other_user_signed_in.emit(AppContext(self.ctx.db, user, self.ctx.backup_made))

    def change_password(self) -> None:
        from exam_app.gui.accounts_dialog import ChangePasswordDialog

        ChangePasswordDialog(self.ctx, self).exec()

    def open_settings(self) -> None:
        from exam_app.gui.settings_dialog import SettingsDialog

        if SettingsDialog(self.ctx, self).exec():
            self.idle.set_minutes(self._idle_minutes())

    def open_accounts(self) -> None:
        from exam_app.gui.accounts_dialog import AccountsDialog

        AccountsDialog(self.ctx, self).exec()

    def open_audit(self) -> None:
        from exam_app.gui.audit_viewer import AuditViewer

        AuditViewer(self.ctx, self).exec()

    def closeEvent(self, event: QCloseEvent) -> None:
        editor = self.editor
        if editor is not None and not self._close_anyway and editor.controller.unsaved:
            # saved off the GUI thread first (the doctor's note too); the window closes after
            event.ignore()
            editor.controller.when_saved(self._close_after_saving)
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
