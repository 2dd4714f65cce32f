"""The ISNCSCI worksheet's body chart: light touch or pin prick C2–S4-5, both sides, front and back
(the drawing of `exam_app.clinical.body_map.whole_body_map`), in the legs chart's colours.

It holds no scores: it reads them from the worksheet (`score_of`) and asks for a change with
`score_chosen`, so the grid and the chart always show the same boxes. The box being typed in the
grid is ringed on the chart, which shows that box's sense. Scoring is the legs chart's:
- click a dermatome: 1 altered → 0 absent → NT → 2 normal (an unscored one starts at 1);
  right-click clears it; a click scores that box only (nothing is copied down);
- keyboard: Tab reaches the layer buttons and then the dermatomes (Left C2 first); ↑/↓ move a
  level, ←/→ to the other side; 2, 1, 0 or N score and move down a level, * cycles the tag,
  Delete clears.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from exam_app.clinical.body_map import FillStyle, whole_body_map
from exam_app.clinical.isncsci import isncsci_tables
from exam_app.clinical.vocabulary import LEFT, RIGHT, SIDES, vocabulary
from exam_app.gui.body_chart import (
    MODALITIES,
    NEXT_ON_CLICK,
    NEXT_TAG,
    SCORE_STYLES,
    DermatomeCanvas,
    LegendSwatch,
    RegionFocus,
    score_words,
)
from exam_app.gui.keys import caption

_TOOLS = {"light_touch": "cotton wisp", "pin_prick": "sharp/dull"}

HINT = ("Click: 1 → 0 → NT → 2, right-click clears · keys on a region: 2 1 0 N, *, Delete, arrows")

def _legend_row() -> QWidget:
    """What the fills mean, on one line under the drawing (the page is short at 1366×768)."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    for style in SCORE_STYLES.values():
        layout.addWidget(LegendSwatch(style))
        layout.addWidget(QLabel(style.caption))
        layout.addSpacing(6)
    layout.addStretch(1)
    row.setAccessibleName("Score: " + "; ".join(style.caption for style in SCORE_STYLES.values()))
    return row


# modality, level, side -> the box's value ("" when empty)
ScoreOf = Callable[[str, str, str], str]


def _base(score: str) -> str:
    return score.rstrip("*")


def _tag(score: str) -> str:
    return score[len(_base(score)):]


def _modality_words(modality: str) -> str:
    return vocabulary().modality(modality).label


def level_words(level: str) -> str:
    return level.replace("_", "-")


def region_name(side: str, level: str, modality: str) -> str:
    """'Left T10 light touch'."""
    return f"{side.title()} {level_words(level)} {_modality_words(modality)}"


