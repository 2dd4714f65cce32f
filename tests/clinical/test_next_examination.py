"""When the next examination is due: each branch of the rule, the window's edges, the doctor's
review overriding it, and how the plan reads from now (overdue, lapsed, listed as due)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone

import pytest

from exam_app.clinical.assess import VisitAssessment
from exam_app.clinical.next_examination import (
    DOCTOR_REVIEW,
    NOT_DUE,
    WINDOW_END,
    WINDOW_INTERVAL,
    DoctorReview,
    NextExamination,
    check_intervals,
    default_intervals,
    due_state,
    end_of_day,
    follow_up_findings,
    in_force,
    listed_as_due,
    patient_tier,
    pending_review,
    plan_next_examination,
    review_due,
    timeliness,
)
from exam_app.clinical.record import Visit
from exam_app.clinical.window import window_status
from tests.clinical.builders import assess_all, at, motor, normal_visit, sensation

ZONE = timezone(timedelta(hours=1))
ONSET = "2026-11-01T20:00+01:00"  # a 3-day window: it ends 2026-11-04 20:00 +01:00
WINDOW_ENDS = at("2026-11-04T20:00+01:00")


def weak(when: str, grade: str = "4", **changes: object) -> Visit:
    return motor(normal_visit(when, **changes), "great_toe_extension", "left", grade)


def plan_after(*visits: Visit, reviews: Sequence[DoctorReview] = (), intervals: dict[str, int] | None = None,
               ) -> tuple[NextExamination, VisitAssessment]:
    """The plan after the last of `visits`, computed as the app does: from the engine's answer."""
    assessments = assess_all(*visits)
    last = assessments[-1]
    review = pending_review(reviews, [a.examined_at for a in assessments], ZONE)
    plan = plan_next_examination(last.examined_at, patient_tier(assessments), follow_up_findings(last.visit),
                                 last.window, review, intervals, ZONE)
    return plan, last


# ------------------------------------------------------------------ inside the open window


def test_a_weak_muscle_inside_the_window_is_urgent_and_due_12_hours_later() -> None:
    plan, last = plan_after(weak("2026-11-02T09:30+01:00", weakness_onset=at(ONSET)))
    assert last.urgency == "urgent"
    assert (plan.basis, plan.due, plan.interval_hours) == (WINDOW_INTERVAL, at("2026-11-02T21:30+01:00"), 12)
    assert plan.window_ends == WINDOW_ENDS and plan.lapses_at == WINDOW_ENDS
    [reason] = plan.reasons
    assert "urgent: examined again 12 h after the examination of 2026-11-02 09:30 +01:00" in reason
    assert "until 2026-11-04 20:00 +01:00" in reason and "left great-toe extension 4" in reason


def test_abnormal_sensation_alone_is_routine_and_due_24_hours_later() -> None:
    visit = sensation(normal_visit("2026-11-02T09:30+01:00", weakness_onset=at(ONSET)), "L5", "left", "1")
    plan, last = plan_after(visit)
    assert last.urgency == "routine"
    assert (plan.basis, plan.due, plan.interval_hours) == (WINDOW_INTERVAL, at("2026-11-03T09:30+01:00"), 24)
    assert "left L5 light touch 1" in plan.reasons[0]


@pytest.mark.parametrize(("flag", "tier"), [("bladder_dysfunction", "same_day"), ("stroke_signs", "emergency")])
def test_same_day_and_emergency_are_due_at_once(flag: str, tier: str) -> None:
    visit = weak("2026-11-02T09:30+01:00", weakness_onset=at(ONSET), red_flags=(flag,))
    plan, last = plan_after(visit)
    assert last.urgency == tier
    assert (plan.basis, plan.due, plan.interval_hours) == (WINDOW_INTERVAL, visit.examined_at, 0)
    assert "examined again at once" in plan.reasons[0]


def test_the_clinic_sets_the_intervals() -> None:
    plan, _ = plan_after(weak("2026-11-02T09:30+01:00", weakness_onset=at(ONSET)), intervals={"urgent": 6})
    assert plan.due == at("2026-11-02T15:30+01:00") and plan.interval_hours == 6


def test_a_progression_inside_the_window_holds_a_later_visit_at_same_day() -> None:
    first = weak("2026-11-02T09:30+01:00", weakness_onset=at(ONSET))
    worse = weak("2026-11-03T09:30+01:00", grade="2")
    partial = motor(weak("2026-11-03T12:00+01:00", grade="4"), "hip_flexion", "left", "5")
    plan, last = plan_after(first, worse, partial)
    assert last.urgency == "urgent"  # the last visit alone: no fall against the one before
    assert plan.tier == "same_day" and plan.due == partial.examined_at


