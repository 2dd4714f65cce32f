"""A physiotherapist records whole visits by keyboard alone; the key presses are counted."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox
from pytestqt.qtbot import QtBot

from exam_app.gui.main_window import MainWindow
from exam_app.services.context import AppContext
from exam_app.services.visits import earlier_visits, stored_visits
from tests.gui.conftest import Keyboard

NORMAL_EXAM_TARGET = 15
SIX_ABNORMAL_TARGET = 40


def open_patient_by_search(window: MainWindow, keyboard: Keyboard, text: str,
                           wait_until: Callable[[Callable[[], bool]], None]) -> None:
    assert QApplication.focusWidget() is window.patients.search
    keyboard.type(text)
    wait_until(lambda: window.patients.model.rowCount() == 1)
    keyboard.press(Qt.Key.Key_Return)
    wait_until(lambda: window.pages.currentWidget() is window.patient)


def test_a_complete_normal_exam_by_keyboard(
        window: MainWindow, keyboard: Keyboard, gui_ctx: AppContext,
        wait_until: Callable[[Callable[[], bool]], None]) -> None:
    open_patient_by_search(window, keyboard, "zo", wait_until)
    keyboard.ctrl(Qt.Key.Key_N)  # new visit: the history page, red flags first
    assert window.editor is not None
    keyboard.ctrl(Qt.Key.Key_R)  # no to every red-flag question
    for page in (Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4):
        keyboard.ctrl(page)
        keyboard.ctrl(Qt.Key.Key_R)  # all remaining normal
    keyboard.ctrl(Qt.Key.Key_5)
    keyboard.answer_next_dialog(Qt.Key.Key_Return)  # "Sign this visit?" → Yes
    keyboard.ctrl(Qt.Key.Key_S)
    wait_until(lambda: window.editor is not None and window.editor.controller.status == "signed")

    record = earlier_visits(gui_ctx, "R-100")
    [visit] = record.visits
    assert all(sides == {"left": "5", "right": "5"} for sides in visit.motor.values())
    assert len(visit.motor) == 11
    assert all(sides == {"left": "2", "right": "2"} for sides in visit.light_touch.values())
    assert len(visit.pin_prick) == 9
    assert visit.reflexes["achilles"] == {"left": "2", "right": "2"}
    assert visit.plantar_response == {"left": "flexor", "right": "flexor"}
    assert visit.ankle_clonus_beats == {"left": 0, "right": 0}
    assert (visit.vac, visit.dap) == ("yes", "yes")
    assert visit.red_flags == () and len(visit.red_flags_no) == 14
    print(f"\nkey presses for a complete normal exam: {keyboard.presses}")
    assert keyboard.presses <= NORMAL_EXAM_TARGET


def test_an_exam_with_six_abnormal_findings_by_keyboard(
        window: MainWindow, keyboard: Keyboard, gui_ctx: AppContext,
        wait_until: Callable[[Callable[[], bool]], None]) -> None:
    open_patient_by_search(window, keyboard, "zo", wait_until)
    keyboard.ctrl(Qt.Key.Key_N)
    keyboard.ctrl(Qt.Key.Key_R)  # no red flags
    keyboard.ctrl(Qt.Key.Key_2)
    # Left column, from hip flexion down: 5 5 4 3 (dorsiflexion 4, great-toe extension 3),
    # plantar flexion 5, adduction 5, abduction 4, extension 5, knee flexion 5, inversion 4.
    keyboard.type("5543554554")
    keyboard.ctrl(Qt.Key.Key_R)
    keyboard.ctrl(Qt.Key.Key_3)
    enter_left_l5_sensory(window, keyboard)  # light touch 1 and pin prick 1 at left L5
    keyboard.ctrl(Qt.Key.Key_R)
    keyboard.ctrl(Qt.Key.Key_4)
    keyboard.press(Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # left straight leg raise
    keyboard.type("p")  # positive
    keyboard.ctrl(Qt.Key.Key_R)
    keyboard.ctrl(Qt.Key.Key_5)
    keyboard.answer_next_dialog(Qt.Key.Key_Return)
    keyboard.ctrl(Qt.Key.Key_S)
    wait_until(lambda: window.editor is not None and window.editor.controller.status == "signed")

    [visit] = earlier_visits(gui_ctx, "R-100").visits
    assert visit.motor["ankle_dorsiflexion"] == {"left": "4", "right": "5"}
    assert visit.motor["great_toe_extension"] == {"left": "3", "right": "5"}
    assert visit.motor["hip_abduction"] == {"left": "4", "right": "5"}
    assert visit.motor["ankle_inversion"] == {"left": "4", "right": "5"}
    assert visit.light_touch["L5"] == {"left": "1", "right": "2"}
    assert visit.pin_prick["L5"] == {"left": "1", "right": "2"}
    assert visit.tension_signs["straight_leg_raise"]["left"].result == "positive"
    assessment = window.editor.controller.assessment()
    assert assessment.pattern == "radiculopathy"
    assert (assessment.probable_roots[0].root, assessment.probable_roots[0].side) == ("L5", "left")
    print(f"\nkey presses for an exam with six abnormal findings: {keyboard.presses}")
    assert keyboard.presses <= SIX_ABNORMAL_TARGET


def enter_left_l5_sensory(window: MainWindow, keyboard: Keyboard) -> None:
    """On the body chart the focus starts at left L1; a score moves on to the next level."""
    for _ in range(4):
        keyboard.press(Qt.Key.Key_Down)  # left L5
    keyboard.type("1")  # light touch 1, focus on to S1
    keyboard.press(Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)  # the pin-prick layer
    keyboard.press(Qt.Key.Key_Up)  # back to left L5
    keyboard.type("1")


def test_grid_keys_modify_the_grade_just_typed(
        window: MainWindow, keyboard: Keyboard, wait_until: Callable[[Callable[[], bool]], None]) -> None:
    open_patient_by_search(window, keyboard, "zo", wait_until)
    keyboard.ctrl(Qt.Key.Key_N)
    keyboard.ctrl(Qt.Key.Key_2)
    keyboard.type("4-3*N")  # hip flexion 4-, knee extension 3*, ankle dorsiflexion NT
    assert window.editor is not None
    motor = window.editor.controller.visit.motor
    assert motor["hip_flexion"] == {"left": "4-"}
    assert motor["knee_extension"] == {"left": "3*"}
    assert motor["ankle_dorsiflexion"] == {"left": "NT"}


def test_an_emergency_red_flag_interrupts_with_a_full_width_alert(
        window: MainWindow, keyboard: Keyboard, qtbot: QtBot,
        wait_until: Callable[[Callable[[], bool]], None]) -> None:
    open_patient_by_search(window, keyboard, "zo", wait_until)
    keyboard.ctrl(Qt.Key.Key_N)
    editor = window.editor
    assert editor is not None and not editor.alert.isVisible()
    stroke = next(q for q in editor.history.questions if q.flag.id == "stroke_signs")
    qtbot.mouseClick(stroke.yes, Qt.MouseButton.LeftButton)
    assert editor.alert.isVisible()
    assert editor.alert.width() >= editor.pages.width() - 2
    assert "EMERGENCY" in editor.alert.text.text()
    assert "Call emergency services now" in editor.alert.text.text()
    assert QApplication.focusWidget() is editor.alert.acknowledge
    assert editor.review.browser.toPlainText().startswith("Urgency: emergency")
    qtbot.mouseClick(stroke.no, Qt.MouseButton.LeftButton)
    assert not editor.alert.isVisible()


def test_signing_needs_every_red_flag_answered(
        window: MainWindow, keyboard: Keyboard, gui_ctx: AppContext,
        wait_until: Callable[[Callable[[], bool]], None]) -> None:
    open_patient_by_search(window, keyboard, "zo", wait_until)
    keyboard.ctrl(Qt.Key.Key_N)
    keyboard.ctrl(Qt.Key.Key_5)
    keyboard.answer_next_dialog(Qt.Key.Key_Return)  # the "unanswered" notice
    keyboard.ctrl(Qt.Key.Key_S)
    wait_until(lambda: window.editor is not None and window.editor.pages.currentIndex() == 0)
    assert [v.status for v in stored_visits(gui_ctx, "R-100").visits] == ["draft"]


def test_every_signs_input_has_an_accessible_name_with_side_and_item(window: MainWindow, keyboard: Keyboard,
                                                                     wait_until: Callable[..., None]) -> None:
    open_patient_by_search(window, keyboard, "zo", wait_until)
    keyboard.ctrl(Qt.Key.Key_N)
    assert window.editor is not None
    names = {combo.accessibleName() for combo in window.editor.signs.findChildren(QComboBox)}
    assert {"Left patellar reflex grade", "Right Achilles reflex grade", "Left plantar response",
            "Right straight leg raise result", "Left heel walk", "Voluntary anal contraction"} <= names
    assert "" not in names
