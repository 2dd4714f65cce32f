"""What is signed is what was examined: complete or incomplete with a reason, the right patient,
record numbers matched ignoring case, empty drafts not kept, results added after signing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from exam_app.clinical.doctor import DoctorNote, Investigation
from exam_app.clinical.record import ExamRecord, Patient, Visit
from exam_app.services.context import AppContext, InvalidInput, NotFound, ServiceError
from exam_app.services.doctor import add_investigation_result, open_note, save_note
from exam_app.services.patients import get_patient, register_patient, search_patients
from exam_app.services.records import import_record, load_record
from exam_app.services.visits import (
    close_draft,
    drafts_to_recover,
    open_visit,
    save_draft,
    sign_visit,
    start_visit,
)
from exam_app.store import models
from tests.records import complete

EXAMINED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def patient(ctx: AppContext) -> str:
    register_patient(ctx, Patient("A-1001", "Doe", "Jane", date(1969, 4, 2)))
    return "A-1001"


def test_signing_needs_every_red_flag_and_every_item(ctx: AppContext, patient: str) -> None:
    opened = start_visit(ctx, patient)
    done = complete(opened.visit)
    no_flags = replace(done, red_flags_no=done.red_flags_no[1:])
    with pytest.raises(InvalidInput, match=r"red flags: answer every red-flag question before signing \(1 unanswered"):
        sign_visit(ctx, opened.visit_id, no_flags, opened.version)
    gap = replace(done, motor={k: v for k, v in done.motor.items() if k != "knee_flexion"})
    with pytest.raises(InvalidInput, match=r"not complete: 2 items not recorded \(first: left knee flexion grade\)"):
        sign_visit(ctx, opened.visit_id, gap, opened.version)
    assert open_visit(ctx, opened.visit_id).status == "draft"
    sign_visit(ctx, opened.visit_id, done, opened.version)
    assert open_visit(ctx, opened.visit_id).status == "signed"


def test_an_incomplete_examination_is_signed_with_its_reason(ctx: AppContext, patient: str) -> None:
    opened = start_visit(ctx, patient)
    partial = replace(complete(opened.visit), motor={"hip_flexion": {"left": "4", "right": "5"}})
    with pytest.raises(InvalidInput, match="say why"):
        sign_visit(ctx, opened.visit_id, replace(partial, incomplete_reason="  "), opened.version)
    sign_visit(ctx, opened.visit_id, replace(partial, incomplete_reason="could not stand: acute pain"),
               opened.version)
    stored = load_record(ctx, patient).visits[0]
    assert stored.incomplete_reason == "could not stand: acute pain"
    assert stored.motor == {"hip_flexion": {"left": "4", "right": "5"}}


def test_an_incomplete_reason_still_needs_every_red_flag(ctx: AppContext, patient: str) -> None:
    opened = start_visit(ctx, patient)
    with pytest.raises(InvalidInput, match="red flags"):
        sign_visit(ctx, opened.visit_id, replace(opened.visit, incomplete_reason="refused"), opened.version)


def test_a_draft_with_nothing_entered_is_not_kept(ctx: AppContext, patient: str) -> None:
    empty = start_visit(ctx, patient, EXAMINED)
    assert close_draft(ctx, empty.visit_id)
    with pytest.raises(NotFound):
        open_visit(ctx, empty.visit_id)
    begun = start_visit(ctx, patient, EXAMINED + timedelta(hours=1))
    save_draft(ctx, begun.visit_id, replace(begun.visit, motor={"hip_flexion": {"left": "3"}}), begun.version)
    assert not close_draft(ctx, begun.visit_id)
    forgotten = start_visit(ctx, patient, EXAMINED + timedelta(hours=2))  # as after a crash
    assert [d.visit_id for d in drafts_to_recover(ctx)] == [begun.visit_id]
    with pytest.raises(NotFound):
        open_visit(ctx, forgotten.visit_id)


def test_record_numbers_are_matched_ignoring_case_and_spaces(ctx: AppContext, patient: str) -> None:
    assert get_patient(ctx, "  a-1001 ")[0].record_number == "A-1001"
    assert start_visit(ctx, "a-1001").record_number == "A-1001"
    with pytest.raises(InvalidInput, match="belongs to another patient"):
        register_patient(ctx, Patient("a-1001", "Other", "Person"))
    assert [p.record_number for p in search_patients(ctx, "a-10")] == ["A-1001"]
    with ctx.db.session() as session:
        assert session.scalar(select(func.count()).select_from(models.Patient)) == 1


def _record(record_number: str, family: str, given: str, born: date | None) -> ExamRecord:
    visit = Visit(examined_at=EXAMINED, examiner="pt.smith", motor={"great_toe_extension": {"left": "3"}})
    return ExamRecord(Patient(record_number, family, given, born), [visit])


def test_an_import_naming_another_person_under_a_stored_record_number_is_refused(
        ctx: AppContext, patient: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        import_record(ctx, _record("a-1001 ", "Smith", "Jane", date(1969, 4, 2)), "smith.json")
    message = str(refused.value)
    assert message.startswith("smith.json: patient: the record number 'a-1001' belongs to Doe, Jane (born 1969-04-02)")
    assert "the file names Smith, Jane (born 1969-04-02) (family name differs)" in message
    with pytest.raises(InvalidInput, match="birth date differs"):
        import_record(ctx, _record("A-1001", "Doe", "Jane", date(1969, 4, 3)), "born.json")
    assert load_record(ctx, patient).visits == []
    # The same person, written with other case and spacing, or without a birth date, is accepted.
    result = import_record(ctx, _record("A-1001", "DOE", " jane", None), "same.json")
    assert (result.record_number, result.patient_created, result.visits_added) == ("A-1001", False, 1)


def test_an_imported_visit_before_the_stored_birth_date_is_refused(ctx: AppContext, patient: str) -> None:
    early = _record("A-1001", "Doe", "Jane", None)
    early.visits[0].examined_at = datetime(1960, 1, 1, tzinfo=UTC)
    with pytest.raises(InvalidInput, match=r"visits\[0\]: examined at: .* before the patient's birth date"):
        import_record(ctx, early, "early.json")


def test_results_are_added_to_a_signed_note_as_addenda(ctx: AppContext, patient: str) -> None:
    opened = start_visit(ctx, patient)
    sign_visit(ctx, opened.visit_id, complete(opened.visit), opened.version)
    note = DoctorNote(level="root_compression", investigations=(Investigation("mri_lumbosacral"),),
                      plans=("physiotherapy",))
    with pytest.raises(ServiceError, match="not signed yet"):
        add_investigation_result(ctx, opened.visit_id, "mri_lumbosacral", "L4/5 disc")
    version = save_note(ctx, opened.visit_id, note, None)
    save_note(ctx, opened.visit_id, note, version, sign=True)
    with pytest.raises(InvalidInput, match="was not requested"):
        add_investigation_result(ctx, opened.visit_id, "nerve_conduction", "normal")
    add_investigation_result(ctx, opened.visit_id, "mri_lumbosacral", "L4/5 disc protrusion, L5 root compressed")
    stored = open_note(ctx, opened.visit_id)
    assert stored.status == "signed"
    assert stored.note.investigations[0].result is None  # the signed note is unchanged
    [added] = stored.note.addenda
    assert (added.investigation, added.result, added.added_by) == (
        "mri_lumbosacral", "L4/5 disc protrusion, L5 root compressed", ctx.user.display_name)


def test_an_incomplete_visit_says_so_in_the_comparison_and_the_letter(ctx: AppContext, patient: str) -> None:
    from exam_app.report.referral import ReferralOptions
    from exam_app.services.comparison import compare_visits
    from exam_app.services.referral import issue_letter, referral_content
    from tests.report.pdf import text

    opened = start_visit(ctx, patient)
    partial = replace(complete(opened.visit), motor={"hip_flexion": {"left": "3", "right": "5"}},
                      incomplete_reason="wheelchair user: could not stand")
    sign_visit(ctx, opened.visit_id, partial, opened.version)
    [column] = compare_visits(ctx, patient).columns
    assert column.incomplete_reason == "wheelchair user: could not stand"
    letter = issue_letter(ctx, referral_content(ctx, patient, None, "Spinal team"), ReferralOptions())
    assert "Incomplete examination: wheelchair user: could not stand" in text(letter.pdf)


def test_an_amendment_may_not_make_a_complete_visit_incomplete_without_a_reason(ctx: AppContext, patient: str) -> None:
    from exam_app.services.visits import amend_visit

    opened = start_visit(ctx, patient)
    done = complete(opened.visit)
    version = sign_visit(ctx, opened.visit_id, done, opened.version)
    gap = replace(done, gait={})
    with pytest.raises(InvalidInput, match="not complete"):
        amend_visit(ctx, opened.visit_id, gap, version, "heel walk was not done")
    amend_visit(ctx, opened.visit_id, replace(gap, incomplete_reason="could not walk"), version, "not done")
    assert open_visit(ctx, opened.visit_id).visit.incomplete_reason == "could not walk"
