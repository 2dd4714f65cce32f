"""The patient's safety-net sheet: built from a signed visit, stored exactly as issued (its PDF, its
SHA-256, who, when; audited), like the referral letters."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exam_app.clinical.assess import assess_visits
from exam_app.clinical.next_examination import in_force
from exam_app.clinical.window import window_status
from exam_app.report.safety_net import SafetyNetContent, emergency_number, found_for_patient, render_safety_net
from exam_app.services.context import AppContext, InvalidInput, NotFound, require_patient
from exam_app.services.next_examination import plan_after_last
from exam_app.services.recall import recall_state
from exam_app.services.referral import letterhead
from exam_app.store import models
from exam_app.store.records import patient_from_row, visit_from_row
from exam_app.store.repository import audit, display_name, signed_visits


@dataclass(frozen=True)
class IssuedSheet:
    sheet_id: int
    record_number: str
    issued_at: datetime
    sha256: str
    pdf: bytes
    next_due: datetime | None  # what the sheet gives as the next examination


@dataclass(frozen=True)
class SheetSummary:
    sheet_id: int
    visit_examined_at: datetime
    issued_at: datetime
    issued_by: str
    sha256: str


@dataclass(frozen=True)
class Handout:
    """What the sheet will say, and the stored visit it is printed from."""

    visit_id: int
    content: SafetyNetContent


def handout_content(ctx: AppContext, record_number: str, visit_id: int | None = None,
                    now: datetime | None = None) -> Handout:
    """The sheet of the chosen signed visit (default: the latest), as it stands at `now`."""
    issued_at = (now or datetime.now().astimezone()).replace(microsecond=0)
    with ctx.db.session() as session:
        patient = require_patient(session, record_number, with_visits=True)
        signed = signed_visits(patient)
        chosen = _chosen(patient, signed, visit_id)
        upto = signed[: signed.index(chosen) + 1]
        visits = [visit_from_row(v) for v in upto]
        assessments = assess_visits(visits, ctx.window_days)
        last = assessments[-1]
        plan = in_force(plan_after_last(session, upto, assessments), issued_at)
        booked = None
        status = session.get(models.PatientStatus, patient.id)
        if status is not None and status.last_visit_id == chosen.id:
            mark = recall_state(status.recall)
            booked = mark.booked_for if mark is not None else None
        weak, numb, other = found_for_patient(last.visit)
        content = SafetyNetContent(
            letterhead=letterhead(ctx),
            patient=patient_from_row(patient),
            examined_at=last.examined_at,
            examiner=_examiner_name(session, chosen.examiner),
            signer=display_name(session, chosen.signed_by_id),
            issued_at=issued_at,
            issued_by=ctx.user.display_name,
            weak=weak,
            numb=numb,
            other_changes=other,
            worse_since=assessments[-2].examined_at if last.worsening.worsened and len(assessments) > 1 else None,
            red_flags=last.red_flags,
            incomplete=bool(chosen.incomplete_reason),
            plan=plan,
            window=window_status(last.window.onset, ctx.window_days, issued_at),
            booked_for=booked,
        )
        return Handout(chosen.id, content)


def _chosen(patient: models.Patient, signed: list[models.Visit], visit_id: int | None) -> models.Visit:
    if visit_id is None:
        if not signed:
            raise InvalidInput(f"{patient.record_number} has no signed visit: the safety-net sheet is printed "
                               "from a signed visit")
        return signed[-1]
    found = next((v for v in patient.visits if v.id == visit_id), None)
    if found is None:
        raise NotFound(f"{patient.record_number} has no visit {visit_id}")
    if found not in signed:
        raise InvalidInput(f"visit {visit_id} is a draft: the safety-net sheet is printed from a signed visit")
    return found


def _examiner_name(session: Session, username: str | None) -> str:
    if not username:
        return "the clinic"
    user = session.scalar(select(models.User).where(models.User.username == username))
    return user.display_name if user is not None else username


def _summary(content: SafetyNetContent) -> dict[str, Any]:
    """What the sheet said, searchable without opening the PDF."""
    plan = content.plan
    return {
        "examined_at": content.examined_at.isoformat(),
        "next_examination": plan.to_json(),
        "due": plan.due.isoformat() if plan.due else None,
        "window_ends": content.window.ends.isoformat() if content.window.ends else None,
        "booked_for": content.booked_for.isoformat() if content.booked_for else None,
        "emergency_number": emergency_number(),
        "clinic_phone": content.letterhead.phone,
    }


def issue_handout(ctx: AppContext, record_number: str, visit_id: int | None = None,
                  now: datetime | None = None) -> IssuedSheet:
    """Render the sheet of the chosen signed visit (default: the latest), store it exactly as issued and
    note it in the audit trail."""
    ctx.require("handout")
    handout = handout_content(ctx, record_number, visit_id, now)
    content = handout.content
    pdf = render_safety_net(content)
    digest = hashlib.sha256(pdf).hexdigest()
    with ctx.db.session(write=True) as session:
        row = models.SafetyNetSheet(visit_id=handout.visit_id, issued_at=content.issued_at, issued_by_id=ctx.user.id,
                                    summary=_summary(content), sha256=digest, pdf=pdf)
        session.add(row)
        session.flush()
        audit(session, ctx.user.id, "safety_net_issued", "safety_net_sheet", row.id, {
            "patient": content.patient.record_number, "visit": handout.visit_id, "sha256": digest,
            "due": content.plan.due.isoformat() if content.plan.due else None})
        return IssuedSheet(row.id, content.patient.record_number, content.issued_at, digest, pdf, content.plan.due)


def sheets_of(ctx: AppContext, record_number: str) -> list[SheetSummary]:
    """The sheets issued to the patient, newest first."""
    with ctx.db.session() as session:
        patient = require_patient(session, record_number, with_visits=True)
        by_visit = {v.id: v for v in patient.visits}
        sheet = models.SafetyNetSheet
        rows = session.scalars(select(sheet).where(sheet.visit_id.in_(by_visit))
                               .order_by(sheet.issued_at.desc(), sheet.id.desc())).all()
        return [SheetSummary(r.id, models.in_offset(by_visit[r.visit_id].examined_at,
                                                    by_visit[r.visit_id].examined_at_offset),
                             r.issued_at, display_name(session, r.issued_by_id) or "?", r.sha256) for r in rows]


def stored_sheet(ctx: AppContext, sheet_id: int) -> bytes:
    """The stored PDF of a sheet, checked against its hash."""
    with ctx.db.session() as session:
        row = session.get(models.SafetyNetSheet, sheet_id)
        if row is None:
            raise NotFound(f"no safety-net sheet {sheet_id}")
        if hashlib.sha256(row.pdf).hexdigest() != row.sha256:
            raise InvalidInput(f"safety-net sheet {sheet_id} does not match its stored hash: do not hand it out")
        return row.pdf
