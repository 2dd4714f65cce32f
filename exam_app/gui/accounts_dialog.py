"""Accounts (administrator): who may sign in, with which role, and the name, registration number and
contact each signs with; and one's own password."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from exam_app.gui.forms import lay_out_form, password_fields
from exam_app.gui.table_model import Index as _Index
from exam_app.gui.table_model import RowsTableModel, row_list_view
from exam_app.services import accounts
from exam_app.services.accounts import Account, NewAccount
from exam_app.services.context import AppContext, ServiceError
from exam_app.tables import roles
from exam_app.wording import moment


class AccountTableModel(RowsTableModel):
    USER, NAME, ROLE, STATE, REGISTRATION, CONTACT = range(6)
    HEADERS: ClassVar[tuple[str, ...]] = ("User", "Full name", "Role", "State", "Registration", "Contact")

    def row(self, number: int) -> Account:
        return self._rows[number]  # type: ignore[no-any-return]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        account = self.row(index.row())
        state = "active" if account.active else "disabled"
        if account.active and account.locked_until is not None:
            state = f"locked until {moment(account.locked_until)}"
        return (account.username, account.full_name, account.role_label, state,
                account.registration_number or "", " ".join(c for c in (account.phone, account.email) if c)
                )[index.column()]


class AccountDialog(QDialog):
    """A new account: who, which role, what they sign with, and a first password."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Add an account")
        self.username = QLineEdit()
        self.full_name = QLineEdit()
        self.role = QComboBox()
        for role in roles().roles:
            self.role.addItem(roles().label(role), role)
        self.registration = QLineEdit()
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.password, self.again = password_fields()
        form = QFormLayout()
        shortest = roles().accounts.min_password_length
        for label, field in (("User name", self.username), ("Full name (signs visits and letters)", self.full_name),
                             ("Role", self.role), ("Registration number", self.registration),
                             ("Phone", self.phone), ("Email", self.email),
                             (f"First password (at least {shortest} characters)", self.password),
                             ("The same again", self.again)):
            field.setAccessibleName(label)
            form.addRow(label, field)
        self.error = lay_out_form(self, "Add the account", self.add, form)

    def add(self) -> None:
        if self.password.text() != self.again.text():
            self.error.setText("The two passwords differ.")
            return
        try:
            accounts.add_account(self.ctx, NewAccount(
                self.username.text(), self.full_name.text(), self.role.currentData(), self.password.text(),
                self.registration.text(), self.phone.text(), self.email.text()))
        except ServiceError as error:
            self.error.setText(str(error))
            return
        self.accept()


class AccountsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Accounts")
        self.model = AccountTableModel()
        self.table = row_list_view(self.model, "Accounts", AccountTableModel.NAME)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.add_button = QPushButton("Add…")
        self.add_button.clicked.connect(self.add)
        self.state_button = QPushButton("Disable…")
        self.state_button.clicked.connect(self.toggle_active)
        self.password_button = QPushButton("Reset password…")
        self.password_button.clicked.connect(self.reset_password)
        self.role_button = QPushButton("Change role…")
        self.role_button.clicked.connect(self.change_role)
        self.message = QLabel()
        self.message.setObjectName("hint")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.state_button, self.password_button, self.role_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(980, 460)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(accounts.list_accounts(self.ctx))
        if self.model.rowCount():
            self.table.selectRow(0)
        self._enable()

    def selected(self) -> Account | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def _enable(self) -> None:
        account = self.selected()
        for button in (self.state_button, self.password_button, self.role_button):
            button.setEnabled(account is not None)
        if account is not None:
            self.state_button.setText("Disable…" if account.active else "Enable")

    def _done(self, text: str) -> None:
        self.message.setText(text)
        self.refresh()

    def add(self) -> None:
        if AccountDialog(self.ctx, self).exec():
            self._done("Account added.")

    def toggle_active(self) -> None:
        account = self.selected()
        if account is None:
            return
        if account.active:
            box = QMessageBox(QMessageBox.Icon.Warning, "Disable the account?",
                              f"{account.full_name} ({account.username}) will no longer be able to sign in. What "
                              "they signed stays signed by them.", parent=self)
            disable = box.addButton("Disable the account", QMessageBox.ButtonRole.DestructiveRole)
            box.addButton("Keep it", QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is not disable:
                return
        try:
            changed = accounts.set_active(self.ctx, account.username, not account.active)
        except ServiceError as error:
            QMessageBox.warning(self, "Not changed", str(error))
            return
        self._done(f"{changed.username} {'enabled' if changed.active else 'disabled'}.")

    def reset_password(self) -> None:
        account = self.selected()
        if account is None:
            return
        password, given = QInputDialog.getText(
            self, "Reset the password", f"A new password for {account.full_name} ({account.username}); tell "
            "them in person. Their account is unlocked.", QLineEdit.EchoMode.Password)
        if not given:
            return
        try:
            accounts.reset_password(self.ctx, account.username, password)
        except ServiceError as error:
            QMessageBox.warning(self, "Not changed", str(error))
            return
        self._done(f"Password of {account.username} reset.")

    def change_role(self) -> None:
        account = self.selected()
        if account is None:
            return
        names = [roles().label(r) for r in roles().roles]
        chosen, given = QInputDialog.getItem(self, "Change the role", f"Role of {account.full_name}:", names,
                                             names.index(account.role_label) if account.role_label in names else 0,
                                             False)
        if not given:
            return
        role = list(roles().roles)[names.index(chosen)]
        try:
            accounts.set_role(self.ctx, account.username, role)
        except ServiceError as error:
            QMessageBox.warning(self, "Not changed", str(error))
            return
        self._done(f"{account.username} is now {chosen}.")


class ChangePasswordDialog(QDialog):
    """One's own password: the current one, then the new one twice."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Change my password")
        self.current = QLineEdit()
        self.current.setEchoMode(QLineEdit.EchoMode.Password)
        self.password, self.again = password_fields()
        form = QFormLayout()
        for label, field in (("Current password", self.current),
                             (f"New password (at least {roles().accounts.min_password_length} characters)",
                              self.password), ("The same again", self.again)):
            field.setAccessibleName(label)
            form.addRow(label, field)
        self.error = lay_out_form(self, "Change the password", self.change, form)

    def change(self) -> None:
        if self.password.text() != self.again.text():
            self.error.setText("The two new passwords differ.")
            return
        try:
            accounts.change_own_password(self.ctx, self.current.text(), self.password.text())
        except ServiceError as error:
            self.error.setText(str(error))
            return
        self.accept()
