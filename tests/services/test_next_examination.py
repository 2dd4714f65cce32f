"""The next examination on the worklist: kept on the status row, listed when due today or overdue,
the overdue inside an open window first and flagged, the doctor's signed review overriding."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update

from exam_app.clinical.doctor import DoctorNote
from exam_app.clinical.next_examination import DOCTOR_REVIEW, NOT_DUE, WINDOW_INTERVAL, review_due
from exam_app.services.context import AppContext, InvalidInput, NotPermitted
from exam_app.services.doctor import save_note
from exam_app.services.next_examination import examination_intervals, fill_missing_plans
from exam_app.services.settings import set_examination_intervals
from exam_app.services.visits import find_visit
from exam_app.services.worklist import WorklistEntry, refresh_missing_statuses, refresh_patient, worklist
from exam_app.store import models
from tests.services.schedules import NOW, acting_as, add, fill_schedules, normal_visit, sign_review, weak


def by_record(entries: list[WorklistEntry]) -> dict[str, WorklistEntry]:
    return {e.record_number: e for e in entries}


def test_the_due_list_puts_the_overdue_inside_an_open_window_first_then_by_time_due(ctx: AppContext) -> None:
    fill_schedules(ctx)
    due = worklist(ctx, now=NOW, due_only=True)
    assert [e.record_number for e in due] == ["A", "F", "C", "B"]
    assert [e.overdue_in_open_window for e in due] == [True, True, False, False]
    states = [e.next_examination for e in due]
    assert all(s is not None for s in states)
    a, f, c, b = (s for s in states if s is not None)
    assert (a.until, a.plan.basis, a.plan.interval_hours) == (timedelta(hours=-8), WINDOW_INTERVAL, 12)
    assert (f.until, f.plan.interval_hours, f.plan.tier) == (timedelta(hours=-3), 0, "same_day")
    assert c.overdue and not c.window_open and c.plan.basis == DOCTOR_REVIEW
    assert c.due == review_due((NOW - timedelta(days=2)).date())
    assert (b.until, b.overdue) == (timedelta(hours=10), False)
    assert due[0].contact == "+44 20 7946 0001"


def test_the_worklist_lists_who_is_due_beside_the_open_windows(ctx: AppContext) -> None:
    fill_schedules(ctx)
    entries = by_record(worklist(ctx, now=NOW))
    # Open windows (A, F, B, D) as before; C only because its review is overdue; E's window rule has
    # lapsed with its window and G's review is older than the fortnight a review stays listed.
    assert set(entries) == {"A", "F", "B", "D", "C"}
    d = entries["D"].next_examination
    assert d is not None and d.until == timedelta(hours=23) and not d.overdue
    e_plan = worklist(ctx, now=NOW - timedelta(hours=9))  # E's window was still open then
    assert by_record(e_plan)["E"].overdue_in_open_window


def test_the_main_order_is_unchanged_by_the_due_patients(ctx: AppContext) -> None:
    fill_schedules(ctx)
    order = [e.record_number for e in worklist(ctx, now=NOW)]
    # Same day first (F: open window; A is urgent), then open windows by the least time left, then C
    # (closed window) last.
    assert order == ["F", "A", "B", "D", "C"]


def test_an_overdue_patient_stays_listed_until_the_window_closes(ctx: AppContext) -> None:
    fill_schedules(ctx)
    ends = NOW + timedelta(hours=42)  # A's onset was 30 h before NOW: a 3-day window
    at_the_end = by_record(worklist(ctx, now=ends, due_only=True))
    assert at_the_end["A"].overdue_in_open_window
    after = by_record(worklist(ctx, now=ends + timedelta(minutes=1), due_only=True))
    assert "A" not in after


def test_an_overdue_patient_leaves_the_due_list_once_examined(ctx: AppContext) -> None:
    fill_schedules(ctx)
    add(ctx, "A", normal_visit(NOW + timedelta(minutes=30)))
    later = NOW + timedelta(hours=1)
    assert "A" not in by_record(worklist(ctx, now=later, due_only=True))
    [entry] = [e for e in worklist(ctx, now=later) if e.record_number == "A"]
    assert entry.next_examination is not None and entry.next_examination.plan.basis == NOT_DUE
    assert entry.next_examination.plan.reasons[0].startswith("no weak muscle or abnormal sensation")


def test_the_doctors_signed_review_overrides_and_a_draft_does_not(ctx: AppContext) -> None:
    visit_at = NOW - timedelta(hours=2)
    add(ctx, "R", weak(visit_at, onset=NOW - timedelta(hours=5)))
    visit_id = find_visit(ctx, "R", visit_at)
    review = date(2026, 11, 25)
    version = save_note(ctx, visit_id, DoctorNote(next_review=review), None)
    plan = by_record(worklist(ctx, now=NOW))["R"].next_examination
    assert plan is not None and plan.plan.basis == WINDOW_INTERVAL
    save_note(ctx, visit_id, DoctorNote(next_review=review), version, sign=True)
    plan = by_record(worklist(ctx, now=NOW))["R"].next_examination
    assert plan is not None and (plan.plan.basis, plan.due) == (DOCTOR_REVIEW, review_due(review))


def test_the_clinic_changes_its_intervals(ctx: AppContext) -> None:
    fill_schedules(ctx)
    assert examination_intervals(ctx)["urgent"] == 12
    set_examination_intervals(ctx, {"urgent": 4}, now=NOW)
    b = by_record(worklist(ctx, now=NOW))["B"].next_examination
    assert b is not None and b.until == timedelta(hours=2)  # 4 h after a visit 2 h ago
    with pytest.raises(InvalidInput, match="next examination hours: urgent: 30 hours is longer than routine"):
        set_examination_intervals(ctx, {"urgent": 30})
    with pytest.raises(NotPermitted, match="may not change clinic settings"):
        set_examination_intervals(acting_as(ctx, "physiotherapist"), {"urgent": 6})
    assert examination_intervals(ctx)["urgent"] == 4


def test_rows_from_before_the_plans_are_planned_after_the_upgrade(ctx: AppContext) -> None:
    fill_schedules(ctx)
    add(ctx, "OLD", weak(NOW - timedelta(days=60), onset=NOW - timedelta(days=61)))
    with ctx.db.session() as session:
        session.execute(update(models.PatientStatus).values(next_exam_basis=None, next_exam=None, next_exam_due=None,
                                                            review_due=None))
    computed = fill_missing_plans(ctx.db, refresh_patient, now=NOW)
    # Assessed again: the open windows (A F B D E), the doctor's reviews (C G); OLD is marked at once.
    assert computed == 7
    assert [e.record_number for e in worklist(ctx, now=NOW, due_only=True)] == ["A", "F", "C", "B"]
    with ctx.db.session() as session:
        old = session.query(models.PatientStatus).join(models.Patient).filter(models.Patient.record_number == "OLD")
        assert old.one().next_exam_basis == NOT_DUE
    assert refresh_missing_statuses(ctx.db) == 0  # nothing left to fill


def test_a_review_met_by_a_later_visit_is_no_longer_due(ctx: AppContext) -> None:
    first = NOW - timedelta(days=9)
    add(ctx, "M", weak(first, onset=NOW - timedelta(days=10)))
    sign_review(ctx, "M", first, (NOW - timedelta(days=2)).date())
    assert "M" in by_record(worklist(ctx, now=NOW, due_only=True))
    add(ctx, "M", weak(NOW - timedelta(days=1)))
    assert "M" not in by_record(worklist(ctx, now=NOW, due_only=True))
