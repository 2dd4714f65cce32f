"""The dermatome body chart: mouse, keyboard, table, read-only and the difference view."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QModelIndex, QPoint, QPointF, Qt
from PySide6.QtGui import QAccessible, QColor
from PySide6.QtWidgets import QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from exam_app.clinical.body_map import BACK, FRONT, body_map
from exam_app.clinical.vocabulary import LEFT, RIGHT, vocabulary
from exam_app.gui.body_chart import (
    DIFFERENCE_STYLES,
    LIGHT_TOUCH,
    PIN_PRICK,
    SCORE_STYLES,
    DermatomeChart,
    FillStyle,
    SensoryTableModel,
)

LEVELS = [level.id for level in vocabulary().sensory_levels]


@pytest.fixture
def chart(qtbot: QtBot) -> DermatomeChart:
    widget = DermatomeChart()
    qtbot.addWidget(widget)
    widget.resize(1000, 720)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _centre(chart: DermatomeChart, level: str, side: str, view: str) -> QPoint:
    """The middle of a region in the canvas's pixels, from the drawing and the canvas's transform."""
    point = body_map().region(level, side, view).inner_point()
    return chart.canvas.transform().map(QPointF(point.x, point.y)).toPoint()


def _click(qtbot: QtBot, chart: DermatomeChart, level: str, side: str, view: str = FRONT, right: bool = False) -> None:
    button = Qt.MouseButton.RightButton if right else Qt.MouseButton.LeftButton
    qtbot.mouseClick(chart.canvas, button, pos=_centre(chart, level, side, view))


def _shows(chart: DermatomeChart, level: str, side: str, view: str, style: FillStyle) -> bool:
    """Whether the canvas paints the region's middle in the style's fill colour (patterns are
    thin lines, so some pixel around the middle shows the fill itself)."""
    image = chart.canvas.grab().toImage()
    centre = _centre(chart, level, side, view)
    colours = {
        image.pixelColor(centre.x() + dx, centre.y() + dy).name() for dx in range(-6, 7, 2) for dy in range(-6, 7, 2)
    }
    return QColor(style.fill).name() in colours


def _focus_stand_in(chart: DermatomeChart, name: str) -> QWidget:
    """The region's focusable stand-in, found as a screen reader finds it: by its accessible name."""
    found = [w for w in chart.findChildren(QWidget) if w.isVisible() and w.accessibleName() == name]
    assert len(found) == 1, f"{len(found)} widgets are named {name!r}"
    return found[0]


def _cell(chart: DermatomeChart, level: str, column: int) -> QModelIndex:
    return chart.model.index(LEVELS.index(level), column)


# --- the mouse ----------------------------------------------------------------------------


def test_clicking_the_middle_of_left_l5_scores_it_altered(qtbot: QtBot, chart: DermatomeChart) -> None:
    with qtbot.waitSignal(chart.score_changed) as signal:
        _click(qtbot, chart, "L5", LEFT)
    assert signal.args == [LIGHT_TOUCH, "L5", LEFT, "1"]
    assert chart.scores(LIGHT_TOUCH) == {"L5": {LEFT: "1"}}
    assert chart.scores(PIN_PRICK) == {}
    assert _shows(chart, "L5", LEFT, FRONT, SCORE_STYLES["1"])


def test_clicks_cycle_altered_absent_not_testable_normal(qtbot: QtBot, chart: DermatomeChart) -> None:
    seen = []
    for _ in range(5):
        _click(qtbot, chart, "S1", RIGHT, BACK)
        seen.append(chart.scores(LIGHT_TOUCH)["S1"][RIGHT])
    assert seen == ["1", "0", "NT", "2", "1"]


