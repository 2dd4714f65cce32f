"""The doctor's note: saved, signed, consent before surgical referral, warning without a deficit."""

from __future__ import annotations

from dataclasses import replace

import pytest

from exam_app.clinical.doctor import DoctorNote, Investigation
from exam_app.clinical.record import Patient
from exam_app.services.context import AppContext, InvalidInput, ServiceError
from exam_app.services.doctor import open_note, save_note
from exam_app.services.patients import EditConflict, register_patient
from exam_app.services.visits import save_draft, sign_visit, start_visit
from tests.records import complete

PLAN = DoctorNote(level="root_compression", causes=("disc_protrusion",), impression="L4/5 disc, L5 root",
                  investigations=(Investigation("mri_lumbosacral", "urgent"),), plans=("physiotherapy",))


def signed_visit(ctx: AppContext, motor: dict[str, dict[str, str]]) -> int:
    register_patient(ctx, Patient("N-1", "Note"))
    opened = start_visit(ctx, "N-1")
    visit = complete(replace(opened.visit, motor=motor))
    sign_visit(ctx, opened.visit_id, visit, save_draft(ctx, opened.visit_id, visit, opened.version))
    return opened.visit_id


def test_a_note_is_saved_then_signed_and_read_only(ctx: AppContext) -> None:
    visit_id = signed_visit(ctx, {"great_toe_extension": {"left": "3"}})
    assert open_note(ctx, visit_id).status == "new"
    version = save_note(ctx, visit_id, PLAN, None)
    opened = open_note(ctx, visit_id)
    assert (opened.status, opened.note.impression, opened.note.investigations) == (
        "draft", "L4/5 disc, L5 root", (Investigation("mri_lumbosacral", "urgent"),))
    signed = save_note(ctx, visit_id, PLAN, version, sign=True)
    assert open_note(ctx, visit_id).note.signed_by == ctx.user.display_name
    with pytest.raises(ServiceError, match="signed and read-only"):
        save_note(ctx, visit_id, PLAN, signed)


def test_surgery_needs_the_patients_informed_consent(ctx: AppContext) -> None:
    visit_id = signed_visit(ctx, {"great_toe_extension": {"left": "2"}})
    surgery = replace(PLAN, plans=("surgical_opinion",))
    version = save_note(ctx, visit_id, surgery, None)  # a draft may wait for the consent
    with pytest.raises(InvalidInput, match="informed consent to surgical referral"):
        save_note(ctx, visit_id, surgery, version, sign=True)
    save_note(ctx, visit_id, replace(surgery, surgical_consent=True), version, sign=True)
    assert open_note(ctx, visit_id).warnings == ()  # a weak muscle: surgery is not unsupported


def test_surgery_without_weakness_or_sensory_loss_is_warned(ctx: AppContext) -> None:
    visit_id = signed_visit(ctx, {"great_toe_extension": {"left": "5", "right": "5"}})
    save_note(ctx, visit_id, replace(PLAN, plans=("surgical_opinion",)), None)
    assert open_note(ctx, visit_id).warnings == (
        "surgery is planned, but this visit shows neither weakness nor sensory loss",)


def test_unknown_ids_and_outdated_versions_are_refused(ctx: AppContext) -> None:
    visit_id = signed_visit(ctx, {})
    with pytest.raises(InvalidInput, match="causes: 'gout' is not known"):
        save_note(ctx, visit_id, replace(PLAN, causes=("gout",)), None)
    version = save_note(ctx, visit_id, PLAN, None)
    save_note(ctx, visit_id, PLAN, version)
    with pytest.raises(EditConflict):
        save_note(ctx, visit_id, PLAN, version)
