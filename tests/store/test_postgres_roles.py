"""On PostgreSQL the workstations connect as the role of docs/postgresql/roles.sql and grants.sql:
it does the clinic's work (signing in, saving, signing, issuing a letter) but cannot change or empty
the audit trail, nor disable its trigger. Needs the server's app role:
$EXAM_APP_TEST_POSTGRES_APP_URL (.ci/postgres.sh makes it with the same scripts)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from exam_app.clinical.record import Patient
from exam_app.services.accounts import NewAccount, add_account, create_first_administrator
from exam_app.services.audit import verify_trail
from exam_app.services.patients import register_patient
from exam_app.services.referral import issue_letter, referral_content, referral_options
from exam_app.services.startup import open_clinic
from exam_app.services.visits import save_draft, sign_visit, start_visit
from tests.conftest import POSTGRES_VARIABLE, _fresh_postgres
from tests.records import complete

pytestmark = pytest.mark.postgres

APP_VARIABLE = "EXAM_APP_TEST_POSTGRES_APP_URL"
GRANTS = Path(__file__).parents[2] / "docs" / "postgresql" / "grants.sql"
PASSWORD = "admin password 1"


@pytest.fixture
def app_url() -> Iterator[str]:
    """The clinic migrated by the owner with the app role's grants; the URL the workstations use."""
    owner, app = os.environ.get(POSTGRES_VARIABLE), os.environ.get(APP_VARIABLE)
    if not owner or not app:
        pytest.skip(f"no PostgreSQL app role: set {POSTGRES_VARIABLE} and {APP_VARIABLE} "
                    "(.ci/postgres.sh makes the role with docs/postgresql/roles.sql)")
    assert make_url(owner).database == make_url(app).database, "the owner's and the app's URL name one database"
    open_clinic(url=_fresh_postgres(owner)).close()  # the owner runs the migrations
    engine = create_engine(owner)
    with engine.begin() as connection:
        connection.exec_driver_sql(GRANTS.read_text(encoding="utf-8"))
    engine.dispose()
    yield app


def refused(url: str, sql: str) -> str:
    engine = create_engine(url)
    try:
        with engine.begin() as connection, pytest.raises(ProgrammingError) as error:
            connection.execute(text(sql))
    finally:
        engine.dispose()
    return str(error.value.orig)


def test_the_app_role_works_but_cannot_change_the_trail(app_url: str) -> None:
    clinic = open_clinic(url=app_url)
    try:
        create_first_administrator(clinic.db, NewAccount("admin", "Ada Admin", "admin", PASSWORD))
        admin = clinic.sign_in("admin", PASSWORD)
        add_account(admin, NewAccount("pt.role", "Pat Role", "physiotherapist", PASSWORD))
        physio = clinic.sign_in("pt.role", PASSWORD)
        register_patient(physio, Patient("G-1", "Grant", "Gail"))
        opened = start_visit(physio, "G-1")
        visit = complete(opened.visit)
        sign_visit(physio, opened.visit_id, visit, save_draft(physio, opened.visit_id, visit, opened.version))
        issue_letter(physio, referral_content(physio, "G-1"), referral_options())
        assert verify_trail(admin) == []
    finally:
        clinic.close()
    assert "permission denied for table audit_events" in refused(app_url, "UPDATE audit_events SET workstation = 'x'")
    assert "permission denied for table audit_events" in refused(app_url, "DELETE FROM audit_events")
    assert "permission denied for table audit_events" in refused(app_url, "TRUNCATE audit_events")
    assert "must be owner of table audit_events" in refused(
        app_url, "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
    assert "must be owner of table audit_events" in refused(app_url, "DROP TABLE audit_events")
    assert "permission denied for table alembic_version" in refused(app_url, "DELETE FROM alembic_version")
