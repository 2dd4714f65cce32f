"""Render every screen offscreen into a folder: `make screenshots` (docs/screenshots/).

Uses a throw-away demo database, so the pictures show realistic findings. Each screen is saved at
1366×768 and 1920×1080.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget

from exam_app.clinical.record import ExamRecord
from exam_app.gui.app import make_application
from exam_app.gui.main_window import MainWindow
from exam_app.report.specimens import cord_compression, isncsci_below, jane_doe
from exam_app.services.accounts import sign_in
from exam_app.services.context import AppContext
from exam_app.services.demo import DEMO_PASSWORDS, demo_clinic_context, demo_patients
from exam_app.services.recall import mark_recall
from exam_app.services.records import import_record

SIZES = ((1366, 768), (1920, 1080))


def settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def save(widget: QWidget, path: Path) -> None:
    settle()
    widget.grab().save(str(path))
    print(path)


def administration(ctx: AppContext, window: MainWindow, folder: Path) -> None:
    """The screens around the records: sign-in, the first start, the lock, and the administrator's
    settings, accounts and audit trail (each dialog at the size it opens with)."""
    from exam_app.gui.accounts_dialog import AccountsDialog
    from exam_app.gui.audit_viewer import AuditViewer
    from exam_app.gui.settings_dialog import SettingsDialog
    from exam_app.gui.sign_in import FirstAdministratorDialog, SignInDialog

    admin = AppContext(ctx.db, sign_in(ctx.db, "admin", DEMO_PASSWORDS["admin"]))
    sign_in_dialog = SignInDialog(ctx.db, "pt.smith", "wrong user name or password")
    first = FirstAdministratorDialog(ctx.db)
    first.full_name.setText("Clinic administrator")
    dialogs: list[tuple[str, QWidget]] = [
        ("sign_in", sign_in_dialog), ("first_administrator", first), ("settings", SettingsDialog(admin, window)),
        ("accounts", AccountsDialog(admin, window)), ("audit_trail", AuditViewer(admin, window))]
    for name, dialog in dialogs:
        dialog.show()
        save(dialog, folder / f"{name}.png")
        dialog.close()
    for width, height in SIZES:
        window.resize(width, height)
        window.lock("locked by the user")
        save(window, folder / f"locked_{width}.png")
        window.lock_form.signed_in.emit(ctx.user)  # the same person again


def main(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    make_application()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as data:
        # A patient examined with the ISNCSCI worksheet twice, worse the second time (AIS D → C),
        # brought in by the administrator as a record file would be.
        cord = cord_compression(jane_doe(record_number="ISNCSCI-1", family_name="Cord"))
        assert cord.previous is not None
        admin = demo_clinic_context(Path(data), username="admin", patients=15, seed=1, now=now)
        import_record(admin, ExamRecord(cord.patient, [cord.previous, cord.visit]), "screenshots")
        admin.close()
        ctx = demo_clinic_context(Path(data), username="pt.smith", patients=15, seed=1, now=now)
        patients = demo_patients(15, 1, now.astimezone())
        progression = patients[0][0].record_number  # the demo's progression within the window
        # The front desk at work: a message left for one patient, another booked (see the Recall column).
        mark_recall(ctx, progression, "left_message", note="voicemail", now=now)
        mark_recall(ctx, patients[1][0].record_number, "booked", booked_for=(now + timedelta(hours=6)).replace(
            minute=0, second=0, microsecond=0), now=now)
        window = MainWindow(ctx)
        window.show()

        def editor_page(page: int, guided: bool = False) -> Callable[[], None]:
            def show() -> None:
                window.show_patient(progression)
                window.patient.table.selectRow(0)
                window.patient.open_selected()
                assert window.editor is not None
                window.editor.show_page(page)
                window.editor.motor.set_guided(guided)
            return show

        def new_visit_emergency() -> None:
            window.show_patient(patients[1][0].record_number)
            window.new_visit(patients[1][0].record_number)
            assert window.editor is not None
            window.editor.controller.set_red_flag("stroke_signs", True)

        def isncsci_worksheet() -> None:
            # A new visit with a worksheet being typed: sensation and key muscles altered below T9.
            record_number = patients[2][0].record_number
            window.show_patient(record_number)
            window.new_visit(record_number)
            assert window.editor is not None
            window.editor.controller.set_isncsci(isncsci_below("T9", "1", "2"))
            window.editor.show_page(6)

        def close_editor() -> None:
            if window.editor is not None:
                window.editor.controller.dirty = False
                window._visit_closed()

        def home(due_only: bool) -> Callable[[], None]:
            def show() -> None:
                window.worklist.due_only.setChecked(due_only)
                window.show_home()
            return show

        def recall_dialog() -> None:
            panel = window.worklist
            home(True)()
            panel.table.selectRow(0)
            panel.recall_selected()
            dialog = panel.recall_dialog
            assert dialog is not None
            settle()
            dialog.grab().save(str(folder / f"recall_dialog_{window.width()}.png"))
            dialog.close()
            home(False)()

        def referral_dialog() -> None:
            from exam_app.gui.referral_dialog import ReferralDialog

            dialog = ReferralDialog(ctx, progression, window)
            dialog.resize(window.size())
            dialog.show()
            deadline = datetime.now() + timedelta(seconds=20)
            while dialog.last_pdf is None and datetime.now() < deadline:
                QApplication.processEvents()
            settle()
            dialog.grab().save(str(folder / f"referral_dialog_{window.width()}.png"))
            dialog.close()

        screens: list[tuple[str, Callable[[], None]]] = [
            ("patients", home(False)),
            ("worklist_due", home(True)),
            ("patient", lambda: window.show_patient(progression)),
            ("visit_history", editor_page(0)),
            ("visit_motor_grid", editor_page(1)),
            ("visit_motor_guided", editor_page(1, guided=True)),
            ("visit_sensory", editor_page(2)),
            ("visit_signs", editor_page(3)),
            ("visit_review", editor_page(4)),
            ("visit_emergency", new_visit_emergency),
            ("visit_isncsci", isncsci_worksheet),
            ("comparison", lambda: window.compare_visits(progression)),
            ("comparison_isncsci", lambda: window.compare_visits(cord.patient.record_number)),
            ("trend", lambda: window.compare_visits(patients[14][0].record_number)),
        ]
        for width, height in SIZES:
            window.resize(width, height)
            for name, show in screens:
                close_editor()
                show()
                settle()
                target = folder / f"{name}_{width}.png"
                window.grab().save(str(target))
                print(target)
            referral_dialog()
            recall_dialog()
        close_editor()
        administration(ctx, window, folder)
        window.close()
        ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
