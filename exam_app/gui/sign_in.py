"""Signing in: the form at start, the same form behind the idle lock, and the clinic administrator's
account on a new database. Patient data is never shown behind it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from exam_app import APP_NAME
from exam_app.gui.forms import lay_out_form, password_fields
from exam_app.services.accounts import NewAccount, create_first_administrator, sign_in
from exam_app.services.context import ActingUser, ServiceError
from exam_app.store.database import Database
from exam_app.tables import roles


class SignInForm(QWidget):
    """User name and password; `signed_in(ActingUser)` once the password is the account's."""

    signed_in = Signal(object)

    def __init__(self, db: Database, heading: str, username: str = "") -> None:
        super().__init__()
        self.db = db
        self.heading = QLabel(heading)
        self.heading.setObjectName("patientTitle")
        self.heading.setWordWrap(True)
        self.username = QLineEdit(username)
        self.username.setAccessibleName("User name")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.button = QPushButton("Sign in")
        self.button.setObjectName("primary")
        self.button.setDefault(True)
        self.button.clicked.connect(self.try_sign_in)
        self.password.returnPressed.connect(self.try_sign_in)
        self.username.returnPressed.connect(self.password.setFocus)
        form = QFormLayout()
        form.addRow("User name", self.username)
        form.addRow("Password", self.password)
        # Wide enough for the lock's message and a full name: a narrow form wraps the heading into
        # more lines than its label was given, and clips it.
        self.setMinimumWidth(440)
        for field in (self.username, self.password):
            field.setMinimumWidth(260)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignRight)

    def focus(self) -> None:
        (self.password if self.username.text() else self.username).setFocus()

    def try_sign_in(self) -> None:
        try:
            user = sign_in(self.db, self.username.text(), self.password.text())
        except ServiceError as error:
            self.error.setText(str(error))
            self.password.clear()
            self.password.setFocus()
            return
        self.password.clear()
        self.error.clear()
        self.signed_in.emit(user)


class SignInDialog(QDialog):
    """The first screen: nothing of the clinic is shown until someone has signed in."""

    def __init__(self, db: Database, username: str = "", message: str = "") -> None:
        super().__init__()
        self.setWindowTitle(f"Sign in — {APP_NAME}")
        self.user: ActingUser | None = None
        self.form = SignInForm(db, "Sign in to the clinic's records", username)
        self.form.error.setText(message)
        self.form.signed_in.connect(self._signed_in)
        QVBoxLayout(self).addWidget(self.form)
        self.form.focus()

    def _signed_in(self, user: ActingUser) -> None:
        self.user = user
        self.accept()


class FirstAdministratorDialog(QDialog):
    """A database with no account yet: the clinic administrator's account comes first."""

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.user: ActingUser | None = None
        self.setWindowTitle("The clinic administrator's account")
        intro = QLabel("This clinic has no account yet. Create the clinic administrator's account; the "
                       "administrator then adds the physiotherapists, doctors and front desk.")
        intro.setWordWrap(True)
        self.username = QLineEdit("admin")
        self.full_name = QLineEdit()
        self.password, self.again = password_fields()
        form = QFormLayout()
        for label, field in (("User name", self.username), ("Full name", self.full_name),
                             (f"Password (at least {roles().accounts.min_password_length} characters)", self.password),
                             ("The same again", self.again)):
            field.setAccessibleName(label)
            field.setMinimumWidth(300)  # a full name shows whole
            form.addRow(label, field)
        self.setMinimumWidth(600)
        self.error = lay_out_form(self, "Create the account", self.create_account, intro, form)

    def create_account(self) -> None:
        if self.password.text() != self.again.text():
            self.error.setText("The two passwords differ.")
            return
        try:
            self.user = create_first_administrator(self.db, NewAccount(
                self.username.text(), self.full_name.text(), "admin", self.password.text()))
        except ServiceError as error:
            self.error.setText(str(error))
            return
        self.accept()
