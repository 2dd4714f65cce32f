"""Mapping between stored rows and the plain exam record of `exam_app.clinical.record`."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exam_app.clinical import record as plain
from exam_app.clinical.doctor import DoctorNote, Investigation
from exam_app.clinical.grades import parse_motor_grade, parse_sensory_score
from exam_app.store import models
from exam_app.tables import SIGNED_STATUSES

# Finding kinds that hold a value per item and side, as in the record's mappings.
_SIDED_KINDS = ("motor", "light_touch", "pin_prick", "reflexes", "gait")
_KIND_OF_FIELD = {"reflexes": "reflex"}


def search_key(text: str | None) -> str:
    """Case- and accent-folded text for prefix search ("Émile" and "emile" find each other)."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def set_patient_fields(row: models.Patient, patient: plain.Patient) -> None:
    for name, value in patient_values(patient).items():
        setattr(row, name, value)


def patient_values(patient: plain.Patient) -> dict[str, Any]:
    return {
        "record_number": patient.record_number,
        "record_key": search_key(patient.record_number),
        "family_name": patient.family_name,
        "given_name": patient.given_name,
        "family_key": search_key(patient.family_name),
        "given_key": search_key(patient.given_name),
        "birth_date": patient.birth_date,
        "sex": patient.sex,
        "contact": patient.contact,
        "referring_clinician": patient.referring_clinician,
    }


def patient_from_row(row: models.Patient) -> plain.Patient:
    return plain.Patient(
        record_number=row.record_number,
        family_name=row.family_name,
        given_name=row.given_name,
        birth_date=row.birth_date,
        sex=row.sex,
        contact=row.contact,
        referring_clinician=row.referring_clinician,
    )


def set_visit_fields(row: models.Visit, visit: plain.Visit) -> None:
    """Overwrite the stored visit (times, history and every finding) with `visit`."""
    for name, value in visit_values(visit).items():
        setattr(row, name, value)
    _merge_findings(row, findings_of(visit))
    _set_isncsci(row, visit.isncsci)


def _set_isncsci(row: models.Visit, entries: dict[str, str] | None) -> None:
    """The visit's worksheet as `entries` says: kept, changed in place, removed, or none."""
    if entries is None:
        row.isncsci_worksheet = None
    elif row.isncsci_worksheet is None:
        row.isncsci_worksheet = models.IsncsciWorksheet(entries=dict(entries))
    elif row.isncsci_worksheet.entries != entries:
        row.isncsci_worksheet.entries = dict(entries)  # a new dict: JSON columns see reassignment only


def visit_values(visit: plain.Visit) -> dict[str, Any]:
    """The visit's columns that hold what was examined (not the patient, status or signature)."""
    return {
        "examined_at": visit.examined_at,
        "examined_at_offset": models.offset_minutes(visit.examined_at),
        "examiner": visit.examiner,
        "weakness_onset": visit.weakness_onset,
        "weakness_onset_offset": (
            models.offset_minutes(visit.weakness_onset) if visit.weakness_onset is not None else None),
        "vac": visit.vac,
        "dap": visit.dap,
        "notes": visit.notes,
        "incomplete_reason": visit.incomplete_reason,
        "history": _history_document(visit.history),
        "asked": ",".join(sorted(visit.asked)),
    }


def _merge_findings(row: models.Visit, wanted: list[models.Finding]) -> None:
    """Update the stored findings in place: change values, drop the removed, add the new.

    (Replacing the whole collection would insert the new rows before deleting the old ones and
    trip the unique key of visit, kind, item and side.)
    """
    stored = {(f.kind, f.item, f.side): f for f in row.findings}
    keep = set()
    for finding in wanted:
        key = (finding.kind, finding.item, finding.side)
        keep.add(key)
        current = stored.get(key)
        if current is None:
            row.findings.append(finding)
        elif (current.value, current.number, current.tag, current.angle) != (
                finding.value, finding.number, finding.tag, finding.angle):
            current.value, current.number = finding.value, finding.number
            current.tag, current.angle = finding.tag, finding.angle
    for key, finding in stored.items():
        if key not in keep:
            row.findings.remove(finding)


# A finding row's columns (besides its id and visit id), in the order `finding_rows` gives them.
FINDING_COLUMNS = ("kind", "item", "side", "value", "number", "tag", "angle")
_FindingRow = tuple[str, str, str, str, int | None, str, int | None]


