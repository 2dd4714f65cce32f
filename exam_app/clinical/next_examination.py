"""When the next examination is due after a signed visit, and what that rests on.

The window period only helps a patient who is examined again before it closes. While the window is
open and the last signed visit shows a weak muscle or an abnormal sensation, the next examination is
due the clinic's interval for the patient's urgency after that visit (by default 24 hours; urgent 12;
same day and emergency at once), and never later than the window's end. A doctor's next review in the
signed note of that visit overrides it; an earlier note's review still to come counts when it is
sooner. After the window closes, the doctor's next review alone. Tables and words are data in
`resources/next_examination.json`; `docs/rules.md` explains them.

Decision support: every plan carries the findings and settings it was computed from.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cache
from itertools import pairwise
from typing import Any

from exam_app.clinical.assess import VisitAssessment
from exam_app.clinical.deficits import abnormal_sensations, weak_muscles
from exam_app.clinical.examination import read_examination
from exam_app.clinical.record import Visit
from exam_app.clinical.urgency import patient_urgency, tier_rank
from exam_app.clinical.vocabulary import vocabulary
from exam_app.clinical.window import WindowStatus
from exam_app.paths import resource_path
from exam_app.wording import written_moment as moment

WINDOW_INTERVAL = "window_interval"  # the clinic's interval for the patient's urgency, inside the open window
WINDOW_END = "window_end"  # the interval would run past the window's end: due when the window closes
DOCTOR_REVIEW = "doctor_review"  # the doctor's next review
NOT_DUE = "none"  # nothing is due: no deficit in an open window and no doctor's review to come
BASES = (WINDOW_INTERVAL, WINDOW_END, DOCTOR_REVIEW, NOT_DUE)


@cache
def next_examination_tables() -> dict[str, Any]:
    """`resources/next_examination.json`, loaded once (treat as read-only)."""
    tables: dict[str, Any] = json.loads(resource_path("next_examination.json").read_text(encoding="utf-8"))
    return tables


def _words(key: str, **values: object) -> str:
    template: str = next_examination_tables()["words"][key]
    return template.format(**values)


# ------------------------------------------------------------------ the clinic's intervals


def default_intervals() -> dict[str, int]:
    """Hours from a visit to the next examination, per urgency tier, before the clinic changes them."""
    return dict(next_examination_tables()["interval_hours"])


def check_intervals(hours: Mapping[str, object]) -> dict[str, int]:
    """The intervals as whole hours, one per tier; ValueError naming the first tier that is wrong.

    A more urgent tier may not wait longer than a less urgent one.
    """
    limits = next_examination_tables()["interval_hours_limits"]
    tiers = sorted((t.id for t in vocabulary().urgency_tiers), key=tier_rank)
    unknown = sorted(set(hours) - set(tiers))
    if unknown:
        raise ValueError(f"{unknown[0]}: not an urgency tier (one of {', '.join(tiers)})")
    checked = {**default_intervals()}
    for tier in tiers:
        if tier not in hours:
            continue
        value = hours[tier]
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{tier}: {value!r} is not a whole number of hours")
        if not limits["min"] <= value <= limits["max"]:
            raise ValueError(f"{tier}: {value} hours is outside {limits['min']} to {limits['max']}")
        checked[tier] = value
    for less, more in pairwise(tiers):
        if checked[more] > checked[less]:
            raise ValueError(f"{more}: {checked[more]} hours is longer than {less} ({checked[less]} hours); "
                             "a more urgent tier may not wait longer")
    return checked


def interval_words(hours: int) -> str:
    return _words("interval_now") if hours == 0 else _words("interval_hours", hours=hours)


# ------------------------------------------------------------------ the inputs


@dataclass(frozen=True)
class DoctorReview:
    """A next-review date written in a signed doctor's note."""

    on: date
    set_at_visit: datetime  # examined_at of the visit whose note gives the date


def follow_up_findings(visit: Visit) -> tuple[str, ...]:
    """The findings that call for an examination again inside the window: weak muscles and abnormal
    sensations (untagged), in the order of examination."""
    exam = read_examination(visit)
    wanted = set(next_examination_tables()["follow_up_deficits"])
    found = []
    if "weak_muscle" in wanted:
        found += weak_muscles(exam)
    if "abnormal_sensation" in wanted:
        found += abnormal_sensations(exam)
    found.sort(key=lambda d: d.rank)
    return tuple(d.finding for d in found)


