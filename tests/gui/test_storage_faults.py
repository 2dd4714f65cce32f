"""On screen, nothing recorded is lost when the database cannot take it: another workstation writing,
a full disk, a read-only or a damaged database each said above the visit, the findings kept on screen
and saved as soon as the database lets the app, the window never waiting for the database; at
start-up a damaged database is offered its latest backup; automatic backups run off the GUI thread."""

from __future__ import annotations

import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from exam_app.clinical.record import Patient
from exam_app.gui import recovery
from exam_app.gui.backup_schedule import AutomaticBackups
from exam_app.gui.main_window import MainWindow
from exam_app.gui.visit import controller as controller_module
from exam_app.gui.visit.editor import VisitEditor
from exam_app.services.backups import BackupMade, automatic_backup
from exam_app.services.context import AppContext
from exam_app.services.patients import register_patient, search_patients
from exam_app.services.startup import open_clinic
from exam_app.services.visits import open_visit
from exam_app.store.database import SQLITE_FILE_NAME
from tests.accounts import open_as_tester
from tests.records import complete
from tests.store.test_faults import damage_table

Wait = Callable[[Callable[[], bool]], None]

pytestmark = pytest.mark.usefixtures("clinic_admin")  # the commands sign in


@pytest.fixture
def clinic(tmp_path: Path, qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    monkeypatch.setattr(controller_module, "RETRY_MS", 200)  # the retry the tests wait for
    ctx = open_as_tester(data_dir=tmp_path / "data", lock_wait=0.3)
    register_patient(ctx, Patient("R-1", "Fault", "Tolerant", date(1970, 1, 1)))
    yield ctx
    ctx.close()


@pytest.fixture
def editor(clinic: AppContext, qtbot: QtBot) -> VisitEditor:
    window = MainWindow(clinic)
    qtbot.addWidget(window)
    window.show()
    window.new_visit("R-1")
    assert window.editor is not None
    return window.editor


def stored_motor(ctx: AppContext, visit_id: int) -> dict[str, dict[str, str]]:
    return open_visit(ctx, visit_id).visit.motor


@contextmanager
def another_workstation_writing(ctx: AppContext) -> Iterator[None]:
    assert ctx.db.sqlite_file is not None
    holder = sqlite3.connect(ctx.db.sqlite_file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


@contextmanager
def every_connection(ctx: AppContext, *pragmas: str) -> Iterator[None]:
    """New connections run `pragmas` (a size limit: a full disk; query_only: a read-only database)."""
    def apply(connection: Any, _record: Any) -> None:
        for pragma in pragmas:
            if pragma == "max_page_count":
                pages = connection.execute("PRAGMA page_count").fetchone()[0]
                connection.execute(f"PRAGMA max_page_count = {pages}")
            else:
                connection.execute(pragma)

    ctx.db.engine.dispose()
    if "max_page_count" in pragmas:
        assert ctx.db.sqlite_file is not None
        with sqlite3.connect(ctx.db.sqlite_file) as connection:
            connection.execute("VACUUM")  # no free pages left inside the file
    event.listen(ctx.db.engine, "connect", apply)
    try:
        yield
    finally:
        event.remove(ctx.db.engine, "connect", apply)
        ctx.db.engine.dispose()


def test_a_save_while_another_workstation_writes_waits_off_screen_then_retries(
        editor: VisitEditor, clinic: AppContext, wait_until: Wait) -> None:
    controller = editor.controller
    with another_workstation_writing(clinic):
        controller.set_motor("hip_flexion", "left", "3")
        started = time.monotonic()
        controller.save()
        assert time.monotonic() - started < 0.1  # the window does not wait for the database
        assert editor.save_state.text() == "Saving…"
        wait_until(lambda: editor.storage_problem.isVisible())
        assert editor.storage_problem.text().startswith("Another workstation is writing; retrying.")
        assert editor.save_state.text() == "Not saved yet"
        assert controller.dirty and controller.visit.motor == {"hip_flexion": {"left": "3"}}
        assert stored_motor(clinic, controller.visit_id) == {}  # reading goes on meanwhile
    wait_until(lambda: stored_motor(clinic, controller.visit_id) == {"hip_flexion": {"left": "3"}})
    wait_until(lambda: not editor.storage_problem.isVisible() and not controller.dirty)
    assert editor.save_state.text().startswith("Draft saved")


@pytest.mark.parametrize(("pragma", "words"), [
    ("max_page_count", "Not saved: the disk is full"),
    ("PRAGMA query_only = ON", "is read-only (attempt to write a readonly database)"),
])
def test_a_full_disk_or_a_read_only_database_is_said_and_the_draft_saved_once_it_can_be(
        editor: VisitEditor, clinic: AppContext, wait_until: Wait, pragma: str, words: str) -> None:
    controller = editor.controller
    # Every finding, and notes long enough to need new pages of the file whatever room is left in it.
    whole = replace(complete(controller.visit), notes="Seen with the family. " * 5000)
    with every_connection(clinic, pragma):
        controller.apply(whole)
        controller.save()
        wait_until(lambda: editor.storage_problem.isVisible())
        assert words in editor.storage_problem.text()
        assert "kept on screen" in editor.storage_problem.text()
        assert controller.visit == whole and controller.dirty
        assert stored_motor(clinic, controller.visit_id) == {}
    wait_until(lambda: open_visit(clinic, controller.visit_id).visit == whole)
    wait_until(lambda: not editor.storage_problem.isVisible())


def _answer_boxes(qtbot: QtBot, answers: list[str], seen: list[str]) -> None:
    """Click, in the message boxes that open one after the other, the buttons named (other modal
    windows, e.g. a progress dialog, are waited out)."""
    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append(box.text())
        wanted = answers.pop(0)
        button = next(b for b in box.buttons() if b.text().replace("&", "") == wanted)
        button.click()
        if answers:
            QTimer.singleShot(20, answer)

    QTimer.singleShot(0, answer)


def test_a_damaged_database_is_said_and_the_visit_stays_open_with_its_findings(
        editor: VisitEditor, clinic: AppContext, qtbot: QtBot, wait_until: Wait) -> None:
    controller = editor.controller
    controller.set_motor("knee_extension", "right", "2")
    assert clinic.db.sqlite_file is not None
    clinic.db.engine.dispose()
    damage_table(clinic.db.sqlite_file, "visits")
    controller.save()
    wait_until(lambda: editor.storage_problem.isVisible())
    assert "is damaged" in editor.storage_problem.text() and "exam-app restore FILE" in editor.storage_problem.text()
    seen: list[str] = []
    _answer_boxes(qtbot, ["OK"], seen)
    editor.close_visit()  # Escape: the findings are not saved, so the visit stays open
    wait_until(lambda: bool(seen))
    assert "The visit stays open so that nothing recorded is lost" in seen[0]
    assert controller.visit.motor == {"knee_extension": {"right": "2"}}
    window = editor.window()
    _answer_boxes(qtbot, ["Close"], seen)
    window.close()  # closing the app asks before it loses what could not be saved
    wait_until(lambda: len(seen) == 2)
    assert "is damaged" in seen[1] and "Close anyway and lose the latest changes?" in seen[1]
    wait_until(lambda: not window.isVisible())


def test_a_damaged_database_at_start_up_is_offered_its_latest_backup(
        tmp_path: Path, qapp: QApplication, qtbot: QtBot) -> None:
    data = tmp_path / "data"
    ctx = open_as_tester(data_dir=data)
    register_patient(ctx, Patient("B-1", "Backed", "Up", date(1970, 1, 1)))
    made = automatic_backup(ctx)
    ctx.close()
    (data / SQLITE_FILE_NAME).write_bytes(b"")
    url = f"sqlite:///{data / SQLITE_FILE_NAME}"
    seen: list[str] = []
    _answer_boxes(qtbot, ["Restore the latest backup", "OK"], seen)
    restored = recovery.open_or_recover(lambda: open_clinic(data_dir=data), url)
    assert restored is not None
    restored.close()
    ctx = open_as_tester(data_dir=data)
    try:
        assert [p.record_number for p in search_patients(ctx)] == ["B-1"]
    finally:
        ctx.close()
    assert "the file is empty (0 bytes)" in seen[0] and f"The latest backup is {made.path.name}" in seen[0]
    assert seen[1].startswith(f"{made.path.name} was restored. The damaged database is kept at ")


def test_without_a_backup_the_damage_is_said_and_the_app_does_not_start(
        tmp_path: Path, qapp: QApplication, qtbot: QtBot) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / SQLITE_FILE_NAME).write_bytes(b"")
    seen: list[str] = []
    _answer_boxes(qtbot, ["OK"], seen)
    assert recovery.open_or_recover(lambda: open_clinic(data_dir=data), f"sqlite:///{data / SQLITE_FILE_NAME}") is None
    assert "the file is empty (0 bytes)" in seen[0] and "No backup of it was found" in seen[0]
    assert (data / SQLITE_FILE_NAME).stat().st_size == 0


def test_the_app_backs_up_at_start_up_off_the_gui_thread(clinic: AppContext, qtbot: QtBot) -> None:
    backups = AutomaticBackups(clinic)
    reports: list[str] = []
    backups.report.connect(reports.append)
    with qtbot.waitSignal(backups.backed_up, timeout=10_000) as made:
        backups.start()
    backup = made.args[0]
    assert isinstance(backup, BackupMade) and backup.path.exists()
    assert stat.S_IMODE(backup.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.path.parent.stat().st_mode) == 0o700
    assert reports and reports[0].startswith("Backed up")
    backups._timer.stop()
