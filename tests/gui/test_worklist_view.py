"""The worklist on the home screen: ordered by time left, the headline alert impossible to miss."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from exam_app.gui.worklist import ALERT, WorklistModel, WorklistPanel
from exam_app.services.context import AppContext
from exam_app.services.demo import SCENARIOS, demo_patients, fill_demo_clinic

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def test_the_worklist_orders_by_time_left_and_shows_the_alert(
        demo_ctx: AppContext, qtbot: QtBot, qtmodeltester: ModelTester) -> None:
    fill_demo_clinic(demo_ctx, len(SCENARIOS), seed=1, now=NOW)
    patients = demo_patients(len(SCENARIOS), 1, NOW)
    panel = WorklistPanel(demo_ctx)
    qtbot.addWidget(panel)
    panel.refresh(NOW)
    model = panel.model
    qtmodeltester.check(model)
    urgency = [model.data(model.index(r, WorklistModel.URGENCY)) for r in range(model.rowCount())]
    assert urgency == ["emergency", *["same day"] * 5, "urgent"]  # the most urgent first
    left = [model.data(model.index(r, WorklistModel.TIME_LEFT)) for r in range(model.rowCount())]
    assert left[1].startswith("1 d ")  # onset 44 h ago, a 3-day window: 28 h left
    assert left[3:6] == ["closed"] * 3 and "closed" not in (left[:3] + left[6:])
    same_day_open = [model.row(r).window.time_left for r in (1, 2)]
    assert same_day_open == sorted(same_day_open)  # type: ignore[type-var]
    alerted = model.index(1, WorklistModel.ALERT_TEXT)
    assert model.row(1).record_number == patients[0][0].record_number  # the progression inside the window
    assert str(model.data(alerted)).startswith(ALERT)
    assert "ankle dorsiflexion 4 → 2" in str(model.data(alerted))
    assert model.data(alerted, Qt.ItemDataRole.BackgroundRole) == QColor("#a50f15")
    alert_texts = [str(model.data(model.index(r, WorklistModel.ALERT_TEXT))) for r in range(model.rowCount())]
    alerts = [r for r, text in enumerate(alert_texts) if text.startswith(ALERT)]
    assert alerts == [1]
    assert "1 with progression within the window" in panel.title.text()
