"""Plausible times and numbers: the limits every path (screens, files, services) applies."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from exam_app.clinical.plausibility import (
    birth_date_problem,
    earliest_birth,
    examined_at_problem,
    limits,
    onset_problem,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


def test_a_birth_date_is_not_in_the_future_nor_more_than_130_years_back() -> None:
    assert birth_date_problem(TODAY, TODAY) is None
    assert birth_date_problem(date(1896, 12, 1), TODAY) is None  # exactly 130 years
    assert birth_date_problem(date(1896, 11, 30), TODAY) == "1896-11-30 is more than 130 years ago"
    assert birth_date_problem(TODAY + timedelta(days=1), TODAY) == "2026-12-02 is in the future"


def test_the_oldest_birth_of_a_leap_day_and_of_the_first_years() -> None:
    assert earliest_birth(date(2028, 2, 29)) == date(1898, 2, 28)
    assert earliest_birth(date(100, 1, 1)) == date.min


def test_an_examination_may_be_ten_minutes_ahead_of_the_clock_not_eleven() -> None:
    assert examined_at_problem(NOW + timedelta(minutes=10), NOW) is None
    problem = examined_at_problem(NOW + timedelta(minutes=11), NOW)
    assert problem is not None and "is in the future (more than 10 min ahead" in problem


def test_an_examination_before_birth_or_long_ago_is_refused() -> None:
    born = date(1969, 4, 2)
    assert examined_at_problem(datetime(1969, 4, 2, 9, tzinfo=UTC), NOW, born) is None
    assert "before the patient's birth date (1969-04-02)" in str(examined_at_problem(
        datetime(1969, 4, 1, 9, tzinfo=UTC), NOW, born))
    assert "more than 130 years ago" in str(examined_at_problem(datetime(1800, 1, 1, tzinfo=UTC), NOW))
    assert examined_at_problem(datetime(2026, 11, 1, 9), NOW) == "the time has no time zone"


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00-14:00",
                                  "9999-12-31T23:59:59+14:00", "9999-12-31T23:59:59-14:00"])
def test_every_year_the_grammar_allows_gets_an_answer_not_an_exception(text: str) -> None:
    moment = datetime.fromisoformat(text)
    assert examined_at_problem(moment, NOW) is not None
    assert onset_problem(moment, NOW) is not None
    onset_problem(moment, moment)  # an answer either way, never OverflowError


def test_the_onset_is_not_after_its_examination_nor_before_birth() -> None:
    exam = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    assert onset_problem(exam, exam) is None
    assert "after the examination" in str(onset_problem(exam + timedelta(minutes=1), exam))
    assert "before the patient's birth date" in str(onset_problem(datetime(1960, 1, 1, tzinfo=UTC), exam,
                                                                  date(1969, 4, 2)))


def test_value_ranges_are_data() -> None:
    assert (limits().tension_sign_angle.low, limits().tension_sign_angle.high) == (0, 90)
    assert limits().tension_sign_angle.problem(400, "the angle") == "400 is outside 0 to 90 for the angle"
    assert limits().clonus_beats.problem(12, "clonus beats") is None
