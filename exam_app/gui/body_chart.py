"""The dermatome body chart: light touch and pin prick for L1–S4-5 on both sides (DESIGN step 4).

`DermatomeChart` shows the front and back views of both legs and the saddle (the drawing of
`exam_app.clinical.body_map`) beside a table of the same scores. It only records what the
examiner scores; it draws no conclusion.

How an examiner scores (also in the widget's hint line and tooltips):
- click a dermatome: an unscored or normal one becomes 1 (altered), then 0 (absent), NT, 2
  (normal): the common finding, a deficit, is one click away; right-click clears it;
- keyboard: Tab or the arrows move between dermatomes (↑/↓ level, ←/→ the other side), 2/1/0 or
  N score and move on to the next level, * cycles the ISNCSCI tag (none → * → **), Delete clears;
- the table takes the same keys, and the same data, both ways.
A new score clears a tag; the tag belongs to the value it was given to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache, partial
from itertools import pairwise
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFocusEvent,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
    QTransform,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from exam_app.clinical.body_map import (
    BodyMap,
    FillStyle,
    PathCommand,
    Region,
    body_map,
    difference_styles,
    score_styles,
)
from exam_app.clinical.compare import LIGHT_TOUCH, PIN_PRICK, change
from exam_app.clinical.grades import is_sensory_score, parse_sensory_score
from exam_app.clinical.vocabulary import LEFT, RIGHT, SIDES, vocabulary
from exam_app.gui.keys import caption, shortcut

MODALITIES: tuple[str, str] = (LIGHT_TOUCH, PIN_PRICK)

# level -> side -> score text, as in the exam record ("2", "1*", "NT"...); a missing entry was
# not examined.
LevelScores = Mapping[str, Mapping[str, str]]
# modality -> level -> side -> score: both modalities of one visit, for `show_difference`.
SensoryScores = Mapping[str, LevelScores]

# The score a click gives: a deficit is one click from normal, the rarer NT comes last (the worksheet's
# whole-body chart uses the same cycle and tags).
NEXT_ON_CLICK = {"": "1", "2": "1", "1": "0", "0": "NT", "NT": "2"}
NEXT_TAG = {"": "*", "*": "**", "**": ""}
_KEY_SCORES = {Qt.Key.Key_2: "2", Qt.Key.Key_1: "1", Qt.Key.Key_0: "0", Qt.Key.Key_N: "NT"}
_CLEAR_KEYS = (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)

HINT = (
    "Click a dermatome: 1 altered → 0 absent → NT → 2 normal (an unscored one starts at 1). "
    "Right-click clears.\n"
    "Keys: Tab or arrows move, 2 1 0 N score and go to the next level, * tag, Delete clears."
)


# --- words ---------------------------------------------------------------------------------


def _level_label(level: str) -> str:
    return vocabulary().sensory_level(level).label


def _modality_label(modality: str) -> str:
    return vocabulary().modality(modality).label


def region_name(side: str, level: str, modality: str) -> str:
    """How a region or table cell is announced: 'Left L5 light touch'."""
    return f"{side.title()} {_level_label(level)} {_modality_label(modality)}"


def score_words(score: str, modality: str) -> str:
    """'1*' -> '1, altered, tagged *: not caused by the lesion'; '' -> 'not examined'."""
    if not score:
        return "not examined"
    parsed = parse_sensory_score(score)
    if parsed.score is None:
        words = "not testable"
    elif parsed.score == 0 and modality == PIN_PRICK:
        words = "absent (cannot tell sharp from dull)"
    else:
        words = {0: "absent", 1: "altered", 2: "normal"}[parsed.score]
    tag = {"": "", "*": ", tagged *: not caused by the lesion", "**": ", tagged **: consider normal"}
    return f"{score}, {words}{tag[parsed.tag]}"


def _base(score: str) -> str:
    """The score without its tag: '1*' -> '1', 'NT**' -> 'NT', '' -> ''."""
    return score.rstrip("*")


def _tag(score: str) -> str:
    return score[len(_base(score)) :]


def score_change(before: str, after: str) -> str:
    """'worse', 'better', 'same' or 'not_compared' for one region between two visits: the comparison's
    own reading (`exam_app.clinical.compare.change`); NT, a tagged or a missing score is not compared,
    and the chart says so."""
    if not (before and after):
        return "not_compared"
    return change(LIGHT_TOUCH, before, after) or "not_compared"


# --- look ----------------------------------------------------------------------------------


# The same styles on screen and on paper: resources/body_chart/styles.json.
SCORE_STYLES: dict[str, FillStyle] = score_styles()
DIFFERENCE_STYLES: dict[str, FillStyle] = difference_styles()

_REGION_EDGE = QColor("#97a3af")
_SILHOUETTE = QColor("#37424d")
_DETAIL = QColor("#75818d")
_INK = QColor("#1f2a33")
_FOCUS = QColor("#000000")
_TILE = 8  # px: the pattern repeats every 8 device pixels, whatever the zoom


@cache
def _pattern_brush(pattern: str, ink: str) -> QBrush:
    tile = QPixmap(_TILE, _TILE)
    tile.fill(Qt.GlobalColor.transparent)
    painter = QPainter(tile)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(ink), 1.1))
    end = float(_TILE)
    if pattern in ("diagonal", "crosshatch"):
        painter.drawLine(QPointF(0, end), QPointF(end, 0))
        painter.drawLine(QPointF(-1, 1), QPointF(1, -1))
        painter.drawLine(QPointF(end - 1, end + 1), QPointF(end + 1, end - 1))
    if pattern in ("back_diagonal", "crosshatch"):
        painter.drawLine(QPointF(0, 0), QPointF(end, end))
        painter.drawLine(QPointF(end - 1, -1), QPointF(end + 1, 1))
        painter.drawLine(QPointF(-1, end - 1), QPointF(1, end + 1))
    if pattern == "horizontal":
        painter.drawLine(QPointF(0, end / 2), QPointF(end, end / 2))
    if pattern == "dots":
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(ink))
        painter.drawEllipse(QPointF(2, 2), 1.1, 1.1)
        painter.drawEllipse(QPointF(6, 6), 1.1, 1.1)
    painter.end()
    return QBrush(tile)


def paint_fill(painter: QPainter, path: QPainterPath, style: FillStyle) -> None:
    """Fill a path (in device coordinates) with a style: colour, then its pattern."""
    painter.fillPath(path, QColor(style.fill))
    if style.pattern:
        painter.fillPath(path, _pattern_brush(style.pattern, style.ink))


def painter_path(commands: tuple[PathCommand, ...]) -> QPainterPath:
    """A body-map path as a QPainterPath. A straight-sided part (every region of the shipped
    drawing) goes in as one polygon rather than hundreds of lineTo calls."""
    path = QPainterPath()
    for part in _subpaths(commands):
        closed = part[-1].op == "Z"
        drawn = [c for c in part if c.op != "Z"]
        if all(c.op in ("M", "L") for c in drawn):
            points = [QPointF(c.points[0].x, c.points[0].y) for c in drawn]
            path.addPolygon(QPolygonF([*points, points[0]] if closed else points))
            continue
        for command in drawn:
            _add_command(path, command.op, [QPointF(p.x, p.y) for p in command.points])
        if closed:
            path.closeSubpath()
    return path


def _add_command(path: QPainterPath, op: str, points: list[QPointF]) -> None:
    if op == "M":
        path.moveTo(points[0])
    elif op == "L":
        path.lineTo(points[0])
    elif op == "Q":
        path.quadTo(points[0], points[1])
    else:
        path.cubicTo(points[0], points[1], points[2])


def _subpaths(commands: tuple[PathCommand, ...]) -> list[list[PathCommand]]:
    parts: list[list[PathCommand]] = []
    for command in commands:
        if command.op == "M" or not parts:
            parts.append([])
        parts[-1].append(command)
    return [part for part in parts if any(c.op != "Z" for c in part)]


# --- the table -----------------------------------------------------------------------------


class SensoryTableModel(QAbstractTableModel):
    """Rows L1..S4-5; columns left and right, light touch and pin prick. Holds the scores that
    both the table and the chart show, so the two can never disagree."""

    LEFT_LIGHT_TOUCH = 0
    LEFT_PIN_PRICK = 1
    RIGHT_LIGHT_TOUCH = 2
    RIGHT_PIN_PRICK = 3
    COLUMNS: ClassVar[tuple[tuple[str, str], ...]] = (
        (LEFT, LIGHT_TOUCH),
        (LEFT, PIN_PRICK),
        (RIGHT, LIGHT_TOUCH),
        (RIGHT, PIN_PRICK),
    )
    # two lines keep the columns narrow, leaving the width to the drawing
    _HEADERS = ("Left\nLT", "Left\nPP", "Right\nLT", "Right\nPP")

    score_changed = Signal(str, str, str, str)  # modality, level, side, value ("" cleared)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.levels = tuple(level.id for level in vocabulary().sensory_levels)
        self._scores: dict[tuple[str, str, str], str] = {}  # (modality, level, side) -> score
        self._before: dict[tuple[str, str, str], str] | None = None  # set in difference mode
        self._read_only = False

    # the one way to replace everything
    def reset(self, scores: SensoryScores, before: SensoryScores | None = None) -> None:
        """Show these scores; with `before`, show what changed since then (read-only)."""
        self.beginResetModel()
        self._scores = _flatten(scores)
        self._before = None if before is None else _flatten(before)
        self.endResetModel()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self._all_changed()

    def is_read_only(self) -> bool:
        return self._read_only or self._before is not None

    def in_difference_mode(self) -> bool:
        return self._before is not None

    def score(self, modality: str, level: str, side: str) -> str:
        return self._scores.get((modality, level, side), "")

    def before(self, modality: str, level: str, side: str) -> str:
        return (self._before or {}).get((modality, level, side), "")

    def scores(self, modality: str) -> dict[str, dict[str, str]]:
        """level -> side -> score of one modality; unexamined regions are left out."""
        found: dict[str, dict[str, str]] = {}
        for (item_modality, level, side), value in self._scores.items():
            if item_modality == modality:
                found.setdefault(level, {})[side] = value
        return found

    def set_score(self, modality: str, level: str, side: str, value: str) -> bool:
        """Record one score ("" clears it); refused when read-only or not a sensory score."""
        if self.is_read_only() or (value and not is_sensory_score(value)):
            return False
        key = (modality, level, side)
        if self._scores.get(key, "") == value:
            return True
        if value:
            self._scores[key] = value
        else:
            self._scores.pop(key, None)
        cell = self.index(self.levels.index(level), self.COLUMNS.index((side, modality)))
        self.dataChanged.emit(cell, cell)
        self.score_changed.emit(modality, level, side, value)
        return True

    def cell(self, index: QModelIndex | QPersistentModelIndex) -> tuple[str, str, str]:
        """(modality, level, side) of a cell."""
        side, modality = self.COLUMNS[index.column()]
        return modality, self.levels[index.row()], side

    # Qt's side
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.levels)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        modality, level, side = self.cell(index)
        value = self.score(modality, level, side)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._shown(modality, level, side)
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(self.style(modality, level, side).fill))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return region_name(side, level, modality)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            return f"{region_name(side, level, modality)}: {self._words(modality, level, side)}"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if section < 0 or section >= (len(self.COLUMNS) if horizontal else len(self.levels)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._HEADERS[section] if horizontal else _level_label(self.levels[section])
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            if horizontal:
                side, modality = self.COLUMNS[section]
                return f"{side.title()} {_modality_label(modality)} ({_tool(modality)})"
            level = vocabulary().sensory_level(self.levels[section])
            return f"{level.label}: key point {level.key_point}"
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags if self.is_read_only() else flags | Qt.ItemFlag.ItemIsEditable

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        text = _typed_score(str(value or ""))
        return text is not None and self.set_score(*self.cell(index), text)

    # what a cell shows
    def style(self, modality: str, level: str, side: str) -> FillStyle:
        after = self.score(modality, level, side)
        if self._before is None:
            return SCORE_STYLES[_base(after)]
        return DIFFERENCE_STYLES[score_change(self.before(modality, level, side), after)]

    def _shown(self, modality: str, level: str, side: str) -> str:
        after = self.score(modality, level, side)
        if self._before is None:
            return after
        before = self.before(modality, level, side)
        return after if before == after else f"{before or '–'} → {after or '–'}"

    def _words(self, modality: str, level: str, side: str) -> str:
        after = score_words(self.score(modality, level, side), modality)
        if self._before is None:
            return after
        return f"before {score_words(self.before(modality, level, side), modality)}; now {after}"

    def _all_changed(self) -> None:
        if self.levels:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.levels) - 1, len(self.COLUMNS) - 1))


def _tool(modality: str) -> str:
    return {LIGHT_TOUCH: "cotton wisp", PIN_PRICK: "sharp/dull"}[modality]


def _typed_score(text: str) -> str | None:
    """What an examiner typed as a score: 'n' and 'nt' mean NT, blank clears; None if neither."""
    text = text.strip().upper()
    if text.startswith("N") and not text.startswith("NT"):
        text = "NT" + text[1:]
    return text if not text or is_sensory_score(text) else None


def _flatten(scores: SensoryScores) -> dict[tuple[str, str, str], str]:
    """modality -> level -> side -> score as one dict; a score that is not one raises ValueError
    (the chart would otherwise draw something it cannot name)."""
    levels = {level.id for level in vocabulary().sensory_levels}
    flat = {}
    for modality, by_level in scores.items():
        for level, sides in by_level.items():
            for side, value in sides.items():
                where = f"{modality}.{level}.{side}"
                if modality not in MODALITIES or level not in levels or side not in SIDES:
                    raise ValueError(f"{where}: not a sensory modality, level and side")
                if value and not is_sensory_score(value):
                    raise ValueError(f"{where}: {value!r} is not a sensory score")
                if value:
                    flat[(modality, level, side)] = value
    return flat


class SensoryTableView(QTableView):
    """The scores as a table; a score key (2 1 0 N, * tag, Delete) sets the cell and moves down,
    like the motor grid, so a column is typed at speed."""

    def __init__(self, model: SensoryTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setAccessibleName("Sensory scores table")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setDefaultSectionSize(50)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(26)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setCurrentIndex(model.index(0, 0))

    def scores_model(self) -> SensoryTableModel:
        model = self.model()
        assert isinstance(model, SensoryTableModel)
        return model

    def sizeHint(self) -> QSize:
        width = self.verticalHeader().sizeHint().width() + 4 * self.horizontalHeader().defaultSectionSize()
        height = self.horizontalHeader().sizeHint().height() + 9 * self.verticalHeader().defaultSectionSize()
        return QSize(width + 2 * self.frameWidth() + 2, height + 2 * self.frameWidth() + 2)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.currentIndex()
        value = _key_score(event, self.scores_model().data(index, Qt.ItemDataRole.EditRole) or "")
        if index.isValid() and value is not None and self.state() != QAbstractItemView.State.EditingState:
            if self.scores_model().setData(index, value) and event.key() not in (*_CLEAR_KEYS, Qt.Key.Key_Asterisk):
                self.setCurrentIndex(index.siblingAtRow(min(index.row() + 1, self.scores_model().rowCount() - 1)))
            event.accept()
            return
        super().keyPressEvent(event)


def _key_score(event: QKeyEvent, current: str) -> str | None:
    """The score a key gives to a region or cell holding `current`, or None for other keys."""
    key = Qt.Key(event.key())
    if key in _KEY_SCORES and not (event.modifiers() & Qt.KeyboardModifier.ControlModifier):
        return _KEY_SCORES[key]
    if key in _CLEAR_KEYS:
        return ""
    if key == Qt.Key.Key_Asterisk or event.text() == "*":
        return _base(current) + NEXT_TAG[_tag(current)] if current else None
    return None


# --- the drawing ---------------------------------------------------------------------------


class RegionFocus(QAbstractButton):
    """An invisible, focusable stand-in for one level and side, so a keyboard or screen-reader
    user reaches every dermatome: its accessible name is e.g. 'Left L5 light touch'. The
    canvas paints it (a ring round its regions) and takes the mouse; this takes the keys."""

    key_command = Signal(str, str, str)  # level, side, command: a score, "tag", "clear", a move
    focus_moved = Signal()

    def __init__(self, level: str, side: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.level = level
        self.side = side
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.clicked.connect(lambda: self.key_command.emit(level, side, "cycle"))

    def paintEvent(self, event: QPaintEvent) -> None:
        """Nothing: the canvas draws the region and its focus ring."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        moves = {
            Qt.Key.Key_Up: "previous_level",
            Qt.Key.Key_Down: "next_level",
            Qt.Key.Key_Left: "other_side",
            Qt.Key.Key_Right: "other_side",
        }
        key = Qt.Key(event.key())
        if key in moves:
            self.key_command.emit(self.level, self.side, moves[key])
        elif key in _KEY_SCORES and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.key_command.emit(self.level, self.side, _KEY_SCORES[key])
        elif key in _CLEAR_KEYS:
            self.key_command.emit(self.level, self.side, "clear")
        elif key == Qt.Key.Key_Asterisk or event.text() == "*":
            self.key_command.emit(self.level, self.side, "tag")
        else:
            super().keyPressEvent(event)  # Space and Enter click: the next score in the cycle
            return
        event.accept()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.focus_moved.emit()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focus_moved.emit()


