"""Referral letters: built from a signed visit, stored exactly as issued, re-printed unchanged."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exam_app.clinical.assess import assess_visits
from exam_app.clinical.isncsci import read_entries
from exam_app.clinical.record import Visit
from exam_app.clinical.window import window_status
from exam_app.report.referral import (
    LemsPoint,
    Letterhead,
    ReferralContent,
    ReferralOptions,
    Signatory,
    latest_worksheet,
    render_referral,
)
from exam_app.services.context import AppContext, InvalidInput, NotFound, ServiceError, require_patient
from exam_app.services.next_examination import follow_up_of
from exam_app.store import models
from exam_app.store.audit_trail import issued_letter_hash, visit_altered
from exam_app.store.records import patient_from_row, read_signed_visits, visit_from_row
from exam_app.store.repository import audit, display_name, stored_doctor_note
from exam_app.tables import SIGNED_STATUSES, NoteStatus, VisitStatus, roles

LETTERHEAD_SETTING = "letterhead"
DEFAULT_RECIPIENT = "The on-call spinal team"
FINDINGS_CHOICES = ("all", "abnormal")


@dataclass(frozen=True)
class IssuedLetter:
    letter_id: int
    record_number: str
    issued_at: datetime
    sha256: str
    pdf: bytes


@dataclass(frozen=True)
class LetterSummary:
    letter_id: int
    visit_examined_at: datetime
    issued_at: datetime
    issued_by: str
    recipient: str
    sha256: str


def letterhead(ctx: AppContext) -> Letterhead:
    """The clinic's letterhead from the settings (a placeholder until the administrator sets it)."""
    stored: dict[str, Any] = ctx.setting(LETTERHEAD_SETTING, {}) or {}
    logo = stored.get("logo")
    return Letterhead(
        clinic_name=stored.get("clinic_name") or "Clinic name not set (Settings → Letterhead)",
        address=stored.get("address") or "",
        phone=stored.get("phone"),
        logo=base64.b64decode(logo) if logo else None,
    )


def set_letterhead(ctx: AppContext, head: Letterhead) -> None:
    if not head.clinic_name.strip():
        raise InvalidInput("clinic name: required on a letter")
    ctx.set_setting(LETTERHEAD_SETTING, {
        "clinic_name": head.clinic_name.strip(), "address": head.address.strip(), "phone": head.phone,
        "logo": base64.b64encode(head.logo).decode("ascii") if head.logo else None})


def _patient_with_visits(session: Session, record_number: str) -> models.Patient:
    """The patient, whose visits' rows are read when first asked for; a visit's findings only when
    that visit's are (a patient of hundreds of visits holds tens of thousands)."""
    return require_patient(session, record_number)


def _letter_visits(session: Session, patient_id: int, upto: list[models.Visit]) -> list[Visit]:
    """The signed visits up to the chosen one, oldest first. Whole, the visits the letter shows: the
    chosen one, the one before it and the latest earlier one with an ISNCSCI worksheet; the others as
    the rules read them, from plain rows."""
    plain = {visit_id: visit for visit_id, _, visit in read_signed_visits(session, patient_id)}
    visits = [plain[row.id] for row in upto]
    shown = {len(upto) - 1, len(upto) - 2}
    with_worksheet = latest_worksheet(visits[:-1])
    if with_worksheet is not None:
        shown.add(next(index for index, visit in enumerate(visits) if visit is with_worksheet))
    for index in shown - {-1}:
        visits[index] = visit_from_row(upto[index])
    return visits


def _examiner_name(session: Session, username: str | None) -> str:
    if not username:
        return "not recorded"
    user = session.scalar(select(models.User).where(models.User.username == username))
    return user.display_name if user is not None else username


SIGNED_BY_DOCTOR = "doctor"  # the doctor who signed the visit's note
SIGNED_BY_EXAMINER = "examiner"  # the clinician who signed the visit


