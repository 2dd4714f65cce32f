"""Times and numbers a record may hold: the same limits for the screens, the files and the services.

A wrong date moves the window period and the comparison of visits without a word, so every path
that stores or assesses a visit asks here first. The limits are data (`plausible_times` and
`value_ranges` in `resources/rules.json`). Each check returns the problem in words, or None.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

from exam_app.tables import rules


@dataclass(frozen=True)
class ValueRange:
    low: int
    high: int

    def problem(self, value: int, what: str) -> str | None:
        if self.low <= value <= self.high:
            return None
        return f"{value} is outside {self.low} to {self.high} for {what}"


@dataclass(frozen=True)
class Limits:
    max_age_years: int
    exam_ahead: timedelta
    clonus_beats: ValueRange
    tension_sign_angle: ValueRange


@cache
def limits() -> Limits:
    tables = rules()
    return Limits(
        max_age_years=tables.max_age_years,
        exam_ahead=timedelta(minutes=tables.exam_ahead_minutes),
        clonus_beats=ValueRange(tables.clonus_beats_range.low, tables.clonus_beats_range.high),
        tension_sign_angle=ValueRange(tables.tension_sign_angle_range.low, tables.tension_sign_angle_range.high),
    )


def earliest_birth(today: date) -> date:
    """The oldest birth date a patient may have: `max_age_years` before today (29 Feb → 28 Feb)."""
    year = today.year - limits().max_age_years
    if year < date.min.year:
        return date.min
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)


def birth_date_problem(born: date, today: date) -> str | None:
    if born > today:
        return f"{born.isoformat()} is in the future"
    if born < earliest_birth(today):
        return f"{born.isoformat()} is more than {limits().max_age_years} years ago"
    return None


def _earliest_time(now: datetime) -> datetime:
    first = earliest_birth(now.date())  # the date as written: a day either way does not matter here
    return datetime(first.year, first.month, first.day, tzinfo=UTC)


def examined_at_problem(examined_at: datetime, now: datetime, born: date | None = None) -> str | None:
    """An examination is not ahead of the clock (beyond a little drift), nor before birth."""
    if examined_at.utcoffset() is None:
        return "the time has no time zone"
    if examined_at > now + limits().exam_ahead:
        return (f"{_written(examined_at)} is in the future (more than {_minutes(limits().exam_ahead)} min "
                "ahead of this workstation's clock)")
    if born is not None and examined_at.date() < born:
        return f"{_written(examined_at)} is before the patient's birth date ({born.isoformat()})"
    if examined_at < _earliest_time(now):
        return f"{_written(examined_at)} is more than {limits().max_age_years} years ago"
    return None


def onset_problem(onset: datetime, examined_at: datetime, born: date | None = None) -> str | None:
    """The weakness began before (or at) the examination that records it, and after birth."""
    if onset.utcoffset() is None:
        return "the time has no time zone"
    if onset > examined_at:
        return f"{_written(onset)} is after the examination ({_written(examined_at)})"
    if born is not None and onset.date() < born:
        return f"{_written(onset)} is before the patient's birth date ({born.isoformat()})"
    if onset < _earliest_time(examined_at):
        return f"{_written(onset)} is more than {limits().max_age_years} years before the examination"
    return None


def _written(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)