class DermatomeCanvas(QWidget):
    """Paints the body map with each region's style; tells which region is under the mouse."""

    region_clicked = Signal(str, str)  # level, side: left button
    region_cleared = Signal(str, str)  # right button

    _MARGIN = 6

    def __init__(self, style_of: Callable[[str, str], FillStyle], parent: QWidget | None = None,
                 drawing: BodyMap | None = None) -> None:
        super().__init__(parent)
        self.map: BodyMap = drawing or body_map()
        self._style_of = style_of
        self._paths = {region.id: painter_path(region.commands) for region in self.map.regions}
        self._outlines = [(o.is_detail, painter_path(o.commands)) for o in self.map.outlines]
        self.focused: tuple[str, str] | None = None
        self.hovered: tuple[str, str] | None = None
        self.tags: Callable[[str, str], str] = lambda level, side: ""
        self.describe: Callable[[str, str], str] = lambda level, side: ""
        self.interactive = True
        self.setMouseTracking(True)
        self.setMinimumSize(240, 290)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Dermatome body chart")

    def sizeHint(self) -> QSize:
        return QSize(440, 540)

    # the transform between the drawing and the widget
    def transform(self) -> QTransform:
        """Drawing units -> widget pixels: the whole drawing, centred, aspect kept."""
        area = QRectF(self.rect()).adjusted(self._MARGIN, self._MARGIN, -self._MARGIN, -self._MARGIN)
        scale = max(min(area.width() / self.map.width, area.height() / self.map.height), 0.01)
        dx = area.left() + (area.width() - self.map.width * scale) / 2
        dy = area.top() + (area.height() - self.map.height * scale) / 2
        return QTransform(scale, 0, 0, scale, dx, dy)

    def scale(self) -> float:
        return self.transform().m11()

    def region_at(self, position: QPointF) -> Region | None:
        inverse, invertible = self.transform().inverted()
        if not invertible:
            return None
        point = inverse.map(position)
        return self.map.region_at(point.x(), point.y())

    def region_rect(self, level: str, side: str) -> QRect:
        """Where a level and side is drawn, in widget pixels (the view with its key point, or the
        first view that draws it in a drawing without key points)."""
        try:
            region = self.map.region(level, side, self.map.key_point(level, side).view)
        except KeyError:
            region = self.map.regions_of(level, side)[0]
        return self.transform().mapRect(self._paths[region.id].boundingRect()).toAlignedRect()

    # painting
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        transform = self.transform()
        self._paint_regions(painter, transform)
        self._paint_outlines(painter, transform)
        self._paint_key_points(painter, transform)
        self._paint_labels(painter, transform)
        self._paint_rings(painter, transform)
        painter.end()

    def _paint_regions(self, painter: QPainter, transform: QTransform) -> None:
        edge = QPen(_REGION_EDGE, 0.8)
        for region in self.map.regions:
            path = transform.map(self._paths[region.id])
            paint_fill(painter, path, self._style_of(region.level, region.side))
            painter.strokePath(path, edge)

    def _paint_outlines(self, painter: QPainter, transform: QTransform) -> None:
        silhouette = QPen(_SILHOUETTE, 1.6)
        detail = QPen(_DETAIL, 1.0)
        for is_detail, path in self._outlines:
            painter.strokePath(transform.map(path), detail if is_detail else silhouette)

    def _paint_key_points(self, painter: QPainter, transform: QTransform) -> None:
        radius = min(max(3.4 * self.scale(), 3.0), 5.0)
        painter.setPen(QPen(QColor("white"), 1.2))
        painter.setBrush(_INK)
        for point in self.map.key_points:
            painter.drawEllipse(transform.map(QPointF(point.x, point.y)), radius, radius)

    def _paint_labels(self, painter: QPainter, transform: QTransform) -> None:
        scale = self.scale()
        for label in self.map.labels:
            minimum = {"heading": 14.0, "note": 10.5, "side": 12.5}.get(label.kind, 9.5)
            font = QFont(self.font())
            font.setPixelSize(round(max(label.size * scale, minimum)))
            font.setBold(label.bold or label.kind == "level")
            text = label.text + (self._tag_of_label(label.id) if label.kind == "level" else "")
            anchor = transform.map(QPointF(label.x, label.y))
            _draw_text(painter, font, text, anchor, label.anchor, halo=label.kind == "level")

    def _tag_of_label(self, label_id: str) -> str:
        # level labels are named label-VIEW-LEVEL-SIDE-N: show the region's tag after its name
        parts = label_id.split("-")
        return self.tags(parts[2], parts[3]) if len(parts) >= 5 else ""

    def _paint_rings(self, painter: QPainter, transform: QTransform) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for target, pen in ((self.hovered, QPen(_SILHOUETTE, 2.0)), (self.focused, QPen(_FOCUS, 3.0))):
            if target is None:
                continue
            for region in self.map.regions_of(*target):
                painter.strokePath(transform.map(self._paths[region.id]), pen)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # keep each stand-in over its region, so assistive tools point at the right place
        for stand_in in self.findChildren(RegionFocus):
            stand_in.setGeometry(self.region_rect(stand_in.level, stand_in.side))

    # the mouse
    def mousePressEvent(self, event: QMouseEvent) -> None:
        region = self.region_at(event.position())
        if region is None or not self.interactive:
            super().mousePressEvent(event)
            return
        if event.button() == Qt.MouseButton.LeftButton:
            self.region_clicked.emit(region.level, region.side)
        elif event.button() == Qt.MouseButton.RightButton:
            self.region_cleared.emit(region.level, region.side)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        region = self.region_at(event.position())
        hovered = (region.level, region.side) if region else None
        if hovered != self.hovered:
            self.hovered = hovered
            cursor = Qt.CursorShape.PointingHandCursor if hovered and self.interactive else Qt.CursorShape.ArrowCursor
            self.setCursor(cursor)
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self.hovered = None
        self.update()
        super().leaveEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            region = self.region_at(QPointF(event.pos()))
            text = self.describe(region.level, region.side) if region else HINT if self.interactive else ""
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


