"""The dermatome body charts' geometry, read from `resources/body_chart/` into plain data: the
sensory page's legs (`legs.svg`, L1–S4-5) and the ISNCSCI worksheet's whole body (`whole_body.svg`,
C2–S4-5).

Both the Qt widget and a PDF renderer draw the same regions from here, so the drawing lives in
one reviewed file. The SVG is kept deliberately simple (see `resources/body_chart/README.md`):

- each dermatome region is a `polygon` (`points`) or a `path` (absolute M, L, C, Q, Z only) with
  an id `LEVEL-SIDE-VIEW`, e.g. `L5-left-front`; one element per level, side and view (a path
  may hold several closed parts);
- each ISNCSCI key sensory point is a `circle` with an id `key-LEVEL-SIDE`, e.g. `key-L5-left`;
- outlines of the legs, buttocks and anatomical details are paths or polylines whose id starts
  with `outline-` (stroked, never filled);
- texts whose id starts with `label-` are headings (`class="heading"`), notes under them
  (`class="note"`), side names under the legs (`class="side"`) and level names placed inside
  the regions (`class="level"`), so every renderer puts them in the same spot;
- everything of one view sits inside a group `<g id="view-front">` or `<g id="view-back">`.

Only `xml.etree` is used: no Qt, no reportlab.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

from exam_app.clinical.isncsci import isncsci_tables
from exam_app.clinical.vocabulary import SIDES, vocabulary
from exam_app.paths import resource_path

FRONT = "front"
BACK = "back"
VIEWS: tuple[str, str] = (FRONT, BACK)

_SVG_NS = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PATH_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
# How many coordinates each command takes: the drawing uses absolute commands only.
_ARITY = {"M": 2, "L": 2, "C": 6, "Q": 4, "Z": 0}
_CURVE_STEPS = 12  # straight pieces per curve when a region is flattened for hit tests


class BodyMapError(ValueError):
    """The drawing does not follow the conventions of `resources/body_chart/README.md`."""


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class PathCommand:
    """One absolute SVG path command: `M`/`L` take one point, `Q` two, `C` three, `Z` none."""

    op: str
    points: tuple[Point, ...]


Polygon = tuple[Point, ...]


@dataclass(frozen=True)
class Region:
    """Where one dermatome of one side is drawn in one view (possibly in several parts)."""

    level: str
    side: str
    view: str
    commands: tuple[PathCommand, ...]

    @property
    def id(self) -> str:
        return f"{self.level}-{self.side}-{self.view}"

    def polygons(self) -> tuple[Polygon, ...]:
        """The region as closed polygons, curves flattened (for hit tests and label places)."""
        return _flattened(self.commands)

    def contains(self, x: float, y: float) -> bool:
        return any(_inside(polygon, x, y) for polygon in self.polygons())

    def bounds(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom)."""
        points = [p for polygon in self.polygons() for p in polygon]
        return _bounds(points)

    def inner_point(self) -> Point:
        """A point well inside the region's largest part: where its label goes, where a test clicks."""
        return _inner_point(self.polygons())[0]

    def inner_radius(self) -> float:
        """Roughly how far `inner_point` is from the region's edge (to tell whether a label fits)."""
        return _inner_point(self.polygons())[1]


@dataclass(frozen=True)
class KeyPoint:
    """An ISNCSCI key sensory point: where the examiner touches to score the level."""

    level: str
    side: str
    view: str
    x: float
    y: float
    radius: float


@dataclass(frozen=True)
class Outline:
    """A stroked line of the drawing: a silhouette (`outline-…-legs`) or an anatomical detail."""

    id: str
    view: str
    commands: tuple[PathCommand, ...]

    @property
    def is_detail(self) -> bool:
        return "-detail-" in self.id


@dataclass(frozen=True)
class Label:
    """A text of the drawing: a view's heading and note, a side's name, a region's level name."""

    id: str
    view: str
    kind: str  # "heading", "note" (under a heading), "side" or "level" (a region's name)
    text: str
    x: float
    y: float  # the baseline, as in SVG
    anchor: str  # "start", "middle" or "end"
    size: float  # in drawing units
    bold: bool


@dataclass(frozen=True)
class View:
    id: str
    title: str
    bounds: tuple[float, float, float, float]  # (left, top, right, bottom) of its regions and lines