def _finding(kind: str, item: str, value: str, side: str = "", number: int | None = None, tag: str = "",
             angle: int | None = None) -> _FindingRow:
    """A finding's columns with every field given: column defaults apply only at INSERT, and the in-place
    merge compares the values of rows not inserted yet."""
    return kind, item, side, value, number, tag, angle


def findings_of(visit: plain.Visit) -> list[models.Finding]:
    return [models.Finding(**dict(zip(FINDING_COLUMNS, row, strict=True))) for row in finding_rows(visit)]


def finding_rows(visit: plain.Visit) -> list[_FindingRow]:
    """The visit's findings as rows of `FINDING_COLUMNS` (for a bulk insert)."""
    rows: list[_FindingRow] = []
    for field in _SIDED_KINDS:
        kind = _KIND_OF_FIELD.get(field, field)
        for item, sides in getattr(visit, field).items():
            for side, value in sides.items():
                number, tag = _number_and_tag(kind, value)
                rows.append(_finding(kind, item, value, side, number, tag))
    for side, response in visit.plantar_response.items():
        rows.append(_finding("plantar_response", "plantar_response", response, side))
    for side, beats in visit.ankle_clonus_beats.items():
        rows.append(_finding("ankle_clonus_beats", "ankle_clonus_beats", str(beats), side, number=beats))
    for sign, sides in visit.tension_signs.items():
        for side, tension in sides.items():
            rows.append(_finding("tension_sign", sign, tension.result, side, angle=tension.angle))
    rows += [_finding("symptom", symptom, "yes") for symptom in visit.symptoms]
    rows += [_finding("red_flag", flag, "yes") for flag in visit.red_flags]
    rows += [_finding("red_flag", flag, "no") for flag in visit.red_flags_no]
    return rows


@cache
def _number_and_tag(kind: str, value: str) -> tuple[int | None, str]:
    if kind == "motor":
        grade = parse_motor_grade(value)
        return grade.base, grade.tag
    if kind in ("light_touch", "pin_prick"):
        score = parse_sensory_score(value)
        return score.score, score.tag
    if kind == "reflex" and value.isdigit():
        return int(value), ""
    return None, ""


def visit_from_row(row: models.Visit) -> plain.Visit:
    visit = plain.Visit(
        examined_at=models.in_offset(row.examined_at, row.examined_at_offset),
        examiner=row.examiner,
        weakness_onset=(
            models.in_offset(row.weakness_onset, row.weakness_onset_offset or 0)
            if row.weakness_onset is not None else None
        ),
        vac=row.vac,
        dap=row.dap,
        notes=row.notes,
        incomplete_reason=row.incomplete_reason,
        history=_history_from_document(row.history),
        asked=frozenset(a for a in row.asked.split(",") if a),
        isncsci=dict(row.isncsci_worksheet.entries) if row.isncsci_worksheet is not None else None,
    )
    symptoms: list[str] = []
    answers: dict[str, list[str]] = {"yes": [], "no": []}
    for f in row.findings:
        _place(visit, f.kind, f.item, f.side, f.value, f.angle, symptoms, answers)
    _set_answers(visit, symptoms, answers)
    return visit


def _set_answers(visit: plain.Visit, symptoms: list[str], answers: dict[str, list[str]]) -> None:
    visit.symptoms = tuple(symptoms)
    visit.red_flags = tuple(answers["yes"])
    visit.red_flags_no = tuple(answers["no"])


def _place(visit: plain.Visit, kind: str, item: str, side: str, value: str, angle: int | None,
           symptoms: list[str], answers: dict[str, list[str]]) -> None:
    """Put one stored finding where it belongs in the plain visit."""
    if kind == "symptom":
        symptoms.append(item)
    elif kind == "red_flag":
        answers[value].append(item)
    elif kind == "plantar_response":
        visit.plantar_response[side] = value
    elif kind == "ankle_clonus_beats":
        visit.ankle_clonus_beats[side] = int(value)
    elif kind == "tension_sign":
        visit.tension_signs.setdefault(item, {})[side] = plain.TensionSign(value, angle)
    else:
        field = "reflexes" if kind == "reflex" else kind
        getattr(visit, field).setdefault(item, {})[side] = value