def test_tagged_and_untestable_values_call_for_no_examination() -> None:
    visit = motor(normal_visit("2026-11-02T09:30+01:00", weakness_onset=at(ONSET)), "great_toe_extension", "left",
                  "3*")
    visit = motor(visit, "ankle_dorsiflexion", "left", "NT")
    assert follow_up_findings(visit) == ()
    plan, _ = plan_after(visit)
    assert plan.basis == NOT_DUE and plan.due is None
    assert plan.reasons[0] == "no weak muscle or abnormal sensation at the examination of 2026-11-02 09:30 +01:00"


def test_a_reduced_reflex_alone_calls_for_no_examination() -> None:
    visit = normal_visit("2026-11-02T09:30+01:00", weakness_onset=at(ONSET))
    visit = Visit(**{**visit.__dict__, "reflexes": {**visit.reflexes, "achilles": {"left": "0", "right": "2"}}})
    assert plan_after(visit)[0].basis == NOT_DUE


def test_no_onset_no_window_nothing_due() -> None:
    plan = plan_next_examination(at("2026-11-02T09:30+01:00"), "urgent", ("left great-toe extension 4",),
                                 window_status(None, 3, at("2026-11-02T09:30+01:00")), None, None, ZONE)
    assert plan.basis == NOT_DUE and plan.reasons[0] == "no onset of weakness known, so no window period"


# ------------------------------------------------------------------ the window's edges


def test_an_interval_ending_exactly_at_the_window_end_is_kept() -> None:
    plan, _ = plan_after(weak("2026-11-04T08:00+01:00", weakness_onset=at(ONSET)))
    assert (plan.basis, plan.due) == (WINDOW_INTERVAL, WINDOW_ENDS)


def test_an_interval_ending_a_minute_after_the_window_is_brought_to_its_end() -> None:
    plan, _ = plan_after(weak("2026-11-04T08:01+01:00", weakness_onset=at(ONSET)))
    assert (plan.basis, plan.due) == (WINDOW_END, WINDOW_ENDS)
    assert "would be after the window period closes" in plan.reasons[0]


def test_a_visit_at_the_window_end_is_inside_and_due_at_once() -> None:
    plan, last = plan_after(weak("2026-11-04T20:00+01:00", weakness_onset=at(ONSET)))
    assert last.window.within
    assert (plan.basis, plan.due) == (WINDOW_END, WINDOW_ENDS)


def test_a_visit_a_minute_after_the_window_end_has_nothing_due() -> None:
    plan, last = plan_after(weak("2026-11-04T20:01+01:00", weakness_onset=at(ONSET)))
    assert not last.window.within
    assert plan.basis == NOT_DUE
    assert plan.reasons == ("the window period closed at 2026-11-04 20:00 +01:00",
                            "no next review in a signed doctor's note still to come")


def test_the_window_rule_lapses_when_the_window_closes() -> None:
    plan, _ = plan_after(weak("2026-11-04T10:00+01:00", weakness_onset=at(ONSET)))
    assert plan.due == WINDOW_ENDS
    assert in_force(plan, WINDOW_ENDS) is plan
    after = in_force(plan, WINDOW_ENDS + timedelta(minutes=1))
    assert after.basis == NOT_DUE and after.due is None


def test_overdue_inside_the_open_window_is_flagged_and_not_once_it_closes() -> None:
    plan, _ = plan_after(weak("2026-11-02T09:30+01:00", weakness_onset=at(ONSET)))
    assert plan.due is not None
    on_the_minute = due_state(plan, plan.due)
    assert not on_the_minute.overdue and on_the_minute.until == timedelta(0)
    late = due_state(plan, plan.due + timedelta(minutes=1))
    assert late.overdue and late.overdue_in_open_window and late.until == timedelta(minutes=-1)
    at_the_end = due_state(plan, WINDOW_ENDS)
    assert at_the_end.overdue_in_open_window
    closed = due_state(plan, WINDOW_ENDS + timedelta(minutes=1))
    assert not closed.overdue and closed.due is None and not closed.window_open


# ------------------------------------------------------------------ the doctor's next review


def test_the_doctors_review_at_the_last_visit_overrides_the_window_rule() -> None:
    visit = weak("2026-11-02T09:30+01:00", weakness_onset=at(ONSET))
    review = DoctorReview(date(2026, 11, 9), visit.examined_at)
    plan, _ = plan_after(visit, reviews=[review])
    assert (plan.basis, plan.due, plan.review_on) == (DOCTOR_REVIEW, at("2026-11-09T17:00+01:00"), date(2026, 11, 9))
    assert plan.lapses_at is None  # it holds after the window closes too
    assert plan.reasons == ("the next review on 2026-11-09 set in the doctor's note of the visit of "
                            "2026-11-02 09:30 +01:00 (due by 17:00 that day)",)
    overdue = due_state(plan, at("2026-11-09T17:01+01:00"))
    assert overdue.overdue and not overdue.overdue_in_open_window


