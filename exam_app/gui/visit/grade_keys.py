"""What a key typed on a grade cell does to the grade already there (motor grid, sensory table).

Digits set the grade; `+`/`-` add or change the modifier (motor 1-4 only); `*` cycles the ISNCSCI
tag (none, `*`, `**`); `N` means not testable. A key that would make an invalid grade does nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QTableView

from exam_app.clinical.grades import is_motor_grade, is_sensory_score
from exam_app.clinical.isncsci import isncsci_tables

MOTOR_DIGITS = "012345"
MODIFIER_KEYS = frozenset("+-*")  # change the grade just typed: modifier (motor) or ISNCSCI tag
SENSORY_DIGITS = "012"
# Keys a keyboard sends alone on the way to another (Shift before `+` or `*`): they end nothing.
MODIFIER_ONLY_KEYS = frozenset({Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_AltGr,
                                Qt.Key.Key_Meta, Qt.Key.Key_CapsLock})


def _split_tag(grade: str) -> tuple[str, str]:
    core = grade.rstrip("*")
    return core, grade[len(core):]


def typed_grade(current: str, key: str, motor: bool = True) -> str | None:
    """The grade after typing `key` on a cell holding `current` ("" when empty); None: ignore the key."""
    digits = MOTOR_DIGITS if motor else SENSORY_DIGITS
    valid = is_motor_grade if motor else is_sensory_score
    core, tag = _split_tag(current)
    if key in digits:
        candidate = key
    elif key.upper() == "N":
        candidate = "NT"
    elif key in "+-" and motor and core:
        base = core[0]
        candidate = base if core[1:] == key else base + key  # typing the same modifier again removes it
        candidate += tag
    elif key == "*" and core:
        candidate = core + {"": "*", "*": "**", "**": ""}[tag]
    else:
        return None
    return candidate if valid(candidate) else None


def typed_isncsci_score(current: str, key: str, motor: bool) -> str | None:
    """The ISNCSCI worksheet's score after typing `key` on a box holding `current`: digits (0-5 for a
    key muscle, 0-2 for sensation), N for NT, * cycling the tag (none, *, **); no + or -. None: ignore."""
    tables = isncsci_tables()
    allowed = tables.motor_scores if motor else tables.sensory_scores
    core, tag = _split_tag(current)
    if key in (MOTOR_DIGITS if motor else SENSORY_DIGITS):
        candidate = key
    elif key.upper() == "N":
        candidate = "NT"
    elif key == "*" and core:
        candidate = core + {"": "*", "*": "**", "**": ""}[tag]
    else:
        return None
    return candidate if candidate in allowed else None


class TypedGrid(QTableView):
    """A grid typed at speed (the motor grid, the ISNCSCI worksheet): a modifier or tag typed after a
    digit belongs to the box typed just before it, though the cursor has moved on. Any other key, a
    click or leaving the grid ends that; a key sent alone on the way to another (Shift before `+` or
    `*`) does not. Subclasses handle the keys in `type_key`."""

    def __init__(self) -> None:
        super().__init__()
        self._last_typed: QModelIndex | None = None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in MODIFIER_ONLY_KEYS:
            super().keyPressEvent(event)
            return
        just_typed, self._last_typed = self._last_typed, None
        self.type_key(event, just_typed)

    def type_key(self, event: QKeyEvent, just_typed: QModelIndex | None) -> None:
        """A key typed in the grid; `just_typed` is the box typed just before it, if any."""
        super().keyPressEvent(event)

    def typed_at(self, index: QModelIndex) -> None:
        """`index` was just typed: a modifier or tag that follows belongs to it."""
        self._last_typed = QModelIndex(index)

    def forget_typed(self) -> None:
        self._last_typed = None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._last_typed = None
        super().mousePressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._last_typed = None
        super().focusOutEvent(event)
