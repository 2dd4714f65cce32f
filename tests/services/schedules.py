"""A small clinic of patients whose next examinations fall at known times, for the worklist and
recall tests: each patient's visits are stored as the app stores imported ones."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from exam_app.clinical.doctor import DoctorNote
from exam_app.clinical.record import ExamRecord, Patient, Visit
from exam_app.services.context import ActingUser, AppContext
from exam_app.services.doctor import save_note
from exam_app.services.records import import_record
from exam_app.services.visits import find_visit
from exam_app.store import models
from tests.clinical.builders import motor, normal_visit, sensation

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def weak(at: datetime, onset: datetime | None = None, grade: str = "4", **changes: object) -> Visit:
    """A full examination with the left great-toe extension weak."""
    return motor(normal_visit(at, weakness_onset=onset, **changes), "great_toe_extension", "left", grade)


def numb(at: datetime, onset: datetime | None = None) -> Visit:
    """A full examination with only left L5 sensation altered (routine urgency)."""
    return sensation(normal_visit(at, weakness_onset=onset), "L5", "left", "1")


def add(ctx: AppContext, record_number: str, *visits: Visit, name: str = "", contact: str | None = None) -> None:
    patient = Patient(record_number, name or f"Family {record_number}", "Given", contact=contact)
    import_record(ctx, ExamRecord(patient, list(visits)), f"{record_number}.json")


def sign_review(ctx: AppContext, record_number: str, visit_at: datetime, on: date) -> int:
    """A signed doctor's note on the visit, with a next review on `on`; returns the visit id."""
    visit_id = find_visit(ctx, record_number, visit_at)
    save_note(ctx, visit_id, DoctorNote(next_review=on), None, sign=True)
    return visit_id


def acting_as(ctx: AppContext, role: str) -> AppContext:
    """The same database, acted on by a new account with `role`."""
    with ctx.db.session() as session:
        user = models.User(username=f"user.{role}", display_name=f"A {role.replace('_', ' ')}", role=role)
        session.add(user)
        session.flush()
        acting = ActingUser(user.id, user.username, user.display_name, user.role)
    return replace(ctx, user=acting)


def fill_schedules(ctx: AppContext) -> None:
    """Patients whose next examination, seen at NOW, is:

    A overdue 8 h inside an open window (urgent: 12 h after a visit 20 h ago);
    F overdue 3 h inside an open window (same day: at once, a visit 3 h ago);
    B due in 10 h (urgent, a visit 2 h ago);
    D due tomorrow (routine: 24 h after a visit 1 h ago);
    C the doctor's review, overdue 2 days, the window closed long ago;
    E nothing: its window closed 8 h ago, the window rule has lapsed and no review is set;
    G the doctor's review overdue 20 days: no longer listed as due.
    """
    add(ctx, "A", weak(NOW - timedelta(hours=20), onset=NOW - timedelta(hours=30)), contact="+44 20 7946 0001")
    add(ctx, "F", weak(NOW - timedelta(hours=3), onset=NOW - timedelta(hours=6), red_flags=("bladder_dysfunction",)))
    add(ctx, "B", weak(NOW - timedelta(hours=2), onset=NOW - timedelta(hours=5)))
    add(ctx, "D", numb(NOW - timedelta(hours=1), onset=NOW - timedelta(hours=1)))
    c_visit = NOW - timedelta(days=9)
    add(ctx, "C", weak(c_visit, onset=NOW - timedelta(days=10)))
    sign_review(ctx, "C", c_visit, (NOW - timedelta(days=2)).date())
    add(ctx, "E", weak(NOW - timedelta(hours=70), onset=NOW - timedelta(hours=80)))
    g_visit = NOW - timedelta(days=30)
    add(ctx, "G", weak(g_visit, onset=NOW - timedelta(days=31)))
    sign_review(ctx, "G", g_visit, (NOW - timedelta(days=20)).date())
