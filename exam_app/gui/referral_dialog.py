"""Referral letter: choose what goes in, preview it, then issue it (print or save as PDF).

Issuing stores the letter exactly as it is; a re-print sends the stored letter, unchanged.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from exam_app.gui.background import run_in_background
from exam_app.gui.keys import caption, shortcut
from exam_app.gui.pdf_pages import page_images, print_pdf
from exam_app.services.context import AppContext, ServiceError
from exam_app.services.exports import file_names, save_fhir_bundle
from exam_app.services.outputs import check_output
from exam_app.services.referral import (
    DEFAULT_RECIPIENT,
    IssuedLetter,
    ReferralChoice,
    issue_letter,
    letters_of,
    preview_letter,
    referral_content,
    referral_options,
    reprint,
    signatory_choices,
    signed_visits,
)
from exam_app.wording import moment

PREVIEW_DELAY_MS = 300


class ReferralDialog(QDialog):
    def __init__(self, ctx: AppContext, record_number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record_number = record_number
        self.setWindowTitle(f"Referral letter — {record_number}")
        self.resize(1200, 860)
        self.last_pdf: bytes | None = None
        self.issued: IssuedLetter | None = None

        self.visit = QComboBox()
        self.visit.setAccessibleName("Visit to refer")
        for visit_id, examined_at, status in signed_visits(ctx, record_number):
            self.visit.addItem(f"{moment(examined_at)} ({status})", visit_id)
        self.recipient = QLineEdit(DEFAULT_RECIPIENT)
        self.recipient.setAccessibleName("Recipient")
        self.signed_by = QComboBox()
        self.signed_by.setAccessibleName("Signed by")
        self._fill_signatories()
        self.visit.currentIndexChanged.connect(self._fill_signatories)
        self.findings = QComboBox()
        self.findings.setAccessibleName("Findings to include")
        self.findings.addItem("All findings", "all")
        self.findings.addItem("Abnormal findings only", "abnormal")
        self.trend = QCheckBox("LEMS trend chart")
        self.trend.setChecked(True)
        self.body = QCheckBox("Dermatome body chart")
        self.body.setChecked(True)
        self.state = QLabel()
        self.state.setObjectName("hint")
        self.state.setWordWrap(True)
        self.print_button = QPushButton(caption("Issue and print…", "issue_and_print"))
        self.print_button.setObjectName("primary")
        self.save_button = QPushButton("Issue and save as PDF…")
        self.print_button.clicked.connect(self.issue_and_print)
        self.save_button.clicked.connect(self.issue_and_save)
        # For a recipient whose system reads FHIR: the visits, scores and the letters issued so far.
        self.fhir_button = QPushButton("Save the record as FHIR…")
        self.fhir_button.clicked.connect(self.save_fhir)
        self.fhir_button.setEnabled(ctx.may("export"))
        if not ctx.may("export"):
            self.fhir_button.setToolTip(f"{ctx.user.display_name} may not export records")
        shortcut("issue_and_print", self, self.issue_and_print)

        self.history = QListWidget()
        self.history.setAccessibleName("Letters issued before")
        self.reprint_button = QPushButton("Re-print the selected letter")
        self.reprint_button.clicked.connect(self.reprint_selected)

        form = QFormLayout()
        form.addRow("Visit", self.visit)
        form.addRow("To", self.recipient)
        form.addRow("Signed by", self.signed_by)
        form.addRow("Findings", self.findings)
        form.addRow(self.trend)
        form.addRow(self.body)
        side = QVBoxLayout()
        side.addLayout(form)
        side.addWidget(self.print_button)
        side.addWidget(self.save_button)
        side.addWidget(self.fhir_button)
        side.addWidget(self.state)
        side.addSpacing(16)
        side.addWidget(QLabel("<b>Issued before</b>"))
        side.addWidget(self.history, 1)
        side.addWidget(self.reprint_button)

        self.pages = QWidget()
        self.pages_layout = QVBoxLayout(self.pages)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.pages)
        scroll.setAccessibleName("Preview of the letter")
        layout = QHBoxLayout(self)
        layout.addLayout(side, 1)
        layout.addWidget(scroll, 3)

        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.refresh_preview)
        for signal in (self.visit.currentIndexChanged, self.findings.currentIndexChanged,
                       self.signed_by.currentIndexChanged, self.recipient.textChanged, self.trend.toggled,
                       self.body.toggled):
            signal.connect(self._preview_timer.start)
        self._fill_history()
        if self.visit.count() == 0:
            self.state.setText("This patient has no signed visit: only a signed visit can be referred.")
            for widget in (self.print_button, self.save_button):
                widget.setEnabled(False)
        else:
            self.refresh_preview()

    # ------------------------------------------------------------------ choice and preview

    def choice(self) -> ReferralChoice:
        return ReferralChoice(
            record_number=self.record_number, visit_id=self.visit.currentData(),
            recipient=self.recipient.text(),
            options=referral_options(self.findings.currentData(), self.trend.isChecked(), self.body.isChecked()),
            signed_by=self.signed_by.currentData())

    def _fill_signatories(self) -> None:
        """The clinicians who may sign the letter of the chosen visit: the doctor who signed its note,
        and the examiner who signed the visit."""
        self.signed_by.blockSignals(True)
        self.signed_by.clear()
        choices = signatory_choices(self.ctx, self.record_number, self.visit.currentData())
        for who, name in choices.items():
            self.signed_by.addItem(f"{name} ({'doctor who signed the note' if who == 'doctor' else 'examiner'})",
                                   who)
        self.signed_by.blockSignals(False)

    def refresh_preview(self) -> None:
        if self.visit.count() == 0:
            return
        choice = self.choice()
        self.state.setText("Preparing the preview…")
        run_in_background(lambda: preview_letter(self.ctx, choice), self._show_preview, self._preview_failed, self)

    def _show_preview(self, pdf: bytes) -> None:
        self.last_pdf = pdf
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            shown = item.widget() if item is not None else None
            if shown is not None:
                shown.deleteLater()
        images = page_images(pdf, 96)
        for number, image in enumerate(images, 1):
            page = QLabel()
            page.setPixmap(QPixmap.fromImage(image))
            page.setAccessibleName(f"Page {number} of {len(images)}")
            page.setStyleSheet("border: 1px solid #bbb; background: white;")
            self.pages_layout.addWidget(page)
        self.state.setText(f"Preview: {len(images)} pages. Issuing stores the letter as shown.")

    def _preview_failed(self, error: Exception) -> None:
        self.state.setText(f"No preview: {error}")

    # ------------------------------------------------------------------ issuing

    def _issue(self) -> IssuedLetter | None:
        try:
            choice = self.choice()
            content = referral_content(self.ctx, self.record_number, choice.visit_id, choice.recipient,
                                       signed_by=choice.signed_by)
            letter = issue_letter(self.ctx, content, self.choice().options)
        except ServiceError as error:
            QMessageBox.warning(self, "The letter was not issued", str(error))
            return None
        self.issued = letter
        self._fill_history()
        return letter

    def issue_and_print(self) -> None:
        if not self.print_button.isEnabled():
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
            return
        letter = self._issue()
        if letter is not None:
            self._print(letter.pdf, printer)

    def issue_and_save(self) -> None:
        default = str(Path.home() / f"referral-{self.record_number}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, "Save the referral letter", default, "PDF (*.pdf)")
        if path:
            try:  # the file dialog asked before replacing a file; the database and backups are never replaced
                check_output(self.ctx, Path(path), force=True, option="Save as")
            except ServiceError as error:
                QMessageBox.warning(self, "Not saved", str(error))
                return
            letter = self._issue()
            if letter is not None:
                self._save(letter.pdf, Path(path))

    def _print(self, pdf: bytes, printer: QPrinter) -> None:
        try:
            print_pdf(pdf, printer)
        except OSError as error:
            QMessageBox.warning(self, "Not printed", str(error))
            return
        self.state.setText("Printed.")

    def _save(self, pdf: bytes, path: Path) -> None:
        try:
            path.write_bytes(pdf)
        except OSError as error:
            QMessageBox.warning(self, "Not saved", f"{path}: {error.strerror}")
            return
        self.state.setText(f"Saved to {path}.")

    def save_fhir(self) -> None:
        record_number = self.record_number
        default = Path.home() / file_names([record_number], ".fhir.json")[record_number]
        path, _ = QFileDialog.getSaveFileName(self, "Save the record as FHIR", str(default), "FHIR JSON (*.json)")
        if not path:
            return
        self.state.setText("Saving the FHIR bundle…")
        run_in_background(lambda: save_fhir_bundle(self.ctx, record_number, Path(path)),
                          lambda saved: self.state.setText(f"Saved as FHIR to {saved}."),
                          self._fhir_failed, self)

    def _fhir_failed(self, error: Exception) -> None:
        self.state.setText("")
        QMessageBox.warning(self, "Not saved", str(error))

    def _fill_history(self) -> None:
        self.history.clear()
        for letter in letters_of(self.ctx, self.record_number):
            item = QListWidgetItem(f"{moment(letter.issued_at)} by {letter.issued_by} to {letter.recipient} "
                                   f"(visit of {moment(letter.visit_examined_at)})")
            item.setData(Qt.ItemDataRole.UserRole, letter.letter_id)
            self.history.addItem(item)
        self.reprint_button.setEnabled(self.history.count() > 0)

    def reprint_selected(self) -> None:
        item = self.history.currentItem() or self.history.item(0)
        if item is None:
            return
        try:
            letter = reprint(self.ctx, int(item.data(Qt.ItemDataRole.UserRole)))
        except ServiceError as error:
            QMessageBox.warning(self, "Not re-printed", str(error))
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted:
            self._print(letter.pdf, printer)