def patient_tier(assessments: Sequence[VisitAssessment]) -> str:
    """The patient's urgency after the last of their visits, as the worklist shows it: the last visit's,
    raised to same day while the latest worsening was a progression within the current window."""
    if not assessments:
        raise ValueError("a patient's urgency needs at least one visit")
    last = assessments[-1]
    worsened = [a for a in assessments if a.worsening.worsened]
    latest = worsened[-1] if worsened else None
    unresolved = bool(latest and latest.progression_within_window and latest.window.onset == last.window.onset
                      and last.window.within)
    return patient_urgency(last.urgency, unresolved)


def review_due(on: date, zone: tzinfo | None = None) -> datetime:
    """A review date is due by the clinic's time of that day (`review_date_due_by`), in `zone`
    (None: the machine's own zone, daylight saving included)."""
    by = time.fromisoformat(next_examination_tables()["review_date_due_by"])
    if zone is None:
        return datetime.combine(on, by).astimezone()
    return datetime.combine(on, by, tzinfo=zone)


def _local_date(at: datetime, zone: tzinfo | None) -> date:
    return (at.astimezone(zone) if zone is not None else at.astimezone()).date()


def pending_review(reviews: Sequence[DoctorReview], examined: Sequence[datetime],
                   zone: tzinfo | None = None) -> DoctorReview | None:
    """The doctor's next review still to come: the one of the most recent signed note that gives a
    date, unless the patient has been examined since that note on or after the date.

    A later note's date replaces an earlier one's; a note that leaves the date blank changes nothing.
    A date before the day of the note's own visit plans nothing.
    """
    if not reviews:
        return None
    latest = max(reviews, key=lambda r: r.set_at_visit.timestamp())
    if latest.on < _local_date(latest.set_at_visit, zone):
        return None  # a date before the visit it was written at is no review still to come
    met = any(at.timestamp() > latest.set_at_visit.timestamp() and _local_date(at, zone) >= latest.on
              for at in examined)
    return None if met else latest


# ------------------------------------------------------------------ the plan


