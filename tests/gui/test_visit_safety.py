"""Nothing lost: autosave within two seconds, a killed app's draft offered back; the body chart
inside the visit changes the scores the engine reads."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from exam_app.clinical.body_map import FRONT, body_map
from exam_app.gui.main_window import MainWindow
from exam_app.gui.visit.controller import AUTOSAVE_MS
from exam_app.services.context import AppContext
from exam_app.services.visits import drafts_to_recover, open_visit
from tests.records import complete

RUN_VISIT_THEN_WAIT = textwrap.dedent("""
    import sys
    from pathlib import Path
    from PySide6.QtTest import QTest
    from exam_app.gui.app import make_application
    from exam_app.gui.main_window import MainWindow
    from tests.accounts import signed_in_as

    app = make_application()
    ctx = signed_in_as(Path(sys.argv[1]), "tester")
    window = MainWindow(ctx)
    window.show()
    window.new_visit("R-100")
    editor = window.editor
    editor.controller.saved.connect(lambda at: print("saved", flush=True))
    editor.show_page(1)
    QTest.keyClicks(editor.motor.grid, "43")  # left hip flexion 4, knee extension 3
    editor.controller.set_red_flag("night_pain", True)
    app.exec()
""")


def test_autosave_comes_within_two_seconds_of_the_last_change(window: MainWindow, qtbot: QtBot) -> None:
    assert AUTOSAVE_MS <= 2000
    window.new_visit("R-200")
    assert window.editor is not None
    controller = window.editor.controller
    with qtbot.waitSignal(controller.saved, timeout=2000):
        controller.set_motor("ankle_plantarflexion", "right", "4")
    assert open_visit(controller.ctx, controller.visit_id).visit.motor == {"ankle_plantarflexion": {"right": "4"}}


def test_a_killed_app_offers_its_draft_back(gui_ctx: AppContext, tmp_path: Path, qtbot: QtBot) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("EXAM_APP_DATABASE_URL", None)
    with subprocess.Popen([sys.executable, "-c", RUN_VISIT_THEN_WAIT, str(tmp_path / "data")],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                          cwd=Path(__file__).resolve().parents[2]) as app:
        assert app.stdout is not None and app.stderr is not None
        line = app.stdout.readline()  # blocks until the autosave has happened
        app.send_signal(signal.SIGKILL)  # no clean shutdown: a crash or a power cut
        errors = app.stderr.read()
        app.wait(timeout=30)
    assert line.strip() == "saved", errors
    assert app.returncode == -signal.SIGKILL

    [draft] = drafts_to_recover(gui_ctx)
    assert draft.record_number == "R-100"
    window = MainWindow(gui_ctx)
    qtbot.addWidget(window)
    window.show()

    def continue_recording() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, continue_recording)
            return
        assert "was not signed" in box.text()
        resume = next(b for b in box.buttons() if b.text() == "Continue recording")
        qtbot.mouseClick(resume, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, continue_recording)
    window.offer_drafts()
    assert window.editor is not None
    visit = window.editor.controller.visit
    assert visit.motor == {"hip_flexion": {"left": "4"}, "knee_extension": {"left": "3"}}
    assert visit.red_flags == ("night_pain",)


def test_clicking_the_body_chart_changes_the_sensory_score(
        window: MainWindow, qtbot: QtBot, wait_until: Callable[[Callable[[], bool]], None]) -> None:
    window.new_visit("R-100")
    editor = window.editor
    assert editor is not None
    editor.show_page(0)
    editor.remaining_normal()  # red flags: no
    editor.show_page(2)
    editor.remaining_normal()  # every level normal
    assert editor.controller.assessment().sensory.light_touch.left == 18
    chart = editor.sensory.chart
    qtbot.waitExposed(chart.canvas)
    centre = body_map().region("L5", "left", FRONT).inner_point()
    position = chart.canvas.transform().map(QPointF(centre.x, centre.y)).toPoint()
    qtbot.mouseClick(chart.canvas, Qt.MouseButton.LeftButton, pos=position)  # 2 → 1 altered
    assert editor.controller.visit.light_touch["L5"] == {"left": "1", "right": "2"}
    assessment = editor.controller.assessment()
    assert assessment.sensory.light_touch.left == 17
    assert "left L5 light touch 1" in assessment.pattern_findings
    wait_until(lambda: "left L5 light touch 1" in editor.review.browser.toPlainText())


def test_a_signed_visit_is_corrected_as_an_amendment_that_keeps_the_original(
        window: MainWindow, qtbot: QtBot, gui_ctx: AppContext) -> None:
    from dataclasses import replace

    from PySide6.QtWidgets import QInputDialog, QPlainTextEdit
    from sqlalchemy import select

    from exam_app.services.visits import save_draft, sign_visit, start_visit
    from exam_app.store import models

    opened = start_visit(gui_ctx, "R-100")
    visit = complete(replace(opened.visit, motor={"ankle_dorsiflexion": {"left": "4"}}))
    sign_visit(gui_ctx, opened.visit_id, visit, save_draft(gui_ctx, opened.visit_id, visit, opened.version))
    window.open_visit(opened.visit_id)
    editor = window.editor
    assert editor is not None and editor.controller.read_only and editor.amend_button.isVisible()

    qtbot.mouseClick(editor.amend_button, Qt.MouseButton.LeftButton)
    assert editor.controller.amending and not editor.controller.read_only
    editor.controller.set_motor("ankle_dorsiflexion", "left", "3")

    def give_reason() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(10, give_reason)
            return
        editor_box = dialog.findChild(QPlainTextEdit)
        assert editor_box is not None
        editor_box.setPlainText("graded on the wrong side")
        dialog.accept()

    QTimer.singleShot(0, give_reason)
    editor.sign()  # Ctrl+S while amending saves the amendment
    qtbot.waitUntil(lambda: editor.controller.status == "amended")  # stored off the GUI thread
    assert open_visit(gui_ctx, opened.visit_id).visit.motor["ankle_dorsiflexion"] == {"left": "3", "right": "5"}
    with gui_ctx.db.session() as session:
        amendment = session.scalar(select(models.VisitAmendment))
        assert amendment is not None
        assert (amendment.reason, amendment.previous["motor"]["ankle_dorsiflexion"]) == (
            "graded on the wrong side", {"left": "4", "right": "5"})
