"""Save as FHIR from the patient page and from the referral dialog: the file chosen gets the patient's
bundle, valid FHIR R4, with the letters issued; a role without the export permission cannot."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from exam_app.gui.main_window import MainWindow
from exam_app.gui.patient_page import PatientPage
from exam_app.gui.referral_dialog import ReferralDialog
from exam_app.services.context import AppContext
from exam_app.services.demo import fill_demo_clinic
from tests.accounts import account
from tests.interop.fhir_checks import resources, validate_r4

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    """The save dialog answers `path`; returns the default names it was offered."""
    offered: list[str] = []

    def answer(*args: Any, **_kwargs: Any) -> tuple[str, str]:
        offered.append(args[2])
        return str(path), "FHIR JSON (*.json)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    return offered


def test_save_as_fhir_from_the_patient_page(
        demo_ctx: AppContext, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fill_demo_clinic(demo_ctx, 2, seed=1, now=NOW)
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    window.show_patient("D-0100001")
    target = tmp_path / "out.fhir.json"
    offered = choose_file(monkeypatch, target)
    qtbot.mouseClick(window.patient.fhir_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Saved as FHIR" in window.patient.saved_label.text(), timeout=10_000)
    assert offered == [str(Path.home() / "D-0100001.fhir.json")]
    bundle = json.loads(target.read_text(encoding="utf-8"))
    validate_r4(bundle)
    (patient,) = resources(bundle, "Patient")
    assert patient["identifier"][0]["value"] == "D-0100001"
    assert len(resources(bundle, "Encounter")) == 2


def test_save_the_record_as_fhir_from_the_referral_dialog_with_the_letter_issued(
        demo_ctx: AppContext, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fill_demo_clinic(demo_ctx, 1, seed=1, now=NOW)
    dialog = ReferralDialog(demo_ctx, "D-0100001")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.last_pdf is not None, timeout=20_000)
    letter = dialog._issue()
    assert letter is not None
    target = tmp_path / "referral.fhir.json"
    choose_file(monkeypatch, target)
    qtbot.mouseClick(dialog.fhir_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Saved as FHIR" in dialog.state.text(), timeout=10_000)
    bundle = json.loads(target.read_text(encoding="utf-8"))
    validate_r4(bundle)
    (reference,) = resources(bundle, "DocumentReference")
    assert base64.b64decode(reference["content"][0]["attachment"]["data"]) == letter.pdf


def test_the_front_desk_cannot_save_as_fhir(demo_ctx: AppContext, qtbot: QtBot, tmp_path: Path) -> None:
    fill_demo_clinic(demo_ctx, 1, seed=1, now=NOW)
    front_desk = account(demo_ctx.db, "fd.test", "front_desk", "Robin Lee")
    page = PatientPage(front_desk)
    qtbot.addWidget(page)
    page.show_patient("D-0100001")
    assert not page.fhir_button.isEnabled()
    assert "may not export" in page.fhir_button.toolTip()
    dialog = ReferralDialog(front_desk, "D-0100001")
    qtbot.addWidget(dialog)
    assert not dialog.fhir_button.isEnabled()
    assert dialog.print_button.isEnabled()  # the front desk still issues letters
    qtbot.waitUntil(lambda: dialog.last_pdf is not None, timeout=20_000)
