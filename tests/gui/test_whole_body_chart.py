"""The whole-body dermatome chart of the ISNCSCI worksheet page: a region per dermatome C2–S4-5 and
side, coloured as the grid is typed, scored by a click (the legs chart's cycle) or by keys, the
sense switched with Alt+L and Alt+P, read-only once signed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from exam_app.clinical.body_map import BACK, FRONT, whole_body_map
from exam_app.clinical.isncsci import entry_key, isncsci_tables
from exam_app.clinical.vocabulary import LEFT, RIGHT, SIDES
from exam_app.gui.body_chart import SCORE_STYLES
from exam_app.gui.main_window import MainWindow
from exam_app.gui.visit.editor import VisitEditor
from exam_app.gui.whole_body_chart import WholeBodyChart
from tests.gui.conftest import Keyboard
from tests.gui.test_visit_isncsci import _open_worksheet

LEVELS = isncsci_tables().levels


@pytest.fixture
def editor(window: MainWindow, keyboard: Keyboard, wait_until: Callable[[Callable[[], bool]], None]) -> VisitEditor:
    wait_until(lambda: QApplication.focusWidget() is window.patients.search)  # the window has settled
    return _open_worksheet(window, keyboard, wait_until)


def _chart(editor: VisitEditor) -> WholeBodyChart:
    return editor.isncsci.chart


def _value(editor: VisitEditor, level: str, side: str, modality: str = "light_touch") -> str:
    return (editor.controller.visit.isncsci or {}).get(entry_key(level, side, modality), "")


def _centre(chart: WholeBodyChart, level: str, side: str, view: str) -> QPoint:
    point = whole_body_map().region(level, side, view).inner_point()
    return chart.canvas.transform().map(QPointF(point.x, point.y)).toPoint()


def _click(qtbot: QtBot, chart: WholeBodyChart, level: str, side: str, view: str = FRONT,
           right: bool = False) -> None:
    button = Qt.MouseButton.RightButton if right else Qt.MouseButton.LeftButton
    qtbot.mouseClick(chart.canvas, button, pos=_centre(chart, level, side, view))


def _painted(chart: WholeBodyChart, level: str, side: str, view: str, fill: str) -> bool:
    """Whether the canvas paints the region in the fill: some pixel inside it shows the colour itself
    (patterns are thin lines; a name may sit in the middle)."""
    image = chart.canvas.grab().toImage()
    region = whole_body_map().region(level, side, view)
    transform = chart.canvas.transform()
    inverse = transform.inverted()[0]
    left, top, right, bottom = region.bounds()
    box = transform.mapRect(QRectF(left, top, right - left, bottom - top)).toRect()
    wanted = QColor(fill).name()
    for x in range(box.left(), box.right() + 1):
        for y in range(box.top(), box.bottom() + 1, 2):
            spot = inverse.map(QPointF(x, y))
            if region.contains(spot.x(), spot.y()) and image.pixelColor(x, y).name() == wanted:
                return True
    return False


def test_every_dermatome_of_both_sides_has_a_named_region(editor: VisitEditor) -> None:
    chart = _chart(editor)
    assert chart.isVisible() and chart.canvas.width() > 200
    for level in LEVELS:
        for side in SIDES:
            stand_in = chart.region_focus(level, side)
            assert stand_in.accessibleName() == f"{side.title()} {level.replace('_', '-')} light touch"
            assert whole_body_map().regions_of(level, side)
            assert chart.canvas.rect().intersects(stand_in.geometry()), (level, side)


def test_typing_in_the_grid_colours_the_regions(editor: VisitEditor, keyboard: Keyboard) -> None:
    chart = _chart(editor)
    assert _painted(chart, "T10", RIGHT, FRONT, SCORE_STYLES[""].fill)
    keyboard.type("2")  # right C2 light touch, copied down to S4-5
    for level, view in (("C2", BACK), ("T10", FRONT), ("T10", BACK), ("S4_5", BACK)):
        assert _painted(chart, level, RIGHT, view, SCORE_STYLES["2"].fill), level
    assert _painted(chart, "T10", LEFT, FRONT, SCORE_STYLES[""].fill)  # the other side is not typed
    editor.isncsci.grid.focus_box(entry_key("T10", "right", "light_touch"))
    keyboard.type("0")
    assert chart.region_focus("T10", RIGHT).accessibleDescription().startswith("0, absent")
    assert _painted(chart, "T11", RIGHT, FRONT, SCORE_STYLES["0"].fill)
    assert _painted(chart, "T9", RIGHT, FRONT, SCORE_STYLES["2"].fill)


def test_a_click_scores_the_region_with_the_legs_charts_cycle(editor: VisitEditor, qtbot: QtBot) -> None:
    chart = _chart(editor)
    for expected in ("1", "0", "NT", "2", "1"):
        _click(qtbot, chart, "T6", LEFT)
        assert _value(editor, "T6", LEFT) == expected
    assert _value(editor, "T7", LEFT) == ""  # a click copies nothing down
    grid = editor.isncsci.grid
    assert grid.sheet.key(grid.currentIndex().row(), grid.currentIndex().column()) == "t6LeftTouch"
    _click(qtbot, chart, "T6", LEFT, right=True)
    assert _value(editor, "T6", LEFT) == ""
    _click(qtbot, chart, "S4_5", RIGHT, BACK)
    assert _value(editor, "S4_5", RIGHT) == "1"
    _click(qtbot, chart, "C7", LEFT, BACK)  # the middle finger, from the back
    assert _value(editor, "C7", LEFT) == "1"


def test_alt_p_shows_and_scores_pin_prick(editor: VisitEditor, keyboard: Keyboard, qtbot: QtBot) -> None:
    chart = _chart(editor)
    keyboard.type("2")  # light touch right, all 2
    keyboard.press(Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    assert chart.modality() == "pin_prick"
    assert QApplication.focusWidget() is editor.isncsci.grid  # the examiner types on
    assert _painted(chart, "T10", RIGHT, FRONT, SCORE_STYLES[""].fill)
    _click(qtbot, chart, "L3", RIGHT)
    assert _value(editor, "L3", RIGHT, "pin_prick") == "1"
    assert _value(editor, "L3", RIGHT) == "2"
    assert chart.region_focus("L3", RIGHT).accessibleName() == "Right L3 pin prick"
    keyboard.press(Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    assert chart.modality() == "light_touch"


def test_the_chart_is_scored_by_keys(editor: VisitEditor, keyboard: Keyboard) -> None:
    chart = _chart(editor)
    chart.region_focus("C2", LEFT).setFocus()
    keyboard.type("2")  # left C2, then on to C3
    keyboard.type("1")
    keyboard.type("*")  # on C4, empty: nothing to tag
    keyboard.press(Qt.Key.Key_Up)
    keyboard.type("*")  # C3: 1 → 1*
    keyboard.press(Qt.Key.Key_Right)  # the other side: right C3
    keyboard.type("N")
    assert (_value(editor, "C2", LEFT), _value(editor, "C3", LEFT), _value(editor, "C4", LEFT)) == ("2", "1*", "")
    assert _value(editor, "C3", RIGHT) == "NT"
    focused = QApplication.focusWidget()
    assert isinstance(focused, QWidget) and focused.accessibleName() == "Right C4 light touch"
    keyboard.press(Qt.Key.Key_Up)
    keyboard.press(Qt.Key.Key_Delete)
    assert _value(editor, "C3", RIGHT) == ""


def test_a_signed_worksheet_is_shown_not_changed(
        editor: VisitEditor, keyboard: Keyboard, qtbot: QtBot,
        wait_until: Callable[[Callable[[], bool]], None]) -> None:
    chart = _chart(editor)
    _click(qtbot, chart, "T4", LEFT)  # 1
    assert QApplication.focusWidget() is chart.region_focus("T4", LEFT)
    keyboard.ctrl(Qt.Key.Key_R)  # the rest of the worksheet normal
    for page_key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4):
        keyboard.ctrl(page_key)
        keyboard.ctrl(Qt.Key.Key_R)
    keyboard.answer_next_dialog(Qt.Key.Key_Return)
    keyboard.ctrl(Qt.Key.Key_S)
    wait_until(lambda: editor.controller.status == "signed")
    editor.show_page(6)
    assert "Showing light touch" in chart._caption.text()
    assert _painted(chart, "T4", LEFT, FRONT, SCORE_STYLES["1"].fill)
    _click(qtbot, chart, "T4", LEFT)
    _click(qtbot, chart, "T5", LEFT, right=True)
    qtbot.keyClick(chart.region_focus("T6", LEFT), Qt.Key.Key_0)
    assert (_value(editor, "T4", LEFT), _value(editor, "T5", LEFT), _value(editor, "T6", LEFT)) == ("1", "2", "2")


def test_tab_reaches_the_chart_after_the_boxes_under_the_grid(editor: VisitEditor, keyboard: Keyboard) -> None:
    page = editor.isncsci
    page.non_key["left"].setFocus()
    keyboard.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.chart.buttons["light_touch"]
    keyboard.press(Qt.Key.Key_Tab)  # the layer buttons are one stop (arrows or Alt+L/Alt+P switch)
    focused = QApplication.focusWidget()
    assert focused is page.chart.region_focus("C2", LEFT), focused.accessibleName() if focused else None
    assert page.chart.canvas.focused == ("C2", LEFT)  # the canvas rings it


def test_the_chart_follows_the_box_typed_in_the_grid(editor: VisitEditor, keyboard: Keyboard) -> None:
    chart, grid = _chart(editor), editor.isncsci.grid
    grid.focus_box(entry_key("T10", "left", "pin_prick"))
    assert chart.modality() == "pin_prick" and chart.canvas.focused == ("T10", LEFT)
    keyboard.type("0")  # T10 down to S4-5, and the ring moves down to T11
    assert chart.canvas.focused == ("T11", LEFT)
    assert _painted(chart, "T10", LEFT, BACK, SCORE_STYLES["0"].fill)
    grid.focus_box(entry_key("C5", "right", "motor"))  # a muscle: the chart stays as it was
    assert chart.modality() == "pin_prick"
    grid.focus_box(entry_key("C2", "right", "light_touch"))
    assert chart.modality() == "light_touch" and chart.canvas.focused == ("C2", RIGHT)
