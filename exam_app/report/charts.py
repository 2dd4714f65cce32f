"""The LEMS trend: left and right lower-extremity motor scores over the visits, with the window
period (onset to window end) shaded, as a reportlab.graphics line chart.

Left and right differ in line style and marker as well as colour, so the chart reads on a
greyscale printout. A side whose LEMS was not determinable ("ND") at a visit has no point there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Protocol

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth

from exam_app.presentation import palette
from exam_app.report.fonts import BODY, BODY_BOLD, register_fonts
from exam_app.wording import short_day, short_moment

LEFT_COLOUR = HexColor(palette().left)
RIGHT_COLOUR = HexColor(palette().right)
WINDOW_COLOUR = HexColor(palette().window)
_GRID = HexColor("#d5dbe1")
_BAND = HexColor(palette().window_cell)  # the window period, light enough to print behind the lines
_INK = HexColor("#1f2a33")
_MUTED = HexColor("#5b6670")
_MAX_LEMS = 25
_TICK_GAP = 52.0  # points between two dates on the time axis


class LemsReading(Protocol):
    """One visit's LEMS per side (an `exam_app.report.referral.LemsPoint`)."""

    @property
    def examined_at(self) -> datetime: ...
    @property
    def left(self) -> int | str: ...
    @property
    def right(self) -> int | str: ...


def plottable(points: Sequence[LemsReading]) -> bool:
    """Worth a chart: at least two visits with a number on some side."""
    return sum(1 for p in points if isinstance(p.left, int) or isinstance(p.right, int)) >= 2


def lems_trend(
    points: Sequence[LemsReading],
    onset: datetime | None,
    window_ends: datetime | None,
    zone: tzinfo | None,
    width: float = 440.0,
    height: float = 170.0,
) -> Drawing:
    """Left and right LEMS against time; dates are written in `zone` (the letter's)."""
    register_fonts()
    first = min(p.examined_at for p in points)
    moments = [p.examined_at for p in points]
    if onset is not None and window_ends is not None:
        moments += [onset, window_ends]
    start, end = min(moments), max(moments)
    span = max((end - start).total_seconds() / 86400, 1.0)
    start_days = (start - first).total_seconds() / 86400 - span * 0.03
    end_days = start_days + span * 1.06

    def days(at: datetime) -> float:
        return (at - first).total_seconds() / 86400

    drawing = Drawing(width, height)
    plot = LinePlot()
    plot.x, plot.y = 34, 28
    plot.width, plot.height = width - 44, height - 58
    plot.data = [
        [(days(p.examined_at), p.left) for p in points if isinstance(p.left, int)] or [(0.0, 0)],
        [(days(p.examined_at), p.right) for p in points if isinstance(p.right, int)] or [(0.0, 0)],
    ]
    _style_lines(plot, [any(isinstance(p.left, int) for p in points), any(isinstance(p.right, int) for p in points)])
    per_day = plot.width / (end_days - start_days)
    _style_axes(plot, start_days, end_days, _ticks(points, days, per_day), _tick_label(first, zone, span))
    if onset is not None and window_ends is not None:
        _window_band(drawing, plot, days(onset), days(window_ends), start_days, end_days)
    drawing.add(plot)
    _key(drawing, width, height)
    return drawing


def _style_lines(plot: LinePlot, shown: list[bool]) -> None:
    plot.joinedLines = 1
    for index, (colour, marker, dash) in enumerate(
        ((LEFT_COLOUR, "FilledCircle", None), (RIGHT_COLOUR, "FilledSquare", [3, 2]))
    ):
        line = plot.lines[index]
        line.strokeColor = colour if shown[index] else None
        line.strokeWidth = 1.4
        line.strokeDashArray = dash
        symbol = makeMarker(marker)
        symbol.size = 4.5
        symbol.fillColor = colour
        symbol.strokeColor = colour
        line.symbol = symbol if shown[index] else None


