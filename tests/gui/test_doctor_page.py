"""The doctor's note on a signed visit: warning when surgery has no deficit to support it; consent."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from exam_app.services.context import ActingUser, AppContext
from exam_app.services.doctor import open_note
from exam_app.services.visits import save_draft, sign_visit, start_visit
from exam_app.store import models
from tests.gui.conftest import doctor_page
from tests.records import complete


def signed_normal_visit(ctx: AppContext) -> int:
    opened = start_visit(ctx, "R-100")
    visit = complete(opened.visit)
    sign_visit(ctx, opened.visit_id, visit, save_draft(ctx, opened.visit_id, visit, opened.version))
    return opened.visit_id


def account(ctx: AppContext, username: str, name: str, role: str) -> AppContext:
    """The context as another, real account of the clinic."""
    with ctx.db.session() as session:
        user = models.User(username=username, display_name=name, role=role, active=True)
        session.add(user)
        session.flush()
        return AppContext(ctx.db, ActingUser(user.id, username, name, role))


def press_in_next_dialog(qtbot: QtBot, caption: str) -> list[str]:
    """Click the button whose caption is `caption` in the next message box; returns its text."""
    texts: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, answer)
            return
        texts.append(box.text())
        [button] = [b for b in box.buttons() if b.text().replace("&", "") == caption]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)
    return texts


def test_surgery_without_a_deficit_is_warned_and_needs_consent(gui_ctx: AppContext, qtbot: QtBot) -> None:
    visit_id = signed_normal_visit(gui_ctx)
    doctor = account(gui_ctx, "dr.jones", "Dr Alex Jones", "doctor")
    page = doctor_page(doctor, visit_id)
    qtbot.addWidget(page)
    page.resize(1200, 900)
    page.show()
    qtbot.waitExposed(page)
    assert not page.consent.isEnabled()
    page.level.setCurrentIndex(page.level.findData("root_compression"))
    page.plan_boxes["surgical_opinion"].click()
    assert page.consent.isEnabled()
    assert "neither weakness nor sensory loss" in page.surgery_warning.text()

    refusal = press_in_next_dialog(qtbot, "OK")  # consent is asked for before any confirmation
    page.sign()
    assert "informed consent" in refusal[0]
    assert open_note(doctor, visit_id).status != "signed"

    page.consent.click()
    seen = press_in_next_dialog(qtbot, "Sign the note")  # sign despite the warning
    with qtbot.waitSignal(page.signed):
        page.sign()  # stored off the GUI thread, after any save of the draft on its way
    assert "neither weakness nor sensory loss" in seen[0]
    note = open_note(doctor, visit_id)
    assert note.status == "signed" and note.note.surgical_consent is True
    assert note.note.level == "root_compression" and note.note.signed_by == "Dr Alex Jones"
    assert not page.sign_button.isEnabled()


def test_only_a_doctor_writes_the_note(gui_ctx: AppContext, qtbot: QtBot) -> None:
    visit_id = signed_normal_visit(gui_ctx)
    physio = account(gui_ctx, "pt.smith", "Sam Smith", "physiotherapist")
    page = doctor_page(physio, visit_id)
    qtbot.addWidget(page)
    assert page.state.text() == "Only a doctor writes this note."
    assert not page.level.isEnabled() and not page.sign_button.isEnabled()


def test_the_note_is_saved_by_the_visits_autosave_and_closing_waits_for_it(gui_ctx: AppContext, qtbot: QtBot) -> None:
    visit_id = signed_normal_visit(gui_ctx)
    doctor = account(gui_ctx, "dr.jones", "Dr Alex Jones", "doctor")
    page = doctor_page(doctor, visit_id)
    qtbot.addWidget(page)
    page.impression.setPlainText("Right L5 root compression likely")
    assert page.controller.unsaved  # typed, not stored yet: a lock or a close waits for it
    problems: list[str | None] = []
    page.controller.when_saved(problems.append)  # what closing the visit and the idle lock call
    qtbot.waitUntil(lambda: problems == [None])
    assert not page.controller.unsaved
    stored = open_note(doctor, visit_id)
    assert stored.status == "draft" and stored.note.impression == "Right L5 root compression likely"

    page.plan_text.setText("MRI lumbar spine")  # the autosave of the visit stores it without a close
    qtbot.waitUntil(lambda: open_note(doctor, visit_id).note.plan_text == "MRI lumbar spine", timeout=5000)
    assert page.state.text() == "Draft — saved as you type"
