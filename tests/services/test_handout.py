"""Issuing the safety-net sheet: from a signed visit, stored exactly as issued (PDF, SHA-256, who,
when) and audited; a booked appointment and the clinic's phone on it."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from exam_app.clinical.record import Patient
from exam_app.report.referral import Letterhead, ReferralOptions
from exam_app.services.context import AppContext, InvalidInput, NotFound, NotPermitted
from exam_app.services.handout import handout_content, issue_handout, sheets_of, stored_sheet
from exam_app.services.patients import register_patient
from exam_app.services.recall import mark_recall
from exam_app.services.referral import issue_letter, referral_content, set_letterhead
from exam_app.services.visits import find_visit, start_visit
from exam_app.store import models
from tests.report.pdf import pages, text
from tests.services.schedules import NOW, acting_as, add, fill_schedules, weak


def test_the_sheet_is_stored_as_issued_and_audited(ctx: AppContext) -> None:
    set_letterhead(ctx, Letterhead("Riverside Clinic", "1 Road", "+44 20 7000 0000"))
    fill_schedules(ctx)
    desk = acting_as(ctx, "front_desk")
    sheet = issue_handout(desk, "A", now=NOW)
    assert sheet.sha256 == hashlib.sha256(sheet.pdf).hexdigest()
    assert sheet.next_due == NOW - timedelta(hours=8)
    assert stored_sheet(ctx, sheet.sheet_id) == sheet.pdf
    [summary] = sheets_of(ctx, "A")
    assert (summary.sheet_id, summary.issued_by, summary.issued_at) == (sheet.sheet_id, "A front desk", NOW)
    with ctx.db.session() as session:
        [event] = session.scalars(select(models.AuditEvent).where(models.AuditEvent.action == "safety_net_issued"))
        assert (event.user_id, event.entity_id) == (desk.user.id, str(sheet.sheet_id))
        assert event.detail == {"patient": "A", "visit": find_visit(ctx, "A", NOW - timedelta(hours=20)),
                                "sha256": sheet.sha256, "due": (NOW - timedelta(hours=8)).isoformat()}
        row = session.get(models.SafetyNetSheet, sheet.sheet_id)
        assert row is not None and row.summary["clinic_phone"] == "+44 20 7000 0000"
    words = text(sheet.pdf)
    assert len(pages(sheet.pdf)) == 1
    assert "Call the clinic on +44 20 7000 0000 the same day" in words


def test_a_booked_appointment_is_on_the_sheet(ctx: AppContext) -> None:
    fill_schedules(ctx)
    booked = NOW + timedelta(hours=2)
    mark_recall(ctx, "B", "booked", booked_for=booked, now=NOW)
    content = handout_content(ctx, "B", now=NOW).content
    assert content.booked_for == booked
    assert handout_content(ctx, "A", now=NOW).content.booked_for is None


def test_the_sheet_of_an_earlier_visit_plans_from_that_visit(ctx: AppContext) -> None:
    first = NOW - timedelta(hours=20)
    add(ctx, "E2", weak(first, onset=NOW - timedelta(hours=30)), weak(NOW - timedelta(hours=2)))
    earlier = handout_content(ctx, "E2", find_visit(ctx, "E2", first), now=NOW).content
    assert earlier.examined_at == first and earlier.plan.due == first + timedelta(hours=12)
    assert handout_content(ctx, "E2", now=NOW).content.plan.due == NOW + timedelta(hours=10)


def test_only_a_signed_visit_has_a_sheet(ctx: AppContext) -> None:
    register_patient(ctx, Patient("NEW-2", "New"))
    with pytest.raises(InvalidInput, match="NEW-2 has no signed visit: the safety-net sheet is printed from a "
                                           "signed visit"):
        issue_handout(ctx, "NEW-2", now=NOW)
    draft = start_visit(ctx, "NEW-2")
    with pytest.raises(InvalidInput, match=f"visit {draft.visit_id} is a draft"):
        issue_handout(ctx, "NEW-2", draft.visit_id, now=NOW)
    with pytest.raises(NotFound, match="no patient with record number 'NOBODY'"):
        issue_handout(ctx, "NOBODY", now=NOW)
    assert sheets_of(ctx, "NEW-2") == []


def test_an_administrator_may_not_issue_sheets(ctx: AppContext) -> None:
    fill_schedules(ctx)
    with pytest.raises(NotPermitted, match="may not issue and print the patient's safety-net sheet"):
        issue_handout(acting_as(ctx, "admin"), "A", now=NOW)
    assert sheets_of(ctx, "A") == []


def test_the_referral_letter_plans_the_next_examination_from_the_same_data(ctx: AppContext) -> None:
    first = NOW - timedelta(hours=20)
    add(ctx, "L", weak(first, onset=NOW - timedelta(hours=30)), weak(NOW - timedelta(hours=2)))
    booked = NOW + timedelta(hours=4)
    mark_recall(ctx, "L", "booked", booked_for=booked, now=NOW)
    content = referral_content(ctx, "L", now=NOW)
    follow_up = content.follow_up
    assert follow_up is not None and follow_up.booked_for == booked
    assert follow_up.planned.due == NOW + timedelta(hours=10)
    [earlier] = follow_up.earlier
    assert (earlier.due, earlier.on_time, earlier.late_by) == (first + timedelta(hours=12), False, timedelta(hours=6))
    letter = issue_letter(ctx, content, ReferralOptions())
    words = text(letter.pdf)
    assert "Earlier re-examinations: 0 of 1 on time" in words and "late by 6 h 0 min" in words
    assert "Booked" in words
    with ctx.db.session() as session:
        row = session.get(models.ReferralLetter, letter.letter_id)
        assert row is not None and row.summary["next_examination_due"] == (NOW + timedelta(hours=10)).isoformat()
