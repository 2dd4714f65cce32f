"""Each action the design names leaves one audit event saying who, when, from which workstation and
what (before and after for a change), and every event about a patient can be found by the patient's
record number (the viewer's and `exam-app audit --patient`'s filter)."""

from __future__ import annotations

import socket
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from exam_app.clinical.doctor import DoctorNote
from exam_app.clinical.record import Patient
from exam_app.services.accounts import (
    NewAccount,
    SignInRefused,
    add_account,
    note_lock,
    reset_password,
    set_active,
    set_role,
    sign_in,
    update_details,
)
from exam_app.services.audit import AuditEntry, audit_entries
from exam_app.services.context import AppContext
from exam_app.services.doctor import save_note
from exam_app.services.exports import export_patient
from exam_app.services.patients import get_patient, register_patient, update_patient
from exam_app.services.records import import_record, read_record_file
from exam_app.services.referral import issue_letter, referral_content, referral_options, reprint
from exam_app.services.settings import clinic_settings, save_settings
from exam_app.services.visits import amend_visit, open_visit, save_draft, sign_visit, start_visit
from tests.records import complete, example, write

PATIENT = "E-1"
PASSWORD = "events password 1"


def latest(ctx: AppContext, action: str) -> AuditEntry:
    found = [e for e in audit_entries(ctx) if e.action == action]
    assert found, f"no {action} event"
    return found[-1]


def check(entry: AuditEntry, username: str | None, since: datetime, patient: str | None = None,
          **detail: Any) -> None:
    assert entry.username == username
    assert since - timedelta(seconds=1) <= entry.at.astimezone(UTC) <= datetime.now(UTC) + timedelta(seconds=1)
    assert entry.workstation == socket.gethostname()
    assert entry.patient == patient
    for key, value in detail.items():
        assert (entry.detail or {}).get(key) == value, (entry.action, key, entry.detail)


def test_each_action_is_recorded_with_who_when_where_and_what(ctx: AppContext, tmp_path: Path) -> None:
    me = ctx.user.username
    start = datetime.now(UTC)
    # accounts: sign-in, failed sign-in, lock of the window, account changes
    add_account(ctx, NewAccount("pt.event", "Pat Event", "physiotherapist", PASSWORD))
    check(latest(ctx, "account_created"), me, start, role="physiotherapist", full_name="Pat Event")
    sign_in(ctx.db, "pt.event", PASSWORD)
    check(latest(ctx, "signed_in"), "pt.event", start)
    with pytest.raises(SignInRefused):
        sign_in(ctx.db, "pt.event", "not the password")
    check(latest(ctx, "sign_in_failed"), "pt.event", start, why="wrong password", failures=1)
    note_lock(ctx, "idle")
    check(latest(ctx, "screen_locked"), me, start, why="idle")
    set_role(ctx, "pt.event", "doctor")
    check(latest(ctx, "account_role_changed"), me, start, before="physiotherapist", after="doctor")
    update_details(ctx, "pt.event", registration_number="GMC 1")
    check(latest(ctx, "account_details_changed"), me, start,
          changed={"registration_number": {"before": None, "after": "GMC 1"}})
    reset_password(ctx, "pt.event", PASSWORD + "2")
    check(latest(ctx, "password_reset"), me, start)
    set_active(ctx, "pt.event", False)
    check(latest(ctx, "account_disabled"), me, start)
    # settings
    save_settings(ctx, replace(clinic_settings(ctx), idle_lock_minutes=7))
    check(latest(ctx, "setting_changed"), me, start, before=None, after=7)
    # a patient: create, update, view
    register_patient(ctx, Patient(PATIENT, "Event", "Eve"))
    check(latest(ctx, "patient_registered"), me, start, PATIENT)
    _, version = get_patient(ctx, PATIENT)
    update_patient(ctx, PATIENT, Patient(PATIENT, "Event", "Eva"), version)
    check(latest(ctx, "patient_edited"), me, start, PATIENT)
    assert "given_name" in str(latest(ctx, "patient_edited").detail)
    # a visit: create, sign, view, amend
    opened = start_visit(ctx, PATIENT, datetime(2026, 11, 2, 9, tzinfo=UTC))
    check(latest(ctx, "visit_started"), me, start, PATIENT)
    visit = complete(opened.visit)
    signed = sign_visit(ctx, opened.visit_id, visit, save_draft(ctx, opened.visit_id, visit, opened.version))
    check(latest(ctx, "visit_signed"), me, start, PATIENT)
    assert set((latest(ctx, "visit_signed").detail or {})["visits"]) == {str(opened.visit_id)}
    open_visit(ctx, opened.visit_id)
    check(latest(ctx, "record_viewed"), me, start, PATIENT, what="visit")
    amend_visit(ctx, opened.visit_id, replace(visit, notes="corrected"), signed, "typing error")
    check(latest(ctx, "visit_amended"), me, start, PATIENT, reason="typing error")
    assert (latest(ctx, "visit_amended").detail or {})["before"]  # what the visit said before
    save_note(ctx, opened.visit_id, DoctorNote(impression="L5 root"), None)
    check(latest(ctx, "doctor_note_saved"), me, start, PATIENT)
    # letters: issued and re-printed
    letter = issue_letter(ctx, referral_content(ctx, PATIENT), referral_options())
    check(latest(ctx, "referral_issued"), me, start, PATIENT, sha256=letter.sha256)
    reprint(ctx, letter.letter_id)
    check(latest(ctx, "referral_reprinted"), me, start, PATIENT, sha256=letter.sha256)
    # records leaving and entering the clinic
    export_patient(ctx, PATIENT, "json")
    check(latest(ctx, "records_exported"), me, start, PATIENT, format="json", patients=1)
    import_record(ctx, read_record_file(write(tmp_path / "a.json", example())), "a.json")
    check(latest(ctx, "record_imported"), me, start, "A-1001", source="a.json", examiners=["pt.smith"])


def test_the_trail_is_read_patient_by_patient(ctx: AppContext) -> None:
    register_patient(ctx, Patient(PATIENT, "Event", "Eve"))
    register_patient(ctx, Patient("E-2", "Other", "Otto"))
    opened = start_visit(ctx, PATIENT)
    open_visit(ctx, opened.visit_id)
    assert [e.action for e in audit_entries(ctx, patient=PATIENT)] == [
        "patient_registered", "visit_started", "record_viewed"]
    assert [e.action for e in audit_entries(ctx, patient="e-2 ")] == ["patient_registered"]