def test_the_doctors_review_overrides_even_when_it_is_sooner() -> None:
    visit = weak("2026-11-02T09:30+01:00", weakness_onset=at(ONSET))
    plan, _ = plan_after(visit, reviews=[DoctorReview(date(2026, 11, 2), visit.examined_at)])
    assert (plan.basis, plan.due) == (DOCTOR_REVIEW, at("2026-11-02T17:00+01:00"))
    assert due_state(plan, at("2026-11-02T17:01+01:00")).overdue_in_open_window


def test_an_earlier_notes_review_counts_when_it_is_sooner_than_the_window_rule() -> None:
    first = sensation(weak("2026-11-02T09:30+01:00", weakness_onset=at(ONSET)), "L5", "left", "1")
    second = sensation(normal_visit("2026-11-02T20:00+01:00"), "L5", "left", "1")  # routine: 24 h
    plan, last = plan_after(first, second, reviews=[DoctorReview(date(2026, 11, 3), first.examined_at)])
    assert last.urgency == "routine"
    assert (plan.basis, plan.due) == (DOCTOR_REVIEW, at("2026-11-03T17:00+01:00"))
    assert "comes before the window rule's time (2026-11-03 20:00 +01:00)" in plan.reasons[-1]


def test_an_earlier_notes_later_review_takes_over_once_the_window_closes() -> None:
    first = weak("2026-11-02T09:30+01:00", weakness_onset=at(ONSET))
    second = weak("2026-11-03T09:30+01:00")
    plan, _ = plan_after(first, second, reviews=[DoctorReview(date(2026, 11, 10), first.examined_at)])
    assert (plan.basis, plan.due) == (WINDOW_INTERVAL, at("2026-11-03T21:30+01:00"))
    after = in_force(plan, WINDOW_ENDS + timedelta(minutes=1))
    assert (after.basis, after.due) == (DOCTOR_REVIEW, at("2026-11-10T17:00+01:00"))
    assert after.reasons[0] == ("after the window period closes (2026-11-04 20:00 +01:00), the doctor's next "
                                "review alone")


def test_after_the_window_the_doctors_review_alone() -> None:
    first = weak("2026-10-20T09:30+01:00", weakness_onset=at("2026-10-19T09:00+01:00"))
    second = weak("2026-11-02T09:30+01:00")
    plan, last = plan_after(first, second, reviews=[DoctorReview(date(2026, 11, 16), first.examined_at)])
    assert not last.window.within
    assert (plan.basis, plan.due) == (DOCTOR_REVIEW, at("2026-11-16T17:00+01:00"))
    no_review, _ = plan_after(first, second)
    assert no_review.basis == NOT_DUE


def test_a_review_is_met_by_a_visit_on_or_after_its_date() -> None:
    set_at = at("2026-11-02T09:30+01:00")
    review = DoctorReview(date(2026, 11, 9), set_at)
    assert pending_review([review], [set_at, at("2026-11-08T23:59+01:00")], ZONE) == review
    assert pending_review([review], [set_at, at("2026-11-09T00:00+01:00")], ZONE) is None
    # The same instant is already the 9th in a zone two hours ahead.
    assert pending_review([review], [set_at, at("2026-11-08T23:30+01:00")], timezone(timedelta(hours=3))) is None


def test_the_most_recent_note_with_a_date_decides() -> None:
    older = DoctorReview(date(2026, 11, 20), at("2026-11-02T09:30+01:00"))
    newer = DoctorReview(date(2026, 11, 5), at("2026-11-03T09:30+01:00"))
    examined = [older.set_at_visit, newer.set_at_visit]
    assert pending_review([older, newer], examined, ZONE) == newer
    # Once the newer review is met, the older one does not come back.
    assert pending_review([older, newer], [*examined, at("2026-11-05T10:00+01:00")], ZONE) is None


def test_a_review_date_before_its_own_visit_plans_nothing() -> None:
    review = DoctorReview(date(2026, 11, 1), at("2026-11-02T09:30+01:00"))
    assert pending_review([review], [review.set_at_visit], ZONE) is None
    same_day = DoctorReview(date(2026, 11, 2), at("2026-11-02T09:30+01:00"))
    assert pending_review([same_day], [same_day.set_at_visit], ZONE) == same_day


def test_a_review_date_is_due_by_the_clinics_time_of_that_day() -> None:
    assert review_due(date(2026, 11, 9), ZONE) == datetime(2026, 11, 9, 17, 0, tzinfo=ZONE)


# ------------------------------------------------------------------ the clinic's intervals


