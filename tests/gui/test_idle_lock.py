"""The idle lock: with no input for the clinic's minutes the window hides the patient behind the
sign-in form, saving the draft; the same person signing in finds the screen and draft as they left
them; another person gets a window of their own once the first person's draft is stored."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from exam_app.gui.main_window import MainWindow
from exam_app.services.accounts import NewAccount, add_account, sign_in
from exam_app.services.audit import audit_entries
from exam_app.services.context import AppContext
from exam_app.services.visits import open_visit

PASSWORD = "idle lock password"


def signed_in_window(gui_ctx: AppContext, qtbot: QtBot) -> MainWindow:
    """The window of a physiotherapist (a real account with a password) recording a visit of R-100."""
    for username, name in (("pt.first", "Pat First"), ("pt.second", "Sam Second")):
        add_account(gui_ctx, NewAccount(username, name, "physiotherapist", PASSWORD))
    ctx = AppContext(gui_ctx.db, sign_in(gui_ctx.db, "pt.first", PASSWORD))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.new_visit("R-100")
    assert window.editor is not None
    window.editor.show_page(1)
    window.editor.controller.set_motor("ankle_dorsiflexion", "left", "3")
    return window


def go_idle(window: MainWindow) -> None:
    assert window.idle.timer.isActive() and window.idle.timer.interval() == 10 * 60_000  # the default 10 min
    window.idle.timer.timeout.emit()  # the ten minutes without input are over
    assert window.is_locked
    assert not window.pages.isVisible()  # nothing of the patient is shown


def sign_in_behind_the_lock(window: MainWindow, qtbot: QtBot, username: str, password: str) -> None:
    form = window.lock_form
    form.username.clear()
    qtbot.keyClicks(form.username, username)
    qtbot.keyClicks(form.password, password)
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)


def test_the_same_person_returns_to_the_same_screen_and_draft(gui_ctx: AppContext, qtbot: QtBot) -> None:
    window = signed_in_window(gui_ctx, qtbot)
    editor = window.editor
    assert editor is not None
    page = editor.pages.currentIndex()
    go_idle(window)
    assert "Pat First was signed in" in window.lock_form.heading.text()
    sign_in_behind_the_lock(window, qtbot, "pt.first", "wrong password!")
    assert window.is_locked and "wrong user name or password" in window.lock_form.error.text()
    sign_in_behind_the_lock(window, qtbot, "pt.first", PASSWORD)
    assert not window.is_locked and window.pages.isVisible()
    assert window.editor is editor and window.pages.currentWidget() is editor
    assert editor.pages.currentIndex() == page
    assert editor.controller.visit.motor == {"ankle_dorsiflexion": {"left": "3"}}
    qtbot.waitUntil(lambda: not editor.controller.unsaved)  # the save begun at the lock
    stored = open_visit(gui_ctx, editor.controller.visit_id)
    assert stored.visit.motor == {"ankle_dorsiflexion": {"left": "3"}}
    locks = audit_entries(gui_ctx, action="screen_locked")
    assert [(e.username, (e.detail or {}).get("why")) for e in locks] == [("pt.first", "no input for 10 min")]


def test_another_person_signing_in_closes_the_first_persons_screens_after_saving(
        gui_ctx: AppContext, qtbot: QtBot) -> None:
    window = signed_in_window(gui_ctx, qtbot)
    editor = window.editor
    assert editor is not None
    visit_id = editor.controller.visit_id
    go_idle(window)
    with qtbot.waitSignal(window.other_user_signed_in, timeout=5000) as handed_over:
        sign_in_behind_the_lock(window, qtbot, "pt.second", PASSWORD)
    second = handed_over.args[0]
    assert isinstance(second, AppContext) and second.user.username == "pt.second"
    assert window.editor is None  # the first person's visit is no longer on screen
    stored = open_visit(gui_ctx, visit_id)
    assert stored.visit.motor == {"ankle_dorsiflexion": {"left": "3"}}  # stored before the hand-over
    assert window.close()  # nothing left unsaved to ask about
