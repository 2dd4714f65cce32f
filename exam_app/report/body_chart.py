"""The dermatome body chart on paper: the drawing of `exam_app.clinical.body_map` (the one the
screen shows), each region filled with the colour and pattern of its score as on screen.

Vector graphics (reportlab.graphics), so the chart prints sharp at any size. The patterns
(hatching for altered and absent sensation, dots for NT) keep the chart readable on a greyscale
printer; the colours are the screen's (`exam_app/gui/body_chart.py` SCORE_STYLES, copied here
because the report layer must not import the GUI).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from reportlab.graphics.shapes import Circle, Drawing, Group, Path, Rect, String
from reportlab.lib.colors import Color, HexColor, white
from reportlab.pdfbase.pdfmetrics import stringWidth

from exam_app.clinical.body_map import BodyMap, FillStyle, Label, PathCommand, Point, body_map, score_styles
from exam_app.report.fonts import BODY, BODY_BOLD, register_fonts

# level -> side -> score text as recorded ("2", "1*", "NT"); a missing entry was not examined
LevelScores = Mapping[str, Mapping[str, str]]
# drawing units -> points on paper (y up)
ToPaper = Callable[[float, float], tuple[float, float]]


# The screen's styles, so that screen and paper agree: resources/body_chart/styles.json.
SCORE_STYLES: dict[str, FillStyle] = score_styles()

_REGION_EDGE = HexColor("#97a3af")
_SILHOUETTE = HexColor("#37424d")
_DETAIL = HexColor("#75818d")
_INK = HexColor("#1f2a33")
_HATCH_STEP = 2.6  # points between hatch lines on paper, whatever the chart's size


def style_of(score: str) -> FillStyle:
    """The style of a recorded score; a tag ('1*') does not change the fill, as on screen."""
    return SCORE_STYLES[score.rstrip("*")]


def sensory_chart(scores: LevelScores, width: float, title: str = "") -> Drawing:
    """Front and back views of both legs and the saddle, `width` points wide, regions by score.

    `title` (e.g. "Light touch") is written above the drawing's own headings.
    """
    register_fonts()
    layout = _layout(width)
    title_height = 12.0 if title else 0.0
    height = layout.height + title_height
    drawing = Drawing(width, height)
    for level, side, commands in layout.regions:
        style = style_of(scores.get(level, {}).get(side, ""))
        drawing.add(_path(commands, _as_is, fill=HexColor(style.fill), stroke=_REGION_EDGE, width=0.35))
        if style.pattern:
            drawing.add(_pattern(commands, _as_is, style))
    for is_detail, commands in layout.outlines:
        colour, line_width = (_DETAIL, 0.4) if is_detail else (_SILHOUETTE, 0.8)
        drawing.add(_path(commands, _as_is, fill=None, stroke=colour, width=line_width))
    for x, y in layout.key_points:
        drawing.add(Circle(x, y, 1.3, fillColor=_INK, strokeColor=white, strokeWidth=0.4))
    for label in body_map().labels:
        tag = ""
        if label.kind == "level":
            level, side = _label_region(label)
            tag = scores.get(level, {}).get(side, "")
            tag = tag[len(tag.rstrip("*")) :]
        drawing.add(_string(label, layout.to_paper, layout.scale, tag))
    if title:
        drawing.add(String(width / 2, height - 9, title, fontName=BODY_BOLD, fontSize=9, textAnchor="middle"))
    return drawing


@dataclass(frozen=True)
class _Layout:
    """The drawing's geometry on paper at one width, worked out once: the same for every letter."""

    scale: float
    height: float
    left: float
    bottom: float
    regions: tuple[tuple[str, str, tuple[PathCommand, ...]], ...]  # level, side, outline on paper
    outlines: tuple[tuple[bool, tuple[PathCommand, ...]], ...]  # is a detail, line on paper
    key_points: tuple[tuple[float, float], ...]

    def to_paper(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.left) * self.scale, (self.bottom - y) * self.scale


@lru_cache(maxsize=8)
def _layout(width: float) -> _Layout:
    drawing_map = body_map()
    left, top, right, bottom = _extent(drawing_map)
    scale = width / (right - left)
    layout = _Layout(scale, (bottom - top) * scale, left, bottom, (), (), ())
    return replace(
        layout,
        regions=tuple((r.level, r.side, _on_paper(r.commands, layout.to_paper)) for r in drawing_map.regions),
        outlines=tuple((o.is_detail, _on_paper(o.commands, layout.to_paper)) for o in drawing_map.outlines),
        key_points=tuple(layout.to_paper(k.x, k.y) for k in drawing_map.key_points),
    )


