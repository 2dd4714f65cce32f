"""The window-period worklist: who is on it, in which order, and with which alert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from exam_app.services.context import AppContext
from exam_app.services.demo import SCENARIOS, demo_patients, fill_demo_clinic
from exam_app.services.worklist import worklist

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def scenario_of(ctx_patients: list, name: str) -> str:
    index = [s.__name__ for s in SCENARIOS].index(name)
    return ctx_patients[index][0].record_number


def test_open_windows_come_first_by_time_left_then_recent_worsening(ctx: AppContext) -> None:
    fill_demo_clinic(ctx, len(SCENARIOS), seed=1, now=NOW)
    patients = demo_patients(len(SCENARIOS), 1, NOW)
    entries = worklist(ctx, now=NOW)
    expected = [scenario_of(patients, name) for name in (
        "_progression_within_window",  # onset 44 h ago: 28 h left
        "_l5_radiculopathy",  # onset 30 h ago: 42 h left
        "_cauda_equina",  # onset 20 h ago: 52 h left
        "_stroke_flag",  # onset 2 h ago: 70 h left
        "_progression_after_window",  # window closed; worsened 5 days ago
    )]
    assert [e.record_number for e in entries] == expected
    left = [e.window.time_left for e in entries if e.window.within]
    assert left == sorted(left)  # type: ignore[type-var]


def test_the_headline_alert_is_on_the_progression_inside_the_window_only(ctx: AppContext) -> None:
    fill_demo_clinic(ctx, len(SCENARIOS), seed=1, now=NOW)
    patients = demo_patients(len(SCENARIOS), 1, NOW)
    entries = {e.record_number: e for e in worklist(ctx, now=NOW)}
    inside = entries[scenario_of(patients, "_progression_within_window")]
    after = entries[scenario_of(patients, "_progression_after_window")]
    assert inside.progression_within_window and inside.window.within
    assert any("ankle dorsiflexion 4 → 2" in change for change in inside.changes)
    assert not after.progression_within_window and not after.window.within
    assert after.last_worsened_at is not None
    assert sum(e.progression_within_window for e in entries.values()) == 1


def test_a_worsening_more_than_14_days_ago_with_a_closed_window_leaves_the_list(ctx: AppContext) -> None:
    fill_demo_clinic(ctx, len(SCENARIOS), seed=1, now=NOW)
    patients = demo_patients(len(SCENARIOS), 1, NOW)
    later = NOW + timedelta(days=10)  # the after-window worsening is now 15 days old
    entries = worklist(ctx, now=later)
    # Every window has closed; only the worsening of 10 days ago (under 14) keeps its patient listed.
    assert [e.record_number for e in entries] == [scenario_of(patients, "_progression_within_window")]
    assert not entries[0].window.within
