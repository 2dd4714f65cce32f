"""The assessment a visit was signed with, kept beside what the engine says of it now.

The engine assesses a visit against the patient's earlier visits, so a visit stored later with an
earlier time (a backdated import) changes what it says of visits already signed, and letters may
have been issued from those. Each visit therefore keeps the answer it was signed with; screens show
both when they differ, and the import that changed them lists and audits them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exam_app.clinical.assess import VisitAssessment, assess_visits
from exam_app.presentation import pattern_text, urgency_label
from exam_app.services.context import clinic_window_days
from exam_app.store import models
from exam_app.store.database import Database
from exam_app.store.records import visit_from_row
from exam_app.store.repository import signed_visits_now
from exam_app.tables import SIGNED_STATUSES, rules

SIGNED, IMPORTED, AMENDED, UPGRADE = "signed", "imported", "amended", "upgrade"
# What makes two answers differ for the clinician: what the worklist and the letter lead with.
COMPARED = ("urgency", "pattern", "worsened", "progression_within_window")


def summary(assessment: VisitAssessment, window_days: int, source: str) -> dict[str, Any]:
    """The engine's answer for one visit as kept with it (`source`: how the visit came to be signed)."""
    return {
        "source": source,
        "assessed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rules_version": rules().rules_version,
        "window_days": window_days,
        "urgency": assessment.urgency,
        "pattern": assessment.pattern,
        "nerve": assessment.nerve,
        "lems": [assessment.lems.left, assessment.lems.right],
        "worsened": assessment.worsening.worsened,
        "progression_within_window": assessment.progression_within_window,
        "changes": [change.finding for change in assessment.worsening.changes],
    }


def _urgency_words(tier: object) -> str:
    return urgency_label(str(tier)).lower() if tier else "not assessed"


_NAMES = {"urgency": "urgency", "pattern": "pattern", "worsened": "worse than before",
          "progression_within_window": "progression within the window"}


def _words(key: str, value: object) -> str:
    if key == "urgency":
        return _urgency_words(value)
    if key == "pattern":
        return pattern_text(str(value))
    return "yes" if value else "no"


def differences(as_signed: dict[str, Any] | None, now: dict[str, Any]) -> tuple[str, ...]:
    """What differs between the answer kept with the visit and the answer now, one phrase each:
    'urgency: urgent when signed, same day now'. Empty when nothing was kept or nothing differs."""
    if not as_signed:
        return ()
    when = "when imported" if as_signed.get("source") == IMPORTED else "when signed"
    return tuple(f"{_NAMES[key]}: {_words(key, as_signed.get(key))} {when}, {_words(key, now[key])} now"
                 for key in COMPARED if key in as_signed and as_signed.get(key) != now.get(key))


def in_words(as_signed: dict[str, Any]) -> str:
    """The kept answer as a short line: 'urgent, radiculopathy, no worsening'."""
    pattern = as_signed.get("pattern")
    parts = [_urgency_words(as_signed.get("urgency")), pattern_text(str(pattern)) if pattern else ""]
    if as_signed.get("progression_within_window"):
        parts.append("progression within the window")
    else:
        parts.append("worse than before" if as_signed.get("worsened") else "no worsening")
    return ", ".join(p for p in parts if p)


def record_as_signed(session: Session, patient_id: int, visit_ids: Iterable[int], window_days: int,
                     source: str) -> dict[int, dict[str, Any]]:
    """Keep the engine's answer now with each of `visit_ids` (in the caller's transaction, after the
    patient's lock); returns the answers kept, by visit id."""
    wanted = set(visit_ids)
    if not wanted:
        return {}
    rows = signed_visits_now(session, patient_id)
    kept: dict[int, dict[str, Any]] = {}
    for row, assessment in zip(rows, assess_visits([visit_from_row(r) for r in rows], window_days), strict=True):
        if row.id in wanted:
            row.signed_assessment = kept[row.id] = summary(assessment, window_days, source)
    return kept


def current_answers(session: Session, patient_id: int, window_days: int) -> dict[int, dict[str, Any]]:
    """The engine's answer now for each of the patient's signed visits, by visit id."""
    rows = signed_visits_now(session, patient_id)
    return {row.id: summary(a, window_days, "now")
            for row, a in zip(rows, assess_visits([visit_from_row(r) for r in rows], window_days), strict=True)}


@dataclass(frozen=True)
class ChangedAssessment:
    """A signed visit whose assessment a backdated visit changed."""

    visit_id: int
    examined_at: datetime
    as_signed: dict[str, Any] | None
    before: dict[str, Any]
    after: dict[str, Any]

    @property
    def changes(self) -> tuple[str, ...]:
        return tuple(f"{_NAMES[key]}: {_words(key, self.before[key])} → {_words(key, self.after[key])}"
                     for key in COMPARED if self.before.get(key) != self.after.get(key))


def changed_answers(before: dict[int, dict[str, Any]], after: dict[int, dict[str, Any]],
                    rows: dict[int, models.Visit]) -> list[ChangedAssessment]:
    """The visits signed before whose answer differs after (on the compared keys), in order of examination."""
    changed = [ChangedAssessment(visit_id, models.in_offset(rows[visit_id].examined_at,
                                                            rows[visit_id].examined_at_offset),
                                 rows[visit_id].signed_assessment, answer, after[visit_id])
               for visit_id, answer in before.items()
               if visit_id in after and any(answer.get(k) != after[visit_id].get(k) for k in COMPARED)]
    return sorted(changed, key=lambda c: c.examined_at)


def record_missing_assessments(db: Database) -> int:
    """Visits signed before the app kept their assessment get the one the engine gives now, marked as
    computed at the upgrade. Returns how many visits."""
    missing = (select(models.Visit.patient_id).where(models.Visit.status.in_(SIGNED_STATUSES),
                                                     models.Visit.signed_assessment.is_(None)).distinct())
    with db.session() as session:  # usually none: no need to wait for the write lock
        if session.scalars(missing.limit(1)).first() is None:
            return 0
    days = clinic_window_days(db)
    count = 0
    with db.session(write=True) as session:
        for patient_id in sorted(session.scalars(missing).all()):
            ids = session.scalars(select(models.Visit.id).where(
                models.Visit.patient_id == patient_id, models.Visit.status.in_(SIGNED_STATUSES),
                models.Visit.signed_assessment.is_(None))).all()
            count += len(record_as_signed(session, patient_id, ids, days, UPGRADE))
    return count
