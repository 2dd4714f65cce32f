"""The clinic's settings (administrator): the letterhead of every letter, the window period's length
and the idle lock. Each change is audited."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from exam_app.gui.forms import lay_out_form
from exam_app.report.referral import Letterhead
from exam_app.services.context import AppContext, ServiceError
from exam_app.services.settings import IDLE_LOCK_RANGE, ClinicSettings, check_logo, clinic_settings, save_settings
from exam_app.tables import rules


class SettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Clinic settings")
        current = clinic_settings(ctx)
        self.logo: bytes | None = current.letterhead.logo

        head = QGroupBox("Letterhead (printed on every letter and sheet)")
        self.clinic_name = QLineEdit(current.letterhead.clinic_name)
        self.address = QPlainTextEdit(current.letterhead.address)
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(70)
        self.phone = QLineEdit(current.letterhead.phone or "")
        self.logo_preview = QLabel()
        self.logo_preview.setFixedHeight(56)
        choose = QPushButton("Choose a logo…")
        choose.clicked.connect(self.choose_logo)
        remove = QPushButton("No logo")
        remove.clicked.connect(lambda: self._show_logo(None))
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_preview, 1)
        logo_row.addWidget(choose)
        logo_row.addWidget(remove)
        form = QFormLayout(head)
        for label, field in (("Clinic name", self.clinic_name), ("Address", self.address), ("Phone", self.phone)):
            field.setAccessibleName(label)
            form.addRow(label, field)
        form.addRow("Logo", logo_row)

        period = QGroupBox("Window period and idle lock")
        window = rules().window_days
        self.window_days = QSpinBox(minimum=window.min, maximum=window.max, suffix=" days")
        self.window_days.setValue(current.window_days)
        self.window_days.setAccessibleName("Window period length in days")
        low, high = IDLE_LOCK_RANGE
        self.idle_minutes = QSpinBox(minimum=low, maximum=high, suffix=" min")
        self.idle_minutes.setValue(current.idle_lock_minutes)
        self.idle_minutes.setAccessibleName("Lock the screen after this many minutes without input")
        period_form = QFormLayout(period)
        period_form.addRow("Window period", self.window_days)
        period_form.addRow("Lock after, without input", self.idle_minutes)
        note = QLabel(f"The window period is {window.default} days by default (rules version "
                      f"{rules().rules_version}); changing it recomputes every patient's window.")
        note.setObjectName("hint")
        note.setWordWrap(True)
        period_form.addRow(note)

        self.error = lay_out_form(self, "Save settings", self.save, head, period)
        self._show_logo(self.logo)
        self.resize(620, self.sizeHint().height())

    def _show_logo(self, data: bytes | None) -> None:
        self.logo = data
        if data is None:
            self.logo_preview.setText("no logo")
            return
        picture = QPixmap()
        picture.loadFromData(data)
        self.logo_preview.setPixmap(picture.scaledToHeight(52))

    def choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the clinic's logo", str(Path.home()),
                                              "Images (*.png *.jpg *.jpeg)")
        if not path:
            return
        try:
            data = Path(path).read_bytes()
            check_logo(data)
        except OSError as error:
            self.error.setText(f"{path}: cannot read ({error.strerror})")
            return
        except ServiceError as error:
            self.error.setText(str(error))
            return
        self._show_logo(data)

    def settings(self) -> ClinicSettings:
        head = Letterhead(self.clinic_name.text().strip(), self.address.toPlainText().strip(),
                          self.phone.text().strip() or None, self.logo)
        current = clinic_settings(self.ctx)
        return replace(current, letterhead=head, window_days=self.window_days.value(),
                       idle_lock_minutes=self.idle_minutes.value())

    def save(self) -> None:
        try:
            save_settings(self.ctx, self.settings())
        except ServiceError as error:
            self.error.setText(str(error))
            return
        self.accept()
