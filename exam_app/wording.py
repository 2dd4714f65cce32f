"""How times and durations are written for people, the same on screen and on paper."""

from __future__ import annotations

from datetime import datetime, timedelta


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


def moment(at: datetime, now: datetime | None = None) -> str:
    """'21 Nov 2026 09:30' in the local time of the machine, as a clinician reads a chart."""
    local = at.astimezone(now.tzinfo if now is not None and now.tzinfo else None)
    return local.strftime("%d %b %Y %H:%M").lstrip("0")


def short_moment(at: datetime) -> str:
    """'21 Nov 09:30' in the machine's local time: for a list of the last days, where the year is plain."""
    return at.astimezone().strftime("%d %b %H:%M").lstrip("0")


def day(at: datetime) -> str:
    return at.astimezone().strftime("%d %b %Y").lstrip("0")
