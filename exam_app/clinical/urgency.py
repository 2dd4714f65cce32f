"""Urgency of a visit (spec 3.6): the highest tier any trigger reaches, with the reasons for it.

Every trigger found is kept (with its tier), so the screen can show what else was noticed; the
reasons of the tier that applies come first in the clinician's eye.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

from exam_app.clinical.examination import Examination, clinical_order
from exam_app.clinical.findings import motor_subject, red_flag_finding
from exam_app.clinical.pattern import PatternResult, pattern_labels
from exam_app.clinical.vocabulary import vocabulary
from exam_app.clinical.window import WindowStatus
from exam_app.clinical.worsening import EarlierFindings, Worsening
from exam_app.tables import Urgency as Tier
from exam_app.tables import rules
from exam_app.wording import written_moment as moment

ROUTINE, URGENT, SAME_DAY, EMERGENCY = Tier


class UrgencyTrigger(NamedTuple):
    tier: str
    reason: str


class Urgency(NamedTuple):
    tier: str
    reasons: tuple[str, ...]  # the reasons of the tier that applies
    triggers: tuple[UrgencyTrigger, ...]  # every trigger found, whatever its tier


@cache
def _tier_ranks() -> dict[str, int]:
    return {tier.id: tier.rank for tier in vocabulary().urgency_tiers}


def tier_rank(tier: str) -> int:
    return _tier_ranks()[tier]


def newly_severe_muscles(exam: Examination, earlier: EarlierFindings) -> list[str]:
    """Muscles now at base grade 3 or below that were not at 3 or below at their previous grading.

    A muscle never graded before counts: a grade of 3 or below is news whenever first seen.
    """
    if earlier.previous is not None and exam.graded_motor == earlier.previous.graded_motor:
        return []  # the same grades as the previous visit: a grade of 3 or below is not new
    at_most = rules().urgent_muscle_base_at_most
    order = clinical_order()
    severe = [key for key, grade in exam.graded_motor.items() if grade.base is not None and grade.base <= at_most]
    severe.sort(key=lambda key: (order.sides[key[1]], order.motor[key[0]]))
    reasons = []
    for item, side in severe:
        grade = exam.graded_motor[item, side]
        before = earlier.motor_grading(item, side)
        if before is None:
            reasons.append(f"{motor_subject(side, item)} at {grade.text}, new")
        elif before.value.base is not None and before.value.base > at_most:
            reasons.append(
                f"{motor_subject(side, item)} at {grade.text}, new "
                f"({before.value.text} on {before.examined_at.date().isoformat()})"
            )
    return reasons


def visit_urgency(
    red_flags: Sequence[str],
    pattern: PatternResult,
    worsening: Worsening,
    newly_severe: Sequence[str],
    weak_findings: Sequence[str],
    window: WindowStatus,
) -> Urgency:
    vocab = vocabulary()
    triggers = [UrgencyTrigger(vocab.red_flag(flag).tier, red_flag_finding(flag)) for flag in red_flags]
    if pattern.pattern in rules().same_day_patterns:
        label = pattern_labels()[pattern.pattern]
        triggers.append(UrgencyTrigger(SAME_DAY, f"pattern {label}: {'; '.join(pattern.findings)}"))
    if worsening.worsened:
        triggers += [UrgencyTrigger(SAME_DAY, f"worse: {change.finding}") for change in worsening.changes]
    triggers += [UrgencyTrigger(URGENT, reason) for reason in newly_severe]
    if window.within and weak_findings and window.ends is not None:
        triggers.append(
            UrgencyTrigger(
                URGENT,
                f"weakness within the window period, which ends {moment(window.ends)}: {', '.join(weak_findings)}",
            )
        )
    tier = max((t.tier for t in triggers), key=tier_rank, default=ROUTINE)
    reasons = tuple(t.reason for t in triggers if t.tier == tier)
    return Urgency(tier, reasons, tuple(triggers))


def patient_urgency(latest_tier: str, progression_in_open_window: bool) -> str:
    """A patient's urgency on the worklist: their latest visit's, but never below same day while a
    progression within the window period is unresolved (its window still open). A later visit that
    records less (or fewer findings) does not make the patient less urgent."""
    if progression_in_open_window and tier_rank(latest_tier) < tier_rank(SAME_DAY):
        return SAME_DAY
    return latest_tier


def worklist_priority(tier: str) -> int:
    """0 first: the tiers listed in `worklist_first_tiers` (emergency, then same day) come before the
    rest of the worklist, which is then ordered by the time left in the window."""
    first = rules().worklist_first_tiers
    return first.index(tier) if tier in first else len(first)
