"""Trend chart of a patient's visits: the LEMS of each side over time, with the window period
(onset to window end) shaded and its two ends marked, and below it the values of the item selected
in the comparison table, each point shaped by its mark (▼ worse, ▲ better, ● same, ◆ recheck).

Drawn with pyqtgraph: maintained, pure Python on top of Qt's graphics view and numpy, quick with
hundreds of points, and light. QtCharts would need the PySide6-Addons wheel (hundreds of MB
beside the PySide6-Essentials the app ships).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QVBoxLayout, QWidget

from exam_app.clinical.compare import BETTER, RECHECK, SAME, WORSE
from exam_app.clinical.scores import Score
from exam_app.gui.compare_table import MARK_STYLES
from exam_app.presentation import palette
from exam_app.services.comparison import Comparison, ComparisonColumn, ComparisonRow
from exam_app.wording import month, short_day

# The sides' colours of the letter's chart, and a line style each, so they part in greyscale too.
LEFT_COLOUR = palette().left
RIGHT_COLOUR = palette().right
WINDOW_COLOUR = palette().window
WINDOW_FILL = QColor(palette().window_band)
WINDOW_FILL.setAlpha(110)
INK = "#1f2a33"
_SYMBOLS = {WORSE: "t", BETTER: "t1", SAME: "o", RECHECK: "d"}  # triangle down, up, circle, diamond
_NOT_COMPARED = "#ffffff"


def _x(moment: datetime) -> float:
    return moment.timestamp()  # seconds since the epoch, which the date axis shows in local time


def _y(value: Score | float | None) -> float:
    return float(value) if isinstance(value, int | float) else math.nan  # ND: a gap in the line


class TrendChart(QWidget):
    """Two charts sharing the time axis: LEMS per side, and the selected item."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lems_plot = _plot()
        self.item_plot = _plot()
        self.item_plot.setXLink(self.lems_plot)
        self.lems_plot.setAccessibleName("Trend chart: LEMS left and right over time, with the window period")
        self.item_plot.setAccessibleName("Trend chart: the selected item over time")
        self.left_curve = self._lems_curve("LEMS left", LEFT_COLOUR, Qt.PenStyle.SolidLine, "o")
        self.right_curve = self._lems_curve("LEMS right", RIGHT_COLOUR, Qt.PenStyle.DashLine, "s")
        self.window_items: list[pg.GraphicsObject] = []
        self.item_curve = self.item_plot.plot([], [], pen=pg.mkPen("#37424d", width=2), connect="finite")
        self.cursors = [pg.InfiniteLine(angle=90, pen=pg.mkPen("#1f5f99", width=1, style=Qt.PenStyle.DotLine))
                        for _ in range(2)]
        for plot, cursor in zip((self.lems_plot, self.item_plot), self.cursors, strict=True):
            plot.addItem(cursor, ignoreBounds=True)
            cursor.hide()
        self.item_title = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.lems_plot, 1)
        layout.addWidget(self.item_plot, 1)
        self.show_row(None)

    def _lems_curve(self, name: str, colour: str, style: Qt.PenStyle, symbol: str) -> pg.PlotDataItem:
        return self.lems_plot.plot(
            [], [], name=name, pen=pg.mkPen(colour, width=2.5, style=style), symbol=symbol, symbolSize=8,
            symbolBrush=colour, symbolPen=pg.mkPen(colour), connect="finite")

    def show_comparison(self, comparison: Comparison) -> None:
        """LEMS left and right at every visit, and the window period as known at the latest visit."""
        columns = comparison.columns
        times = [_x(column.examined_at) for column in columns]
        self.left_curve.setData(times, [_y(column.lems[0]) for column in columns])
        self.right_curve.setData(times, [_y(column.lems[1]) for column in columns])
        # The key is in the title, where it never hides a line or the window's labels.
        self.lems_plot.setTitle(
            f"LEMS (0–25): <span style='color:{LEFT_COLOUR}'>● left, solid</span> · "
            f"<span style='color:{RIGHT_COLOUR}'>■ right, dashed</span> · "
            f"<span style='color:{WINDOW_COLOUR}'>window period {comparison.window_days} days</span>",
            color=INK, size="11pt")
        self.lems_plot.setYRange(0, 25.5, padding=0.04)
        moments = [column.examined_at for column in columns]
        moments += [m for m in (comparison.onset, comparison.window_ends) if m is not None]
        if moments:
            first, last = min(moments), max(moments)
            margin = max((last - first) * 0.04, timedelta(hours=6))
            self.lems_plot.setXRange(_x(first - margin), _x(last + margin), padding=0)
        self._show_window(comparison.onset, comparison.window_ends)

    def _show_window(self, onset: datetime | None, ends: datetime | None) -> None:
        for item in self.window_items:
            self.lems_plot.removeItem(item)
            self.item_plot.removeItem(item)
        self.window_items = []
        if onset is None or ends is None:
            return
        for plot, labelled in ((self.lems_plot, True), (self.item_plot, False)):
            band = pg.LinearRegionItem((_x(onset), _x(ends)), movable=False, brush=WINDOW_FILL,
                                       pen=pg.mkPen(None))
            band.setZValue(-10)
            plot.addItem(band, ignoreBounds=True)
            self.window_items.append(band)
            for moment, words, height in ((onset, "onset", 0.04), (ends, "window ends", 0.13)):
                line = pg.InfiniteLine(
                    _x(moment), angle=90, pen=pg.mkPen(WINDOW_COLOUR, width=1.5, style=Qt.PenStyle.DashLine),
                    label=words if labelled else None,
                    labelOpts={"position": height, "color": WINDOW_COLOUR, "anchors": [self._inward(moment)] * 2})
                plot.addItem(line, ignoreBounds=True)
                self.window_items.append(line)

    def _inward(self, moment: datetime) -> tuple[float, float]:
        """Where a line's label hangs: on the side of the line toward the middle of the chart, so it
        is never cut off at an edge (the two labels sit at different heights, so never overlap)."""
        (start, end), _ = self.lems_plot.viewRange()
        in_right_half = _x(moment) > (start + end) / 2
        return (1, 1) if in_right_half else (0, 1)

    def show_row(self, row: ComparisonRow | None, columns: tuple[ComparisonColumn, ...] = ()) -> None:
        """One item's values at every visit (`columns`), or a prompt when none is selected."""
        if row is None:
            self.item_curve.setData([], [])
            self.item_title = "Select a row of the table to see that item over time"
            self.item_plot.setTitle(self.item_title, color="#4a5560", size="11pt")
            return
        # The visits where the item has a number (not NT, not examined), each shaped by its mark.
        shown = [n for n in range(len(columns)) if row.number(n) is not None]
        self.item_curve.setData(
            [_x(columns[n].examined_at) for n in shown],
            [_y(row.number(n)) for n in shown],
            symbol=[_SYMBOLS.get(row.marks[n] or "", "o") for n in shown],
            symbolBrush=[_mark_brush(row.marks[n]) for n in shown],
            symbolPen=pg.mkPen("#37424d"), symbolSize=11)
        self.item_title = f"{row.subject[:1].upper()}{row.subject[1:]} over time"
        self.item_plot.setTitle(self.item_title, color=INK, size="11pt")
        axis = self.item_plot.getAxis("left")
        axis.setTicks([list(row.scale.ticks)] if row.scale.ticks else None)
        self.item_plot.setYRange(row.scale.minimum, row.scale.maximum, padding=0.08)

    def mark_visit(self, column: ComparisonColumn | None) -> None:
        """A dotted line at the visit whose column is current in the table."""
        for cursor in self.cursors:
            cursor.setVisible(column is not None)
            if column is not None:
                cursor.setValue(_x(column.examined_at))