@dataclass(frozen=True)
class BodyMap:
    width: float
    height: float
    views: tuple[View, ...]
    regions: tuple[Region, ...]
    key_points: tuple[KeyPoint, ...]
    outlines: tuple[Outline, ...]
    labels: tuple[Label, ...]

    def region(self, level: str, side: str, view: str) -> Region:
        for region in self.regions:
            if (region.level, region.side, region.view) == (level, side, view):
                return region
        raise KeyError(f"{level}-{side}-{view}")

    def regions_of(self, level: str, side: str) -> tuple[Region, ...]:
        """Every region of one level and side, in both views."""
        return tuple(r for r in self.regions if r.level == level and r.side == side)

    def key_point(self, level: str, side: str) -> KeyPoint:
        for point in self.key_points:
            if point.level == level and point.side == side:
                return point
        raise KeyError(f"key-{level}-{side}")

    def region_at(self, x: float, y: float) -> Region | None:
        """The region drawn at a point of the drawing (the last drawn wins, as on screen)."""
        for region in reversed(self.regions):
            if region.contains(x, y):
                return region
        return None


@cache
def body_map() -> BodyMap:
    """The shipped drawing, `resources/body_chart/legs.svg`, read once."""
    return load_body_map(resource_path("body_chart", "legs.svg"))


@cache
def whole_body_map() -> BodyMap:
    """The ISNCSCI worksheet's drawing, `resources/body_chart/whole_body.svg` (C2–S4-5, front and
    back, with the key points), read once."""
    return load_body_map(resource_path("body_chart", "whole_body.svg"), levels=isncsci_tables().levels)


def load_body_map(path: Path, levels: Sequence[str] | None = None) -> BodyMap:
    """Read a drawing that follows the conventions above; raises BodyMapError otherwise.
    `levels` are the region names it may use (by default the sensory page's, L1–S4-5)."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        raise BodyMapError(f"{path.name}: not an SVG file ({error})") from error
    width, height = _view_box(root)
    reader = _Reader(_level_ids() if levels is None else levels)
    for element, view in _elements_with_view(root, None):
        reader.read(element, view)
    return BodyMap(
        width=width,
        height=height,
        views=reader.views(),
        regions=tuple(reader.regions),
        key_points=tuple(reader.key_points),
        outlines=tuple(reader.outlines),
        labels=tuple(reader.labels),
    )


def parse_path(data: str) -> tuple[PathCommand, ...]:
    """SVG path data with absolute M, L, C, Q, Z (repeated coordinates repeat the command)."""
    tokens = _PATH_TOKEN.findall(data)
    commands: list[PathCommand] = []
    op = ""
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.isalpha():
            if token not in _ARITY:
                raise BodyMapError(f"path command {token!r} is not one of M, L, C, Q, Z (absolute)")
            op = token
            index += 1
            if op == "Z":
                commands.append(PathCommand("Z", ()))
                continue
        elif not op or op == "Z":
            raise BodyMapError(f"path data {data[:30]!r}… has a number where a command should be")
        numbers = tokens[index : index + _ARITY[op]]
        if len(numbers) < _ARITY[op] or any(n.isalpha() for n in numbers):
            raise BodyMapError(f"path command {op} needs {_ARITY[op]} numbers")
        values = [float(n) for n in numbers]
        commands.append(PathCommand(op, tuple(Point(values[i], values[i + 1]) for i in range(0, len(values), 2))))
        index += _ARITY[op]
        if op == "M":
            op = "L"  # coordinates after a moveto are linetos, as in SVG
    return tuple(commands)


def polygon_commands(points: str, closed: bool = True) -> tuple[PathCommand, ...]:
    """A `polygon`/`polyline` `points` attribute as path commands."""
    values = [float(n) for n in _NUMBER.findall(points)]
    if len(values) < 4 or len(values) % 2:
        raise BodyMapError(f"points {points[:30]!r}… is not a list of x,y pairs")
    pairs = [Point(values[i], values[i + 1]) for i in range(0, len(values), 2)]
    commands = [PathCommand("M", (pairs[0],))] + [PathCommand("L", (p,)) for p in pairs[1:]]
    if closed:
        commands.append(PathCommand("Z", ()))
    return tuple(commands)


# --- reading the SVG -------------------------------------------------------------------------


@cache
def _level_ids() -> tuple[str, ...]:
    return tuple(level.id for level in vocabulary().sensory_levels)


class _Reader:
    """Sorts the drawing's elements into regions, key points, outlines and labels by their ids."""

    def __init__(self, levels: Sequence[str]) -> None:
        alternatives = "|".join(re.escape(level) for level in levels)
        sides = "|".join(SIDES)
        self._region_id = re.compile(rf"({alternatives})-({sides})-({FRONT}|{BACK})")
        self._key_id = re.compile(rf"key-({alternatives})-({sides})")
        self.regions: list[Region] = []
        self.key_points: list[KeyPoint] = []
        self.outlines: list[Outline] = []
        self.labels: list[Label] = []
        self._titles: dict[str, str] = {}
        self._seen: set[str] = set()

    def read(self, element: ET.Element, view: str | None) -> None:
        element_id = element.get("id", "")
        tag = element.tag.removeprefix(_SVG_NS)
        if tag == "g" and element_id.startswith("view-"):
            self._titles[element_id.removeprefix("view-")] = element.get("data-title", "")
            return
        if not element_id or tag in ("g", "svg", "title", "desc", "style", "defs"):
            return
        if element_id in self._seen:
            raise BodyMapError(f"id {element_id!r} is used twice")
        self._seen.add(element_id)
        if view is None and (self._region_id.fullmatch(element_id) or element_id.startswith(("key-", "outline-"))):
            raise BodyMapError(f"{element_id!r} is outside a <g id='view-…'> group")
        if region := self._region_id.fullmatch(element_id):
            self._read_region(element, tag, region.groups(), view)
        elif key := self._key_id.fullmatch(element_id):
            self._read_key_point(element, tag, key.groups(), view)
        elif element_id.startswith("key-"):
            raise BodyMapError(f"{element_id!r} does not name a level and side")
        elif element_id.startswith("outline-"):
            self.outlines.append(Outline(element_id, str(view), _shape_commands(element, tag, element_id)))
        elif element_id.startswith("label-") and tag == "text":
            self.labels.append(_label(element, element_id, view or ""))

    def _read_region(self, element: ET.Element, tag: str, groups: Sequence[str], view: str | None) -> None:
        level, side, region_view = groups
        if region_view != view:
            raise BodyMapError(f"{element.get('id')!r} is drawn in the {view} view")
        commands = _shape_commands(element, tag, str(element.get("id")))
        self.regions.append(Region(level, side, region_view, commands))

    def _read_key_point(self, element: ET.Element, tag: str, groups: Sequence[str], view: str | None) -> None:
        if tag != "circle":
            raise BodyMapError(f"{element.get('id')!r} should be a circle")
        level, side = groups
        self.key_points.append(
            KeyPoint(level, side, str(view), _float(element, "cx"), _float(element, "cy"), _float(element, "r"))
        )

    def views(self) -> tuple[View, ...]:
        views = []
        for view_id, title in self._titles.items():
            points = [p for r in self.regions if r.view == view_id for poly in r.polygons() for p in poly]
            points += [p for o in self.outlines if o.view == view_id for c in o.commands for p in c.points]
            if points:
                views.append(View(view_id, title or view_id.title(), _bounds(points)))
        return tuple(views)


