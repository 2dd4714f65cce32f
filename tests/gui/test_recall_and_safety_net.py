"""The worklist's next examinations, the recall marks made from it, and the safety-net sheet printed
from a signed visit with Ctrl+P: real widgets, then what was stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QColor
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from exam_app.gui.main_window import MainWindow
from exam_app.gui.recall_dialog import OVERDUE_RED, RecallDialog
from exam_app.gui.safety_net_print import SafetyNetPrinting
from exam_app.gui.worklist import WorklistModel, WorklistPanel
from exam_app.services.context import AppContext
from exam_app.services.handout import sheets_of
from exam_app.services.recall import recall_history
from exam_app.services.visits import find_visit
from exam_app.store import models
from tests.gui.conftest import Keyboard
from tests.services.schedules import NOW, acting_as, fill_schedules


def column(model: WorklistModel, number: int, role: int = Qt.ItemDataRole.DisplayRole) -> list[object]:
    return [model.data(model.index(row, number), role) for row in range(model.rowCount())]


def row_of(model: WorklistModel, record_number: str) -> int:
    return [model.row(r).record_number for r in range(model.rowCount())].index(record_number)


def test_the_worklist_shows_when_each_examination_is_due_and_filters_the_due(
        gui_ctx: AppContext, qtbot: QtBot, qtmodeltester: ModelTester) -> None:
    fill_schedules(gui_ctx)
    panel = WorklistPanel(gui_ctx)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    panel.refresh(NOW)
    model = panel.model
    qtmodeltester.check(model)
    due = dict(zip(column(model, WorklistModel.RECORD), column(model, WorklistModel.NEXT_EXAM), strict=True))
    assert due == {"F": "OVERDUE 3 h 0 min", "A": "OVERDUE 8 h 0 min", "B": "in 10 h 0 min", "D": "in 23 h 0 min",
                   "C": f"overdue {due['C'].split(' ', 1)[1]}"}
    red = dict(zip(column(model, WorklistModel.RECORD),
                   column(model, WorklistModel.NEXT_EXAM, Qt.ItemDataRole.ForegroundRole), strict=True))
    assert red["A"] == red["F"] == QColor(OVERDUE_RED) and red["B"] is None and red["C"] is None
    phone = model.data(model.index(row_of(model, "A"), WorklistModel.PHONE))
    assert phone == "+44 20 7946 0001"
    tip = str(model.data(model.index(row_of(model, "A"), WorklistModel.NEXT_EXAM), Qt.ItemDataRole.ToolTipRole))
    assert "overdue inside the open window period" in tip and "urgent: examined again 12 h after" in tip
    assert "2 overdue inside the window" in panel.title.text()

    qtbot.mouseClick(panel.due_only, Qt.MouseButton.LeftButton)
    panel.refresh(NOW)
    assert column(model, WorklistModel.RECORD) == ["A", "F", "C", "B"]
    assert panel.title.text().startswith("<h3>Re-examinations due today: 4 patients")


def test_the_front_desk_marks_a_booking_from_the_worklist(
        window: MainWindow, gui_ctx: AppContext, qtbot: QtBot, keyboard: Keyboard) -> None:
    fill_schedules(gui_ctx)
    panel = window.worklist
    panel.refresh(NOW)
    panel.table.setFocus()
    panel.table.selectRow(row_of(panel.model, "A"))
    keyboard.press(Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = panel.recall_dialog
    assert isinstance(dialog, RecallDialog) and dialog.entry.record_number == "A"
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert "+44 20 7946 0001" in dialog.phone.text()
    assert "inside the open window period" in dialog.due.text() and "Based on: urgent" in dialog.due.text()
    assert not dialog.when.isEnabled()
    keyboard.press(Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)  # a mnemonic clicks after a short animation
    qtbot.waitUntil(lambda: dialog.chosen() == "booked")
    assert dialog.when.isEnabled()
    booked = (datetime.now().astimezone() + timedelta(hours=3)).replace(second=0, microsecond=0)
    dialog.when.setDateTime(QDateTime.fromSecsSinceEpoch(int(booked.timestamp())))
    dialog.note.setFocus()
    qtbot.keyClicks(dialog.note, "spoke to her")
    with qtbot.waitSignal(dialog.marked):
        qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    [mark] = recall_history(gui_ctx, "A")
    assert (mark.outcome, mark.booked_for, mark.note, mark.current) == ("booked", booked, "spoke to her", True)
    with gui_ctx.db.session() as session:
        events = session.scalars(select(models.AuditEvent).where(models.AuditEvent.action == "recall_marked")).all()
        assert [e.entity_id for e in events] == ["A"]
    panel.refresh(NOW)
    text = panel.model.data(panel.model.index(row_of(panel.model, "A"), WorklistModel.RECALL))
    assert str(text).startswith("booked for ")


def test_a_booking_in_the_past_is_refused_in_the_dialog(gui_ctx: AppContext, qtbot: QtBot) -> None:
    fill_schedules(gui_ctx)
    panel = WorklistPanel(gui_ctx)
    qtbot.addWidget(panel)
    panel.refresh(NOW)
    dialog = RecallDialog(gui_ctx, panel.model.row(row_of(panel.model, "B")))
    qtbot.addWidget(dialog)
    dialog.buttons["booked"].setChecked(True)
    past = datetime.now().astimezone() - timedelta(hours=2)
    dialog.when.setDateTime(QDateTime.fromSecsSinceEpoch(int(past.timestamp())))
    dialog.save()
    assert "is in the past" in dialog.error.text() and dialog.saved is None
    assert recall_history(gui_ctx, "B") == []


def test_an_administrator_cannot_recall(gui_ctx: AppContext, qtbot: QtBot) -> None:
    fill_schedules(gui_ctx)
    panel = WorklistPanel(acting_as(gui_ctx, "admin"))
    qtbot.addWidget(panel)
    panel.refresh(NOW)
    assert not panel.recall_button.isEnabled()
    panel.recall_selected()
    assert panel.recall_dialog is None


@pytest.fixture
def printer_to(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The print dialog answered with a printer that writes a PDF file."""
    printed = tmp_path / "printed.pdf"

    def choose(_self: SafetyNetPrinting) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return printer

    monkeypatch.setattr(SafetyNetPrinting, "choose_printer", choose)
    return printed


