"""The window-period worklist: who is on it, in which order, and with which alert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from exam_app.clinical.record import ExamRecord, Patient, Visit
from exam_app.services.context import AppContext
from exam_app.services.demo import SCENARIOS, demo_patients, fill_demo_clinic
from exam_app.services.records import import_record
from exam_app.services.worklist import worklist

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def scenario_of(ctx_patients: list, name: str) -> str:
    index = [s.__name__ for s in SCENARIOS].index(name)
    return ctx_patients[index][0].record_number


def test_emergency_and_same_day_come_first_then_the_least_time_left(ctx: AppContext) -> None:
    fill_demo_clinic(ctx, len(SCENARIOS), seed=1, now=NOW)
    patients = demo_patients(len(SCENARIOS), 1, NOW)
    entries = worklist(ctx, now=NOW)
    expected = [scenario_of(patients, name) for name in (
        "_stroke_flag",  # emergency (onset 2 h ago: 70 h left)
        "_progression_within_window",  # same day, open window: 27 h left
        "_cauda_equina",  # same day, open window: 51 h left
        "_cord",  # same day, window closed, examined 2 days ago
        "_progression_after_window",  # same day, window closed, worsened 5 days ago
        "_multiradicular",  # same day, window closed, examined 9 days ago
        "_l5_radiculopathy",  # urgent, open window: 41 h left
    )]
    assert [e.record_number for e in entries] == expected
    assert [e.urgency for e in entries] == ["emergency", *["same_day"] * 5, "urgent"]
    open_same_day = [e.window.time_left for e in entries[1:3]]
    assert open_same_day == sorted(open_same_day)  # type: ignore[type-var]


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
    # Every window has closed: the worsening of 10 days ago (under 14) and the emergency and same-day
    # visits of the last 14 days keep their patients listed; the older ones have left.
    assert [e.record_number for e in entries] == [scenario_of(patients, name) for name in (
        "_stroke_flag", "_progression_within_window", "_cauda_equina", "_cord")]
    assert not any(e.window.within for e in entries)


def test_a_later_partial_visit_does_not_hide_an_open_progression(ctx: AppContext) -> None:
    fill_demo_clinic(ctx, len(SCENARIOS), seed=1, now=NOW)
    patients = demo_patients(len(SCENARIOS), 1, NOW)
    record_number = scenario_of(patients, "_progression_within_window")
    # A later visit that records only one normal grade: routine on its own, nothing worse than before.
    partial = Visit(examined_at=NOW + timedelta(hours=1), examiner="pt.smith",
                    motor={"hip_flexion": {"left": "5"}}, incomplete_reason="patient in too much pain")
    import_record(ctx, ExamRecord(Patient(record_number), [partial]), "partial.json")
    [entry] = [e for e in worklist(ctx, now=NOW + timedelta(hours=2)) if e.record_number == record_number]
    assert entry.last_visit_urgency == "routine"
    assert entry.urgency == "same_day" and entry.progression_within_window
