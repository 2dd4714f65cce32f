"""Every keyboard shortcut of the app, said once: the shortcuts, the captions that name them and the
README's table all come from `KEYS` (a test checks the README against it, and that no two keys of
one screen collide)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

# The screens a key works on ("window": wherever the main window has the focus).
WINDOW, PATIENTS, PATIENT, VISIT, MOTOR, SENSORY, ISNCSCI, COMPARISON, REFERRAL = (
    "window", "patients", "patient", "visit", "motor", "sensory", "isncsci", "comparison", "referral")


@dataclass(frozen=True)
class Key:
    name: str
    sequence: str  # as Qt reads it and as the README shows it: "Ctrl+N"
    screen: str
    does: str  # what it does, for the README's table


KEYS: tuple[Key, ...] = (
    Key("search", "Ctrl+F", WINDOW, "back to the patient list, in the search box"),
    Key("register", "Ctrl+Shift+N", WINDOW, "register a patient"),
    Key("new_visit", "Ctrl+N", WINDOW, "new visit for the patient on screen or selected in the list"),
    Key("referral", "Ctrl+L", WINDOW, "referral letter of the patient on screen or selected"),
    Key("lock", "Ctrl+Shift+L", WINDOW, "lock the screen behind the sign-in form (the draft is saved)"),
    Key("quit", "Ctrl+Q", WINDOW, "close the window (what is typed is saved first)"),
    Key("open", "Enter", PATIENTS, "open the selected patient (or visit, on a patient's page)"),
    Key("compare", "Ctrl+K", PATIENT, "compare the patient's visits"),
    Key("back", "Esc", PATIENT, "back to the previous screen (a visit's draft is saved first)"),
    Key("page_1", "Ctrl+1", VISIT, "history and red flags"),
    Key("page_2", "Ctrl+2", VISIT, "motor"),
    Key("page_3", "Ctrl+3", VISIT, "sensory"),
    Key("page_4", "Ctrl+4", VISIT, "reflexes and signs"),
    Key("page_5", "Ctrl+5", VISIT, "review"),
    Key("page_6", "Ctrl+6", VISIT, "doctor's note"),
    Key("page_7", "Ctrl+7", VISIT, "ISNCSCI worksheet and its classification"),
    Key("fill_normal", "Ctrl+R", VISIT, "what is not recorded on the page, as normal (history: \"no\" to the "
                                        "red flags not answered)"),
    Key("no_red_flags", "Alt+O", VISIT, "\"no\" to every red-flag question not answered yet"),
    Key("first_gap", "Ctrl+J", VISIT, "the first item not recorded yet"),
    Key("sign", "Ctrl+S", VISIT, "sign the visit (or save the amendment being made)"),
    Key("print_safety_net", "Ctrl+P", VISIT, "print the patient's safety-net sheet of a signed visit"),
    Key("guided", "Ctrl+G", MOTOR, "guided motor examination on or off"),
    Key("light_touch", "Alt+L", SENSORY, "score light touch on the body chart"),
    Key("pin_prick", "Alt+P", SENSORY, "score pin prick on the body chart"),
    Key("worksheet_light_touch", "Alt+L", ISNCSCI, "show and score light touch on the whole-body chart"),
    Key("worksheet_pin_prick", "Alt+P", ISNCSCI, "show and score pin prick on the whole-body chart"),
    Key("issue_and_print", "Ctrl+P", REFERRAL, "issue the letter and print it"),
)

_BY_NAME = {key.name: key for key in KEYS}


def key(name: str) -> Key:
    return _BY_NAME[name]


def caption(text: str, name: str) -> str:
    """A button's caption that names its key: "New visit (Ctrl+N)"."""
    return f"{text} ({key(name).sequence})"


def sequence(name: str) -> QKeySequence:
    shown = key(name).sequence
    return QKeySequence(Qt.Key.Key_Escape) if shown == "Esc" else QKeySequence(shown)


def shortcut(name: str, parent: QWidget, slot: Callable[[], object],
             context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut) -> QShortcut:
    """The key of `name` on `parent`, calling `slot`."""
    made = QShortcut(sequence(name), parent)
    made.setContext(context)
    made.activated.connect(slot)
    made.setObjectName(f"key_{name}")
    return made


def shortcuts_of(root: QObject) -> list[QShortcut]:
    return root.findChildren(QShortcut)
