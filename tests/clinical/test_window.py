"""Spec 3.5: the window period: onset, end, within, to the minute, across offsets and settings."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from exam_app.clinical.window import window_length, window_status
from tests.clinical.builders import assess, assess_all, assess_one, at, motor, normal_visit

ONSET = "2026-11-01T20:00+01:00"


def weak(when: str, grade: str = "4", **changes: object) -> object:
    return motor(normal_visit(when, **changes), "great_toe_extension", "left", grade)


def test_the_onset_given_sets_a_three_day_window_by_default() -> None:
    assessment = assess_one(weak("2026-11-02T09:30+01:00", weakness_onset=at(ONSET)))
    window = assessment.window
    assert (window.onset, window.ends, window.within) == (at(ONSET), at("2026-11-04T20:00+01:00"), True)
    assert window.time_since_onset == timedelta(hours=13, minutes=30)
    assert window.time_left == timedelta(hours=58, minutes=30)
    assert assessment.window_onset_from == (
        "weakness onset 2026-11-01 20:00 +01:00 given at the visit of 2026-11-02 09:30 +01:00"
    )


def test_the_onset_given_counts_even_without_weakness() -> None:
    window = assess_one(normal_visit("2026-11-02T09:30+01:00", weakness_onset=at(ONSET))).window
    assert (window.onset, window.within) == (at(ONSET), True)


def test_a_corrected_onset_replaces_the_earlier_one_from_its_visit_on() -> None:
    visits = assess_all(
        weak("2026-11-02T09:30+01:00", weakness_onset=at(ONSET)),
        weak("2026-11-03T09:30+01:00"),
        weak("2026-11-04T09:30+01:00", weakness_onset=at("2026-10-30T08:00+01:00")),
        weak("2026-11-05T09:30+01:00"),
    )
    assert [v.window.onset for v in visits] == [
        at(ONSET),
        at(ONSET),
        at("2026-10-30T08:00+01:00"),
        at("2026-10-30T08:00+01:00"),
    ]
    assert [v.window.within for v in visits] == [True, True, False, False]


def test_without_an_onset_given_the_first_visit_with_a_weak_muscle_stands_in() -> None:
    visits = assess_all(
        normal_visit("2026-11-01T09:00+01:00"),
        weak("2026-11-02T09:30+01:00", grade="4+"),
        weak("2026-11-04T09:30+01:00"),
        normal_visit("2026-11-05T09:31+01:00"),
    )
    assert [v.window.onset for v in visits] == [
        None,
        at("2026-11-02T09:30+01:00"),
        at("2026-11-02T09:30+01:00"),
        at("2026-11-02T09:30+01:00"),
    ]
    assert [v.window.within for v in visits] == [False, True, True, False]
    assert visits[1].window_onset_from == (
        "no onset given; first visit with a weak muscle, 2026-11-02 09:30 +01:00: left great-toe extension 4+"
    )


def test_an_onset_given_later_replaces_the_derived_one() -> None:
    visits = assess_all(weak("2026-11-02T09:30+01:00"), weak("2026-11-03T09:30+01:00", weakness_onset=at(ONSET)))
    assert [v.window.onset for v in visits] == [at("2026-11-02T09:30+01:00"), at(ONSET)]


@pytest.mark.parametrize("grade", ["3*", "2**", "NT", "5"])
def test_tagged_nt_or_normal_grades_set_no_onset(grade: str) -> None:
    window = assess_one(weak("2026-11-02T09:30+01:00", grade=grade)).window
    assert (window.onset, window.ends, window.within, window.time_left) == (None, None, False, None)


def test_no_onset_is_null_in_the_output() -> None:
    assert assess(normal_visit("2026-11-02T09:30+01:00")).to_json()["visits"][0]["window"] == {
        "onset": None,
        "ends": None,
        "within": False,
        "onset_from": None,
        "hours_since_onset": None,
        "hours_left": None,
    }


@pytest.mark.parametrize(
    ("examined_at", "within"),
    [("2026-11-04T20:00+01:00", True), ("2026-11-04T20:01+01:00", False), ("2026-11-04T19:59+01:00", True)],
)
def test_the_window_edge_to_the_minute(examined_at: str, within: bool) -> None:
    assert assess_one(weak(examined_at, weakness_onset=at(ONSET))).window.within is within


def test_window_status_from_now() -> None:
    at_end = window_status(at(ONSET), 3, at("2026-11-04T20:00+01:00"))
    assert (at_end.within, at_end.time_left, at_end.time_since_onset) == (True, timedelta(0), timedelta(days=3))
    after = window_status(at(ONSET), 3, at("2026-11-04T20:01+01:00"))
    assert (after.within, after.time_left) == (False, timedelta(minutes=-1))
    nothing = window_status(None, 3, at("2026-11-04T20:01+01:00"))
    assert (nothing.onset, nothing.ends, nothing.within, nothing.time_since_onset, nothing.time_left) == (
        None,
        None,
        False,
        None,
        None,
    )


def test_offsets_differ_between_onset_and_visits() -> None:
    # The onset in Paris (+01:00), the visits in New York (-05:00): 20:00+01:00 is 14:00-05:00.
    visits = assess_all(
        weak("2026-11-04T14:00-05:00", weakness_onset=at(ONSET)),
        weak("2026-11-04T14:01-05:00"),
    )
    assert [v.window.within for v in visits] == [True, False]
    assert visits[0].window.ends.isoformat() == "2026-11-04T20:00:00+01:00"  # in the onset's offset
    output = assess(*[weak("2026-11-04T14:00-05:00", weakness_onset=at(ONSET))]).to_json()["visits"][0]
    assert output["examined_at"] == "2026-11-04T14:00:00-05:00"
    assert output["window"]["onset"] == "2026-11-01T20:00:00+01:00"
    assert output["window"]["ends"] == "2026-11-04T20:00:00+01:00"
    assert (output["window"]["hours_since_onset"], output["window"]["hours_left"]) == (72.0, 0.0)


def test_the_window_is_elapsed_time_across_a_daylight_saving_change() -> None:
    paris = ZoneInfo("Europe/Paris")
    onset = at("2026-10-24T12:00+02:00").astimezone(paris)  # summer time; clocks go back on 25 October
    status = window_status(onset, 3, at("2026-10-27T11:00+01:00").astimezone(paris))
    assert status.ends is not None
    assert status.ends.isoformat() == "2026-10-27T11:00:00+01:00"  # 72 hours later, in winter time
    assert (status.within, status.time_left, status.time_since_onset) == (True, timedelta(0), timedelta(hours=72))
    later = window_status(onset, 3, at("2026-10-27T11:01+01:00").astimezone(paris))
    assert not later.within


@pytest.mark.parametrize(
    ("days", "ends", "within"), [(1, "2026-11-02T20:00+01:00", False), (14, "2026-11-15T20:00+01:00", True)]
)
def test_window_days_override(days: int, ends: str, within: bool) -> None:
    record = assess(weak("2026-11-03T09:30+01:00", weakness_onset=at(ONSET)), window_days=days)
    assert record.window_days == days
    assert record.to_json()["window_days"] == days
    assert (record.visits[0].window.ends, record.visits[0].window.within) == (at(ends), within)


@pytest.mark.parametrize("days", [0, 15, -3, 2.5, True, "3"])
def test_window_days_outside_1_to_14_or_not_whole_are_refused(days: object) -> None:
    with pytest.raises(ValueError, match="window days"):
        assess(normal_visit("2026-11-02T09:30+01:00"), window_days=days)  # type: ignore[arg-type]


def test_window_length_default_comes_from_the_rule_tables() -> None:
    assert window_length() == 3
    assert window_length(None) == 3
    assert assess(normal_visit("2026-11-02T09:30+01:00")).window_days == 3


def test_equal_instants_in_different_offsets_keep_their_own_offsets() -> None:
    """Equal instants compare equal in Python whatever their offset; results must not be shared."""
    paris = window_status(at("2026-11-01T20:00+01:00"), 3, at("2026-11-02T09:00+01:00"))
    london = window_status(at("2026-11-01T19:00+00:00"), 3, at("2026-11-02T09:00+01:00"))
    assert paris.ends is not None and london.ends is not None
    assert (paris.ends.isoformat(), london.ends.isoformat()) == (
        "2026-11-04T20:00:00+01:00",
        "2026-11-04T19:00:00+00:00",
    )
    first = assess_one(weak("2026-11-02T09:30+01:00", weakness_onset=at("2026-11-01T20:00+01:00")))
    second = assess_one(weak("2026-11-02T09:30+01:00", weakness_onset=at("2026-11-01T19:00+00:00")))
    assert first.urgency_reasons[-1].startswith("weakness within the window period, which ends 2026-11-04 20:00 +01:00")
    assert second.urgency_reasons[-1].startswith(
        "weakness within the window period, which ends 2026-11-04 19:00 +00:00"
    )
