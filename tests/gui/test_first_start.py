"""The first start on a database with no account asks for the clinic administrator's account; once
there is one, the window opens on the sign-in form instead."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPushButton
from pytestqt.qtbot import QtBot

from exam_app.gui.app import first_user, make_application
from exam_app.gui.sign_in import FirstAdministratorDialog, SignInDialog
from exam_app.services.startup import open_clinic

PASSWORD = "first admin password"


def create_button(dialog: FirstAdministratorDialog) -> QPushButton:
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    [create] = [b for b in buttons.buttons() if b.text() == "Create the account"]
    return create


def test_the_first_start_asks_for_the_clinic_administrator(tmp_path: Path, qtbot: QtBot) -> None:
    make_application()
    clinic = open_clinic(tmp_path / "data")
    seen: list[str] = []

    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, fill_in)
            return
        assert isinstance(dialog, FirstAdministratorDialog), type(dialog)
        qtbot.keyClicks(dialog.full_name, "Ada Admin")
        qtbot.keyClicks(dialog.password, PASSWORD)
        qtbot.keyClicks(dialog.again, PASSWORD + "x")
        qtbot.mouseClick(create_button(dialog), Qt.MouseButton.LeftButton)
        seen.append(dialog.error.text())
        dialog.password.clear()
        dialog.again.clear()
        qtbot.keyClicks(dialog.password, "short")
        qtbot.keyClicks(dialog.again, "short")
        qtbot.mouseClick(create_button(dialog), Qt.MouseButton.LeftButton)
        seen.append(dialog.error.text())
        dialog.password.clear()
        dialog.again.clear()
        qtbot.keyClicks(dialog.password, PASSWORD)
        qtbot.keyClicks(dialog.again, PASSWORD)
        qtbot.mouseClick(create_button(dialog), Qt.MouseButton.LeftButton)

    try:
        assert not clinic.has_accounts
        QTimer.singleShot(0, fill_in)
        user = first_user(clinic, None, None)
        assert seen == ["The two passwords differ.", "password: at least 10 characters"]
        assert user is not None and (user.username, user.role, user.display_name) == ("admin", "admin", "Ada Admin")
    finally:
        clinic.close()
    again = open_clinic(tmp_path / "data")
    try:
        assert again.has_accounts

        def sign_in_screen() -> None:
            dialog = QApplication.activeModalWidget()
            if dialog is None:
                QTimer.singleShot(10, sign_in_screen)
                return
            assert isinstance(dialog, SignInDialog), type(dialog)
            qtbot.keyClicks(dialog.form.username, "admin")
            qtbot.keyClicks(dialog.form.password, PASSWORD)
            qtbot.keyClick(dialog.form.password, Qt.Key.Key_Return)

        QTimer.singleShot(0, sign_in_screen)
        user = first_user(again, None, None)
        assert user is not None and user.username == "admin"
    finally:
        again.close()
