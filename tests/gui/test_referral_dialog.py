"""The front desk's referral letter: a real preview, issued and stored, printed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from exam_app.gui.pdf_pages import print_pdf
from exam_app.gui.referral_dialog import ReferralDialog
from exam_app.services.context import AppContext
from exam_app.services.demo import fill_demo_clinic
from exam_app.services.referral import letters_of

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


def test_the_preview_shows_every_page_and_issuing_stores_the_letter(
        demo_ctx: AppContext, qtbot: QtBot, tmp_path: Path) -> None:
    fill_demo_clinic(demo_ctx, 2, seed=1, now=NOW)
    dialog = ReferralDialog(demo_ctx, "D-0100001")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.last_pdf is not None, timeout=20_000)
    pages = [w for w in dialog.pages.findChildren(QLabel) if w.accessibleName().startswith("Page ")]
    assert len(pages) == len(PdfReader(_write(dialog.last_pdf, tmp_path / "preview.pdf")).pages) >= 2
    assert all(not p.pixmap().isNull() and p.pixmap().width() > 500 for p in pages)

    letter = dialog._issue()
    assert letter is not None and letter.pdf.startswith(b"%PDF")
    assert [s.letter_id for s in letters_of(demo_ctx, "D-0100001")] == [letter.letter_id]
    assert dialog.history.count() == 1 and dialog.reprint_button.isEnabled()


def test_a_patient_without_a_signed_visit_cannot_be_referred(gui_ctx: AppContext, qtbot: QtBot) -> None:
    dialog = ReferralDialog(gui_ctx, "R-100")
    qtbot.addWidget(dialog)
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    assert "only a signed visit can be referred" in dialog.state.text()


def test_printing_puts_every_page_on_the_printer(demo_ctx: AppContext, qtbot: QtBot, tmp_path: Path) -> None:
    fill_demo_clinic(demo_ctx, 1, seed=1, now=NOW)
    dialog = ReferralDialog(demo_ctx, "D-0100001")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.last_pdf is not None, timeout=20_000)
    assert dialog.last_pdf is not None
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    print_pdf(dialog.last_pdf, printer)
    expected = len(PdfReader(_write(dialog.last_pdf, tmp_path / "letter.pdf")).pages)
    assert len(PdfReader(printed).pages) == expected


def _write(pdf: bytes | None, path: Path) -> Path:
    assert pdf is not None
    path.write_bytes(pdf)
    return path
