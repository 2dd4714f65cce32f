"""Visits: drafts, signing, amendments, recovery after a crash, conflicts between workstations."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from exam_app.clinical.record import Patient
from exam_app.clinical.vocabulary import vocabulary
from exam_app.services.context import AppContext, InvalidInput, ServiceError
from exam_app.services.patients import EditConflict, register_patient
from exam_app.services.visits import (
    amend_visit,
    discard_draft,
    drafts_to_recover,
    earlier_visits,
    open_visit,
    save_draft,
    sign_visit,
    start_visit,
)
from exam_app.store import models
from tests.records import complete


@pytest.fixture
def patient(ctx: AppContext) -> str:
    register_patient(ctx, Patient("P-1", "Doe", "Jane"))
    return "P-1"


def test_a_draft_is_saved_and_comes_back(ctx: AppContext, patient: str) -> None:
    opened = start_visit(ctx, patient)
    visit = replace(opened.visit, motor={"great_toe_extension": {"left": "3"}})
    version = save_draft(ctx, opened.visit_id, visit, opened.version)
    assert version > opened.version
    [draft] = drafts_to_recover(ctx)
    assert (draft.visit_id, draft.record_number) == (opened.visit_id, "P-1")
    again = open_visit(ctx, draft.visit_id)
    assert again.visit.motor == {"great_toe_extension": {"left": "3"}}
    assert again.status == "draft" and again.version == version


def test_saving_on_an_outdated_version_is_refused(ctx: AppContext, patient: str) -> None:
    opened = start_visit(ctx, patient)
    save_draft(ctx, opened.visit_id, opened.visit, opened.version)
    with pytest.raises(EditConflict):
        save_draft(ctx, opened.visit_id, opened.visit, opened.version)


def test_a_signed_visit_is_read_only_and_leaves_the_drafts(ctx: AppContext, patient: str) -> None:
    opened = start_visit(ctx, patient)
    visit = complete(replace(opened.visit, motor={"ankle_dorsiflexion": {"left": "4"}}))
    signed_version = sign_visit(ctx, opened.visit_id, visit, opened.version)
    assert drafts_to_recover(ctx) == []
    with pytest.raises(ServiceError, match="signed and can no longer be edited"):
        save_draft(ctx, opened.visit_id, visit, signed_version)
    with pytest.raises(ServiceError, match="never deleted"):
        discard_draft(ctx, opened.visit_id)
    assert earlier_visits(ctx, patient).visits[0].motor["ankle_dorsiflexion"] == {"left": "4", "right": "5"}


def test_an_amendment_keeps_the_original_who_when_and_why(ctx: AppContext, patient: str) -> None:
    opened = start_visit(ctx, patient)
    original = complete(replace(opened.visit, motor={"ankle_dorsiflexion": {"left": "4"}}))
    version = sign_visit(ctx, opened.visit_id, original, opened.version)
    corrected = replace(original, motor={**original.motor, "ankle_dorsiflexion": {"left": "3", "right": "5"}})
    with pytest.raises(InvalidInput, match="reason"):
        amend_visit(ctx, opened.visit_id, corrected, version, "  ")
    amend_visit(ctx, opened.visit_id, corrected, version, "left and right swapped")
    with ctx.db.session() as session:
        amendment = session.scalar(select(models.VisitAmendment))
        assert amendment is not None
        assert amendment.reason == "left and right swapped"
        assert amendment.previous["motor"]["ankle_dorsiflexion"] == {"left": "4", "right": "5"}
        assert amendment.amended_by_id == ctx.user.id
    assert open_visit(ctx, opened.visit_id).status == "amended"


def test_impossible_times_are_refused_at_signing(ctx: AppContext, patient: str) -> None:
    opened = start_visit(ctx, patient)
    late_onset = complete(replace(opened.visit, weakness_onset=opened.visit.examined_at + timedelta(hours=1)))
    with pytest.raises(InvalidInput, match=r"onset of the weakness: .* is after the examination"):
        sign_visit(ctx, opened.visit_id, late_onset, opened.version)
    in_the_future = replace(late_onset, weakness_onset=None, examined_at=datetime.now(UTC) + timedelta(minutes=11))
    with pytest.raises(InvalidInput, match=r"examined at: .* is in the future"):
        sign_visit(ctx, opened.visit_id, in_the_future, opened.version)
    assert open_visit(ctx, opened.visit_id).status == "draft"


def test_a_discarded_draft_is_gone(ctx: AppContext, patient: str) -> None:
    opened = start_visit(ctx, patient, datetime(2026, 11, 1, 9, tzinfo=UTC))
    discard_draft(ctx, opened.visit_id)
    assert drafts_to_recover(ctx) == []


def test_saving_again_keeps_one_row_per_symptom_and_red_flag(ctx: AppContext, patient: str) -> None:
    opened = start_visit(ctx, patient)
    visit = replace(opened.visit, symptoms=("cramps",), red_flags=("night_pain",), red_flags_no=("stroke_signs",))
    version = save_draft(ctx, opened.visit_id, visit, opened.version)
    version = save_draft(ctx, opened.visit_id, replace(visit, notes="again"), version)
    sign_visit(ctx, opened.visit_id, complete(visit), version)
    with ctx.db.session() as session:
        kinds = session.scalars(select(models.Finding.kind).where(models.Finding.visit_id == opened.visit_id)).all()
    assert kinds.count("symptom") == 1 and kinds.count("red_flag") == len(vocabulary().red_flags)
    stored = open_visit(ctx, opened.visit_id).visit
    assert (stored.symptoms, stored.red_flags) == (("cramps",), ("night_pain",))
    assert stored.red_flags_no[0] == "stroke_signs"


def test_the_patients_visit_list_names_who_signed_by_name_and_role(ctx: AppContext, patient: str) -> None:
    from exam_app.services.assessment import patient_overview

    draft = start_visit(ctx, patient)
    signed = start_visit(ctx, patient, examined_at=draft.visit.examined_at - timedelta(days=1))
    sign_visit(ctx, signed.visit_id, complete(signed.visit), signed.version)
    rows = {row.visit_id: row for row in patient_overview(ctx, patient).visits}
    assert rows[signed.visit_id].signed_by == f"{ctx.user.display_name} ({ctx.user.role_label})"
    assert rows[draft.visit_id].signed_by is None  # a draft is signed by nobody yet
