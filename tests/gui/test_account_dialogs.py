"""The administrator's "Add an account" and one's own "Change my password", used through their
fields and buttons: a mistake is said in the dialog and changes nothing."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton
from pytestqt.qtbot import QtBot

from exam_app.gui.accounts_dialog import AccountDialog, ChangePasswordDialog
from exam_app.services.accounts import SignInRefused, sign_in
from exam_app.services.context import AppContext


def _button(dialog: QDialog, caption: str) -> QPushButton:
    [box] = dialog.findChildren(QDialogButtonBox)
    [button] = [b for b in box.buttons() if b.text() == caption]
    return button  # type: ignore[return-value]


def _account_dialog(ctx: AppContext, qtbot: QtBot, username: str, full_name: str, role: str, password: str,
                    again: str) -> AccountDialog:
    """The dialog that adds an account, filled in as a person types it."""
    dialog = AccountDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.username.setText(username)
    dialog.full_name.setText(full_name)
    dialog.role.setCurrentIndex(dialog.role.findData(role))
    dialog.password.setText(password)
    dialog.again.setText(again)
    return dialog


def test_an_account_is_added_from_the_dialog_and_signs_in(gui_ctx: AppContext, qtbot: QtBot) -> None:
    dialog = _account_dialog(gui_ctx, qtbot, "dr.new", "Dr Nia New", "doctor", "a long enough password",
                             "a different password!!")
    dialog.registration.setText("GMC 1234567")
    _button(dialog, "Add the account").click()
    assert dialog.error.text() == "The two passwords differ." and dialog.result() != QDialog.DialogCode.Accepted
    with pytest.raises(SignInRefused):
        sign_in(gui_ctx.db, "dr.new", "a long enough password")  # nothing was added

    dialog.again.setText("a long enough password")
    _button(dialog, "Add the account").click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    user = sign_in(gui_ctx.db, "dr.new", "a long enough password")
    assert (user.display_name, user.role, user.registration_number) == ("Dr Nia New", "doctor", "GMC 1234567")


def test_ones_own_password_is_changed_only_with_the_current_one(gui_ctx: AppContext, qtbot: QtBot) -> None:
    adding = _account_dialog(gui_ctx, qtbot, "pt.own", "Pat Own", "physiotherapist", "the first password",
                             "the first password")
    _button(adding, "Add the account").click()
    own = AppContext(gui_ctx.db, sign_in(gui_ctx.db, "pt.own", "the first password"))

    dialog = ChangePasswordDialog(own)
    qtbot.addWidget(dialog)
    dialog.current.setText("not my password")
    dialog.password.setText("the second password")
    dialog.again.setText("the second password")
    _button(dialog, "Change the password").click()
    assert dialog.error.text() and dialog.result() != QDialog.DialogCode.Accepted
    assert sign_in(gui_ctx.db, "pt.own", "the first password").username == "pt.own"  # unchanged

    dialog.current.setText("the first password")
    _button(dialog, "Change the password").click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert sign_in(gui_ctx.db, "pt.own", "the second password").username == "pt.own"
    with pytest.raises(SignInRefused):
        sign_in(gui_ctx.db, "pt.own", "the first password")
