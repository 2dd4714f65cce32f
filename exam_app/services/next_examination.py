"""The next examination of each patient: the clinic's intervals, the plan kept on the patient's status
row (recomputed with it whenever a signed visit or a signed doctor's note changes), and the plans
after earlier visits, to tell whether those examinations came on time.

The rule itself is `exam_app.clinical.next_examination`; this module reads its inputs from the
database: the signed visits, the signed doctor's notes' next reviews and the clinic's setting.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from exam_app.clinical.assess import VisitAssessment
from exam_app.clinical.next_examination import (
    NOT_DUE,
    DoctorReview,
    DueState,
    NextExamination,
    check_intervals,
    due_state,
    follow_up_findings,
    in_force,
    next_examination_tables,
    patient_tier,
    pending_review,
    plan_next_examination,
    plans_after,
    timeliness,
)
from exam_app.services.context import AppContext, clinic_window_days
from exam_app.store import models
from exam_app.store.database import Database
from exam_app.tables import NoteStatus, rules
from exam_app.wording import duration

if TYPE_CHECKING:  # the letter's module (and its PDF library) is read when a letter is made
    from exam_app.report.referral import FollowUp

INTERVALS_SETTING = "next_examination_hours"


# ------------------------------------------------------------------ the clinic's intervals


def intervals_in(session: Session) -> dict[str, int]:
    """The clinic's hours from a visit to the next examination, per urgency tier (defaults filled in)."""
    row = session.get(models.ClinicSetting, INTERVALS_SETTING)
    stored = row.value.get("value") if row is not None else None
    return check_intervals(stored or {})


def examination_intervals(ctx: AppContext) -> dict[str, int]:
    with ctx.db.session() as session:
        return intervals_in(session)


# ------------------------------------------------------------------ the plans


def doctor_reviews(session: Session, signed: Sequence[models.Visit]) -> list[DoctorReview]:
    """The next-review dates of the signed doctor's notes of these visits."""
    at = {v.id: examined_at_as_written(v) for v in signed}
    note = models.DoctorNoteRow
    rows = session.execute(select(note.visit_id, note.next_review).where(
        note.visit_id.in_(at), note.status == NoteStatus.SIGNED, note.next_review.is_not(None))).all()
    return [DoctorReview(review, at[visit_id]) for visit_id, review in rows if review is not None]


def examined_at_as_written(visit: models.Visit) -> datetime:
    """The visit's time in the offset it was written with (as the rules read it)."""
    return models.in_offset(visit.examined_at, visit.examined_at_offset)


def plan_after_last(session: Session, signed: Sequence[models.Visit],
                    assessments: Sequence[VisitAssessment]) -> NextExamination:
    """The plan after the last of these signed visits (`assessments` are theirs, in the same order)."""
    last = assessments[-1]
    review = pending_review(doctor_reviews(session, signed), [a.examined_at for a in assessments])
    return plan_next_examination(last.examined_at, patient_tier(assessments), follow_up_findings(last.visit),
                                 last.window, review, intervals_in(session))


def plan_without_reviews(assessments: Sequence[VisitAssessment], intervals: dict[str, int]) -> NextExamination:
    """The plan after the last of a patient's signed visits when none has a doctor's note (a new patient)."""
    last = assessments[-1]
    review = pending_review([], [a.examined_at for a in assessments])
    return plan_next_examination(last.examined_at, patient_tier(assessments), follow_up_findings(last.visit),
                                 last.window, review, intervals)


def plan_values(plan: NextExamination) -> dict[str, Any]:
    """The status row's columns that hold the plan."""
    return {"next_exam_due": plan.due, "next_exam_basis": plan.basis, "next_exam": plan.to_json(),
            "review_due": plan.then.due if plan.then is not None else None}


def store_plan(session: Session, row: models.PatientStatus, signed: Sequence[models.Visit],
               assessments: Sequence[VisitAssessment]) -> NextExamination:
    """Set the status row's next examination and the latest recall mark since the last visit (in the
    caller's transaction)."""
    plan = plan_after_last(session, signed, assessments)
    for name, value in plan_values(plan).items():
        setattr(row, name, value)
    row.recall = latest_recall(session, row.patient_id, signed[-1].id)
    return plan