def _draw_text(painter: QPainter, font: QFont, text: str, anchor: QPointF, align: str, halo: bool) -> None:
    """Text on its baseline at `anchor`, aligned like SVG's text-anchor; a white halo keeps a
    region's name legible over any fill or pattern."""
    width = QFontMetricsF(font).horizontalAdvance(text)
    shift = {"middle": width / 2, "end": width}.get(align, 0.0)
    path = QPainterPath()
    path.addText(QPointF(anchor.x() - shift, anchor.y()), font, text)
    if halo:
        stroker = QPainterPathStroker()
        stroker.setWidth(3.0)
        stroker.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.fillPath(stroker.createStroke(path), QColor(255, 255, 255, 215))
    painter.fillPath(path, _INK)


class LegendSwatch(QWidget):
    """A small sample of a fill style, as the chart draws it."""

    def __init__(self, style: FillStyle, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fill_style = style
        self.setFixedSize(26, 16)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        path = QPainterPath()
        path.addRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        paint_fill(painter, path, self.fill_style)
        painter.strokePath(path, QPen(_REGION_EDGE, 1.0))
        painter.end()


class Legend(QWidget):
    """What the fills and patterns mean: a column of swatches with their captions."""

    def __init__(self, title: str, styles: Mapping[str, FillStyle], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(8)
        layout.setVerticalSpacing(4)
        heading = QLabel(title)
        heading.setStyleSheet("font-weight: bold;")
        layout.addWidget(heading, 0, 0, 1, 4)
        rows = (len(styles) + 1) // 2  # two columns: the legend stays short beside the table
        for number, style in enumerate(styles.values()):
            row, column = 1 + number % rows, 2 * (number // rows)
            layout.addWidget(LegendSwatch(style), row, column)
            layout.addWidget(QLabel(style.caption), row, column + 1)
        layout.setColumnStretch(3, 1)
        self.setAccessibleName(f"{title}: " + "; ".join(style.caption for style in styles.values()))


# --- the whole chart -----------------------------------------------------------------------


class DermatomeChart(QWidget):
    """Light touch and pin prick for L1–S4-5, both sides: a body chart and a table in sync.

    `score_changed(modality, level, side, value)` fires for every change the examiner makes
    (value "" when cleared), from the chart or the table; `set_scores` loads without it.
    """

    score_changed = Signal(str, str, str, str)
    modality_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._modality = LIGHT_TOUCH
        self.model = SensoryTableModel(self)
        self.canvas = DermatomeCanvas(self._style_of, self)
        self.canvas.tags = lambda level, side: _tag(self.model.score(self._modality, level, side))
        self.canvas.describe = self._describe
        self.table = SensoryTableView(self.model, self)
        self._buttons = self._modality_buttons()
        self._read_only_badge = QLabel("Read-only")
        self._caption = QLabel()
        self._score_legend = Legend("Score", SCORE_STYLES)
        self._difference_legend = Legend("Since the earlier visit", DIFFERENCE_STYLES)
        self._hint = QLabel(HINT)
        self._focus = {
            (level, side): RegionFocus(level, side, self.canvas) for side in SIDES for level in self.model.levels
        }
        self._lay_out()
        self._wire()
        self._refresh()

    # the public face
    def set_scores(self, light_touch: LevelScores, pin_prick: LevelScores) -> None:
        """Load a visit's scores (level -> side -> score); leaves the difference view."""
        self.model.reset({LIGHT_TOUCH: light_touch, PIN_PRICK: pin_prick})
        self._refresh()

    def scores(self, modality: str) -> dict[str, dict[str, str]]:
        """level -> side -> score for one modality, unexamined regions left out."""
        return self.model.scores(modality)

    def set_modality(self, modality: str) -> None:
        """Which layer the body chart shows and a click scores: light_touch or pin_prick."""
        if modality not in MODALITIES:
            raise ValueError(f"{modality!r} is not a sensory modality")
        if modality != self._modality:
            self._modality = modality
            self._buttons[modality].setChecked(True)
            self._refresh()
            self.modality_changed.emit(modality)

    def modality(self) -> str:
        return self._modality

    def set_read_only(self, read_only: bool) -> None:
        """A signed visit: scores are shown, never changed."""
        self.model.set_read_only(read_only)
        self._refresh()

    def is_read_only(self) -> bool:
        return self.model.is_read_only()

    def show_difference(self, before: SensoryScores, after: SensoryScores) -> None:
        """Compare two visits (modality -> level -> side -> score): worse and better regions
        stand out; read-only until `set_scores` loads a visit again."""
        self.model.reset(after, before=before)
        self._refresh()

    def in_difference_mode(self) -> bool:
        return self.model.in_difference_mode()

    def region_focus(self, level: str, side: str) -> QAbstractButton:
        """The focusable stand-in of a region (what Tab reaches, what a screen reader names)."""
        return self._focus[(level, side)]

    # building
    def _modality_buttons(self) -> dict[str, QPushButton]:
        group = QButtonGroup(self)
        buttons = {
            LIGHT_TOUCH: QPushButton(caption("Light touch (cotton wisp)", "light_touch")),
            PIN_PRICK: QPushButton(caption("Pin prick (sharp/dull)", "pin_prick")),
        }
        for modality, button in buttons.items():
            button.setCheckable(True)
            button.setAccessibleName(f"Show and score {_modality_label(modality)}")
            button.setToolTip(f"Score {_modality_label(modality)} on the chart")
            group.addButton(button)
            button.toggled.connect(lambda on, m=modality: self._on_layer_button(m, on))
            # Not a button mnemonic: switching the layer must leave the keyboard focus on the
            # region being scored, so the examiner goes on typing where they are.
            shortcut(modality, self, partial(self.set_modality, modality),
                     Qt.ShortcutContext.WidgetWithChildrenShortcut)
        buttons[LIGHT_TOUCH].setChecked(True)
        return buttons

    def _on_layer_button(self, modality: str, checked: bool) -> None:
        if checked:
            self.set_modality(modality)

    def _lay_out(self) -> None:
        header = QHBoxLayout()
        header.addWidget(QLabel("Layer:"))
        for button in self._buttons.values():
            header.addWidget(button)
        header.addSpacing(12)
        header.addWidget(self._caption, 1)
        header.addWidget(self._read_only_badge)
        self._caption.setStyleSheet("font-weight: bold;")
        self._read_only_badge.setStyleSheet("color: #8a3f00; font-weight: bold;")
        # The table (every level, never scrolled) and the legend share a narrow column; the drawing
        # takes the rest, with the keys under it, so that the page fits a 1366×768 screen even under
        # the emergency banner.
        side_column = QVBoxLayout()
        side_column.addWidget(self.table)
        side_column.addSpacing(6)
        side_column.addWidget(self._score_legend)
        side_column.addWidget(self._difference_legend)
        side_column.addStretch(1)
        self._hint.setWordWrap(True)
        self._hint.setStyleSheet("color: #4a5560;")
        drawing = QVBoxLayout()
        drawing.addWidget(self.canvas, 1)
        drawing.addWidget(self._hint)
        body = QHBoxLayout()
        body.addLayout(drawing, 1)
        body.addLayout(side_column, 0)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(body, 1)
        self._set_tab_order()

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [*self._buttons.values(), *self._focus.values(), self.table]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.setFocusProxy(next(iter(self._focus.values())))  # focusing the chart starts at Left L1

    def _wire(self) -> None:
        self.model.score_changed.connect(self.score_changed)
        for changed in (self.model.dataChanged, self.model.modelReset):
            changed.connect(self.canvas.update)
            changed.connect(self._describe_regions)
        self.canvas.region_clicked.connect(self._cycle)
        self.canvas.region_cleared.connect(lambda level, side: self._record(level, side, ""))
        for proxy in self._focus.values():
            proxy.key_command.connect(self._on_key_command)
            proxy.focus_moved.connect(self._on_focus_moved)

    # reacting
    def _cycle(self, level: str, side: str) -> None:
        current = _base(self.model.score(self._modality, level, side))
        self._record(level, side, NEXT_ON_CLICK[current])
        self._focus[(level, side)].setFocus(Qt.FocusReason.MouseFocusReason)

    def _record(self, level: str, side: str, value: str) -> None:
        self.model.set_score(self._modality, level, side, value)

    def _on_key_command(self, level: str, side: str, command: str) -> None:
        current = self.model.score(self._modality, level, side)
        if command == "cycle":
            self._cycle(level, side)
        elif command == "clear":
            self._record(level, side, "")
        elif command == "tag":
            if current:
                self._record(level, side, _base(current) + NEXT_TAG[_tag(current)])
        elif command in ("previous_level", "next_level", "other_side"):
            self._move(level, side, command)
        else:  # a score: record it and go on to the next level, as an examiner works down a leg
            if not self.model.is_read_only():
                self._record(level, side, command)
                self._move(level, side, "next_level")

    def _move(self, level: str, side: str, command: str) -> None:
        levels = self.model.levels
        row = levels.index(level)
        if command == "other_side":
            side = RIGHT if side == LEFT else LEFT
        else:
            row = max(0, min(len(levels) - 1, row + (1 if command == "next_level" else -1)))
        self._focus[(levels[row], side)].setFocus(Qt.FocusReason.TabFocusReason)

    def _on_focus_moved(self) -> None:
        focused = next((key for key, proxy in self._focus.items() if proxy.hasFocus()), None)
        if focused != self.canvas.focused:
            self.canvas.focused = focused
            self.canvas.update()

    # showing
    def _style_of(self, level: str, side: str) -> FillStyle:
        return self.model.style(self._modality, level, side)

    def _describe(self, level: str, side: str) -> str:
        name = region_name(side, level, self._modality)
        words = self.model.data(
            self.model.index(self.model.levels.index(level), self.model.COLUMNS.index((side, self._modality))),
            Qt.ItemDataRole.ToolTipRole,
        )
        key_point = vocabulary().sensory_level(level).key_point
        action = "" if self.model.is_read_only() else "\nClick: next score · right-click: clear"
        return f"{words or name}\nKey point: {key_point}{action}"

    def _describe_regions(self) -> None:
        """Name each stand-in for the layer shown, and say its score, for screen readers."""
        for (level, side), proxy in self._focus.items():
            proxy.setAccessibleName(region_name(side, level, self._modality))
            proxy.setAccessibleDescription(score_words(self.model.score(self._modality, level, side), self._modality))

    def _refresh(self) -> None:
        """Bring names, captions and legends in line with the layer and mode."""
        difference = self.model.in_difference_mode()
        self._describe_regions()
        self.canvas.interactive = not self.model.is_read_only()
        self._score_legend.setVisible(not difference)
        self._difference_legend.setVisible(difference)
        self._hint.setVisible(not self.model.is_read_only())
        self._read_only_badge.setVisible(self.model.is_read_only() and not difference)
        layer = _modality_label(self._modality)
        if difference:
            caption = f"Comparing {layer}: earlier visit → this visit"
        elif self.model.is_read_only():
            caption = f"Showing {layer} ({_tool(self._modality)})"
        else:
            caption = f"Scoring {layer} ({_tool(self._modality)})"
        self._caption.setText(caption)  # which layer a click scores must never be in doubt
        self.canvas.setAccessibleName(f"Dermatome body chart, {layer}")
        self.canvas.update()