def referral_content(ctx: AppContext, record_number: str, visit_id: int | None = None,
                     recipient: str = DEFAULT_RECIPIENT, now: datetime | None = None,
                     signed_by: str | None = None) -> ReferralContent:
    """What the letter says: the chosen signed visit (default: the latest) and everything around it.

    The letter is signed by the clinician responsible for it: `signed_by` "doctor" (who signed the
    doctor's note) or "examiner" (who signed the visit); by default the doctor when the note is
    signed, else the examiner. Whoever issues it is named apart, as "Printed by".
    """
    issued_at = (now or datetime.now().astimezone()).replace(microsecond=0)
    with ctx.db.session() as session:
        patient = _patient_with_visits(session, record_number)
        signed = [v for v in patient.visits if v.status in SIGNED_STATUSES]
        if visit_id is None:
            if not signed:
                raise InvalidInput(f"{record_number} has no signed visit: only a signed visit can be referred")
            chosen = signed[-1]
        else:
            found = next((v for v in patient.visits if v.id == visit_id), None)
            if found is None:
                raise NotFound(f"{record_number} has no visit {visit_id}")
            if found.status == VisitStatus.DRAFT:
                raise InvalidInput(f"visit {visit_id} is a draft: only a signed visit can be referred")
            chosen = found
        upto = signed[: signed.index(chosen) + 1]
        visits = _letter_visits(session, patient.id, upto)
        assessments = assess_visits(visits, ctx.window_days)
        assessment = assessments[-1]
        if visit_altered(session, chosen):
            raise ServiceError(f"visit {chosen.id} of {patient.record_number} was changed outside the app after it "
                               "was signed: no letter is issued from it (run `exam-app audit verify`)")
        stored_note = stored_doctor_note(session, chosen.id)
        doctor = stored_note[1] if stored_note is not None else None
        signatory = _signatory(session, chosen, stored_note[0] if stored_note else None, signed_by)
        follow_up = follow_up_of(session, upto, assessments, issued_at)
        content = ReferralContent(
            letterhead=letterhead(ctx),
            issued_at=issued_at,
            recipient=recipient.strip() or DEFAULT_RECIPIENT,
            signatory=signatory,
            printed_by=f"{ctx.user.display_name} ({ctx.user.role_label})",
            patient=patient_from_row(patient),
            visit=visits[-1],
            visit_status=chosen.status,
            previous=visits[-2] if len(visits) > 1 else None,
            isncsci_before=latest_worksheet(visits[:-1]),
            assessment=assessment,
            window_now=window_status(assessment.window.onset, ctx.window_days, issued_at),
            lems_history=tuple(LemsPoint(a.examined_at, a.lems.left, a.lems.right) for a in assessments),
            examiner=_examiner_name(session, chosen.examiner),
            signer=display_name(session, chosen.signed_by_id),
            signed_at=chosen.signed_at,
            doctor=doctor,
            follow_up=follow_up,
        )
    ctx.note_viewed(content.patient.record_number, "referral letter")
    return content


def _signatory(session: Session, visit: models.Visit, note: models.DoctorNoteRow | None,
               signed_by: str | None) -> Signatory:
    doctor_id = note.signed_by_id if note is not None and note.status == NoteStatus.SIGNED else None
    choice = signed_by or (SIGNED_BY_DOCTOR if doctor_id is not None else SIGNED_BY_EXAMINER)
    if choice == SIGNED_BY_DOCTOR:
        if doctor_id is None:
            raise InvalidInput("signed by: the doctor's note of this visit is not signed, so the examiner signs "
                               "the letter")
        user_id: int | None = doctor_id
    elif choice == SIGNED_BY_EXAMINER:
        user_id = visit.signed_by_id
    else:
        raise InvalidInput(f"signed by: {choice!r} is not {SIGNED_BY_DOCTOR} or {SIGNED_BY_EXAMINER}")
    user = session.get(models.User, user_id) if user_id is not None else None
    if user is None:
        return Signatory(visit.examiner or "the examining clinician", "clinician")
    return Signatory(user.display_name, roles().label(user.role), user.registration_number, user.phone, user.email)


def signatory_choices(ctx: AppContext, record_number: str, visit_id: int | None = None) -> dict[str, str]:
    """Who may sign the letter of the visit: "doctor" / "examiner" -> their name and role, for the dialog."""
    with ctx.db.session() as session:
        patient = _patient_with_visits(session, record_number)
        signed = [v for v in patient.visits if v.status in SIGNED_STATUSES]
        chosen = next((v for v in signed if v.id == visit_id), signed[-1] if signed else None)
        if chosen is None:
            return {}
        stored = stored_doctor_note(session, chosen.id)
        choices = {}
        for who in (SIGNED_BY_DOCTOR, SIGNED_BY_EXAMINER):
            try:
                signatory = _signatory(session, chosen, stored[0] if stored else None, who)
            except InvalidInput:
                continue
            choices[who] = f"{signatory.name}, {signatory.role}"
        return choices


def _options_document(options: ReferralOptions) -> dict[str, Any]:
    return {"trend_chart": options.trend_chart, "body_chart": options.body_chart, "findings": options.findings}


def _summary(content: ReferralContent) -> dict[str, Any]:
    """What the letter said, in a form that can be searched without opening the PDF."""
    a = content.assessment
    return {
        "examined_at": content.visit.examined_at.isoformat(),
        "urgency": a.urgency,
        "progression_within_window": a.progression_within_window,
        "changes": [c.finding for c in a.worsening.changes],
        "red_flags": list(a.red_flags),
        "pattern": a.pattern,
        "nerve": a.nerve,
        "lems": {"left": a.lems.left, "right": a.lems.right, "total": a.lems.total},
        "window_ends": a.window.ends.isoformat() if a.window.ends else None,
        "next_examination_due": (content.follow_up.planned.due.isoformat()
                                 if content.follow_up and content.follow_up.planned.due else None),
        "isncsci": _isncsci_summary(content.visit),
    }