def follow_up_of(session: Session, signed: Sequence[models.Visit], assessments: Sequence[VisitAssessment],
                 at: datetime) -> FollowUp:
    """For a letter about the last of these visits: the next examination planned after it (in force
    at `at`), whether the examinations after the earlier ones came on time, and a booking if made."""
    plans = plans_after(assessments, doctor_reviews(session, signed), intervals_in(session))
    earlier = tuple(timeliness(plans, [a.examined_at for a in assessments])[:-1])
    last = signed[-1]
    status = session.get(models.PatientStatus, last.patient_id)
    mark = status.recall if status is not None and status.last_visit_id == last.id else None
    booked = datetime.fromisoformat(mark["booked_for"]) if mark and mark.get("booked_for") else None
    from exam_app.report.referral import FollowUp

    return FollowUp(in_force(plans[-1], at), earlier, booked)


def latest_recall(session: Session, patient_id: int, after_visit_id: int) -> dict[str, Any] | None:
    """The latest recall mark made since the visit (what the worklist shows), or None."""
    mark = models.RecallMark
    found = session.scalar(select(mark).where(mark.patient_id == patient_id, mark.after_visit_id == after_visit_id)
                           .order_by(mark.marked_at.desc(), mark.id.desc()).limit(1))
    return recall_document(session, found) if found is not None else None


def recall_document(session: Session, mark: models.RecallMark) -> dict[str, Any]:
    user = session.get(models.User, mark.marked_by_id)
    return {
        "outcome": mark.outcome,
        "marked_at": mark.marked_at.isoformat(),
        "marked_by": user.display_name if user is not None else "?",
        "booked_for": mark.booked_for.isoformat() if mark.booked_for else None,
        "note": mark.note,
    }


def plan_of(row: models.PatientStatus) -> NextExamination | None:
    """The plan stored on a status row; None for a row from before plans were kept."""
    return NextExamination.from_json(row.next_exam) if row.next_exam else None


def state_of(row: models.PatientStatus, now: datetime) -> DueState | None:
    plan = plan_of(row)
    return due_state(plan, now) if plan is not None else None


def fill_missing_plans(db: Database, refresh: Callable[[Session, int, int], None],
                       now: datetime | None = None) -> int:
    """Plan the next examination of the patients whose status row has none yet (after the upgrade
    that added it). Returns how many were computed in full.

    Only a patient whose window is open, who was examined in the last `overdue_listed_days`, or who
    has a signed doctor's next review can have something due; the others (most of a large clinic)
    are marked "nothing due" in one statement instead of being assessed again.
    """
    moment = now or datetime.now().astimezone()
    status = models.PatientStatus
    days = max(next_examination_tables()["overdue_listed_days"], rules().window_days.max)
    window_days = clinic_window_days(db)
    missing = models.PatientStatus.next_exam_basis.is_(None)
    with db.session() as session:  # usually none: no need to wait for the write lock
        if session.scalars(select(status.patient_id).where(missing).limit(1)).first() is None:
            return 0
    with db.session(write=True) as session:
        reviewed = (select(models.Visit.patient_id)
                    .join(models.DoctorNoteRow, models.DoctorNoteRow.visit_id == models.Visit.id)
                    .where(models.DoctorNoteRow.status == NoteStatus.SIGNED,
                           models.DoctorNoteRow.next_review.is_not(None)))
        to_plan = session.scalars(select(status.patient_id).where(missing, or_(
            status.window_ends >= moment, status.last_examined_at >= moment - timedelta(days=days),
            status.patient_id.in_(reviewed)))).all()
        for patient_id in to_plan:
            refresh(session, patient_id, window_days)
        session.execute(update(status).where(missing).values(next_exam_basis=NOT_DUE))
        return len(to_plan)


def next_exam_words(state: DueState | None) -> str:
    """'in 5 h 20 min', 'overdue 2 h 0 min', 'now', or '' when nothing is due: as the worklist says it."""
    if state is None or state.until is None:
        return ""
    if state.overdue:
        return f"overdue {duration(state.until)}"
    if state.until < timedelta(minutes=1):
        return "now"
    return f"in {duration(state.until)}"