def test_ctrl_p_on_a_signed_visit_prints_and_stores_the_sheet(
        window: MainWindow, gui_ctx: AppContext, keyboard: Keyboard, printer_to: Path,
        wait_until: Callable[[Callable[[], bool]], None]) -> None:
    fill_schedules(gui_ctx)
    window.open_visit(find_visit(gui_ctx, "A", NOW - timedelta(hours=20)))
    editor = window.editor
    assert editor is not None and editor.safety_net_button.isVisible()
    keyboard.ctrl(Qt.Key.Key_P)
    wait_until(lambda: "printed" in editor.save_state.text())
    assert editor.save_state.text() == "Safety-net sheet printed (stored as issued)"
    [sheet] = sheets_of(gui_ctx, "A")
    assert sheet.visit_examined_at == NOW - timedelta(hours=20)
    assert len(PdfReader(printer_to).pages) == 1


def test_ctrl_p_on_a_draft_prints_nothing(
        window: MainWindow, gui_ctx: AppContext, keyboard: Keyboard, printer_to: Path) -> None:
    window.new_visit("R-100")
    editor = window.editor
    assert editor is not None and not editor.safety_net_button.isVisible()
    keyboard.ctrl(Qt.Key.Key_P)
    assert editor.save_state.text() == "Sign the visit first: the safety-net sheet is printed from a signed visit"
    assert sheets_of(gui_ctx, "R-100") == [] and not printer_to.exists()
