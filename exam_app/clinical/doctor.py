"""The doctor's part of a visit: impression, investigations and plan (plain data).

Vocabulary in `resources/doctor.json`. The doctor's words are the doctor's: the app records them
and never derives them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from exam_app.clinical.deficits import abnormal_sensations, weak_muscles
from exam_app.clinical.examination import read_examination
from exam_app.clinical.record import Visit
from exam_app.tables import doctor


@dataclass(frozen=True)
class Investigation:
    id: str  # an id of resources/doctor.json "investigations"
    detail: str | None = None  # what exactly (for "other", or the sequence asked for)
    result: str | None = None  # filled in when the result comes back
    result_at: datetime | None = None


@dataclass(frozen=True)
class Addendum:
    """A result added after the note was signed: the signed note stays as it was, this follows it."""

    investigation: str  # an id of "investigations"
    result: str
    added_by: str  # display name
    added_at: datetime


@dataclass(frozen=True)
class DoctorNote:
    level: str | None = None  # an id of "levels"
    causes: tuple[str, ...] = ()  # ids of "causes"
    impression: str | None = None  # free text
    investigations: tuple[Investigation, ...] = ()
    plans: tuple[str, ...] = ()  # ids of "plans"
    plan_text: str | None = None
    next_review: date | None = None
    # Informed consent to surgical referral, the risk of paralysis explained (when surgery is planned).
    surgical_consent: bool | None = None
    signed_by: str | None = None  # display name of the doctor who signed the note
    signed_at: datetime | None = None
    addenda: tuple[Addendum, ...] = ()  # results added after signing, oldest first


def label(kind: str, item_id: str) -> str:
    """The words for an id of one of the lists ("levels", "causes", "investigations", "plans")."""
    return doctor().label(kind, item_id)


def plans_surgery(note: DoctorNote) -> bool:
    surgical = {plan.id for plan in doctor().plans if plan.is_surgery}
    return bool(surgical & set(note.plans))


def surgery_unsupported(visit: Visit) -> tuple[str, ...] | None:
    """None if the visit shows weakness or sensory loss (what the source text reserves surgery
    for); otherwise the warning to show when surgery is planned."""
    exam = read_examination(visit)
    found = [d.finding for d in (*weak_muscles(exam), *abnormal_sensations(exam))]
    if found:
        return None
    return ("surgery is planned, but this visit shows neither weakness nor sensory loss",)
