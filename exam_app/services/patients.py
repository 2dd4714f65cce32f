"""Finding and listing patients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from exam_app.services.context import AppContext
from exam_app.store import models


@dataclass(frozen=True)
class PatientSummary:
    record_number: str
    name: str
    birth_date: date | None
    visits: int


def patient_summaries(ctx: AppContext, limit: int = 200) -> list[PatientSummary]:
    with ctx.db.session() as session:
        rows = session.execute(
            select(models.Patient.record_number, models.Patient.family_name, models.Patient.given_name,
                   models.Patient.birth_date, func.count(models.Visit.id))
            .outerjoin(models.Visit)
            .group_by(models.Patient.id)
            .order_by(models.Patient.family_key, models.Patient.given_key)
            .limit(limit)
        ).all()
    return [
        PatientSummary(rn, ", ".join(n for n in (family, given) if n) or rn, born, count)
        for rn, family, given, born, count in rows
    ]