def test_the_default_intervals() -> None:
    assert default_intervals() == {"routine": 24, "urgent": 12, "same_day": 0, "emergency": 0}


@pytest.mark.parametrize(("hours", "message"), [
    ({"soon": 3}, "soon: not an urgency tier"),
    ({"urgent": "12"}, "urgent: '12' is not a whole number of hours"),
    ({"urgent": True}, "urgent: True is not a whole number of hours"),
    ({"routine": 73}, "routine: 73 hours is outside 0 to 72"),
    ({"routine": -1}, "routine: -1 hours is outside 0 to 72"),
    ({"urgent": 30}, "urgent: 30 hours is longer than routine (24 hours)"),
    ({"same_day": 4, "emergency": 6}, "emergency: 6 hours is longer than same_day (4 hours)"),
])
def test_intervals_out_of_order_or_range_are_refused(hours: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_intervals(hours)


def test_a_partial_setting_keeps_the_other_defaults() -> None:
    assert check_intervals({"urgent": 8}) == {"routine": 24, "urgent": 8, "same_day": 0, "emergency": 0}


# ------------------------------------------------------------------ the list of examinations due


def test_listed_as_due_today_overdue_and_not_tomorrow() -> None:
    now = at("2026-11-02T10:00+01:00")
    plan, _ = plan_after(weak("2026-11-02T09:30+01:00", weakness_onset=at(ONSET)))  # due 21:30 today
    assert listed_as_due(due_state(plan, now), now, ZONE)
    review = plan_after(weak("2026-11-02T09:30+01:00", weakness_onset=at(ONSET)),
                        reviews=[DoctorReview(date(2026, 11, 3), at("2026-11-02T09:30+01:00"))])[0]
    assert not listed_as_due(due_state(review, now), now, ZONE)  # tomorrow
    midnight = at("2026-11-03T00:00+01:00")
    assert listed_as_due(due_state(review, midnight), midnight, ZONE)


def test_an_overdue_review_leaves_the_list_after_14_days() -> None:
    visit = weak("2026-10-20T09:30+01:00", weakness_onset=at("2026-10-19T09:00+01:00"))
    plan, _ = plan_after(visit, reviews=[DoctorReview(date(2026, 10, 25), visit.examined_at)])
    assert plan.due == at("2026-10-25T17:00+01:00")
    fortnight = plan.due + timedelta(days=14)
    assert listed_as_due(due_state(plan, fortnight), fortnight, ZONE)
    later = fortnight + timedelta(minutes=1)
    assert not listed_as_due(due_state(plan, later), later, ZONE)


def test_the_end_of_the_day_in_the_clinics_zone() -> None:
    assert end_of_day(at("2026-11-02T23:59+01:00"), ZONE) == datetime(2026, 11, 3, tzinfo=ZONE)
    assert end_of_day(at("2026-11-02T23:30+00:00"), ZONE) == datetime(2026, 11, 4, tzinfo=ZONE)


# ------------------------------------------------------------------ earlier examinations on time


def test_earlier_examinations_on_time_late_or_with_nothing_due() -> None:
    first = weak("2026-11-02T09:30+01:00", weakness_onset=at(ONSET))  # due 21:30 the same day
    second = weak("2026-11-02T20:00+01:00")  # on time; due 2026-11-03 08:00
    third = weak("2026-11-03T10:00+01:00")  # 2 h late; due 22:00
    assessments = assess_all(first, second, third)
    plans = [plan_next_examination(a.examined_at, patient_tier(assessments[: i + 1]), follow_up_findings(a.visit),
                                   a.window, None, None, ZONE) for i, a in enumerate(assessments)]
    answers = timeliness(plans, [a.examined_at for a in assessments])
    assert [(t.on_time, t.late_by) for t in answers] == [(True, None), (False, timedelta(hours=2)), (None, None)]
    assert answers[1].due == at("2026-11-03T08:00+01:00") and answers[1].examined_at == third.examined_at
    assert answers[2].due == at("2026-11-03T22:00+01:00") and answers[2].examined_at is None
    normal = normal_visit("2026-11-02T09:30+01:00")
    nothing = plan_next_examination(normal.examined_at, "routine", (), window_status(None, 3, normal.examined_at),
                                    None, None, ZONE)
    [answer] = timeliness([nothing], [normal.examined_at, at("2026-11-09T09:30+01:00")])[:1]
    assert answer.on_time is None and answer.due is None


def test_a_plan_reads_back_from_its_stored_form() -> None:
    first = weak("2026-11-02T09:30+01:00", weakness_onset=at(ONSET))
    plan, _ = plan_after(first, weak("2026-11-03T09:30+01:00"),
                         reviews=[DoctorReview(date(2026, 11, 10), first.examined_at)])
    assert NextExamination.from_json(plan.to_json()) == plan
