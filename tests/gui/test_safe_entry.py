"""What is signed is what was examined, on screen: the right patient, one grade one box, no value
changed by a scrolling wheel, refused values said where they are typed, and a visit signed complete
or as incomplete with its reason."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QInputDialog,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from exam_app.clinical.vocabulary import LEFT, RIGHT, SIDES, vocabulary
from exam_app.gui.main_window import MainWindow
from exam_app.gui.patients import PatientDialog
from exam_app.gui.visit.editor import VisitEditor
from exam_app.gui.visit.motor_page import MotorGridModel
from exam_app.services.context import AppContext
from exam_app.services.visits import open_visit, save_draft, sign_visit, start_visit, stored_visits
from tests.gui.conftest import Keyboard, doctor_page
from tests.records import complete

PATTERNS = ("4+", "3-", "5*")


def _editor(window: MainWindow, record_number: str = "R-100") -> VisitEditor:
    window.new_visit(record_number)
    assert window.editor is not None
    return window.editor


def test_ctrl_n_straight_after_typing_opens_the_visit_of_the_patient_typed(
        window: MainWindow, keyboard: Keyboard) -> None:
    assert QApplication.focusWidget() is window.patients.search
    keyboard.type("zo")  # Zoë Müller, selected after a pause in typing
    keyboard.type("\b\b")
    keyboard.type("sm")  # Smith: no pause before Ctrl+N
    keyboard.ctrl(Qt.Key.Key_N)
    editor = window.editor
    assert editor is not None and editor.controller.record_number == "R-200"
    header = editor.header.text()
    assert "Smith, John" in header and "born 2 Jan 1960" in header and "record R-200" in header


def _type(qtbot: QtBot, text: str) -> None:
    for character in text:
        widget = QApplication.focusWidget()
        assert widget is not None
        qtbot.keyClicks(widget, character)


def test_modifiers_typed_after_a_digit_belong_to_that_grade_in_guided_mode(
        window: MainWindow, qtbot: QtBot) -> None:
    editor = _editor(window)
    editor.show_page(1)
    editor.motor.set_guided(True)
    items = vocabulary().motor_items
    expected = {}
    for number, (item, side) in enumerate((m.id, s) for m in items for s in SIDES):
        pattern = PATTERNS[number % 3]
        _type(qtbot, pattern)  # the digit moves the focus on; the modifier still belongs here
        expected[item, side] = pattern
    stored = {(i, s): g for i, sides in editor.controller.visit.motor.items() for s, g in sides.items()}
    assert stored == expected and len(stored) == 22
    last = items[-1]
    assert editor.motor.guided.last_entered.text().startswith(f"Entered: right {last.movement} ")


def test_modifiers_typed_after_a_digit_belong_to_that_grade_in_the_grid(window: MainWindow, qtbot: QtBot) -> None:
    editor = _editor(window)
    editor.show_page(1)
    grid = editor.motor.grid
    assert QApplication.focusWidget() is grid
    items = vocabulary().motor_items
    expected = {}
    for number, (side, item) in enumerate((s, m.id) for s in SIDES for m in items):
        pattern = PATTERNS[number % 3]
        qtbot.keyClicks(grid, pattern)
        expected[item, side] = pattern
    stored = {(i, s): g for i, sides in editor.controller.visit.motor.items() for s, g in sides.items()}
    assert stored == expected and len(stored) == 22


def test_a_modifier_after_moving_on_changes_the_grade_in_view_not_the_one_typed_before(
        window: MainWindow, qtbot: QtBot) -> None:
    editor = _editor(window)
    editor.show_page(1)
    grid = editor.motor.grid
    qtbot.keyClicks(grid, "4")  # left hip flexion 4, the cursor moves to left knee extension
    qtbot.keyClick(grid, Qt.Key.Key_Up)  # back up: the examiner looks at hip flexion again
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    qtbot.keyClicks(grid, "3")  # knee extension 3
    qtbot.keyClick(grid, Qt.Key.Key_Right)  # to the right column: the left grade is out of the way
    qtbot.keyClicks(grid, "+")  # an empty cell: nothing to modify, nothing changes elsewhere
    motor = editor.controller.visit.motor
    assert motor == {"hip_flexion": {"left": "4"}, "knee_extension": {"left": "3"}}
    editor.motor.set_guided(True)
    guided = editor.motor.guided
    guided.show_item(0)
    _type(qtbot, "2")  # left hip flexion 2, the focus goes to the right box
    qtbot.mouseClick(guided.inputs[RIGHT], Qt.MouseButton.LeftButton)  # a click ends "just typed"
    _type(qtbot, "*")
    assert editor.controller.visit.motor["hip_flexion"] == {"left": "2"}


def _guarded_inputs(root: QWidget) -> list[QWidget]:
    return [w for w in root.findChildren(QWidget) if isinstance(w, QAbstractSpinBox | QComboBox) and w.isEnabled()]


def _value(widget: QWidget) -> object:
    if isinstance(widget, QComboBox):
        return widget.currentIndex()
    assert isinstance(widget, QAbstractSpinBox)
    return widget.text()


def _wheel(widget: QWidget, notches: int) -> None:
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, 120 * notches), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


@pytest.fixture
def signed_visit_id(gui_ctx: AppContext) -> int:
    opened = start_visit(gui_ctx, "R-100", datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1))
    sign_visit(gui_ctx, opened.visit_id, complete(opened.visit), opened.version)
    return opened.visit_id


def _screens(window: MainWindow, gui_ctx: AppContext, visit_id: int, qtbot: QtBot) -> Iterator[QWidget]:
    editor = _editor(window)
    for page in range(5):
        editor.show_page(page)
        yield editor.pages.currentWidget()
    dialog = PatientDialog(gui_ctx, window)
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    doctor = doctor_page(gui_ctx, visit_id)
    qtbot.addWidget(doctor)
    doctor.show()
    yield doctor


def test_the_wheel_over_an_unfocused_date_spin_or_combo_box_changes_nothing(
        window: MainWindow, gui_ctx: AppContext, signed_visit_id: int, qtbot: QtBot) -> None:
    checked = 0
    for screen in _screens(window, gui_ctx, signed_visit_id, qtbot):
        qtbot.waitExposed(screen)
        for widget in _guarded_inputs(screen):
            assert widget.focusPolicy() == Qt.FocusPolicy.StrongFocus, widget.accessibleName()
            if widget.hasFocus():
                continue  # the box the examiner is in takes the wheel (tested below)
            before = _value(widget)
            _wheel(widget, -3)
            _wheel(widget, 2)
            assert _value(widget) == before, widget.accessibleName()
            assert not widget.hasFocus()
            checked += 1
    assert checked >= 25  # dates, reflex grades, plantar responses, tension signs, gait, VAC/DAP, combos
    history = window.editor.history if window.editor is not None else None
    assert history is not None and history.examined_at in _guarded_inputs(history)


def test_the_wheel_still_changes_the_box_the_examiner_is_in(window: MainWindow, qtbot: QtBot) -> None:
    editor = _editor(window)
    editor.show_page(3)
    combo = editor.signs._inputs["reflex", "patellar", LEFT]
    assert isinstance(combo, QComboBox)
    combo.setFocus()
    _wheel(combo, -1)
    assert combo.currentIndex() == 1


def test_an_angle_out_of_range_is_refused_visibly_and_blocks_signing(window: MainWindow, qtbot: QtBot) -> None:
    editor = _editor(window)
    editor.show_page(3)
    result = editor.signs._inputs["tension_sign", "straight_leg_raise", LEFT]
    assert isinstance(result, QComboBox)
    result.setCurrentIndex(result.findData("positive"))
    [angle] = [w for w in editor.signs.findChildren(QWidget) if w.accessibleName() == "Left straight leg raise angle"]
    angle.setFocus()
    qtbot.keyClicks(angle, "400")
    assert angle.text() == "400"  # never cut to 40
    # Not the 40 typed on the way to 400: the record holds no angle while the screen shows a refused one.
    assert editor.controller.visit.tension_signs["straight_leg_raise"]["left"].angle is None
    problem = angle.problem  # type: ignore[attr-defined]
    assert problem.isVisible() and "400 is outside 0 to 90" in problem.text()
    assert "Left straight leg raise angle" in next(iter(editor.controller.input_problems.values()))
    qtbot.keyClick(angle, Qt.Key.Key_Backspace)  # 40 is in range: taken
    assert editor.controller.visit.tension_signs["straight_leg_raise"]["left"].angle == 40
    assert not problem.isVisible() and not editor.controller.input_problems


def test_a_time_that_cannot_be_is_said_beside_its_field(window: MainWindow, qtbot: QtBot) -> None:
    editor = _editor(window)
    history = editor.history
    editor.controller.set_examined_at(datetime.now(UTC) + timedelta(hours=2))
    assert history.examined_at_problem.isVisible() and "in the future" in history.examined_at_problem.text()
    editor.controller.set_examined_at(datetime.now(UTC).replace(microsecond=0))
    editor.controller.set_onset(datetime.now(UTC) + timedelta(days=1))
    assert not history.examined_at_problem.isVisible()
    assert history.onset_problem.isVisible() and "after the examination" in history.onset_problem.text()
    editor.controller.set_onset(datetime(1960, 1, 1, tzinfo=UTC))  # Zoë Müller was born in 1970
    assert "before the patient's birth date (1970-05-01)" in history.onset_problem.text()


def _answer(qtbot: QtBot, caption: str, reason: str | None = None) -> list[str]:
    """Click `caption` in the next message box (then type `reason` in the dialog that follows)."""
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, answer)
            return
        seen.append(box.text())
        [button] = [b for b in box.buttons() if b.text().replace("&", "") == caption]
        if reason is not None:
            QTimer.singleShot(0, give_reason)
        button.click()

    def give_reason() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(10, give_reason)
            return
        text = dialog.findChild(QPlainTextEdit)
        assert text is not None and reason is not None
        text.setPlainText(reason)
        dialog.accept()

    QTimer.singleShot(0, answer)
    return seen


def test_an_unfinished_examination_goes_to_its_first_gap_or_is_signed_incomplete(
        window: MainWindow, qtbot: QtBot, gui_ctx: AppContext) -> None:
    editor = _editor(window)
    editor.controller.answer_remaining_red_flags_no()
    editor.controller.set_motor("hip_flexion", "left", "4")
    editor.show_page(4)
    assert "Not recorded yet: 79 items" in editor.review.browser.toPlainText()
    assert "79 items not recorded yet" in editor.review.status.text()
    seen = _answer(qtbot, "Go to the first gap (Ctrl+J)")
    editor.sign()
    assert "79 items are not recorded yet" in seen[0] and "• left knee extension grade" in seen[0]
    assert editor.pages.currentWidget() is editor.motor
    index = editor.motor.grid.currentIndex()
    assert (index.row(), index.column()) == (1, MotorGridModel.LEFT_GRADE)
    assert editor.controller.status == "draft"

    _answer(qtbot, "Sign as incomplete…", reason="acute pain: could not stand or lie prone")
    editor.sign()
    qtbot.waitUntil(lambda: editor.controller.status == "signed")  # stored off the GUI thread
    stored = open_visit(gui_ctx, editor.controller.visit_id).visit
    assert stored.incomplete_reason == "acute pain: could not stand or lie prone"
    assert "incomplete: acute pain" in editor.header.text()


def test_a_complete_examination_is_signed_from_a_button_that_says_so(
        window: MainWindow, qtbot: QtBot, gui_ctx: AppContext) -> None:
    editor = _editor(window)
    editor.controller.apply(complete(editor.controller.visit))
    editor.show_page(4)
    assert editor.review.status.text() == "Complete: ready to sign."
    seen = _answer(qtbot, "Sign visit")
    editor.sign()
    assert "read-only" in seen[0]
    qtbot.waitUntil(lambda: editor.controller.status == "signed")
    assert open_visit(gui_ctx, editor.controller.visit_id).status == "signed"


def test_a_draft_left_without_anything_recorded_is_not_kept(
        window: MainWindow, gui_ctx: AppContext, wait_until: Callable[[Callable[[], bool]], None]) -> None:
    editor = _editor(window)
    editor.close_visit()
    wait_until(lambda: window.editor is None)
    assert stored_visits(gui_ctx, "R-100").visits == []


def test_a_draft_is_discarded_from_the_patient_page_after_a_confirmation_naming_it(
        window: MainWindow, qtbot: QtBot, gui_ctx: AppContext) -> None:
    opened = start_visit(gui_ctx, "R-200", datetime(2026, 11, 30, 9, 15, tzinfo=UTC))
    save_draft(gui_ctx, opened.visit_id, complete(opened.visit), opened.version)
    window.show_patient("R-200")
    page = window.patient
    assert page.discard_button.isEnabled()
    seen = _answer(qtbot, "Keep it")
    page.discard_selected_draft()
    assert "Smith, John" in seen[0] or "John Smith" in seen[0]
    assert "R-200" in seen[0] and "30 Nov 2026" in seen[0]
    assert len(stored_visits(gui_ctx, "R-200").visits) == 1
    _answer(qtbot, "Discard this visit")
    page.discard_selected_draft()
    assert stored_visits(gui_ctx, "R-200").visits == []
    assert not page.discard_button.isEnabled()


def test_the_calendar_of_an_unset_next_review_opens_at_today(
        gui_ctx: AppContext, signed_visit_id: int, qtbot: QtBot) -> None:
    page = doctor_page(gui_ctx, signed_visit_id)
    qtbot.addWidget(page)
    page.show()
    calendar = page.next_review.calendarWidget()
    field = page.next_review
    qtbot.waitExposed(page)
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton, pos=QPoint(field.width() - 8, field.height() // 2))
    qtbot.waitUntil(calendar.isVisible)  # the arrow opens the calendar
    today = datetime.now().date()
    assert (calendar.yearShown(), calendar.monthShown()) == (today.year, today.month)
    assert page.next_review.specialValueText() == page.next_review.text() == "not set"


SCREEN = (1366, 768 - 40)  # a 1366×768 screen, less a taskbar


def _fits(widget: QWidget) -> None:
    needed = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    assert needed.width() <= SCREEN[0] and needed.height() <= SCREEN[1], (
        f"{widget.windowTitle() or type(widget).__name__} needs {needed.width()}×{needed.height()}")


def test_every_window_and_dialog_fits_a_1366_by_768_screen(
        window: MainWindow, gui_ctx: AppContext, signed_visit_id: int, qtbot: QtBot) -> None:
    from exam_app.gui.referral_dialog import ReferralDialog

    _fits(window)
    editor = _editor(window)
    editor.controller.set_red_flag("stroke_signs", True)  # the emergency banner takes its height
    editor.controller.set_red_flag("sudden_severe_leg_pain", True)
    assert editor.alert.isVisible()
    for page in range(6):
        editor.show_page(page)
        _fits(window)
    dialogs: list[QWidget] = [PatientDialog(gui_ctx, window), ReferralDialog(gui_ctx, "R-100", window)]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        _fits(dialog)
    window.resize(*SCREEN)
    editor.show_page(2)
    table = editor.sensory.chart.table
    assert table.isVisible()
    assert table.geometry().bottom() <= editor.sensory.height()