def read_signed_visits(session: Session, patient_id: int) -> list[tuple[int, str, plain.Visit]]:
    """The patient's signed visits as (id, status, findings), oldest first, read as plain rows.

    A visit holds about a hundred findings; making an ORM object of each costs more than a
    comparison of hundreds of visits may take. The visit carries what the rules read (not the
    history or the notes).
    """
    visit, finding = models.Visit, models.Finding
    signed = (visit.patient_id == patient_id) & (visit.status.in_(SIGNED_STATUSES))
    connection = session.connection()
    visit_rows = connection.execute(
        select(visit.id, visit.status, visit.examined_at, visit.examined_at_offset, visit.examiner,
               visit.weakness_onset, visit.weakness_onset_offset, visit.vac, visit.dap, visit.incomplete_reason)
        .where(signed).order_by(visit.examined_at))
    visits: dict[int, plain.Visit] = {}
    stored: list[tuple[int, str, plain.Visit]] = []
    for visit_id, status, at, at_offset, examiner, onset, onset_offset, vac, dap, incomplete in visit_rows:
        read = plain.Visit(
            examined_at=models.in_offset(at, at_offset), examiner=examiner,
            weakness_onset=models.in_offset(onset, onset_offset or 0) if onset is not None else None,
            vac=vac, dap=dap, incomplete_reason=incomplete)
        visits[visit_id] = read
        stored.append((visit_id, status, read))
    symptoms: dict[int, list[str]] = {i: [] for i in visits}
    answers: dict[int, dict[str, list[str]]] = {i: {"yes": [], "no": []} for i in visits}
    finding_rows = connection.execute(
        select(finding.visit_id, finding.kind, finding.item, finding.side, finding.value, finding.angle)
        .join(visit, finding.visit_id == visit.id).where(signed).order_by(finding.id)
        .execution_options(yield_per=2000))
    for visit_id, kind, item, side, value, angle in finding_rows:
        _place(visits[visit_id], kind, item, side, value, angle, symptoms[visit_id], answers[visit_id])
    for visit_id, read in visits.items():
        _set_answers(read, symptoms[visit_id], answers[visit_id])
    worksheet = models.IsncsciWorksheet
    for visit_id, entries in connection.execute(
            select(worksheet.visit_id, worksheet.entries).join(visit, worksheet.visit_id == visit.id).where(signed)):
        visits[visit_id].isncsci = dict(entries)
    return stored


def record_from_rows(patient: models.Patient, visits: list[models.Visit]) -> plain.ExamRecord:
    return plain.ExamRecord(patient_from_row(patient), [visit_from_row(v) for v in visits])


def _history_document(history: plain.History | None) -> dict[str, Any] | None:
    if history is None:
        return None
    doc = {key: getattr(history, key) for key in plain.History.__dataclass_fields__}
    doc["medications"] = list(history.medications)
    return doc


def _history_from_document(doc: dict[str, Any] | None) -> plain.History | None:
    if doc is None:
        return None
    fields = dict(doc)
    fields["medications"] = tuple(fields.get("medications") or ())
    return plain.History(**fields)


def doctor_note_from_row(row: models.DoctorNoteRow, signer: str | None) -> DoctorNote:
    return DoctorNote(
        level=row.level,
        causes=tuple(row.causes.get("ids", ())),
        impression=row.impression,
        investigations=tuple(
            Investigation(item["id"], item.get("detail"), item.get("result"),
                          datetime.fromisoformat(item["result_at"]) if item.get("result_at") else None)
            for item in row.investigations.get("items", ())),
        plans=tuple(row.plans.get("ids", ())),
        plan_text=row.plan_text,
        next_review=row.next_review,
        surgical_consent=row.surgical_consent,
        signed_by=signer,
        signed_at=row.signed_at,
    )


def set_doctor_note_fields(row: models.DoctorNoteRow, note: DoctorNote) -> None:
    row.level = note.level
    row.causes = {"ids": list(note.causes)}
    row.impression = note.impression
    row.investigations = {"items": [
        {"id": i.id, "detail": i.detail, "result": i.result,
         "result_at": i.result_at.isoformat() if i.result_at else None}
        for i in note.investigations]}
    row.plans = {"ids": list(note.plans)}
    row.plan_text = note.plan_text
    row.next_review = note.next_review
    row.surgical_consent = note.surgical_consent