def _elements_with_view(element: ET.Element, view: str | None) -> Iterator[tuple[ET.Element, str | None]]:
    """Every element of the tree with the view of its enclosing `view-…` group."""
    element_id = element.get("id", "")
    if element.tag.removeprefix(_SVG_NS) == "g" and element_id.startswith("view-"):
        view = element_id.removeprefix("view-")
        if view not in VIEWS:
            raise BodyMapError(f"view {view!r} is neither front nor back")
    yield element, view
    for child in element:
        yield from _elements_with_view(child, view)


def _view_box(root: ET.Element) -> tuple[float, float]:
    numbers = [float(n) for n in _NUMBER.findall(root.get("viewBox", ""))]
    if len(numbers) != 4 or numbers[0] != 0 or numbers[1] != 0:
        raise BodyMapError("the drawing needs a viewBox starting at 0 0")
    return numbers[2], numbers[3]


def _shape_commands(element: ET.Element, tag: str, element_id: str) -> tuple[PathCommand, ...]:
    try:
        if tag == "path":
            return parse_path(element.get("d", ""))
        if tag in ("polygon", "polyline"):
            return polygon_commands(element.get("points", ""), closed=tag == "polygon")
    except BodyMapError as error:
        raise BodyMapError(f"{element_id}: {error}") from error
    raise BodyMapError(f"{element_id!r} should be a path, polygon or polyline, not a {tag}")


def _label(element: ET.Element, element_id: str, view: str) -> Label:
    kind = element.get("class", "side")
    size = float(element.get("font-size", "14").removesuffix("px"))
    text = "".join(element.itertext()).strip()
    anchor = element.get("text-anchor", "start")
    bold = element.get("font-weight", "normal") == "bold"
    return Label(element_id, view, kind, text, _float(element, "x"), _float(element, "y"), anchor, size, bold)


def _float(element: ET.Element, name: str) -> float:
    try:
        return float(element.get(name, ""))
    except ValueError:
        raise BodyMapError(f"{element.get('id')!r} has no number for {name}") from None


# --- geometry ----------------------------------------------------------------------------------


