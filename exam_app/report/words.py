"""Dates and times on paper, the same whatever the machine's language or time zone.

The letter is written in the issuing time's zone and in English month names, never in the
machine's locale: a re-print on another workstation is the same letter. The formats are the
screen's (`exam_app.wording.moment`): '21 Nov 2026 09:30'.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FULL_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def _local(at: datetime, zone: tzinfo | None) -> datetime:
    return at.astimezone(zone) if zone is not None else at


def moment(at: datetime, zone: tzinfo | None) -> str:
    """'21 Nov 2026 09:30' in `zone`."""
    local = _local(at, zone)
    return f"{day(local)} {local:%H:%M}"


def day(at: date) -> str:
    """'21 Nov 2026' (a datetime is taken as it is: convert it first)."""
    return f"{at.day} {_MONTHS[at.month - 1]} {at.year}"


def long_day(at: date) -> str:
    """'21 November 2026': the date of the letter."""
    return f"{at.day} {_FULL_MONTHS[at.month - 1]} {at.year}"


def short_day(at: datetime, zone: tzinfo | None) -> str:
    """'21 Nov': a chart's tick."""
    local = _local(at, zone)
    return f"{local.day} {_MONTHS[local.month - 1]}"


def short_moment(at: datetime, zone: tzinfo | None) -> str:
    """'21 Nov 09:30'."""
    local = _local(at, zone)
    return f"{short_day(local, None)} {local:%H:%M}"
