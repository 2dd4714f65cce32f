"""Reading the audit trail (an administrator's), checking it has not been tampered with, and noting
that a patient's record was looked at."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from exam_app.services.context import AppContext, NotFound
from exam_app.store import models
from exam_app.store.audit_trail import Tampering, verify
from exam_app.store.repository import audit, record_key

COLUMNS = ("id", "at", "user", "full_name", "action", "entity", "entity_id", "patient", "workstation", "detail")


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    username: str | None
    full_name: str | None
    action: str
    entity: str
    entity_id: str | None
    patient: str | None
    workstation: str | None
    detail: dict[str, Any] | None

    def row(self) -> dict[str, str]:
        return {
            "id": str(self.id), "at": self.at.isoformat(), "user": self.username or "",
            "full_name": self.full_name or "",
            "action": self.action, "entity": self.entity, "entity_id": self.entity_id or "",
            "patient": self.patient or "", "workstation": self.workstation or "",
            "detail": json.dumps(_readable(self.detail), ensure_ascii=False, sort_keys=True) if self.detail else "",
        }


def _readable(detail: dict[str, Any] | None) -> dict[str, Any] | None:
    """The fingerprints of signed visits are for `audit verify`, not for reading: shown as a count."""
    if not detail or "visits" not in detail or not isinstance(detail["visits"], dict):
        return detail
    return {**detail, "visits": f"{len(detail['visits'])} fingerprinted"}


def audit_entries(ctx: AppContext, since: datetime | None = None, username: str | None = None,
                  patient: str | None = None, action: str | None = None, limit: int | None = None) -> list[AuditEntry]:
    """The trail, oldest first, filtered by time, account, patient and action."""
    ctx.require("audit")
    event, user = models.AuditEvent, models.User
    query = (select(event, user.username, user.display_name).outerjoin(user, user.id == event.user_id)
             .order_by(event.id))
    with ctx.db.session() as session:
        if since is not None:
            query = query.where(event.at >= since)
        if username:
            found = session.scalar(select(user.id).where(user.username == username.strip().lower()))
            if found is None:
                raise NotFound(f"--user: no account named {username!r}")
            query = query.where(event.user_id == found)
        if patient:
            stored = session.scalar(select(models.Patient.record_number)
                                    .where(models.Patient.record_key == record_key(patient)))
            query = query.where(event.patient == (stored or patient.strip()))
        if action:
            query = query.where(event.action == action)
        if limit is not None:
            query = query.limit(limit)
        return [AuditEntry(e.id, e.at, name, full_name, e.action, e.entity, e.entity_id, e.patient, e.workstation,
                           e.detail)
                for e, name, full_name in session.execute(query)]


def entries_csv(entries: list[AuditEntry]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(entry.row() for entry in entries)
    return out.getvalue()


def entries_json(entries: list[AuditEntry]) -> str:
    return json.dumps([{**entry.row(), "detail": _readable(entry.detail)} for entry in entries],
                      ensure_ascii=False, indent=2) + "\n"


def recorded_actions(ctx: AppContext) -> list[str]:
    """The actions the trail holds (for choosing one), in alphabetical order."""
    ctx.require("audit")
    with ctx.db.session() as session:
        return list(session.scalars(select(models.AuditEvent.action).distinct().order_by(models.AuditEvent.action)))


def verify_trail(ctx: AppContext) -> list[Tampering]:
    """Every broken link, altered signed visit and replaced letter (empty: the trail holds)."""
    ctx.require("audit")
    with ctx.db.session(write=True) as session:
        found = verify(session)
        audit(session, ctx.user.id, "audit_verified", "audit", None, {"problems": len(found)})
        return found


def note_viewed(ctx: AppContext, record_number: str, what: str) -> None:
    """Opening a patient's record is itself on the record (who looked, when, at what)."""
    ctx.note_viewed(record_number, what)