_TOLERANCE = 0.12  # points: closer than this to a straight line, a vertex does not show on paper


def _on_paper(commands: tuple[PathCommand, ...], point: ToPaper) -> tuple[PathCommand, ...]:
    """The commands in paper coordinates, straight runs thinned (the drawing's regions are dense
    polygons made for a large screen; thousands of invisible vertices would slow every letter)."""
    out: list[PathCommand] = []
    run: list[Point] = []  # a straight-line run: its start (a moveto, or where the pen is), then linetos
    starts_subpath = False
    pen = Point(0.0, 0.0)

    def flush() -> None:
        if run:
            kept = _simplified(run)
            if starts_subpath:
                out.append(PathCommand("M", (kept[0],)))
            out.extend(PathCommand("L", (p,)) for p in kept[1:])
            run.clear()

    for command in commands:
        points = tuple(Point(*point(p.x, p.y)) for p in command.points)
        if command.op == "M":
            flush()
            run.append(points[0])
            starts_subpath = True
        elif command.op == "L":
            if not run:
                run.append(pen)
                starts_subpath = False
            run.append(points[0])
        else:
            flush()
            out.append(PathCommand(command.op, points))
        if points:
            pen = points[-1]
    flush()
    return tuple(out)


def _simplified(points: list[Point]) -> list[Point]:
    """Douglas–Peucker: the fewest vertices within `_TOLERANCE` of the original line."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        a, b = points[first], points[last]
        dx, dy = b.x - a.x, b.y - a.y
        length = (dx * dx + dy * dy) ** 0.5
        worst, worst_at = 0.0, -1
        for index in range(first + 1, last):
            p = points[index]
            if length:
                distance = abs(dy * (p.x - a.x) - dx * (p.y - a.y)) / length
            else:
                distance = ((p.x - a.x) ** 2 + (p.y - a.y) ** 2) ** 0.5
            if distance > worst:
                worst, worst_at = distance, index
        if worst > _TOLERANCE:
            keep[worst_at] = True
            stack += [(first, worst_at), (worst_at, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def legend(styles: Mapping[str, FillStyle] = SCORE_STYLES, width: float = 420.0) -> Drawing:
    """One line of swatches and captions: the key to the chart's fills."""
    register_fonts()
    drawing = Drawing(width, 12)
    x = 0.0
    for style in styles.values():
        corners = ((x, 1.0), (x + 14, 1.0), (x + 14, 10.0), (x, 10.0))
        swatch = (
            PathCommand("M", (Point(*corners[0]),)),
            *(PathCommand("L", (Point(*corner),)) for corner in corners[1:]),
            PathCommand("Z", ()),
        )
        drawing.add(_path(swatch, _as_is, fill=HexColor(style.fill), stroke=_REGION_EDGE, width=0.5))
        if style.pattern:
            drawing.add(_pattern(swatch, _as_is, style))
        drawing.add(String(x + 18, 2.5, style.caption, fontName=BODY, fontSize=7.5, fillColor=_INK))
        x += 18 + stringWidth(style.caption, BODY, 7.5) + 14
    return drawing


def _as_is(x: float, y: float) -> tuple[float, float]:
    return x, y


@cache
def _extent(drawing_map: BodyMap) -> tuple[float, float, float, float]:
    """What of the drawing is shown: the views and every label, with a little air."""
    lefts, tops, rights, bottoms = zip(*(view.bounds for view in drawing_map.views), strict=True)
    label_tops = [label.y - label.size for label in drawing_map.labels]
    label_bottoms = [label.y + label.size * 0.3 for label in drawing_map.labels]
    return (
        max(min(lefts) - 8, 0.0),
        max(min([*tops, *label_tops]) - 4, 0.0),
        min(max(rights) + 8, drawing_map.width),
        min(max([*bottoms, *label_bottoms]) + 4, drawing_map.height),
    )


def _path(commands: tuple[PathCommand, ...], point: ToPaper, fill: Color | None, stroke: Color, width: float) -> Path:
    path = Path(fillColor=fill, strokeColor=stroke, strokeWidth=width, strokeLineJoin=1, autoclose="pdf")
    _trace(path, commands, point)
    return path


