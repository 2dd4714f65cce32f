"""The ISNCSCI worksheet of a visit: saved with the draft, signed whole, fingerprinted with the signed
visit (a changed worksheet is caught like changed grades), carried by amendments and exports."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from exam_app.clinical.isncsci import entry_key, missing_entries, with_remaining_normal
from exam_app.clinical.normal_findings import normal_examination
from exam_app.clinical.record import Patient, Visit
from exam_app.interop.exam_record import dumps_exam_record, read_exam_record
from exam_app.services.audit import verify_trail
from exam_app.services.context import AppContext, InvalidInput
from exam_app.services.patients import register_patient
from exam_app.services.visits import (
    OpenVisit,
    amend_visit,
    close_draft,
    earlier_visits,
    open_visit,
    save_draft,
    sign_visit,
    start_visit,
)
from exam_app.store import models
from exam_app.store.audit_trail import visit_content_hash
from exam_app.store.records import set_visit_fields
from tests.records import complete

PATIENT = "P-16"


@pytest.fixture
def opened(ctx: AppContext) -> OpenVisit:
    register_patient(ctx, Patient(PATIENT, "Cord", "Casey"))
    return start_visit(ctx, PATIENT)


def t10_incomplete() -> dict[str, str]:
    """Sensation altered from T11 down on the left, left hip flexors 2, the rest normal."""
    entries = {entry_key(level, "left", "light_touch"): "1" for level in ("T11", "T12", "L1", "L2")}
    entries[entry_key("L2", "left", "motor")] = "2"
    return with_remaining_normal(entries)


def test_a_half_typed_worksheet_is_saved_with_the_draft_and_comes_back(ctx: AppContext, opened: OpenVisit) -> None:
    typed = {"c2RightTouch": "2", "c3RightTouch": "1*", "c5LeftMotor": "4**", "analContraction": "NT"}
    version = save_draft(ctx, opened.visit_id, replace(opened.visit, isncsci=typed), opened.version)
    again = open_visit(ctx, opened.visit_id)
    assert again.visit.isncsci == typed and again.version == version
    save_draft(ctx, opened.visit_id, replace(again.visit, isncsci=None), version)
    assert open_visit(ctx, opened.visit_id).visit.isncsci is None
    with ctx.db.session() as session:
        assert session.scalar(select(models.IsncsciWorksheet)) is None


def test_a_visit_with_only_a_worksheet_is_a_draft_worth_keeping(ctx: AppContext, opened: OpenVisit) -> None:
    save_draft(ctx, opened.visit_id, replace(opened.visit, isncsci={"c2RightTouch": "2"}), opened.version)
    assert close_draft(ctx, opened.visit_id) is False


def test_a_half_typed_worksheet_is_not_signed(ctx: AppContext, opened: OpenVisit) -> None:
    visit = complete(replace(opened.visit, isncsci={"c2RightTouch": "2"}))
    with pytest.raises(InvalidInput, match=r"ISNCSCI worksheet: 133 boxes not recorded \(first: right C2 pin prick\)"):
        sign_visit(ctx, opened.visit_id, visit, opened.version)
    assert len(missing_entries({"c2RightTouch": "2"})) == 133


def test_a_worksheet_changed_after_signing_is_caught_by_the_audit_check(ctx: AppContext, opened: OpenVisit) -> None:
    sign_visit(ctx, opened.visit_id, complete(replace(opened.visit, isncsci=t10_incomplete())), opened.version)
    assert verify_trail(ctx) == []
    assert open_visit(ctx, opened.visit_id).altered is False
    with ctx.db.session(write=True) as session:
        row = session.scalar(select(models.IsncsciWorksheet))
        assert row is not None
        session.execute(update(models.IsncsciWorksheet).values(entries={**row.entries, "l2LeftMotor": "5"}))
    [found] = verify_trail(ctx)
    assert f"visit {opened.visit_id} of {PATIENT}" in found.where
    assert "changed after it was signed" in found.what
    assert open_visit(ctx, opened.visit_id).altered is True


def test_a_worksheet_removed_after_signing_is_caught(ctx: AppContext, opened: OpenVisit) -> None:
    sign_visit(ctx, opened.visit_id, complete(replace(opened.visit, isncsci=t10_incomplete())), opened.version)
    with ctx.db.session(write=True) as session:
        session.execute(models.IsncsciWorksheet.__table__.delete())
    assert len(verify_trail(ctx)) == 1


def test_a_visit_without_a_worksheet_keeps_its_fingerprint(ctx: AppContext, opened: OpenVisit) -> None:
    sign_visit(ctx, opened.visit_id, complete(opened.visit), opened.version)
    assert verify_trail(ctx) == []


def test_an_amendment_changes_the_worksheet_and_keeps_the_one_signed(ctx: AppContext, opened: OpenVisit) -> None:
    signed = complete(replace(opened.visit, isncsci=t10_incomplete()))
    version = sign_visit(ctx, opened.visit_id, signed, opened.version)
    corrected = replace(signed, isncsci={**t10_incomplete(), "l2LeftMotor": "3"})
    amend_visit(ctx, opened.visit_id, corrected, version, "left hip flexors re-tested")
    assert open_visit(ctx, opened.visit_id).visit.isncsci == corrected.isncsci
    with ctx.db.session() as session:
        amendment = session.scalar(select(models.VisitAmendment))
        assert amendment is not None and amendment.previous["isncsci"]["l2LeftMotor"] == "2"
        event = session.scalar(select(models.AuditEvent).where(models.AuditEvent.action == "visit_amended"))
        assert event is not None and event.detail is not None
        assert event.detail["before"]["isncsci"]["l2LeftMotor"] == "2"
    assert verify_trail(ctx) == []
    with pytest.raises(InvalidInput, match="ISNCSCI worksheet"):
        amend_visit(ctx, opened.visit_id, replace(corrected, isncsci={"c2RightTouch": "2"}),
                    open_visit(ctx, opened.visit_id).version, "half")


def test_the_worksheet_goes_out_in_the_exam_record_and_comes_back(ctx: AppContext, opened: OpenVisit) -> None:
    sign_visit(ctx, opened.visit_id, complete(replace(opened.visit, isncsci=t10_incomplete())), opened.version)
    text = dumps_exam_record(earlier_visits(ctx, PATIENT))
    assert read_exam_record(text).visits[0].isncsci == t10_incomplete()
    broken = text.replace('"l2LeftMotor": "2"', '"l2LeftMotor": "6"')
    with pytest.raises(ValueError, match=r"visits\[0\]\.isncsci\.l2LeftMotor: \"6\" is not a motor score"):
        read_exam_record(broken)


def test_the_fingerprint_of_a_visit_without_a_worksheet_is_the_one_it_was_signed_with_before() -> None:
    """Visits signed before worksheets existed keep their fingerprint: `audit verify` does not call
    them changed. The hash below was computed by the app before this table was added."""
    visit = normal_examination(Visit(examined_at=datetime(2026, 11, 2, 9, 30, tzinfo=timezone(timedelta(hours=1)))))
    row = models.Visit(patient_id=1)
    set_visit_fields(row, visit)
    assert visit_content_hash(row) == "eb3e4a39670d031192d985c13b6128bc7ce1192e9183a15580c58bcaa4ffd5e2"
    set_visit_fields(row, replace(visit, isncsci={"c2RightTouch": "2"}))
    assert visit_content_hash(row) != "eb3e4a39670d031192d985c13b6128bc7ce1192e9183a15580c58bcaa4ffd5e2"
