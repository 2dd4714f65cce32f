"""The dialogs that ask for a few fields and act on them (accounts, passwords, clinic settings, the
first administrator) end the same way: a line that says what is wrong, then Cancel and the action."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLayout, QLineEdit, QVBoxLayout, QWidget


def lay_out_form(dialog: QDialog, action: str, act: Callable[[], object], *parts: QWidget | QLayout) -> QLabel:
    """`parts` one under the other, the error line, Cancel and the `action` button calling `act`.
    Returns the error line, for `act` to say why it did nothing."""
    error = QLabel()
    error.setObjectName("error")
    error.setWordWrap(True)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole).clicked.connect(act)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    for part in parts:
        if isinstance(part, QLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part)
    layout.addWidget(error)
    layout.addWidget(buttons)
    return error


def password_fields() -> tuple[QLineEdit, QLineEdit]:
    """A password and the same again, both hidden as typed."""
    fields = (QLineEdit(), QLineEdit())
    for field in fields:
        field.setEchoMode(QLineEdit.EchoMode.Password)
    return fields
