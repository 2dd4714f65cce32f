"""Every key said once: the README's table is the keymap's, and no two keys active on one screen
collide (shortcuts, and the Alt+letter mnemonics of the labels and buttons on screen)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from exam_app.gui.keys import KEYS, VISIT, WINDOW
from exam_app.gui.main_window import MainWindow
from exam_app.services.context import AppContext
from exam_app.services.visits import sign_visit, start_visit
from tests.records import complete

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from keys_table import table  # noqa: E402  (the tool that writes the README's table)


def test_the_readme_holds_the_keymap_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    between = readme.split("<!-- keys -->\n", 1)[1].split("\n<!-- /keys -->", 1)[0]
    assert between == table()


def test_no_two_keys_of_one_screen_are_the_same() -> None:
    for screen in {key.screen for key in KEYS}:
        keys = [k.sequence for k in KEYS if k.screen in (screen, WINDOW)]
        assert [k for k, n in Counter(keys).items() if n > 1] == [], screen
    assert all(QKeySequence(k.sequence).toString() or k.sequence == "Enter" for k in KEYS)


def _active_keys(window: QWidget) -> list[str]:
    """The shortcuts and mnemonics a key press can reach now."""
    found = [s.key().toString() for s in window.findChildren(QShortcut)
             if s.isEnabled() and isinstance(s.parent(), QWidget) and s.parent().isVisible()]  # type: ignore[union-attr]
    texts = [w.text() for w in window.findChildren(QAbstractButton) if w.isVisible()]
    texts += [w.text() for w in window.findChildren(QLabel) if w.isVisible() and w.buddy() is not None]
    found += [QKeySequence.mnemonic(t).toString() for t in texts if "&" in t.replace("&&", "")]
    return [k for k in found if k]


def _assert_unique(window: QWidget, where: str) -> None:
    QApplication.processEvents()
    keys = _active_keys(window)
    assert [k for k, n in Counter(keys).items() if n > 1] == [], where


def test_the_keys_active_on_each_screen_never_collide(window: MainWindow, gui_ctx: AppContext, qtbot: QtBot) -> None:
    _assert_unique(window, "patients")
    window.show_patient("R-100")
    _assert_unique(window, "patient")
    window.new_visit("R-100")
    editor = window.editor
    assert editor is not None
    for page in range(7):
        editor.show_page(page)
        _assert_unique(window, f"visit page {page + 1}")
    editor.motor.set_guided(True)
    editor.show_page(1)
    _assert_unique(window, "guided motor")
    opened = start_visit(gui_ctx, "R-200")
    sign_visit(gui_ctx, opened.visit_id, complete(opened.visit), opened.version)
    editor.controller.dirty = False
    window._visit_closed()
    window.compare_visits("R-200")
    _assert_unique(window, "comparison")


def test_every_visit_key_is_on_the_editor() -> None:
    from exam_app.gui.visit import editor

    source = Path(editor.__file__).read_text(encoding="utf-8")
    for key in KEYS:
        if key.screen == VISIT and not key.name.startswith("page_"):
            assert f'"{key.name}"' in source, key.name