@cache
def _flattened(commands: tuple[PathCommand, ...]) -> tuple[Polygon, ...]:
    polygons: list[Polygon] = []
    current: list[Point] = []
    for command in commands:
        if command.op == "M":
            if len(current) > 2:
                polygons.append(tuple(current))
            current = [command.points[0]]
        elif command.op == "L":
            current.append(command.points[0])
        elif command.op in ("C", "Q") and current:
            current.extend(_curve_points(current[-1], command.points))
        elif command.op == "Z" and len(current) > 2:
            polygons.append(tuple(current))
            current = []
    if len(current) > 2:
        polygons.append(tuple(current))
    return tuple(polygons)


def _curve_points(start: Point, controls: tuple[Point, ...]) -> list[Point]:
    """Points along a quadratic or cubic Bézier curve (start excluded)."""
    nodes = (start, *controls)
    points = []
    for step in range(1, _CURVE_STEPS + 1):
        t = step / _CURVE_STEPS
        layer = list(nodes)
        while len(layer) > 1:  # de Casteljau
            layer = [Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t) for a, b in pairwise(layer)]
        points.append(layer[0])
    return points


def _inside(polygon: Polygon, x: float, y: float) -> bool:
    """Even-odd ray casting."""
    inside = False
    previous = polygon[-1]
    for point in polygon:
        if (point.y > y) != (previous.y > y):
            crossing = previous.x + (y - previous.y) * (point.x - previous.x) / (point.y - previous.y)
            if x < crossing:
                inside = not inside
        previous = point
    return inside


def _bounds(points: Sequence[Point]) -> tuple[float, float, float, float]:
    xs = [p.x for p in points]
    ys = [p.y for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _crossings(polygons: Sequence[Polygon], value: float, horizontal: bool) -> list[float]:
    """Where a horizontal (y = value) or vertical (x = value) line crosses the polygons' edges."""
    found = []
    for polygon in polygons:
        previous = polygon[-1]
        for point in polygon:
            a, b = (previous.y, point.y) if horizontal else (previous.x, point.x)
            if (a > value) != (b > value):
                t = (value - a) / (b - a)
                found.append(
                    previous.x + t * (point.x - previous.x) if horizontal else previous.y + t * (point.y - previous.y)
                )
            previous = point
    return sorted(found)


def _intervals(crossings: list[float]) -> list[tuple[float, float]]:
    return [(crossings[i], crossings[i + 1]) for i in range(0, len(crossings) - 1, 2)]


@cache
def _inner_point(polygons: tuple[Polygon, ...]) -> tuple[Point, float]:
    """A point deep inside: scan rows for the widest inside run, then centre it vertically.

    Cheaper than a true pole of inaccessibility and good enough to place a label or aim a click.
    """
    left, top, right, bottom = _bounds([p for polygon in polygons for p in polygon])
    best, best_radius = Point((left + right) / 2, (top + bottom) / 2), -1.0
    rows = 24
    for row in range(1, rows):
        y = top + (bottom - top) * row / rows
        for start, end in _intervals(_crossings(polygons, y, horizontal=True)):
            x = (start + end) / 2
            column = [iv for iv in _intervals(_crossings(polygons, x, horizontal=False)) if iv[0] <= y <= iv[1]]
            if not column:
                continue
            y_start, y_end = column[0]
            centre_y = (y_start + y_end) / 2
            runs = [iv for iv in _intervals(_crossings(polygons, centre_y, horizontal=True)) if iv[0] <= x <= iv[1]]
            half_width = min(x - runs[0][0], runs[0][1] - x) if runs else 0.0
            radius = min(half_width, (y_end - y_start) / 2)
            if radius > best_radius:
                best, best_radius = Point(x, centre_y), radius
    return best, max(best_radius, 0.0)


@dataclass(frozen=True)
class FillStyle:
    """How a region looks (resources/body_chart/styles.json): a light fill and, for the findings
    that matter, a pattern that still reads on a greyscale printout or for a colour-blind examiner."""

    fill: str
    pattern: str  # "", "diagonal", "crosshatch", "dots", "back_diagonal", "horizontal"
    ink: str  # the pattern's colour
    caption: str


@cache
def _styles() -> dict[str, dict[str, FillStyle]]:
    raw = json.loads(resource_path("body_chart", "styles.json").read_text(encoding="utf-8"))
    return {group: {key: FillStyle(**style) for key, style in raw[group].items()}
            for group in ("scores", "differences")}


def score_styles() -> dict[str, FillStyle]:
    """Score without its tag ("2", "1", "0", "NT", "" for not examined) -> its style."""
    return _styles()["scores"]


def difference_styles() -> dict[str, FillStyle]:
    """"worse", "better", "same", "not_compared" -> its style."""
    return _styles()["differences"]
