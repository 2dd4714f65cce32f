"""The ISNCSCI worksheet page of the visit editor: typed by keyboard at the speed of the motor grid,
values copied down the column (and the switch that turns it off), the classification beside it
recomputed as the boxes are typed, saved with the draft, read-only once signed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from exam_app.clinical.compare import ISNCSCI, Cell
from exam_app.clinical.isncsci import entry_key, isncsci_tables
from exam_app.clinical.record import ExamRecord
from exam_app.gui.compare_table import cell_description, visit_description
from exam_app.gui.main_window import MainWindow
from exam_app.gui.visit.editor import VisitEditor
from exam_app.report.specimens import cord_compression, jane_doe
from exam_app.services.comparison import compare_visits
from exam_app.services.context import AppContext
from exam_app.services.records import import_record
from exam_app.services.visits import earlier_visits, open_visit, stored_visits
from tests.gui.conftest import Keyboard
from tests.gui.test_visit_by_keyboard import open_patient_by_search


def _open_worksheet(window: MainWindow, keyboard: Keyboard,
                    wait_until: Callable[[Callable[[], bool]], None]) -> VisitEditor:
    open_patient_by_search(window, keyboard, "zo", wait_until)
    keyboard.ctrl(Qt.Key.Key_N)
    editor = window.editor
    assert editor is not None
    keyboard.ctrl(Qt.Key.Key_7)
    assert QApplication.focusWidget() is editor.isncsci.grid
    return editor


def test_a_digit_fills_its_column_below_and_moves_down(
        window: MainWindow, keyboard: Keyboard, wait_until: Callable[[Callable[[], bool]], None]) -> None:
    editor = _open_worksheet(window, keyboard, wait_until)
    page, levels = editor.isncsci, isncsci_tables().levels
    assert "Not classified yet: 134 of 134 boxes are empty" in page.result.text()
    keyboard.type("2")  # right C2 light touch, copied down to S4-5
    entries = editor.controller.visit.isncsci
    assert entries is not None
    assert all(entries[entry_key(level, "right", "light_touch")] == "2" for level in levels)
    assert page.grid.currentIndex().row() == 1  # on C3
    keyboard.type("2" * 8)  # C3 … T2 typed by hand: T3 and below still copies
    keyboard.type("1")  # T3: 1 from here down, the boxes above keep their 2
    entries = editor.controller.visit.isncsci
    assert entries is not None
    assert entries[entry_key("T2", "right", "light_touch")] == "2"
    assert entries[entry_key("T3", "right", "light_touch")] == "1"
    assert entries[entry_key("S4_5", "right", "light_touch")] == "1"
    keyboard.type("*")  # tags T3, and the copies below follow it
    entries = editor.controller.visit.isncsci
    assert entries is not None
    assert entries[entry_key("T3", "right", "light_touch")] == "1*"
    assert entries[entry_key("S4_5", "right", "light_touch")] == "1*"
    assert entries[entry_key("T4", "right", "light_touch")] == "1*"


def test_a_box_typed_by_hand_stops_the_copy(
        window: MainWindow, keyboard: Keyboard, wait_until: Callable[[Callable[[], bool]], None]) -> None:
    editor = _open_worksheet(window, keyboard, wait_until)
    page = editor.isncsci
    page.grid.focus_box(entry_key("T10", "right", "light_touch"))
    keyboard.type("0")  # T10 down to S4-5: 0
    page.grid.focus_box(entry_key("C2", "right", "light_touch"))
    keyboard.type("2")  # C2 down to T9: 2, stopping at T10 typed by hand
    entries = editor.controller.visit.isncsci
    assert entries is not None
    assert entries[entry_key("T9", "right", "light_touch")] == "2"
    assert entries[entry_key("T10", "right", "light_touch")] == "0"
    assert entries[entry_key("S4_5", "right", "light_touch")] == "0"


def test_the_switch_turns_the_copy_off(
        window: MainWindow, keyboard: Keyboard, wait_until: Callable[[Callable[[], bool]], None]) -> None:
    editor = _open_worksheet(window, keyboard, wait_until)
    page = editor.isncsci
    keyboard.press(Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)  # the switch, by its mnemonic
    wait_until(lambda: not page.copy_down.isChecked())
    assert QApplication.focusWidget() is page.grid  # back where the typing was
    keyboard.type("21")
    assert editor.controller.visit.isncsci == {"c2RightTouch": "2", "c3RightTouch": "1"}


def test_motor_columns_hold_key_muscles_only_and_the_cursor_skips_the_rest(
        window: MainWindow, keyboard: Keyboard, wait_until: Callable[[Callable[[], bool]], None]) -> None:
    editor = _open_worksheet(window, keyboard, wait_until)
    page = editor.isncsci
    page.grid.focus_box(entry_key("C5", "right", "motor"))
    keyboard.type("5")  # copied to every key muscle below, C6 … T1 and L2 … S1
    keyboard.type("9")  # not a score: ignored
    keyboard.type("4444")  # C6, C7, C8, T1
    assert page.grid.sheet.key(page.grid.currentIndex().row(), page.grid.currentIndex().column()) == "l2RightMotor"
    entries = editor.controller.visit.isncsci
    assert entries is not None
    assert [entries[entry_key(level, "right", "motor")] for level in isncsci_tables().key_muscle_levels] == [
        "5", "4", "4", "4", "4", "4", "4", "4", "4", "4"]
    assert not any(key.startswith("t2") and key.endswith("Motor") for key in entries)


def test_the_classification_follows_the_boxes_and_the_draft_keeps_them(
        window: MainWindow, keyboard: Keyboard, gui_ctx: AppContext,
        wait_until: Callable[[Callable[[], bool]], None]) -> None:
    editor = _open_worksheet(window, keyboard, wait_until)
    page = editor.isncsci
    keyboard.ctrl(Qt.Key.Key_R)  # every box normal
    text = page.result.text()
    assert "AIS grade</td><td><b>E</b>" in text and "INT" in text
    assert "every key muscle 5" in text and "Decision support" in text
    page.grid.focus_box(entry_key("T11", "left", "light_touch"))
    keyboard.type("1")  # left light touch 1 from T11 down
    text = page.result.text()
    assert "sensory level, left</td><td><b>T10</b>" in text
    assert "neurological level of injury (NLI)</td><td><b>T10</b>" in text
    assert "at T11 light touch 1, pin prick 2" in text
    assert "AIS grade</td><td><b>D</b>" in text  # sensation below kept, every key muscle 5
    assert "<td>LEMS</td><td>25</td><td>25</td><td><b>50</b>" in text
    page.grid.focus_box(entry_key("L2", "left", "motor"))
    keyboard.type("2")  # only this box: the boxes below were filled (Ctrl+R), not copied
    text = page.result.text()
    assert "key muscles not 5: L2 2" in text
    assert "<td>LEMS</td><td>25</td><td>22</td><td><b>47</b>" in text
    editor.controller.save()
    wait_until(lambda: not editor.controller.unsaved)
    visit_id = editor.controller.visit_id
    stored = open_visit(gui_ctx, visit_id).visit.isncsci
    assert stored is not None and stored["l2LeftMotor"] == "2" and stored["t11LeftTouch"] == "1"
    assert stored_visits(gui_ctx, "R-100").visits[0].visit.isncsci == stored


def test_anal_findings_and_non_key_muscles_by_keyboard(
        window: MainWindow, keyboard: Keyboard, wait_until: Callable[[Callable[[], bool]], None]) -> None:
    editor = _open_worksheet(window, keyboard, wait_until)
    page = editor.isncsci
    keyboard.press(Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is page.anal["vac"]
    keyboard.type("N")  # the combo box finds "No"
    keyboard.press(Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is page.non_key["right"]
    keyboard.type("C8")
    entries = editor.controller.visit.isncsci
    assert entries is not None
    assert entries["analContraction"] == "No"
    assert entries["rightLowestNonKeyMuscleWithMotorFunction"] == "C8"
    for widget in (page.grid, page.copy_down, *page.anal.values(), *page.non_key.values(), page.result):
        assert widget.accessibleName()


def test_signed_the_worksheet_is_read_only(
        window: MainWindow, keyboard: Keyboard, gui_ctx: AppContext, qtbot: QtBot,
        wait_until: Callable[[Callable[[], bool]], None]) -> None:
    editor = _open_worksheet(window, keyboard, wait_until)
    keyboard.ctrl(Qt.Key.Key_R)
    keyboard.ctrl(Qt.Key.Key_1)
    keyboard.ctrl(Qt.Key.Key_R)
    for page_key in (Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4):
        keyboard.ctrl(page_key)
        keyboard.ctrl(Qt.Key.Key_R)
    keyboard.answer_next_dialog(Qt.Key.Key_Return)
    keyboard.ctrl(Qt.Key.Key_S)
    wait_until(lambda: editor.controller.status == "signed")
    [visit] = earlier_visits(gui_ctx, "R-100").visits
    assert visit.isncsci is not None and visit.isncsci["c2RightTouch"] == "2"
    editor.show_page(6)
    page = editor.isncsci
    page.grid.focus_box("c2RightTouch")
    qtbot.keyClicks(page.grid, "0")
    page.type_box(0, 1, "1")
    page.clear()
    page.fill_normal()
    assert editor.controller.visit.isncsci == visit.isncsci
    assert not page.anal["vac"].isEnabled() and not page.clear_button.isEnabled()
    assert "AIS grade</td><td><b>E</b>" in page.result.text()




def test_a_half_typed_worksheet_sends_the_signature_back_to_it(
        window: MainWindow, keyboard: Keyboard, wait_until: Callable[[Callable[[], bool]], None]) -> None:
    editor = _open_worksheet(window, keyboard, wait_until)
    keyboard.type("2")  # one column typed: 106 boxes still empty
    keyboard.ctrl(Qt.Key.Key_1)
    keyboard.ctrl(Qt.Key.Key_R)
    for page_key in (Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4):
        keyboard.ctrl(page_key)
        keyboard.ctrl(Qt.Key.Key_R)
    assert "ISNCSCI worksheet has 106 empty boxes (Ctrl+7)" in editor.review.status.text()
    assert "The worksheet has 106 empty boxes" in editor.review.browser.toPlainText()
    keyboard.answer_next_dialog(Qt.Key.Key_Return)  # "ISNCSCI worksheet not complete" → OK
    keyboard.ctrl(Qt.Key.Key_S)
    wait_until(lambda: editor.pages.currentWidget() is editor.isncsci)
    assert editor.controller.status == "draft"
    editor.isncsci.fill_normal()
    assert "AIS grade E" in editor.review.browser.toPlainText()


def test_the_comparison_header_lists_what_worsened_in_the_classification(gui_ctx: AppContext) -> None:
    cord = cord_compression(jane_doe(record_number="ISNCSCI-1"))
    assert cord.previous is not None
    import_record(gui_ctx, ExamRecord(cord.patient, [cord.previous, cord.visit]), "test")
    comparison = compare_visits(gui_ctx, "ISNCSCI-1")
    later = visit_description(comparison.columns[1])
    assert "ISNCSCI worse:\n  AIS grade D → C\n  neurological level of injury T10 → T8" in later
    assert "ISNCSCI worse" not in visit_description(comparison.columns[0])
    ais = comparison.row(Cell(ISNCSCI, "asiaImpairmentScale", ""))
    assert ": C, worse (was D on " in cell_description(ais, comparison.columns[1], comparison.cell(ais, 1))
