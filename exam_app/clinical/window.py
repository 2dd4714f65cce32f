"""The window period (spec 3.5): the days after leg weakness begins in which treatment may still
prevent permanent nerve damage.

The window ends `window_days` × 24 hours after onset (elapsed time, whatever the clocks do). A
visit is within the window when it is examined at or before the end; the app measures the same
window from now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cached_property, lru_cache

from exam_app.tables import rules
from exam_app.wording import written_moment as moment


@dataclass(frozen=True)
class WindowStatus:
    onset: datetime | None
    ends: datetime | None  # in the onset's offset
    within: bool  # the moment measured from is at or before the end
    time_since_onset: timedelta | None
    time_left: timedelta | None  # zero or negative once the window has closed


def window_length(window_days: int | None = None) -> int:
    """The window length in days: the clinic's default when None; ValueError outside min..max."""
    limits = rules().window_days
    if window_days is None:
        return limits.default
    if isinstance(window_days, bool) or not isinstance(window_days, int):
        raise ValueError(f"window days must be a whole number, not {window_days!r}")
    if not limits.min <= window_days <= limits.max:
        raise ValueError(f"window days must be from {limits.min} to {limits.max}, not {window_days}")
    return window_days


def window_status(onset: datetime | None, window_days: int, now: datetime) -> WindowStatus:
    """The window as seen at `now` (a visit's `examined_at`, or the present moment in the app)."""
    if onset is None:
        return WindowStatus(None, None, False, None, None)
    onset_utc, ends_utc, ends = _window_end(onset, onset.tzinfo, onset.fold, window_days)
    now_utc = now.astimezone(UTC)
    return WindowStatus(onset, ends, now_utc <= ends_utc, now_utc - onset_utc, ends_utc - now_utc)


# Cached: one onset serves all the visits that follow it. The zone and fold are part of the key
# because equal instants in different zones compare equal, yet the end is shown in the onset's zone.
@lru_cache(maxsize=1024)
def _window_end(
    onset: datetime, zone: tzinfo | None, fold: int, window_days: int
) -> tuple[datetime, datetime, datetime]:
    """Onset and end in UTC, and the end in the onset's offset.

    In UTC: Python adds, subtracts and compares two times of one zone (e.g. Europe/Paris) by the
    wall clock, which is an hour off across a daylight-saving change. The window is elapsed time.
    """
    onset_utc = onset.astimezone(UTC)
    ends_utc = onset_utc + timedelta(hours=24 * window_days)
    return onset_utc, ends_utc, ends_utc.astimezone(onset.tzinfo)


@dataclass(frozen=True)
class OnsetSoFar:
    """What the visits up to now say about the onset of weakness.

    The most recent `weakness_onset` given wins (a corrected onset replaces the earlier one);
    without one, the first visit with a weak muscle stands in for it.
    """

    given: datetime | None = None
    given_at_visit: datetime | None = None
    first_weakness_at: datetime | None = None
    first_weakness_findings: tuple[str, ...] = ()

    def after(
        self, examined_at: datetime, weakness_onset: datetime | None, weak_findings: tuple[str, ...]
    ) -> OnsetSoFar:
        """The state once the visit examined at `examined_at` is taken into account."""
        if weakness_onset is None and (self.first_weakness_at is not None or not weak_findings):
            return self  # nothing new (most visits): the onset and its wording are kept, not remade
        given, given_at = self.given, self.given_at_visit
        if weakness_onset is not None:
            given, given_at = weakness_onset, examined_at
        first_at, first_findings = self.first_weakness_at, self.first_weakness_findings
        if first_at is None and weak_findings:
            first_at, first_findings = examined_at, weak_findings
        return OnsetSoFar(given, given_at, first_at, first_findings)

    @property
    def onset(self) -> datetime | None:
        return self.given if self.given is not None else self.first_weakness_at

    @cached_property
    def source(self) -> str | None:
        """Where the onset comes from, as a clinician would check it."""
        if self.given is not None and self.given_at_visit is not None:
            return f"weakness onset {moment(self.given)} given at the visit of {moment(self.given_at_visit)}"
        if self.first_weakness_at is not None:
            return (
                f"no onset given; first visit with a weak muscle, {moment(self.first_weakness_at)}: "
                f"{', '.join(self.first_weakness_findings)}"
            )
        return None