class WholeBodyChart(QWidget):
    """The whole-body dermatome chart of the worksheet (see the module's docstring)."""

    score_chosen = Signal(str, str, str, str)  # modality, level, side, value ("" clears)
    region_focused = Signal(str, str, str)  # modality, level, side: the box the chart is on
    modality_changed = Signal(str)

    def __init__(self, score_of: ScoreOf, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._score_of = score_of
        self._modality = "light_touch"
        self._read_only = False
        self.levels = isncsci_tables().levels
        self._allowed = isncsci_tables().sensory_scores
        self.canvas = DermatomeCanvas(self._style_of, self, drawing=whole_body_map())
        self.canvas.tags = lambda level, side: _tag(self.score(level, side))
        self.canvas.describe = self._describe
        self.canvas.setMinimumSize(220, 280)
        self._focus = {(level, side): RegionFocus(level, side, self.canvas)
                       for side in SIDES for level in self.levels}
        self.buttons = self._modality_buttons()
        self._caption = QLabel()
        self._caption.setStyleSheet("font-weight: bold;")
        self._hint = QLabel(HINT)
        self._hint.setWordWrap(True)
        self._hint.setStyleSheet("color: #4a5560;")
        self.legend = _legend_row()
        self._lay_out()
        for proxy in self._focus.values():
            proxy.key_command.connect(self._on_key_command)
            proxy.focus_moved.connect(self._on_focus_moved)
        self.canvas.region_clicked.connect(self._cycle)
        self.canvas.region_cleared.connect(lambda level, side: self._choose(level, side, ""))
        self.refresh()

    # the public face
    def modality(self) -> str:
        return self._modality

    def set_modality(self, modality: str) -> None:
        """Which sense the chart shows and a click scores: light_touch or pin_prick."""
        if modality not in MODALITIES:
            raise ValueError(f"{modality!r} is not a sensory modality")
        if modality != self._modality:
            self._modality = modality
            self.buttons[modality].setChecked(True)
            self.refresh()
            self.modality_changed.emit(modality)

    def set_read_only(self, read_only: bool) -> None:
        if read_only != self._read_only:
            self._read_only = read_only
            self.refresh()

    def score(self, level: str, side: str) -> str:
        return self._score_of(self._modality, level, side)

    def show_box(self, modality: str, level: str, side: str) -> None:
        """Ring the region of the box being typed in the grid, in the grid column's sense."""
        self.set_modality(modality)
        if self.canvas.focused != (level, side):
            self.canvas.focused = (level, side)
            self.canvas.update()

    def region_focus(self, level: str, side: str) -> RegionFocus:
        """The focusable stand-in of a region (what Tab reaches, what a screen reader names)."""
        return self._focus[(level, side)]

    def refresh(self) -> None:
        """Show the worksheet's values again (after every box typed)."""
        words = _modality_words(self._modality)
        for (level, side), proxy in self._focus.items():
            proxy.setAccessibleName(region_name(side, level, self._modality))
            proxy.setAccessibleDescription(score_words(self.score(level, side), self._modality))
        self.canvas.interactive = not self._read_only
        self.canvas.setAccessibleName(f"Whole-body dermatome chart, {words}")
        verb = "Showing" if self._read_only else "Scoring"
        self._caption.setText(f"{verb} {words} ({_TOOLS[self._modality]})")
        self._hint.setVisible(not self._read_only)
        self.canvas.update()

    # building
    def _modality_buttons(self) -> dict[str, QPushButton]:
        group = QButtonGroup(self)
        buttons = {"light_touch": QPushButton(caption("Light touch", "worksheet_light_touch")),
                   "pin_prick": QPushButton(caption("Pin prick", "worksheet_pin_prick"))}
        for modality, button in buttons.items():
            button.setCheckable(True)
            button.setAccessibleName(f"Show and score {_modality_words(modality)} on the whole-body chart")
            group.addButton(button)
            button.toggled.connect(lambda on, m=modality: self._on_layer_button(m, on))
        buttons["light_touch"].setChecked(True)
        return buttons

    def _on_layer_button(self, modality: str, checked: bool) -> None:
        if checked:
            self.set_modality(modality)

    def _lay_out(self) -> None:
        header = QHBoxLayout()
        for button in self.buttons.values():
            header.addWidget(button)
        header.addWidget(self._caption, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self._hint)
        chain = [*self.buttons.values(), *self._focus.values()]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    # reacting
    def _choose(self, level: str, side: str, value: str) -> None:
        if not self._read_only and (not value or value in self._allowed):
            self.score_chosen.emit(self._modality, level, side, value)

    def _cycle(self, level: str, side: str) -> None:
        self._choose(level, side, NEXT_ON_CLICK[_base(self.score(level, side))])
        self._focus[(level, side)].setFocus(Qt.FocusReason.MouseFocusReason)

    def _on_key_command(self, level: str, side: str, command: str) -> None:
        current = self.score(level, side)
        if command == "cycle":
            self._cycle(level, side)
        elif command == "clear":
            self._choose(level, side, "")
        elif command == "tag":
            if current:
                tagged = _base(current) + NEXT_TAG[_tag(current)]
                self._choose(level, side, tagged if tagged in self._allowed else _base(current))
        elif command in ("previous_level", "next_level", "other_side"):
            self._move(level, side, command)
        elif not self._read_only:  # a score: record it and go on down, as the grid does
            self._choose(level, side, command)
            self._move(level, side, "next_level")

    def _move(self, level: str, side: str, command: str) -> None:
        row = self.levels.index(level)
        if command == "other_side":
            side = RIGHT if side == LEFT else LEFT
        else:
            row = max(0, min(len(self.levels) - 1, row + (1 if command == "next_level" else -1)))
        self._focus[(self.levels[row], side)].setFocus(Qt.FocusReason.TabFocusReason)

    def _on_focus_moved(self) -> None:
        focused = next((key for key, proxy in self._focus.items() if proxy.hasFocus()), None)
        if focused != self.canvas.focused:
            self.canvas.focused = focused
            self.canvas.update()
            if focused is not None:
                self.region_focused.emit(self._modality, *focused)

    # showing
    def _style_of(self, level: str, side: str) -> FillStyle:
        return SCORE_STYLES[_base(self.score(level, side))]

    def _describe(self, level: str, side: str) -> str:
        name = region_name(side, level, self._modality)
        action = "" if self._read_only else "\nClick: next score · right-click: clear"
        return f"{name}: {score_words(self.score(level, side), self._modality)}{action}"
