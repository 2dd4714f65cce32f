"""Printing the patient's safety-net sheet from a signed visit (Ctrl+P in the visit editor).

The printer is chosen first, so a cancelled print issues nothing; the sheet is then rendered and
stored off the GUI thread and printed when it is ready.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from exam_app.gui.background import run_in_background
from exam_app.gui.pdf_pages import print_pdf
from exam_app.services.context import AppContext, ServiceError
from exam_app.services.handout import IssuedSheet, issue_handout
from exam_app.tables import roles


class SafetyNetPrinting(QObject):
    started = Signal()
    printed = Signal(object)  # the IssuedSheet
    failed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.window = parent
        self.busy = False

    def choose_printer(self) -> QPrinter | None:
        """The printer to use, from the system's print dialog; None when cancelled."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self.window).exec() != QDialog.DialogCode.Accepted:
            return None
        return printer

    def print_sheet(self, record_number: str, visit_id: int) -> None:
        if self.busy:
            return
        if not self.ctx.may("handout"):
            self.failed.emit(f"{self.ctx.user.display_name} may not {roles().actions['handout']}")
            return
        printer = self.choose_printer()
        if printer is None:
            return
        self.busy = True
        self.started.emit()
        run_in_background(lambda: issue_handout(self.ctx, record_number, visit_id),
                          lambda sheet: self._print(sheet, printer), self._failed, self)

    def _print(self, sheet: IssuedSheet, printer: QPrinter) -> None:
        self.busy = False
        try:
            print_pdf(sheet.pdf, printer)
        except OSError as error:
            self.failed.emit(f"The sheet was issued but not printed: {error}")
            return
        self.printed.emit(sheet)

    def _failed(self, error: Exception) -> None:
        self.busy = False
        self.failed.emit(str(error) if isinstance(error, ServiceError) else f"The sheet was not issued: {error}")