def test_a_normal_region_goes_to_altered_first_and_right_click_clears(qtbot: QtBot, chart: DermatomeChart) -> None:
    chart.set_scores({"L4": {RIGHT: "2"}}, {})
    _click(qtbot, chart, "L4", RIGHT)
    assert chart.scores(LIGHT_TOUCH) == {"L4": {RIGHT: "1"}}
    with qtbot.waitSignal(chart.score_changed) as signal:
        _click(qtbot, chart, "L4", RIGHT, right=True)
    assert signal.args == [LIGHT_TOUCH, "L4", RIGHT, ""]
    assert chart.scores(LIGHT_TOUCH) == {}
    assert _shows(chart, "L4", RIGHT, FRONT, SCORE_STYLES[""])


def test_the_pin_prick_layer_scores_pin_prick(qtbot: QtBot, chart: DermatomeChart) -> None:
    with qtbot.waitSignal(chart.modality_changed) as changed:
        chart.set_modality(PIN_PRICK)
    assert changed.args == [PIN_PRICK]
    with qtbot.waitSignal(chart.score_changed) as signal:
        _click(qtbot, chart, "S4_5", LEFT, BACK)
    assert signal.args == [PIN_PRICK, "S4_5", LEFT, "1"]
    assert chart.scores(LIGHT_TOUCH) == {}