def _mark_brush(mark: str | None) -> QColor:
    if mark is None:
        return QColor(_NOT_COMPARED)
    style = MARK_STYLES[mark]
    return QColor(style.ink if mark != SAME else "#9aa5b1")


_DAY = 24 * 3600


class DateAxis(pg.DateAxisItem):
    """Dates as a clinic writes them ("21 Nov", "Nov 2026"); times of day when ticks are hours apart."""

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:
        levels: list[tuple[float, list[float]]] = super().tickValues(minVal, maxVal, size)
        if levels and levels[-1][0] >= _DAY:
            # Ticks days apart or more: each label names its month, so the coarser ticks (month
            # starts) would only crowd in between them.
            return levels[-1:]
        return levels

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if spacing < _DAY:
            strings: list[str] = super().tickStrings(values, scale, spacing)
            return strings
        return [_tick(value, spacing) for value in values]


def _tick(value: float, spacing: float) -> str:
    """The year, the month or the day of a tick, in English whatever the machine's language (as
    every date the app shows)."""
    try:
        at = datetime.fromtimestamp(value).astimezone()
    except (OverflowError, OSError, ValueError):  # far outside any visit, when zoomed right out
        return ""
    if spacing >= 300 * _DAY:
        return str(at.year)
    return month(at) if spacing >= 28 * _DAY else short_day(at)


def _plot() -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w", axisItems={"bottom": DateAxis()})
    plot.showGrid(x=False, y=True, alpha=0.25)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    font = QFont()
    font.setPointSizeF(9)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen("#75818d"))
        axis.setTextPen(pg.mkPen(INK))
        axis.setTickFont(font)
    return plot
