"""A letter printed at the front desk is signed by the clinician chosen in the dialog (the doctor who
signed the note, or the physiotherapist who signed the visit), with registration number and contact,
and names the front desk only as who printed it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from exam_app.clinical.doctor import DoctorNote
from exam_app.clinical.record import Patient
from exam_app.services.accounts import NewAccount, add_account
from exam_app.services.context import AppContext, InvalidInput
from exam_app.services.doctor import save_note
from exam_app.services.patients import register_patient
from exam_app.services.referral import (
    SIGNED_BY_DOCTOR,
    SIGNED_BY_EXAMINER,
    issue_letter,
    referral_content,
    referral_options,
    signatory_choices,
)
from exam_app.services.visits import save_draft, sign_visit, start_visit
from exam_app.wording import day
from tests.accounts import account
from tests.records import complete

PASSWORD = "letters password"
PATIENT = "L-1"
PHYSIO = NewAccount("pt.kim", "Kim Park", "physiotherapist", PASSWORD, "HCPC PH 555111", "+44 20 7946 0001",
                    "kim.park@clinic.example")
DOCTOR = NewAccount("dr.osei", "Dr Ama Osei", "doctor", PASSWORD, "GMC 1234567", "+44 20 7946 0002",
                    "ama.osei@clinic.example")
DESK = NewAccount("fd.ward", "Sam Ward", "front_desk", PASSWORD)


def words(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def signed_by_both(ctx: AppContext) -> AppContext:
    """A visit signed by the physiotherapist, its note signed by the doctor; the front desk's context."""
    for new in (PHYSIO, DOCTOR, DESK):
        add_account(ctx, new)
    physio = account(ctx.db, PHYSIO.username, PHYSIO.role)
    register_patient(physio, Patient(PATIENT, "Letter", "Lena"))
    opened = start_visit(physio, PATIENT, datetime(2026, 11, 2, 9, tzinfo=UTC))
    visit = complete(replace(opened.visit, motor={"great_toe_extension": {"left": "3"}}))
    sign_visit(physio, opened.visit_id, visit, save_draft(physio, opened.visit_id, visit, opened.version))
    save_note(account(ctx.db, DOCTOR.username, DOCTOR.role), opened.visit_id,
              DoctorNote(impression="L5 root compression"), None, sign=True)
    return account(ctx.db, DESK.username, DESK.role)


@pytest.mark.parametrize(("chosen", "signer", "other"), [(SIGNED_BY_DOCTOR, DOCTOR, PHYSIO),
                                                         (SIGNED_BY_EXAMINER, PHYSIO, DOCTOR)])
def test_the_chosen_clinician_signs_and_the_front_desk_printed(
        sqlite_ctx: AppContext, tmp_path: Path, chosen: str, signer: NewAccount, other: NewAccount) -> None:
    desk = signed_by_both(sqlite_ctx)
    assert signatory_choices(desk, PATIENT) == {SIGNED_BY_DOCTOR: "Dr Ama Osei, doctor",
                                                SIGNED_BY_EXAMINER: "Kim Park, physiotherapist"}
    content = referral_content(desk, PATIENT, signed_by=chosen)
    letter = words(issue_letter(desk, content, referral_options()).pdf, tmp_path)
    closing = letter[letter.index("Yours sincerely"):]
    assert closing.startswith(f"Yours sincerely, {signer.full_name}")
    assert f"Registration number {signer.registration_number}" in closing
    assert signer.phone in closing and signer.email in closing  # type: ignore[operator]
    assert other.registration_number not in letter  # type: ignore[operator]
    assert f"Printed by Sam Ward (front desk) on {day(datetime.now().astimezone())}" in letter
    assert "Yours sincerely, Sam Ward" not in letter


def test_the_doctor_signs_by_default_and_only_a_signed_note_lets_them(sqlite_ctx: AppContext) -> None:
    desk = signed_by_both(sqlite_ctx)
    assert referral_content(desk, PATIENT).signatory.name == "Dr Ama Osei"
    register_patient(desk, Patient("L-2", "Nonote", "Nina"))
    physio = account(sqlite_ctx.db, PHYSIO.username, PHYSIO.role)
    opened = start_visit(physio, "L-2", datetime(2026, 11, 2, 9, tzinfo=UTC))
    visit = complete(opened.visit)
    sign_visit(physio, opened.visit_id, visit, save_draft(physio, opened.visit_id, visit, opened.version))
    assert referral_content(desk, "L-2").signatory.name == "Kim Park"
    with pytest.raises(InvalidInput, match="the doctor's note of this visit is not signed"):
        referral_content(desk, "L-2", signed_by=SIGNED_BY_DOCTOR)
