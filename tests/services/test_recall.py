"""Recall marks: called, left a message, booked for a time; kept, audited, shown on the worklist until
the patient is examined again; refused with one line for what makes no sense."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from exam_app.clinical.record import Patient
from exam_app.services.context import AppContext, InvalidInput, NotFound, NotPermitted
from exam_app.services.patients import register_patient
from exam_app.services.recall import mark_recall, recall_history
from exam_app.services.visits import amend_visit, find_visit, open_visit
from exam_app.services.worklist import WorklistEntry, worklist
from exam_app.store import models
from tests.services.schedules import NOW, acting_as, add, fill_schedules, normal_visit, weak


def entry_of(ctx: AppContext, record_number: str) -> WorklistEntry:
    [entry] = [e for e in worklist(ctx, now=NOW) if e.record_number == record_number]
    return entry


def audit_events(ctx: AppContext, action: str) -> list[models.AuditEvent]:
    with ctx.db.session() as session:
        return list(session.scalars(select(models.AuditEvent).where(models.AuditEvent.action == action)
                                    .order_by(models.AuditEvent.id)))


def test_each_mark_is_audited_and_the_latest_shows_on_the_worklist(ctx: AppContext) -> None:
    fill_schedules(ctx)
    desk = acting_as(ctx, "front_desk")
    mark_recall(desk, "A", "left_message", note="voicemail", now=NOW)
    assert entry_of(ctx, "A").recall is not None
    booked_for = NOW + timedelta(hours=3)
    state = mark_recall(desk, "a ", "booked", booked_for=booked_for, now=NOW + timedelta(minutes=5))
    assert (state.outcome, state.booked_for, state.marked_by) == ("booked", booked_for, "A front desk")
    shown = entry_of(ctx, "A").recall
    assert shown is not None and (shown.label, shown.booked_for) == ("booked for", booked_for)
    events = audit_events(ctx, "recall_marked")
    assert [(e.entity_id, e.user_id, (e.detail or {})["outcome"]) for e in events] == [
        ("A", desk.user.id, "left_message"), ("A", desk.user.id, "booked")]
    first, second = (e.detail or {} for e in events)
    assert first["note"] == "voicemail" and first["due_at"] == (NOW - timedelta(hours=8)).isoformat()
    assert second["booked_for"] == booked_for.isoformat()
    history = recall_history(ctx, "A")
    assert [(m.outcome, m.marked_by, m.current) for m in history] == [
        ("booked", "A front desk", True), ("left_message", "A front desk", True)]
    assert history[1].due_at == NOW - timedelta(hours=8)


def test_a_new_visit_leaves_the_marks_behind_and_an_amendment_keeps_them(ctx: AppContext) -> None:
    fill_schedules(ctx)
    mark_recall(ctx, "B", "called", now=NOW)
    last = find_visit(ctx, "B", NOW - timedelta(hours=2))
    opened = open_visit(ctx, last)
    amend_visit(ctx, last, replace(opened.visit, notes="corrected"), opened.version, "typo in the notes")
    assert entry_of(ctx, "B").recall is not None
    add(ctx, "B", weak(NOW - timedelta(hours=1)))
    assert entry_of(ctx, "B").recall is None
    assert [m.current for m in recall_history(ctx, "B")] == [False]


@pytest.mark.parametrize(("outcome", "booked", "message"), [
    ("emailed", None, "outcome: 'emailed' is not one of called, left_message, booked"),
    ("booked", None, "booked for: give the date and time of the appointment"),
    ("called", NOW + timedelta(hours=1), "booked for: only a booking has a time, not 'called'"),
    ("booked", NOW - timedelta(hours=1), "booked for: .* is in the past"),
    ("booked", (NOW + timedelta(hours=1)).replace(tzinfo=None), "booked for: the time needs its time zone"),
])
def test_marks_that_make_no_sense_are_refused(ctx: AppContext, outcome: str, booked: object, message: str) -> None:
    fill_schedules(ctx)
    with pytest.raises(InvalidInput, match=message) as refused:
        mark_recall(ctx, "A", outcome, booked_for=booked, now=NOW)  # type: ignore[arg-type]
    assert refused.value.exit_code == 2
    assert audit_events(ctx, "recall_marked") == [] and recall_history(ctx, "A") == []


def test_a_booking_a_few_minutes_behind_this_clock_is_another_workstations_clock(ctx: AppContext) -> None:
    fill_schedules(ctx)
    mark_recall(ctx, "A", "booked", booked_for=NOW - timedelta(minutes=5), now=NOW)


def test_a_patient_without_a_signed_visit_or_unknown_cannot_be_recalled(ctx: AppContext) -> None:
    register_patient(ctx, Patient("NEW-1", "New"))
    with pytest.raises(InvalidInput, match="NEW-1 has no signed visit: there is no examination to recall them for"):
        mark_recall(ctx, "NEW-1", "called", now=NOW)
    with pytest.raises(NotFound, match="no patient with record number 'NOPE'"):
        mark_recall(ctx, "NOPE", "called", now=NOW)


@pytest.mark.parametrize(("role", "allowed"), [
    ("front_desk", True), ("physiotherapist", True), ("doctor", True), ("admin", False)])
def test_who_may_recall(ctx: AppContext, role: str, allowed: bool) -> None:
    add(ctx, "P", normal_visit(NOW - timedelta(hours=1)))
    acting = acting_as(ctx, role)
    if allowed:
        mark_recall(acting, "P", "called", now=NOW)
        assert len(audit_events(ctx, "recall_marked")) == 1
    else:
        with pytest.raises(NotPermitted, match="may not recall patients for their next examination"):
            mark_recall(acting, "P", "called", now=NOW)
        assert audit_events(ctx, "recall_marked") == []
