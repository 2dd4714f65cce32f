"""How times and durations are written for people: one module for the screens, the letter, the
command line and the engine's own statements.

- `moment`, `day` and their kin write a time in a zone (the machine's by default, the letter's
  when given) in English month names, never in the machine's locale, so a letter re-printed on
  another workstation reads the same: '21 Nov 2026 09:30'.
- `written_moment` writes a time as it was recorded, with its offset, for the findings the engine
  lists ('2026-11-04 20:00 +01:00'): a clinician checks it against the chart as written.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FULL_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def duration(span: timedelta) -> str:
    """'2 d 5 h', '5 h 20 min', '12 min'; a negative span is written by its size."""
    minutes = int(abs(span).total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def local(at: datetime, zone: tzinfo | None = None) -> datetime:
    """The time in `zone`, or in the machine's zone when None."""
    return at.astimezone(zone)


def moment(at: datetime, zone: tzinfo | None = None) -> str:
    """'21 Nov 2026 09:30' in `zone` (the machine's when None)."""
    shown = local(at, zone)
    return f"{day(shown)} {shown:%H:%M}"


def day(at: date | datetime, zone: tzinfo | None = None) -> str:
    """'21 Nov 2026'; a time is first put in `zone` (the machine's when None), a date is taken as it is."""
    shown = local(at, zone) if isinstance(at, datetime) else at
    return f"{shown.day} {_MONTHS[shown.month - 1]} {shown.year}"


def long_day(at: date) -> str:
    """'21 November 2026': the date of a letter."""
    return f"{at.day} {_FULL_MONTHS[at.month - 1]} {at.year}"


def short_day(at: datetime, zone: tzinfo | None = None) -> str:
    """'21 Nov': a chart's tick."""
    shown = local(at, zone)
    return f"{shown.day} {_MONTHS[shown.month - 1]}"


def month(at: datetime) -> str:
    """'Nov 2026': a chart's tick over months."""
    return f"{_MONTHS[at.month - 1]} {at.year}"


def short_moment(at: datetime, zone: tzinfo | None = None) -> str:
    """'21 Nov 09:30'."""
    shown = local(at, zone)
    return f"{short_day(shown, shown.tzinfo)} {shown:%H:%M}"


def written_moment(when: datetime) -> str:
    """A time as it was recorded, with its offset: '2026-11-04 20:00 +01:00'."""
    return _written(when, when.tzinfo, when.fold)


# The zone and fold are in the key: equal instants in different zones compare equal but read differently.
@lru_cache(maxsize=1024)
def _written(when: datetime, zone: tzinfo | None, fold: int) -> str:
    offset = when.strftime("%z")
    return f"{when:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"