@dataclass(frozen=True)
class NextExamination:
    """When the next examination after a visit is due, and what that rests on."""

    after_visit: datetime  # examined_at of the last signed visit
    due: datetime | None  # None: nothing due
    basis: str  # one of BASES
    reasons: tuple[str, ...]  # what the time rests on, as a clinician would check it
    tier: str  # the patient's urgency after that visit
    interval_hours: int | None = None  # the clinic's interval for that tier, when the window rule applies
    window_ends: datetime | None = None
    review_on: date | None = None  # the doctor's date, when the basis is the doctor's review
    lapses_at: datetime | None = None  # the window rule stops applying once the window closes
    then: NextExamination | None = None  # what applies once it has lapsed: the doctor's review, or nothing

    def to_json(self) -> dict[str, Any]:
        return {
            "after_visit": self.after_visit.isoformat(),
            "due": self.due.isoformat() if self.due else None,
            "basis": self.basis,
            "reasons": list(self.reasons),
            "tier": self.tier,
            "interval_hours": self.interval_hours,
            "window_ends": self.window_ends.isoformat() if self.window_ends else None,
            "review_on": self.review_on.isoformat() if self.review_on else None,
            "lapses_at": self.lapses_at.isoformat() if self.lapses_at else None,
            "then": self.then.to_json() if self.then else None,
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> NextExamination:
        def when(key: str) -> datetime | None:
            return datetime.fromisoformat(doc[key]) if doc.get(key) else None

        after = when("after_visit")
        assert after is not None, "a plan follows a visit"
        return cls(
            after_visit=after, due=when("due"), basis=doc["basis"], reasons=tuple(doc.get("reasons", ())),
            tier=doc["tier"], interval_hours=doc.get("interval_hours"), window_ends=when("window_ends"),
            review_on=date.fromisoformat(doc["review_on"]) if doc.get("review_on") else None,
            lapses_at=when("lapses_at"), then=cls.from_json(doc["then"]) if doc.get("then") else None)


def plan_next_examination(
    examined_at: datetime,
    tier: str,
    findings: Sequence[str],
    window: WindowStatus,
    review: DoctorReview | None,
    intervals: Mapping[str, int] | None = None,
    zone: tzinfo | None = None,
) -> NextExamination:
    """The next examination after the visit examined at `examined_at` (the last signed one).

    `tier` is the patient's urgency after it (`patient_tier`), `findings` its weak muscles and
    abnormal sensations (`follow_up_findings`), `window` the window measured at it, `review` the
    doctor's next review still to come (`pending_review`), `intervals` the clinic's hours per tier
    (None: the defaults), `zone` the clinic's zone for a review date (None: the machine's).
    """
    hours = check_intervals(intervals or {})
    doctor = _doctor_plan(examined_at, tier, window, review, zone) if review is not None else None
    if doctor is not None and review is not None and review.set_at_visit == examined_at:
        return doctor  # the doctor saw these findings and set the date: it overrides the window rule
    window_plan = _window_plan(examined_at, tier, findings, window, hours[tier])
    if window_plan is None:
        return doctor or _not_due(examined_at, tier, window)
    assert window_plan.due is not None and window_plan.lapses_at is not None
    if doctor is not None and doctor.due is not None and doctor.due < window_plan.due:
        sooner = _words("doctor_review_sooner", window_due=moment(window_plan.due))
        return replace(doctor, reasons=(*doctor.reasons, sooner))
    if doctor is not None:
        after = _words("doctor_review_after_window", window_ends=moment(window_plan.lapses_at))
        then = replace(doctor, reasons=(after, *doctor.reasons))
    else:
        then = _not_due(examined_at, tier, window, window_closed=True)
    return replace(window_plan, then=then)


def _window_plan(examined_at: datetime, tier: str, findings: Sequence[str], window: WindowStatus,
                 hours: int) -> NextExamination | None:
    if window.ends is None or not window.within or not findings:
        return None
    due = examined_at + timedelta(hours=hours)
    basis = WINDOW_INTERVAL
    if due.timestamp() > window.ends.timestamp():
        due, basis = window.ends.astimezone(examined_at.tzinfo), WINDOW_END
    listed: int = next_examination_tables()["findings_listed"]
    shown = ", ".join(findings[:listed])
    if len(findings) > listed:
        shown += " " + _words("more_findings", count=len(findings) - listed)
    reason = _words(basis, tier=_tier_label(tier), interval=interval_words(hours), examined_at=moment(examined_at),
                    window_ends=moment(window.ends), findings=shown)
    return NextExamination(examined_at, due, basis, (reason,), tier, hours, window.ends, lapses_at=window.ends)


def _doctor_plan(examined_at: datetime, tier: str, window: WindowStatus, review: DoctorReview,
                 zone: tzinfo | None) -> NextExamination:
    due = review_due(review.on, zone)
    reason = _words("doctor_review", date=review.on.isoformat(), visit=moment(review.set_at_visit),
                    due_by=next_examination_tables()["review_date_due_by"])
    return NextExamination(examined_at, due, DOCTOR_REVIEW, (reason,), tier, window_ends=window.ends,
                           review_on=review.on)


def _not_due(examined_at: datetime, tier: str, window: WindowStatus, window_closed: bool = False) -> NextExamination:
    """Nothing due: say why (no onset; the window closed; no deficit) and that no review is to come."""
    if window.ends is None:
        why = _words("not_due_no_onset")
    elif window_closed or not window.within:
        why = _words("not_due_window_closed", window_ends=moment(window.ends))
    else:
        why = _words("not_due_no_findings", examined_at=moment(examined_at))
    return NextExamination(examined_at, None, NOT_DUE, (why, _words("no_review")), tier, window_ends=window.ends)


def _tier_label(tier: str) -> str:
    return next(t.label for t in vocabulary().urgency_tiers if t.id == tier)


def plans_after(assessments: Sequence[VisitAssessment], reviews: Sequence[DoctorReview],
                intervals: Mapping[str, int] | None = None, zone: tzinfo | None = None) -> list[NextExamination]:
    """The plan after each visit (in order), computed as it stood when that visit was the last one:
    only the doctor's reviews written up to it count."""
    plans = []
    examined = [a.examined_at for a in assessments]
    for index, assessment in enumerate(assessments):
        so_far = [r for r in reviews if r.set_at_visit.timestamp() <= assessment.examined_at.timestamp()]
        review = pending_review(so_far, examined[: index + 1], zone)
        plans.append(plan_next_examination(
            assessment.examined_at, patient_tier(assessments[: index + 1]), follow_up_findings(assessment.visit),
            assessment.window, review, intervals, zone))
    return plans


def basis_label(basis: str) -> str:
    """Short words for what a time rests on, for tables."""
    return str(next_examination_tables()["basis_labels"][basis])


# ------------------------------------------------------------------ the plan seen from now


def in_force(plan: NextExamination, now: datetime) -> NextExamination:
    """The plan that applies at `now`: the window rule lapses once the window has closed."""
    if plan.lapses_at is not None and now.timestamp() > plan.lapses_at.timestamp() and plan.then is not None:
        return in_force(plan.then, now)
    return plan


@dataclass(frozen=True)
class DueState:
    """A plan seen from now: when, how long until (negative: overdue), and whether the window is open."""

    plan: NextExamination  # the plan in force
    due: datetime | None
    until: timedelta | None  # due - now; negative once overdue
    window_open: bool  # the window period is open at now

    @property
    def overdue(self) -> bool:
        return self.until is not None and self.until < timedelta(0)

    @property
    def overdue_in_open_window(self) -> bool:
        """The flag: overdue while treatment can still prevent permanent damage."""
        return self.overdue and self.window_open


def due_state(plan: NextExamination, now: datetime) -> DueState:
    current = in_force(plan, now)
    ends = plan.window_ends
    window_open = ends is not None and now.timestamp() <= ends.timestamp()
    until = current.due - now if current.due is not None else None
    return DueState(current, current.due, until, window_open)


def listed_as_due(state: DueState, now: datetime, zone: tzinfo | None = None) -> bool:
    """On the list of examinations due today (the day of `now` in `zone`, None: the machine's): due
    before the day ends, and overdue for at most `overdue_listed_days` unless the window is open.
    Overdue inside an open window always counts: the patient stays listed until examined or the
    window closes."""
    if state.due is None:
        return False
    if state.due >= end_of_day(now, zone):
        return False
    if state.overdue_in_open_window:
        return True
    days: int = next_examination_tables()["overdue_listed_days"]
    return state.due >= now - timedelta(days=days)


def end_of_day(now: datetime, zone: tzinfo | None = None) -> datetime:
    """Midnight after `now`, in `zone` (None: the machine's zone)."""
    local = now.astimezone(zone) if zone is not None else now.astimezone()
    following = local.date() + timedelta(days=1)
    if zone is None:
        return datetime.combine(following, time()).astimezone()
    return datetime.combine(following, time(), tzinfo=zone)


# ------------------------------------------------------------------ earlier examinations on time?


@dataclass(frozen=True)
class Timeliness:
    """Whether the examination after a visit came by the time planned after it."""

    after_visit: datetime
    due: datetime | None  # what the plan after that visit said (before any lapse)
    basis: str
    examined_at: datetime | None  # the next signed visit; None: none yet
    on_time: bool | None  # None: nothing was due, or no next visit yet
    late_by: timedelta | None  # when late


def timeliness(plans: Sequence[NextExamination], examined: Sequence[datetime]) -> list[Timeliness]:
    """For each visit's plan (in order), the next visit and whether it came by the planned time.

    A plan whose window rule lapsed before the next visit is judged against its own time: the
    examination the window called for did not happen while it was open.
    """
    answers = []
    for index, plan in enumerate(plans):
        following = examined[index + 1] if index + 1 < len(examined) else None
        on_time: bool | None = None
        late_by: timedelta | None = None
        if plan.due is not None and following is not None:
            on_time = following.timestamp() <= plan.due.timestamp()
            late_by = None if on_time else following - plan.due
        answers.append(Timeliness(plan.after_visit, plan.due, plan.basis, following, on_time, late_by))
    return answers
