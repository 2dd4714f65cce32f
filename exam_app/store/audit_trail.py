"""The audit trail: append-only, each event chained to the one before by a SHA-256 hash, and the
content of every signed visit and issued letter fingerprinted in the event that signed or issued it.

A direct change of the database (an UPDATE of grades, a dropped trigger, a deleted or truncated
trail, a replaced letter with its hash) leaves the app's records and the chain out of step;
`verify` finds every such place and names it.
"""

from __future__ import annotations

import hashlib
import json
import socket
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import event, or_, select, text
from sqlalchemy.orm import Session, selectinload

from exam_app.clinical import record as plain
from exam_app.store import models
from exam_app.store.records import visit_from_row
from exam_app.tables import SIGNED_STATUSES

# Events that fingerprint a signed visit: their detail holds {"visits": {visit id: content hash}}.
SIGNING_ACTIONS = ("visit_signed", "visit_amended", "record_imported", "demo_filled", "fingerprints_recorded")
# A clinic setting left by migration 0009: the visits signed before the trail fingerprinted them are
# fingerprinted at the next start (see `unfingerprinted_visits`).
UPGRADE_MARKER = "fingerprint_visits_signed_before_the_trail"
_HEAD = "audit_head"  # session.info key: the hash of the last event written in this transaction
_CHAIN_LOCK = 72_111  # PostgreSQL advisory lock: one writer extends the chain at a time


@cache
def workstation() -> str:
    return socket.gethostname() or "unknown workstation"


def _plain(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def event_hash(event: models.AuditEvent) -> str:
    """The hash an event carries: its fields and the hash of the event before it."""
    at = event.at.isoformat() if event.at is not None else ""
    fields = [event.previous_hash or "", at, event.user_id, event.action, event.entity, event.entity_id,
              event.detail, event.workstation, event.patient]
    return hashlib.sha256(_canonical(fields).encode("utf-8")).hexdigest()


def visit_content_hash(row: models.Visit) -> str:
    """A fingerprint of everything a signed visit says (its findings, times, history and notes)."""
    return content_hash(row.patient_id, visit_from_row(row))


def content_hash(patient_id: int, visit: plain.Visit) -> str:
    """`visit_content_hash` of a visit as the app reads it back (for rows written in bulk)."""
    content = _content(visit)
    if content["isncsci"] is None:  # no worksheet: the fingerprint of a visit signed before worksheets existed
        del content["isncsci"]
    for answers in ("symptoms", "red_flags", "red_flags_no"):  # a set of answers: their order is not content
        content[answers] = sorted(content[answers])
    return hashlib.sha256(_canonical([patient_id, content]).encode("utf-8")).hexdigest()


def _content(visit: plain.Visit) -> dict[str, Any]:
    """`dataclasses.asdict(visit)` (the same document once written canonically), made without its
    deep copy of every finding."""
    content = {name: getattr(visit, name) for name in _VISIT_FIELDS}
    content["tension_signs"] = {sign: {side: {"result": t.result, "angle": t.angle} for side, t in sides.items()}
                                for sign, sides in visit.tension_signs.items()}
    content["history"] = asdict(visit.history) if visit.history is not None else None
    return content


_VISIT_FIELDS = tuple(f.name for f in fields(plain.Visit))


def _head(session: Session) -> str:
    if _HEAD not in session.info:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": _CHAIN_LOCK})
        last = session.scalar(select(models.AuditEvent.hash).where(models.AuditEvent.hash.is_not(None))
                              .order_by(models.AuditEvent.id.desc()).limit(1))
        session.info[_HEAD] = last or ""
    head: str = session.info[_HEAD]
    return head


def append(session: Session, user_id: int | None, action: str, entity: str, entity_id: str | int | None = None,
           detail: dict[str, Any] | None = None, patient: str | None = None) -> models.AuditEvent:
    """Add one event to the trail, in the caller's transaction, chained to the last one."""
    event = models.AuditEvent(
        at=models.utc_now(), user_id=user_id, action=action, entity=entity,
        entity_id=None if entity_id is None else str(entity_id), detail=detail, workstation=workstation(),
        patient=patient, previous_hash=_head(session))
    event.hash = event_hash(event)
    session.info[_HEAD] = event.hash
    session.add(event)
    return event


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_head(session: Session, *_: object) -> None:
    """The head read in a transaction holds only inside it (the lock goes with it): read it again."""
    session.info.pop(_HEAD, None)


# ---------------------------------------------------------------- verification


@dataclass(frozen=True)
class Tampering:
    where: str  # "audit event 1234", "visit 56 of A-1001", "referral letter 7"
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def verify(session: Session) -> list[Tampering]:
    """Every broken link of the chain, every signed visit whose content no longer matches its signing
    event (or has none), every letter whose PDF no longer matches what was issued, every missing
    append-only trigger."""
    found = _check_triggers(session)
    signed_content: dict[int, str] = {}
    letters: dict[int, str] = {}
    previous: str | None = None
    for entry in session.scalars(select(models.AuditEvent).order_by(models.AuditEvent.id)).yield_per(2000):
        if entry.hash is None:
            continue  # written before the chain began (an older version of the app)
        if event_hash(entry) != entry.hash:
            found.append(Tampering(_event_name(entry), "altered after it was written (its hash no longer matches)"))
        if previous is not None and entry.previous_hash != previous:
            found.append(Tampering(_event_name(entry), "the event before it is missing or was altered "
                                                       "(the chain is broken)"))
        previous = entry.hash
        if entry.action in SIGNING_ACTIONS and isinstance(entry.detail, dict):
            for visit_id, digest in (entry.detail.get("visits") or {}).items():
                signed_content[int(visit_id)] = digest
        if entry.action == "referral_issued" and isinstance(entry.detail, dict) and entry.entity_id:
            letters[int(entry.entity_id)] = str(entry.detail.get("sha256"))
    found += _check_visits(session, signed_content)
    found += _check_letters(session, letters)
    return found


def _event_name(event: models.AuditEvent) -> str:
    return f"audit event {event.id} ({event.action}, {event.at:%Y-%m-%d %H:%M} UTC)"


def _check_triggers(session: Session) -> list[Tampering]:
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        names = set(session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                         "AND tbl_name = 'audit_events'")))
        missing = {"audit_events_no_update", "audit_events_no_delete"} - names
        return [Tampering("the audit trail", f"the append-only trigger {name} was removed") for name in sorted(missing)]
    if dialect == "postgresql":
        enabled = session.scalar(text("SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_events_append_only'"))
        if enabled is None:
            return [Tampering("the audit trail", "the append-only trigger was removed")]
        if enabled == "D":
            return [Tampering("the audit trail", "the append-only trigger is disabled")]
    return []