def _trace(path: Path, commands: tuple[PathCommand, ...], point: ToPaper) -> None:
    current = (0.0, 0.0)
    for command in commands:
        points = [point(p.x, p.y) for p in command.points]
        if command.op == "M":
            path.moveTo(*points[0])
        elif command.op == "L":
            path.lineTo(*points[0])
        elif command.op == "C":
            path.curveTo(*points[0], *points[1], *points[2])
        elif command.op == "Q":  # a quadratic curve as the cubic that draws it
            (cx, cy), (ex, ey) = points
            sx, sy = current
            path.curveTo(sx + 2 / 3 * (cx - sx), sy + 2 / 3 * (cy - sy),
                         ex + 2 / 3 * (cx - ex), ey + 2 / 3 * (cy - ey), ex, ey)
        elif command.op == "Z":
            path.closePath()
        if points:
            current = points[-1]


def _pattern(commands: tuple[PathCommand, ...], point: ToPaper, style: FillStyle) -> Group:
    """The style's pattern over the region: lines (or dots) clipped to its outline."""
    clip = Path(fillColor=None, strokeColor=None, isClipPath=1)
    _trace(clip, commands, point)
    corners = [point(p.x, p.y) for c in commands for p in c.points]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    ink = HexColor(style.ink)
    group = Group(clip)
    span = (x1 - x0) + (y1 - y0)
    steps = int(span / _HATCH_STEP) + 3
    # one path of lines on a grid of the page, not of the region, so neighbouring regions' hatching meets
    hatch = Path(fillColor=None, strokeColor=ink, strokeWidth=0.45)
    if style.pattern in ("diagonal", "crosshatch"):  # rising lines "/": x - y = c
        rising = (x0 - y1) // _HATCH_STEP * _HATCH_STEP - _HATCH_STEP
        for i in range(steps):
            c = rising + i * _HATCH_STEP
            hatch.moveTo(c + y0, y0)
            hatch.lineTo(c + y1, y1)
    if style.pattern == "crosshatch":  # and falling lines "\\": x + y = c
        falling = (x0 + y0) // _HATCH_STEP * _HATCH_STEP - _HATCH_STEP
        for i in range(steps):
            c = falling + i * _HATCH_STEP
            hatch.moveTo(c - y0, y0)
            hatch.lineTo(c - y1, y1)
    if hatch.points:
        group.add(hatch)
    if style.pattern == "dots":
        step = _HATCH_STEP * 1.3
        y = y0 // step * step
        row = 0
        while y <= y1 + step:
            x = x0 // step * step + (step / 2 if row % 2 else 0)
            while x <= x1 + step:
                group.add(Circle(x, y, 0.45, fillColor=ink, strokeColor=None))
                x += step
            y += step
            row += 1
    return group


def _label_region(label: Label) -> tuple[str, str]:
    # level labels are named label-VIEW-LEVEL-SIDE-N
    parts = label.id.split("-")
    return (parts[2], parts[3]) if len(parts) >= 5 else ("", "")


_MINIMUM_SIZE = {"heading": 8.0, "note": 6.0, "side": 7.0, "level": 5.0}


def _string(label: Label, point: ToPaper, scale: float, tag: str) -> Group:
    x, y = point(label.x, label.y)
    size = max(label.size * scale, _MINIMUM_SIZE.get(label.kind, 5.0))
    bold = label.bold or label.kind in ("level", "heading", "side")
    anchor = {"start": "start", "middle": "middle", "end": "end"}.get(label.anchor, "start")
    colour = _DETAIL if label.kind == "note" else _INK
    text = label.text + tag
    group = Group()
    if label.kind == "level":
        # a white plate under a region's name keeps it legible over hatching
        text_width = stringWidth(text, BODY_BOLD, size)
        left = {"start": x, "middle": x - text_width / 2, "end": x - text_width}[anchor]
        group.add(Rect(left - 0.6, y - size * 0.22, text_width + 1.2, size * 0.95,
                       fillColor=Color(1, 1, 1, alpha=0.75), strokeColor=None))
    group.add(String(x, y, text, fontName=BODY_BOLD if bold else BODY, fontSize=size, textAnchor=anchor,
                     fillColor=colour))
    return group