def _isncsci_summary(visit: Visit) -> dict[str, str] | None:
    """The ISNCSCI classification the letter gave, when the visit has a worksheet."""
    results = read_entries(visit.isncsci).results if visit.isncsci else None
    if results is None:
        return None
    return {key: results[key] for key in ("asiaImpairmentScale", "neurologicalLevelOfInjury", "rightSensory",
                                          "leftSensory", "rightMotor", "leftMotor")}


def issue_letter(ctx: AppContext, content: ReferralContent, options: ReferralOptions) -> IssuedLetter:
    """Render the letter, store it exactly as issued (PDF and hash) and note it in the audit trail."""
    ctx.require("refer")
    if options.findings not in FINDINGS_CHOICES:
        raise InvalidInput(f"findings: {options.findings!r} is not one of {', '.join(FINDINGS_CHOICES)}")
    pdf = render_referral(content, options)
    digest = hashlib.sha256(pdf).hexdigest()
    with ctx.db.session(write=True) as session:
        patient = _patient_with_visits(session, content.patient.record_number)
        visit = next(v for v in patient.visits if v.examined_at == content.visit.examined_at)
        row = models.ReferralLetter(
            visit_id=visit.id, issued_at=content.issued_at, issued_by_id=ctx.user.id,
            recipient=content.recipient, options=_options_document(options), summary=_summary(content),
            sha256=digest, pdf=pdf)
        session.add(row)
        session.flush()
        audit(session, ctx.user.id, "referral_issued", "referral_letter", row.id,
              {"patient": content.patient.record_number, "visit": visit.id, "sha256": digest,
               "recipient": content.recipient})
        return IssuedLetter(row.id, content.patient.record_number, content.issued_at, digest, pdf)


def reprint(ctx: AppContext, letter_id: int) -> IssuedLetter:
    """The stored letter, byte for byte; the re-print is noted in the audit trail."""
    ctx.require("refer")
    with ctx.db.session(write=True) as session:
        row = session.get(models.ReferralLetter, letter_id)
        if row is None:
            raise NotFound(f"no referral letter {letter_id}")
        if hashlib.sha256(row.pdf).hexdigest() != row.sha256:
            raise InvalidInput(f"referral letter {letter_id} does not match its stored hash: do not send it")
        if issued_letter_hash(session, letter_id) != row.sha256:  # the letter and its hash replaced together
            raise ServiceError(f"referral letter {letter_id} is not the letter that was issued (the audit trail "
                               "holds another fingerprint): do not send it; run `exam-app audit verify`")
        visit = session.get(models.Visit, row.visit_id)
        assert visit is not None
        record_number = session.get(models.Patient, visit.patient_id).record_number  # type: ignore[union-attr]
        audit(session, ctx.user.id, "referral_reprinted", "referral_letter", letter_id, {"sha256": row.sha256},
              patient=record_number)
        return IssuedLetter(row.id, record_number, row.issued_at, row.sha256, row.pdf)


def letters_of(ctx: AppContext, record_number: str) -> list[LetterSummary]:
    with ctx.db.session() as session:
        patient = _patient_with_visits(session, record_number)
        by_visit = {v.id: v for v in patient.visits}
        rows = session.scalars(
            select(models.ReferralLetter).where(models.ReferralLetter.visit_id.in_(by_visit))
            .order_by(models.ReferralLetter.issued_at.desc())).all()
        return [LetterSummary(r.id, models.in_offset(by_visit[r.visit_id].examined_at,
                                                     by_visit[r.visit_id].examined_at_offset),
                              r.issued_at, display_name(session, r.issued_by_id) or "?", r.recipient, r.sha256)
                for r in rows]


@dataclass(frozen=True)
class ReferralChoice:
    """What the sender chose: which visit, to whom, and what goes in."""

    record_number: str
    visit_id: int | None
    recipient: str
    options: ReferralOptions
    signed_by: str | None = None  # SIGNED_BY_DOCTOR or SIGNED_BY_EXAMINER; None: the doctor if the note is signed


def referral_options(findings: str = "all", trend_chart: bool = True, body_chart: bool = True) -> ReferralOptions:
    if findings not in FINDINGS_CHOICES:
        raise InvalidInput(f"findings: {findings!r} is not one of {', '.join(FINDINGS_CHOICES)}")
    return ReferralOptions(trend_chart=trend_chart, body_chart=body_chart, findings=findings)


def preview_letter(ctx: AppContext, choice: ReferralChoice, now: datetime | None = None) -> bytes:
    """The letter as it would be issued now, without storing it."""
    content = referral_content(ctx, choice.record_number, choice.visit_id, choice.recipient, now, choice.signed_by)
    return render_referral(content, choice.options)


def signed_visits(ctx: AppContext, record_number: str) -> list[tuple[int, datetime, str]]:
    """(visit id, examined at, status) of the patient's signed visits, newest first."""
    with ctx.db.session() as session:
        patient = _patient_with_visits(session, record_number)
        return [(v.id, models.in_offset(v.examined_at, v.examined_at_offset), v.status)
                for v in reversed(patient.visits) if v.status in SIGNED_STATUSES]