def _check_visits(session: Session, signed_content: dict[int, str]) -> list[Tampering]:
    found = []
    rows = session.scalars(select(models.Visit).where(models.Visit.status.in_(SIGNED_STATUSES))
                           .options(selectinload(models.Visit.findings), selectinload(models.Visit.patient),
                                    selectinload(models.Visit.isncsci_worksheet))
                           .order_by(models.Visit.id)).yield_per(500)
    for row in rows:
        where = f"visit {row.id} of {row.patient.record_number} ({row.examined_at:%Y-%m-%d %H:%M} UTC)"
        digest = signed_content.get(row.id)
        if digest is None:
            found.append(Tampering(where, "signed, but no signing event in the audit trail (removed?)"))
        elif digest != visit_content_hash(row):
            found.append(Tampering(where, "its findings were changed after it was signed"))
    return found


def _check_letters(session: Session, issued: dict[int, str]) -> list[Tampering]:
    found = []
    for letter_id, stored_hash, pdf in session.execute(
            select(models.ReferralLetter.id, models.ReferralLetter.sha256, models.ReferralLetter.pdf)
            .order_by(models.ReferralLetter.id)):
        where = f"referral letter {letter_id}"
        actual = hashlib.sha256(pdf).hexdigest()
        if letter_id not in issued:
            found.append(Tampering(where, "no issuing event in the audit trail (removed?)"))
        elif actual != issued[letter_id] or stored_hash != issued[letter_id]:
            found.append(Tampering(where, "the stored letter is not the one issued (replaced)"))
    return found


def visit_altered(session: Session, row: models.Visit) -> bool:
    """Whether a signed visit no longer matches the content its latest signing event fingerprinted."""
    return bool(altered_visits(session, row.patient.record_number, [row]))


def altered_visits(session: Session, record_number: str, rows: list[models.Visit]) -> list[models.Visit]:
    """The signed visits of one patient that no longer match the content their latest signing event
    fingerprinted, or that no event fingerprinted at all (one query for the patient's visits)."""
    wanted = {row.id for row in rows if row.status in SIGNED_STATUSES}
    if not wanted:
        return []
    digests: dict[int, str] = {}
    events = session.scalars(
        select(models.AuditEvent.detail).where(
            models.AuditEvent.action.in_(SIGNING_ACTIONS),
            # The patient's own events, and those of the whole clinic (the demo signs many at once).
            or_(models.AuditEvent.patient == record_number, models.AuditEvent.patient.is_(None)))
        .order_by(models.AuditEvent.id.desc()))
    for detail in events:
        for visit_id, digest in ((detail or {}).get("visits") or {}).items():
            if int(visit_id) in wanted:
                digests.setdefault(int(visit_id), digest)  # the latest event says what is signed now
        if len(digests) == len(wanted):
            break
    return [row for row in rows if row.id in wanted and digests.get(row.id) != visit_content_hash(row)]


def issued_letter_hash(session: Session, letter_id: int) -> str | None:
    """The SHA-256 the trail holds for a letter as issued (None: no issuing event, removed?)."""
    detail = session.scalar(select(models.AuditEvent.detail).where(
        models.AuditEvent.action == "referral_issued", models.AuditEvent.entity == "referral_letter",
        models.AuditEvent.entity_id == str(letter_id)).order_by(models.AuditEvent.id.desc()).limit(1))
    return None if not isinstance(detail, dict) else str(detail.get("sha256"))


def unfingerprinted_visits(session: Session) -> dict[str, str]:
    """Visit id -> fingerprint of the signed visits that no event of the trail fingerprints (signed
    before the app fingerprinted visits). A visit whose fingerprint differs is not among them."""
    recorded: set[str] = set()
    for detail in session.scalars(select(models.AuditEvent.detail).where(
            models.AuditEvent.action.in_(SIGNING_ACTIONS))):
        recorded.update(str(i) for i in ((detail or {}).get("visits") or {}))
    rows = session.scalars(select(models.Visit).where(models.Visit.status.in_(SIGNED_STATUSES))
                           .order_by(models.Visit.id))
    return {str(row.id): visit_content_hash(row) for row in rows if str(row.id) not in recorded}