def test_the_layer_buttons_switch_the_modality(qtbot: QtBot, chart: DermatomeChart) -> None:
    button = next(b for b in chart.findChildren(QWidget) if b.accessibleName() == "Show and score pin prick")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert chart.modality() == PIN_PRICK
    assert _focus_stand_in(chart, "Left L5 pin prick")
    chart.activateWindow()
    qtbot.waitUntil(chart.isActiveWindow)
    qtbot.keyClick(chart, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # the button's mnemonic
    qtbot.waitUntil(lambda: chart.modality() == LIGHT_TOUCH)  # a shortcut clicks after a short animation
    with pytest.raises(ValueError, match="modality"):
        chart.set_modality("vibration")


def test_both_views_of_a_level_are_the_same_region(qtbot: QtBot, chart: DermatomeChart) -> None:
    """L5 is drawn on the front (lateral leg, dorsum) and the back (lateral calf, sole)."""
    _click(qtbot, chart, "L5", LEFT, FRONT)
    _click(qtbot, chart, "L5", LEFT, BACK)
    assert chart.scores(LIGHT_TOUCH) == {"L5": {LEFT: "0"}}
    assert _shows(chart, "L5", LEFT, BACK, SCORE_STYLES["0"])


def test_the_drawing_keeps_its_shape_and_fits_the_widget(qtbot: QtBot, chart: DermatomeChart) -> None:
    for wanted, height in ((700, 600), (1400, 900)):
        # The app's style sheet (larger type) may make the widget's minimum wider than 700.
        width = max(wanted, chart.minimumSizeHint().width())
        chart.resize(width, height)
        qtbot.waitUntil(lambda w=width: chart.width() == w)
        transform = chart.canvas.transform()
        assert transform.m11() == pytest.approx(transform.m22())
        corner = transform.map(QPointF(body_map().width, body_map().height))
        assert 0 < corner.x() <= chart.canvas.width() and 0 < corner.y() <= chart.canvas.height()
        _click(qtbot, chart, "L2", RIGHT)
    assert chart.scores(LIGHT_TOUCH) == {"L2": {RIGHT: "0"}}


# --- the keyboard -------------------------------------------------------------------------


def test_a_region_found_by_its_accessible_name_is_scored_by_keyboard(qtbot: QtBot, chart: DermatomeChart) -> None:
    region = _focus_stand_in(chart, "Left L5 light touch")
    interface = QAccessible.queryAccessibleInterface(region)
    assert interface is not None and interface.text(QAccessible.Text.Name) == "Left L5 light touch"
    region.setFocus()
    with qtbot.waitSignal(chart.score_changed) as signal:
        qtbot.keyClick(region, Qt.Key.Key_0)
    assert signal.args == [LIGHT_TOUCH, "L5", LEFT, "0"]
    assert chart.scores(LIGHT_TOUCH) == {"L5": {LEFT: "0"}}
    assert "absent" in region.accessibleDescription()
    assert chart.focusWidget() is chart.region_focus("S1", LEFT)  # on to the next level


def test_keys_score_tag_and_clear(qtbot: QtBot, chart: DermatomeChart) -> None:
    region = _focus_stand_in(chart, "Right S3 light touch")
    values = []
    for key in (Qt.Key.Key_N, Qt.Key.Key_2, Qt.Key.Key_1, Qt.Key.Key_Asterisk, Qt.Key.Key_Asterisk):
        qtbot.keyClick(region, key)
        values.append(chart.scores(LIGHT_TOUCH)["S3"][RIGHT])
    assert values == ["NT", "2", "1", "1*", "1**"]
    qtbot.keyClick(region, Qt.Key.Key_Asterisk)
    assert chart.scores(LIGHT_TOUCH)["S3"][RIGHT] == "1"
    with qtbot.waitSignal(chart.score_changed) as signal:
        qtbot.keyClick(region, Qt.Key.Key_Delete)
    assert signal.args == [LIGHT_TOUCH, "S3", RIGHT, ""]
    qtbot.keyClick(region, Qt.Key.Key_Space)  # Space acts as a click
    assert chart.scores(LIGHT_TOUCH) == {"S3": {RIGHT: "1"}}


def test_arrows_move_between_levels_and_sides(qtbot: QtBot, chart: DermatomeChart) -> None:
    region = chart.region_focus("L5", LEFT)
    region.setFocus()
    qtbot.keyClick(region, Qt.Key.Key_Down)
    assert chart.focusWidget() is chart.region_focus("S1", LEFT)
    qtbot.keyClick(chart.region_focus("S1", LEFT), Qt.Key.Key_Right)
    assert chart.focusWidget() is chart.region_focus("S1", RIGHT)
    qtbot.keyClick(chart.region_focus("S1", RIGHT), Qt.Key.Key_Up)
    assert chart.focusWidget() is chart.region_focus("L5", RIGHT)
    assert chart.canvas.focused == ("L5", RIGHT)


def _next_tab_stop(widget: QWidget) -> QWidget:
    """Where Tab goes from a widget: the next in the focus chain that takes Tab focus."""
    widget = widget.nextInFocusChain()
    while not (widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisible()):
        widget = widget.nextInFocusChain()
    return widget


def test_tab_reaches_every_region_in_order(chart: DermatomeChart) -> None:
    labels = [vocabulary().sensory_level(level).label for level in LEVELS]
    expected = [f"{side.title()} {label} light touch" for side in (LEFT, RIGHT) for label in labels]
    widget = _next_tab_stop(next(b for b in chart.findChildren(QWidget) if b.accessibleName().endswith("pin prick")))
    reached = []
    for _ in expected:
        reached.append(widget.accessibleName())
        widget = _next_tab_stop(widget)
    assert reached == expected
    assert widget is chart.table
    chart.setFocus()  # what a page does to start the sensory examination
    assert chart.focusWidget() is chart.region_focus("L1", LEFT)


# --- the table ----------------------------------------------------------------------------


def test_typing_in_the_table_updates_the_chart(qtbot: QtBot, chart: DermatomeChart) -> None:
    chart.table.setCurrentIndex(_cell(chart, "L5", SensoryTableModel.LEFT_LIGHT_TOUCH))
    with qtbot.waitSignal(chart.score_changed) as signal:
        qtbot.keyClick(chart.table, Qt.Key.Key_1)
    assert signal.args == [LIGHT_TOUCH, "L5", LEFT, "1"]
    assert chart.scores(LIGHT_TOUCH) == {"L5": {LEFT: "1"}}
    assert _shows(chart, "L5", LEFT, FRONT, SCORE_STYLES["1"])
    assert chart.table.currentIndex() == _cell(chart, "S1", SensoryTableModel.LEFT_LIGHT_TOUCH)  # moved down
    qtbot.keyClick(chart.table, Qt.Key.Key_N)
    qtbot.keyClick(chart.table, Qt.Key.Key_7)  # not a score: nothing happens
    assert chart.scores(LIGHT_TOUCH) == {"L5": {LEFT: "1"}, "S1": {LEFT: "NT"}}
    assert "not testable" in chart.region_focus("S1", LEFT).accessibleDescription()


def test_editing_a_cell_accepts_scores_and_refuses_anything_else(chart: DermatomeChart) -> None:
    cell = _cell(chart, "S2", SensoryTableModel.RIGHT_PIN_PRICK)
    assert chart.model.setData(cell, "0*")
    assert chart.model.setData(cell, "nt") and chart.scores(PIN_PRICK) == {"S2": {RIGHT: "NT"}}
    assert not chart.model.setData(cell, "3")
    assert not chart.model.setData(cell, "absent")
    assert chart.scores(PIN_PRICK) == {"S2": {RIGHT: "NT"}}
    assert chart.model.setData(cell, "") and chart.scores(PIN_PRICK) == {}


def test_the_chart_updates_the_table(qtbot: QtBot, chart: DermatomeChart) -> None:
    chart.set_modality(PIN_PRICK)
    _click(qtbot, chart, "S1", RIGHT, BACK)
    cell = _cell(chart, "S1", SensoryTableModel.RIGHT_PIN_PRICK)
    assert chart.model.data(cell) == "1"
    assert chart.model.data(cell, Qt.ItemDataRole.AccessibleTextRole) == "Right S1 pin prick"
    assert "altered" in chart.model.data(cell, Qt.ItemDataRole.ToolTipRole)


def test_loaded_scores_are_shown_without_a_change_signal(qtbot: QtBot, chart: DermatomeChart) -> None:
    light_touch = {"L5": {LEFT: "1", RIGHT: "2"}, "S4_5": {LEFT: "2", RIGHT: "2"}}
    pin_prick = {"L5": {LEFT: "0*"}}
    with qtbot.assertNotEmitted(chart.score_changed):
        chart.set_scores(light_touch, pin_prick)
    assert chart.scores(LIGHT_TOUCH) == light_touch
    assert chart.scores(PIN_PRICK) == pin_prick
    assert chart.model.data(_cell(chart, "L5", SensoryTableModel.LEFT_PIN_PRICK)) == "0*"
    assert _shows(chart, "L5", RIGHT, FRONT, SCORE_STYLES["2"])


@pytest.mark.parametrize(
    "light_touch",
    [{"L5": {LEFT: "3"}}, {"L6": {LEFT: "2"}}, {"L5": {"middle": "2"}}],
)
def test_scores_that_are_not_scores_are_refused_on_loading(chart: DermatomeChart, light_touch: dict) -> None:
    with pytest.raises(ValueError, match="light_touch"):
        chart.set_scores(light_touch, {})


def test_painting_the_chart_keeps_pythons_none_alive(qtbot: QtBot, chart: DermatomeChart) -> None:
    """PySide6 6.12.0 on Python 3.11 drops a reference to None on every call of a C++ method
    returning void: one repaint of this chart drops about 340, and the app aborts with
    'deallocating None' within seconds of use. Pin a binding without that bug."""
    before = sys.getrefcount(None)
    for _ in range(20):
        chart.canvas.repaint()
    assert sys.getrefcount(None) >= before - 50


def test_the_table_model_passes_qt_model_checks(qtmodeltester: ModelTester) -> None:
    model = SensoryTableModel()
    model.reset({LIGHT_TOUCH: {"L5": {LEFT: "1"}}, PIN_PRICK: {"S1": {RIGHT: "NT"}}})
    qtmodeltester.check(model)
    model.reset({LIGHT_TOUCH: {"L5": {LEFT: "1"}}}, before={LIGHT_TOUCH: {"L5": {LEFT: "2"}}})
    qtmodeltester.check(model)


# --- read-only and the difference view ----------------------------------------------------


def test_a_read_only_chart_refuses_changes(qtbot: QtBot, chart: DermatomeChart) -> None:
    chart.set_scores({"L5": {LEFT: "1"}}, {})
    chart.set_read_only(True)
    region = chart.region_focus("L5", LEFT)
    cell = _cell(chart, "L5", SensoryTableModel.LEFT_LIGHT_TOUCH)
    chart.table.setCurrentIndex(cell)
    with qtbot.assertNotEmitted(chart.score_changed):
        _click(qtbot, chart, "L5", LEFT)
        _click(qtbot, chart, "L5", LEFT, right=True)
        qtbot.keyClick(region, Qt.Key.Key_0)
        qtbot.keyClick(region, Qt.Key.Key_Delete)
        qtbot.keyClick(chart.table, Qt.Key.Key_2)
        assert not chart.model.setData(cell, "2")
    assert chart.scores(LIGHT_TOUCH) == {"L5": {LEFT: "1"}}
    assert not chart.model.flags(cell) & Qt.ItemFlag.ItemIsEditable
    chart.set_read_only(False)
    _click(qtbot, chart, "L5", LEFT)
    assert chart.scores(LIGHT_TOUCH) == {"L5": {LEFT: "0"}}


def test_the_difference_view_marks_worse_and_better_regions(qtbot: QtBot, chart: DermatomeChart) -> None:
    before = {LIGHT_TOUCH: {"L5": {LEFT: "2"}, "L4": {LEFT: "1"}, "S1": {RIGHT: "NT"}, "L3": {RIGHT: "2"}}}
    after = {LIGHT_TOUCH: {"L5": {LEFT: "1"}, "L4": {LEFT: "2"}, "S1": {RIGHT: "0"}, "L3": {RIGHT: "2"}}}
    chart.show_difference(before, after)
    assert chart.in_difference_mode() and chart.is_read_only()
    assert _shows(chart, "L5", LEFT, FRONT, DIFFERENCE_STYLES["worse"])
    assert _shows(chart, "L4", LEFT, FRONT, DIFFERENCE_STYLES["better"])
    assert _shows(chart, "S1", RIGHT, BACK, DIFFERENCE_STYLES["not_compared"])  # NT cannot be compared
    assert _shows(chart, "L3", RIGHT, FRONT, DIFFERENCE_STYLES["same"])
    assert chart.model.data(_cell(chart, "L5", SensoryTableModel.LEFT_LIGHT_TOUCH)) == "2 → 1"
    legends = {
        w.accessibleName().split(":")[0]: w.isVisible()
        for w in chart.findChildren(QWidget)
        if w.accessibleName().startswith(("Score:", "Since"))
    }
    assert legends == {"Score": False, "Since the earlier visit": True}
    with qtbot.assertNotEmitted(chart.score_changed):
        _click(qtbot, chart, "L5", LEFT)
    assert chart.scores(LIGHT_TOUCH)["L5"] == {LEFT: "1"}
    chart.set_scores({"L5": {LEFT: "1"}}, {})  # loading a visit leaves the difference view
    assert not chart.in_difference_mode()
    assert _shows(chart, "L5", LEFT, FRONT, SCORE_STYLES["1"])


def test_tagged_scores_are_not_compared(chart: DermatomeChart) -> None:
    chart.show_difference({PIN_PRICK: {"L5": {LEFT: "2"}}}, {PIN_PRICK: {"L5": {LEFT: "0*"}}})
    chart.set_modality(PIN_PRICK)
    assert _shows(chart, "L5", LEFT, FRONT, DIFFERENCE_STYLES["not_compared"])