def _style_axes(
    plot: LinePlot, start: float, end: float, ticks: list[float], label: Callable[[float], str]
) -> None:
    x_axis, y_axis = plot.xValueAxis, plot.yValueAxis
    x_axis.valueMin, x_axis.valueMax = start, end
    x_axis.valueSteps = ticks
    x_axis.labelTextFormat = label
    x_axis.labels.fontName, x_axis.labels.fontSize = BODY, 7
    x_axis.labels.fillColor = _MUTED
    x_axis.strokeColor = _MUTED
    x_axis.strokeWidth = 0.5
    y_axis.valueMin, y_axis.valueMax, y_axis.valueStep = 0, _MAX_LEMS, 5
    y_axis.labels.fontName, y_axis.labels.fontSize = BODY, 7
    y_axis.labels.fillColor = _MUTED
    y_axis.strokeColor = _MUTED
    y_axis.strokeWidth = 0.5
    y_axis.visibleGrid = 1
    y_axis.gridStrokeColor = _GRID
    y_axis.gridStrokeWidth = 0.4


def _ticks(points: Sequence[LemsReading], days: Callable[[datetime], float], per_day: float) -> list[float]:
    """A tick at visits far enough apart for their dates not to collide (the first and last kept)."""
    at = sorted({days(p.examined_at) for p in points})
    gap = _TICK_GAP / per_day
    kept = [at[-1]]
    for value in reversed(at[:-1]):
        if kept[-1] - value >= gap:
            kept.append(value)
    if kept[-1] != at[0] and len(kept) > 1 and kept[-1] - at[0] < gap:
        kept[-1] = at[0]  # the first visit rather than the one just after it
    elif kept[-1] != at[0]:
        kept.append(at[0])
    return sorted(kept)


def _tick_label(first: datetime, zone: tzinfo | None, span_days: float) -> Callable[[float], str]:
    def label(value: float) -> str:
        at = first + timedelta(days=value)
        return short_moment(at, zone) if span_days <= 4 else short_day(at, zone)

    return label


def _window_band(drawing: Drawing, plot: LinePlot, onset: float, ends: float, start: float, end: float) -> None:
    """The window period shaded from onset to window end, each edge named above the plot."""

    def x_of(value: float) -> float:
        return float(plot.x + (value - start) / (end - start) * plot.width)

    left, right = x_of(onset), x_of(ends)
    top = plot.y + plot.height
    drawing.add(Rect(left, plot.y, right - left, plot.height, fillColor=_BAND, strokeColor=None))
    # the edges' names go inside the band when it is wide enough for both, else outside it
    onset_width, ends_width = stringWidth("onset", BODY, 6.5), stringWidth("window ends", BODY, 6.5)
    inside = right - left > onset_width + ends_width + 10
    for x, words, anchor in ((left, "onset", "start" if inside else "end"),
                             (right, "window ends", "end" if inside else "start")):
        drawing.add(Line(x, plot.y, x, top + 4, strokeColor=WINDOW_COLOUR, strokeWidth=0.8, strokeDashArray=[2, 2]))
        width = stringWidth(words, BODY, 6.5)
        if anchor == "end" and x - width - 2 < 0:
            anchor = "start"
        if anchor == "start" and x + width + 2 > drawing.width:
            anchor = "end"
        drawing.add(String(x + (-2 if anchor == "end" else 2), top + 5, words, fontName=BODY, fontSize=6.5,
                           fillColor=WINDOW_COLOUR, textAnchor=anchor))


def _key(drawing: Drawing, width: float, height: float) -> None:
    """Title and which line is which, above the plot."""
    drawing.add(String(0, height - 11, "LEMS (0–25 per side)", fontName=BODY_BOLD, fontSize=8.5, fillColor=_INK))
    x = width - 150
    for colour, text, dash in ((LEFT_COLOUR, "left", None), (RIGHT_COLOUR, "right", [3, 2])):
        drawing.add(Line(x, height - 8, x + 18, height - 8, strokeColor=colour, strokeWidth=1.4, strokeDashArray=dash))
        drawing.add(String(x + 22, height - 10.5, text, fontName=BODY, fontSize=7.5, fillColor=_INK))
        x += 55
    drawing.add(Rect(x, height - 12, 10, 7, fillColor=_BAND, strokeColor=WINDOW_COLOUR, strokeWidth=0.4))
    drawing.add(String(x + 13, height - 10.5, "window", fontName=BODY, fontSize=7.5, fillColor=_INK))
