"""The doctor's comparison of visits: the marked table, the trend chart and the dermatome map,
driven as a doctor would, by keyboard and mouse."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QApplication, QComboBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from exam_app.clinical.compare import BETTER, LEMS, LIGHT_TOUCH, MOTOR, PIN_PRICK, RECHECK, SAME, WORSE, Cell
from exam_app.clinical.record import ExamRecord, Patient
from exam_app.gui.compare_table import MARK_STYLES, WINDOW_HEADER, ComparisonTableModel
from exam_app.gui.compare_view import ComparisonView
from exam_app.services.context import AppContext
from exam_app.services.demo import demo_patients, fill_demo_clinic
from exam_app.services.records import import_record
from tests.services.test_comparison import three_visits

MARK = ComparisonTableModel.MARK_ROLE
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


@pytest.fixture
def view(gui_ctx: AppContext, qtbot: QtBot) -> ComparisonView:
    import_record(gui_ctx, ExamRecord(Patient("R-100"), three_visits()), "test")
    widget = ComparisonView(gui_ctx)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    qtbot.waitExposed(widget)
    widget.show_patient("R-100")
    return widget


def table_row(view: ComparisonView, label: str) -> int:
    model = view.model
    return next(n for n in range(model.rowCount()) if model.index(n, model.ITEM).data() == label)


def row_marks(view: ComparisonView, label: str) -> list[str | None]:
    model, row = view.model, table_row(view, label)
    return [model.index(row, column).data(MARK) for column in range(model.FIRST_VISIT, model.columnCount())]


def row_texts(view: ComparisonView, label: str) -> list[str]:
    model, row = view.model, table_row(view, label)
    return [model.index(row, column).data() for column in range(model.FIRST_VISIT, model.columnCount())]


def test_a_patient_with_three_visits_shows_the_right_cells_as_worse_better_and_recheck(view: ComparisonView) -> None:
    assert view.model.columnCount() == view.model.FIRST_VISIT + 3
    assert row_marks(view, "hip abduction, left") == [None, WORSE, BETTER]
    assert row_texts(view, "hip abduction, left") == ["5", "▼ 4+", "▲ 5"]
    assert row_marks(view, "ankle dorsiflexion, left") == [None, RECHECK, SAME]
    assert row_texts(view, "ankle dorsiflexion, left") == ["4+", "? 4-", "= 4-"]
    assert row_marks(view, "great-toe extension, left") == [None, BETTER, WORSE]
    assert row_marks(view, "L5, left")[1:] == [WORSE, BETTER]  # light touch first, then pin prick
    assert row_marks(view, "Achilles reflex, left") == [None, WORSE, BETTER]
    assert row_marks(view, "plantar response, left") == [None, WORSE, BETTER]
    assert row_marks(view, "hip abduction, right") == [None, SAME, SAME]


def test_each_mark_has_its_colour_symbol_and_words(view: ComparisonView) -> None:
    model, row = view.model, table_row(view, "great-toe extension, left")
    worse = model.index(row, model.FIRST_VISIT + 2)
    assert worse.data(Qt.ItemDataRole.BackgroundRole) == QBrush(QColor(MARK_STYLES[WORSE].fill))
    assert worse.data(Qt.ItemDataRole.ForegroundRole) == QBrush(QColor(MARK_STYLES[WORSE].ink))
    tooltip = worse.data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("left great-toe extension on ") and ": 3, worse (was 4+ on " in tooltip
    recheck = model.index(table_row(view, "ankle dorsiflexion, left"), model.FIRST_VISIT + 1)
    assert "recheck" in recheck.data(Qt.ItemDataRole.AccessibleTextRole)
    assert len({style.symbol for style in MARK_STYLES.values()}) == 4  # readable without colour
    assert len({style.fill for style in MARK_STYLES.values()}) == 4


def test_visits_inside_the_window_period_are_a_band_over_the_columns(view: ComparisonView) -> None:
    model = view.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(1, 4)]
    assert [h.split("\n")[-1] for h in headers] == ["in window", "⚠ progression", "after window"]
    assert headers[0].startswith("2 Nov 2026")
    band = [model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.BackgroundRole) for c in range(1, 4)]
    assert band == [QBrush(QColor(WINDOW_HEADER)), QBrush(QColor(WINDOW_HEADER)), None]
    assert "PROGRESSION WITHIN THE WINDOW PERIOD" in model.headerData(2, Qt.Orientation.Horizontal,
                                                                       Qt.ItemDataRole.ToolTipRole)


def test_the_progression_within_the_window_heads_the_page(view: ComparisonView) -> None:
    assert view.alert.isVisible()
    text = view.alert_label.text()
    assert "Progression within the window period" in text and "left hip abduction 5 → 4+" in text


def test_the_table_model_is_sound(view: ComparisonView, qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(view.model)
    view.changed_only.setChecked(True)
    qtmodeltester.check(view.model)
    shown = [view.model.item_row(r) for r in range(view.model.rowCount())]
    items = [row for row in shown if row is not None]
    assert items and all(row.changed for row in items)  # the scores too: an unchanged score is left out
    empty = ComparisonTableModel()
    empty.reset(None)
    qtmodeltester.check(empty)


def test_the_view_opens_on_the_latest_visit_at_its_first_worse_finding(view: ComparisonView) -> None:
    current = view.table.currentIndex()
    assert current.column() == view.model.columnCount() - 1
    row = view.model.item_row(current.row())
    assert row is not None and row.cell == Cell(LEMS, LEMS, "left")
    assert view.table.hasFocus()


def test_selecting_a_row_shows_that_item_over_time(view: ComparisonView, qtbot: QtBot) -> None:
    with qtbot.waitSignal(view.item_selected) as selected:
        assert view.select_item(Cell(MOTOR, "great_toe_extension", "left"))
    assert selected.args == [Cell(MOTOR, "great_toe_extension", "left")]
    assert view.chart.item_title == "Left great-toe extension over time"
    times, values = view.chart.item_curve.getData()
    assert list(values) == pytest.approx([4 - 1 / 3, 4 + 1 / 3, 3])
    assert list(times) == [column.examined_at.timestamp() for column in view.comparison.columns]


def test_the_trend_chart_shows_lems_per_side_and_the_window_period(view: ComparisonView) -> None:
    _, left = view.chart.left_curve.getData()
    _, right = view.chart.right_curve.getData()
    assert list(left) == [23, 23, 22] and list(right) == [25, 25, 25]
    assert view.chart.window_items, "the window period is drawn"
    onset = view.comparison.onset
    assert onset is not None
    assert any(getattr(item, "value", lambda: None)() == onset.timestamp() for item in view.chart.window_items)


def test_arrows_move_through_items_and_visits_passing_over_headings(view: ComparisonView, qtbot: QtBot) -> None:
    model, table = view.model, view.table
    table.setCurrentIndex(model.index(table_row(view, "PP subtotal, right"), 2))  # the last score
    qtbot.keyClick(table, Qt.Key.Key_Down)
    row = model.item_row(table.currentIndex().row())
    assert row is not None and row.cell == Cell(MOTOR, "hip_flexion", "left")  # over the "Motor" heading
    qtbot.keyClick(table, Qt.Key.Key_Left)
    assert table.currentIndex().column() == 1
    qtbot.keyClick(table, Qt.Key.Key_Left)  # the item names are not a place to stand
    assert table.currentIndex().column() == 1
    qtbot.keyClick(table, Qt.Key.Key_Right)
    assert table.currentIndex().column() == 2
    assert view.chart.item_title == "Left hip flexion over time"


def test_only_the_items_that_changed_by_keyboard(view: ComparisonView, qtbot: QtBot) -> None:
    everything = view.model.rowCount()
    qtbot.keyClick(view.table, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(view.changed_only.isChecked)  # a mnemonic clicks the box as a short animation
    shown = [view.model.item_row(n) for n in range(view.model.rowCount())]
    items = [row for row in shown if row is not None]
    assert view.model.rowCount() < everything
    assert all(row.changed or row.cell.kind in (LEMS, "sensory_subtotal") for row in items)
    assert Cell(MOTOR, "hip_abduction", "left") in [row.cell for row in items]
    assert Cell(MOTOR, "hip_abduction", "right") not in [row.cell for row in items]


def test_the_dermatome_map_compares_the_previous_visit_with_the_latest(view: ComparisonView, qtbot: QtBot) -> None:
    panel = view.dermatomes
    assert (panel.earlier.currentIndex(), panel.later.currentIndex()) == (1, 2)
    assert panel.chart.in_difference_mode()
    assert panel.chart.model.before(LIGHT_TOUCH, "L5", "left") == "1"
    assert panel.chart.model.score(LIGHT_TOUCH, "L5", "left") == "2"
    with qtbot.waitSignal(panel.visits_compared) as compared:
        panel.compare(0, 1)
    assert compared.args == [view.comparison.columns[0].visit_id, view.comparison.columns[1].visit_id]
    assert panel.chart.model.before(LIGHT_TOUCH, "L5", "left") == "2"
    assert panel.chart.model.score(LIGHT_TOUCH, "L5", "left") == "1"
    assert panel.chart.model.score(PIN_PRICK, "L5", "left") == "2"


def test_the_dermatome_map_is_reached_and_driven_by_keyboard(view: ComparisonView, qtbot: QtBot) -> None:
    qtbot.keyClick(view.table, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert view.tabs.currentIndex() == 1
    qtbot.keyClick(view.tabs.currentWidget(), Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    focused = QApplication.focusWidget()
    assert focused is view.dermatomes.earlier
    qtbot.keyClick(focused, Qt.Key.Key_Up)
    assert view.dermatomes.earlier.currentIndex() == 0
    qtbot.keyClick(view.tabs.currentWidget(), Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    assert view.tabs.currentIndex() == 0


def test_every_control_has_an_accessible_name(view: ComparisonView) -> None:
    for widget in (view.table, view.changed_only, view.tabs, view.back_button, view.chart.lems_plot,
                   view.chart.item_plot, *view.dermatomes.findChildren(QComboBox)):
        assert widget.accessibleName(), widget


def test_escape_goes_back_to_the_patient(view: ComparisonView, qtbot: QtBot) -> None:
    with qtbot.waitSignal(view.back_requested):
        qtbot.keyClick(view.table, Qt.Key.Key_Escape)


def test_the_demo_progression_within_the_window(demo_ctx: AppContext, qtbot: QtBot) -> None:
    fill_demo_clinic(demo_ctx, 15, seed=1, now=NOW)
    patients = demo_patients(15, 1, NOW)
    widget = ComparisonView(demo_ctx)
    qtbot.addWidget(widget)
    widget.show_patient(patients[0][0].record_number, now=NOW)
    assert not widget.alert.isHidden()
    widget.show_patient(patients[14][0].record_number, now=NOW)  # recovering over six visits
    assert widget.alert.isHidden()
    assert widget.model.columnCount() == widget.model.FIRST_VISIT + 6
    better = [widget.model.item_row(n) for n in range(widget.model.rowCount())]
    assert any(row is not None and BETTER in row.marks and WORSE not in row.marks for row in better)


def test_visits_scroll_by_whole_columns_beside_the_frozen_item_names(demo_ctx: AppContext, qtbot: QtBot) -> None:
    fill_demo_clinic(demo_ctx, 15, seed=1, now=NOW)
    widget = ComparisonView(demo_ctx)
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.show_patient(demo_patients(15, 1, NOW)[14][0].record_number, now=NOW)  # six visits
    table = widget.table
    names = table.columnWidth(0)  # the item names, laid over the left edge

    def visible_starts() -> list[int]:
        return [table.columnViewportPosition(c) for c in range(1, table.model().columnCount())
                if table.columnViewportPosition(c) + table.columnWidth(c) > names]

    qtbot.waitUntil(lambda: bool(visible_starts()))
    assert visible_starts()[0] == names  # no visit half hidden under the names
    current = table.currentIndex().column()
    assert table.columnViewportPosition(current) + table.columnWidth(current) <= table.viewport().width()
    assert table.horizontalScrollBar().value() > 0  # the latest visit is in view, the first ones scrolled away
    qtbot.keyClick(table, Qt.Key.Key_Home)  # back to the first visit
    assert table.currentIndex().column() == 1
    assert visible_starts()[0] == names and table.columnViewportPosition(1) == names
    frozen = table.frozen
    assert frozen.isVisible() and not frozen.isColumnHidden(0)
    assert all(frozen.isColumnHidden(c) for c in range(1, table.model().columnCount()))
