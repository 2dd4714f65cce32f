"""A clinic upgrading from before the audit trail fingerprinted signed visits: its visits are
fingerprinted once, as found at the upgrade, and are not shown as changed outside the app."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import select, text

from exam_app.clinical.record import Patient, Visit
from exam_app.services.startup import open_clinic
from exam_app.store import migrate, models
from exam_app.store.audit_trail import UPGRADE_MARKER, altered_visits, verify
from exam_app.store.database import open_database
from exam_app.store.records import set_patient_fields, set_visit_fields
from exam_app.tables import VisitStatus
from tests.records import complete


def _clinic_of_schema_0006(url: str) -> None:
    """A clinic as the version of schema 0006 left it: one signed visit, and no fingerprint."""
    db = open_database(url)
    migrate._run(db, "upgrade", "0006")
    with db.session(write=True) as session:
        patient = models.Patient(version=1)
        set_patient_fields(patient, Patient("R-1", "Doe", "Jane"))
        session.add(patient)
        session.flush()
        visit = models.Visit(patient_id=patient.id, status=VisitStatus.SIGNED, version=1)
        examined = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
        set_visit_fields(visit, replace(complete(Visit(examined_at=examined, examiner="pt.smith")),
                                        motor={"ankle_dorsiflexion": {"left": "3"}}))
        session.add(visit)
        session.execute(text("INSERT INTO audit_events (at, action, entity, entity_id) "
                             "VALUES (:at, 'visit_signed', 'visit', :visit)"),
                        {"at": examined.replace(tzinfo=None), "visit": str(visit.id)})
    db.dispose()


def test_visits_signed_before_fingerprints_are_fingerprinted_once_at_the_upgrade(database_url: str) -> None:
    _clinic_of_schema_0006(database_url)
    clinic = open_clinic(url=database_url)
    with clinic.db.session() as session:
        visit = session.scalars(select(models.Visit)).one()
        assert altered_visits(session, "R-1", [visit]) == []  # not "changed outside the app"
        assert verify(session) == []
        [event] = session.scalars(select(models.AuditEvent).where(
            models.AuditEvent.action == "fingerprints_recorded")).all()
        assert set(event.detail["visits"]) == {str(visit.id)} and "upgrade" in event.detail["why"]
        assert session.get(models.ClinicSetting, UPGRADE_MARKER) is None  # done once
    with clinic.db.session(write=True) as session:  # changed after the upgrade: caught as any other
        session.execute(text("UPDATE findings SET value = '1' WHERE item = 'ankle_dorsiflexion' AND side = 'left'"))
    clinic.close()

    again = open_clinic(url=database_url)  # the next start fingerprints nothing more
    with again.db.session() as session:
        visit = session.scalars(select(models.Visit)).one()
        assert altered_visits(session, "R-1", [visit]) == [visit]
        assert [t.where for t in verify(session)] != []
        assert len(session.scalars(select(models.AuditEvent).where(
            models.AuditEvent.action == "fingerprints_recorded")).all()) == 1
    again.close()


def test_a_new_clinic_has_nothing_to_fingerprint(database_url: str) -> None:
    clinic = open_clinic(url=database_url)
    with clinic.db.session() as session:
        assert session.get(models.ClinicSetting, UPGRADE_MARKER) is None
        assert session.scalars(select(models.AuditEvent)).all() == []
    clinic.close()
