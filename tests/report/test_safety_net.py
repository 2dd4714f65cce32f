"""The safety-net sheet read back with pypdf: what the patient takes home. Built from visits assessed by
the engine and plans made by the rule, never from made-up answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from exam_app.clinical.assess import assess_visits
from exam_app.clinical.next_examination import (
    DoctorReview,
    NextExamination,
    follow_up_findings,
    patient_tier,
    plan_next_examination,
)
from exam_app.clinical.record import Patient, Visit
from exam_app.clinical.vocabulary import vocabulary
from exam_app.clinical.window import window_status
from exam_app.report.referral import Letterhead
from exam_app.report.safety_net import (
    SafetyNetContent,
    act_if,
    emergency_number,
    listed_red_flags,
    render_safety_net,
    safety_net_words,
)
from tests.clinical.builders import LEVELS, MOTOR_ITEMS, at, motor, normal_visit, sensation
from tests.report.pdf import pages, text

ZONE = timezone(timedelta(hours=1))
CLINIC = Letterhead("Riverside Spine and Nerve Clinic", "12 Harbour Road\nPortsmouth PO1 3AX", "+44 23 9200 0000")
ONSET = at("2026-11-01T20:00+01:00")
ISSUED = at("2026-11-02T09:45+01:00")


def sheet_of(*visits: Visit, review: DoctorReview | None = None, issued: datetime = ISSUED,
             patient: Patient | None = None, **changes: object) -> SafetyNetContent:
    """The sheet of the last visit, with the engine's answer and the rule's plan."""
    assessments = assess_visits(list(visits))
    last = assessments[-1]
    plan = plan_next_examination(last.examined_at, patient_tier(assessments), follow_up_findings(last.visit),
                                 last.window, review, None, ZONE)
    content = SafetyNetContent(
        letterhead=CLINIC, patient=patient or Patient("A-1001", "Doe", "Jane", date(1969, 4, 2), "female"),
        examined_at=last.examined_at, examiner="Sam Smith", signer="Sam Smith", issued_at=issued,
        issued_by="Robin Lee", weak=tuple((s, i) for s in ("left", "right") for i in MOTOR_ITEMS
                                          if last.visit.motor.get(i, {}).get(s, "5") not in ("5",)),
        numb=tuple((s, lv) for s in ("left", "right") for lv in LEVELS
                   if last.visit.light_touch.get(lv, {}).get(s, "2") != "2"),
        other_changes=False, worse_since=assessments[-2].examined_at if last.worsening.worsened else None,
        red_flags=last.red_flags, incomplete=False, plan=plan,
        window=window_status(last.window.onset, 3, issued))
    return replace(content, **changes)  # type: ignore[arg-type]


def weak_l5(when: str, grade: str = "3", **changes: object) -> Visit:
    visit = motor(normal_visit(when, **changes), "great_toe_extension", "left", grade)
    return sensation(visit, "L5", "left", "1")


@pytest.fixture(scope="module")
def urgent_sheet() -> str:
    return text(render_safety_net(sheet_of(weak_l5("2026-11-02T09:30+01:00", weakness_onset=ONSET))))


def test_every_emergency_and_same_day_red_flag_in_the_patients_words(urgent_sheet: str) -> None:
    emergency = listed_red_flags("emergency")
    same_day = listed_red_flags("same_day")
    assert set(emergency) == {f.id for f in vocabulary().red_flags if f.tier == "emergency"} and len(emergency) == 3
    assert len(same_day) == 6
    assert f"Call {emergency_number()} at once if:" in urgent_sheet
    for flag in (*emergency, *same_day):
        assert act_if(flag) in urgent_sheet, flag
    for extra in safety_net_words()["same_day_also"]:
        assert extra in urgent_sheet
    # Emergency first, then same day, each in the vocabulary's order.
    positions = [urgent_sheet.index(act_if(flag)) for flag in (*emergency, *same_day)]
    assert positions == sorted(positions)
    assert urgent_sheet.index("at once if") < urgent_sheet.index(act_if(emergency[0]))


def test_the_next_examination_time_and_the_window_end(urgent_sheet: str) -> None:
    # Urgent: 12 hours after the examination at 09:30; the window (onset 1 Nov 20:00) ends 4 Nov 20:00.
    assert "Your next examination By Monday 2 November 2026 at 21:30" in urgent_sheet
    assert "That is 12 hours after today's examination." in urgent_sheet
    assert "Until Wednesday 4 November 2026 at 20:00, treatment may still prevent lasting damage." in urgent_sheet
    assert "Please come even if you feel better." in urgent_sheet


def test_the_clinic_phone_and_who_it_is_for(urgent_sheet: str) -> None:
    assert urgent_sheet.startswith("Riverside Spine and Nerve Clinic 12 Harbour Road, Portsmouth PO1 3AX "
                                   "Phone +44 23 9200 0000")
    assert "Call the clinic on +44 23 9200 0000 the same day, and come back to be examined, if:" in urgent_sheet
    assert "For Jane Doe · born 2 April 1969 · record number A-1001" in urgent_sheet
    assert "Examined on Monday 2 November 2026 at 09:30 by Sam Smith." in urgent_sheet


def test_what_was_found_in_plain_words(urgent_sheet: str) -> None:
    assert "Some muscles of your left leg are weaker than normal: lifting your big toe." in urgent_sheet
    assert "The feeling in your left leg is reduced: the top of your foot." in urgent_sheet
    assert "great-toe extension" not in urgent_sheet.split("Next examination planned from")[0]  # no jargon above
    assert "It is not a diagnosis" in urgent_sheet
    assert "Next examination planned from: urgent: examined again 12 h after the examination" in urgent_sheet


def test_worse_both_sides_and_red_flags_told() -> None:
    first = weak_l5("2026-11-02T09:30+01:00", grade="4", weakness_onset=ONSET)
    second = motor(weak_l5("2026-11-03T09:30+01:00", grade="2"), "great_toe_extension", "right", "2")
    second = sensation(second, "L5", "right", "1")
    second = replace(second, red_flags=("saddle_numbness",))
    words = text(render_safety_net(sheet_of(first, second, issued=at("2026-11-03T10:00+01:00"))))
    assert "Some muscles of both your legs are weaker than normal: lifting your big toe." in words
    assert "Some of this is worse than at your examination on Monday 2 November 2026." in words
    assert "You told us about: numbness around your back passage or genitals." in words
    # Same day (a worsening and a same-day red flag): at once.
    assert "Your next examination Today, as soon as possible" in words


def test_a_normal_visit_without_a_window_plans_nothing() -> None:
    words = text(render_safety_net(sheet_of(normal_visit("2026-11-02T09:30+01:00"))))
    assert "The strength and the feeling in your legs were normal today." in words
    assert "No further examination is planned at the moment" in words
    assert "Please come even if you feel better." not in words
    assert "No window period is being counted for you" in words


def test_the_doctors_review_and_a_booked_appointment() -> None:
    visit = weak_l5("2026-11-02T09:30+01:00", weakness_onset=ONSET)
    content = sheet_of(visit, review=DoctorReview(date(2026, 11, 9), visit.examined_at),
                       booked_for=at("2026-11-09T10:15+01:00"))
    words = text(render_safety_net(content))
    assert "Your next examination On Monday 9 November 2026, by 17:00 That is the date your doctor set." in words
    assert "Your appointment: Monday 9 November 2026 at 10:15." in words


def test_after_the_window_the_sheet_says_it_has_closed() -> None:
    visit = weak_l5("2026-11-06T09:30+01:00", weakness_onset=ONSET)
    words = text(render_safety_net(sheet_of(visit, issued=at("2026-11-06T10:00+01:00"))))
    assert "For you, that window period ended on Wednesday 4 November 2026 at 20:00." in words


def test_the_longest_sheet_still_fits_one_page() -> None:
    everything = normal_visit("2026-11-02T09:30+01:00", weakness_onset=ONSET,
                              red_flags=tuple(f.id for f in vocabulary().red_flags))
    for side in ("left", "right"):
        for item in MOTOR_ITEMS:
            everything = motor(everything, item, side, "2")
        for level in LEVELS:
            everything = sensation(everything, level, side, "0")
    patient = Patient("R-" + "9" * 60, "Castellanos-" * 6 + "Núñez", "María José " * 5, date(1950, 1, 1))
    pdf = render_safety_net(sheet_of(everything, patient=patient, other_changes=True, incomplete=True))
    by_page = pages(pdf)
    assert len(by_page) == 1
    for flag in (*listed_red_flags("emergency"), *listed_red_flags("same_day")):
        assert act_if(flag) in by_page[0]
    for item in MOTOR_ITEMS:
        assert safety_net_words()["movements"][item] in by_page[0]
    assert "Part of the examination could not be done today." in by_page[0]


def test_names_in_other_scripts_print() -> None:
    patient = Patient("H-1", "Haddad", "ليلى", date(1980, 3, 3))
    words = text(render_safety_net(sheet_of(weak_l5("2026-11-02T09:30+01:00", weakness_onset=ONSET),
                                            patient=patient)))
    assert "record number H-1" in words and "Haddad" in words


def test_the_same_content_gives_the_same_sheet() -> None:
    content = sheet_of(weak_l5("2026-11-02T09:30+01:00", weakness_onset=ONSET))
    assert render_safety_net(content) == render_safety_net(content)


def test_every_red_flag_movement_and_area_has_patient_words() -> None:
    words = safety_net_words()
    for flag in vocabulary().red_flags:
        assert words["red_flags"][flag.id]["told"], flag.id
        if flag.tier in ("emergency", "same_day"):
            assert words["red_flags"][flag.id]["act_if"], flag.id
    assert set(words["movements"]) == set(MOTOR_ITEMS)
    assert set(words["areas"]) == set(LEVELS)


def test_a_plan_due_when_the_window_closes_says_so() -> None:
    visit = weak_l5("2026-11-04T10:00+01:00", weakness_onset=ONSET)
    content = sheet_of(visit, issued=at("2026-11-04T10:30+01:00"))
    assert isinstance(content.plan, NextExamination) and content.plan.basis == "window_end"
    words = text(render_safety_net(content))
    assert "By Wednesday 4 November 2026 at 20:00 That is when the window period closes." in words
