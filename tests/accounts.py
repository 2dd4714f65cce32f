"""Accounts for tests: a role that may do everything (for tests of one use case at a time, never in
the app's own roles), and contexts signed in as a role without the cost of a password."""

from __future__ import annotations

from pathlib import Path

from exam_app.services.context import ActingUser, AppContext
from exam_app.services.startup import open_clinic
from exam_app.store import models
from exam_app.store.database import Database
from exam_app.tables import roles

TESTER = "tester"
PASSWORD = "correct horse battery"  # what the command-line tests' administrator signs in with


def allow_the_test_role() -> None:
    """Tests of one use case act as a role that may take every action; the permission tests use the
    clinic's four roles (resources/roles.json), which this leaves as they are."""
    tables = roles()
    tables.roles.setdefault(TESTER, frozenset(tables.actions))
    tables.labels.setdefault(TESTER, "tester")


def account(db: Database, username: str, role: str, full_name: str | None = None,
            registration_number: str | None = None) -> AppContext:
    """A context signed in as the account `username` of `role`, made if it is new (no password: tests
    do not sign in)."""
    from sqlalchemy import select

    with db.session() as session:  # most tests open the clinic once; the workstations many times at once
        row = session.scalar(select(models.User).where(models.User.username == username))
        if row is not None:
            return AppContext(db, ActingUser(row.id, row.username, row.display_name, row.role,
                                             row.registration_number))
    with db.session(write=True) as session:
        row = session.scalar(select(models.User).where(models.User.username == username))
        if row is None:
            row = models.User(username=username, display_name=full_name or username, role=role, active=True,
                              registration_number=registration_number, failed_sign_ins=0)
            session.add(row)
            session.flush()
        user = ActingUser(row.id, row.username, row.display_name, row.role, row.registration_number)
    return AppContext(db, user)


def open_as_tester(data_dir: Path | None = None, url: str | None = None, username: str = "tester",
                   lock_wait: float | None = None) -> AppContext:
    """The clinic opened as the start-up does, signed in as a test account that may do everything."""
    allow_the_test_role()
    clinic = open_clinic(data_dir, url, lock_wait)
    try:
        return account(clinic.db, username, TESTER, "Test Clinician", "TEST 0001")
    except BaseException:
        clinic.close()
        raise


def signed_in_as(data_dir: Path, username: str) -> AppContext:
    """The clinic opened as the start-up does, acting as an account the test made before."""
    from sqlalchemy import select

    allow_the_test_role()
    clinic = open_clinic(data_dir)
    with clinic.db.session() as session:
        row = session.scalar(select(models.User).where(models.User.username == username))
        assert row is not None, username
        user = ActingUser(row.id, row.username, row.display_name, row.role, row.registration_number)
    return AppContext(clinic.db, user)


ADMIN = "clinic.admin"


def with_clinic_administrator(monkeypatch: object) -> None:
    """Commands run in this test sign in as the clinic administrator, made on each database's first use."""
    from exam_app.services import startup
    from exam_app.services.accounts import NewAccount, create_first_administrator

    patch = monkeypatch  # a pytest.MonkeyPatch
    original = startup.open_clinic

    def opened(data_dir: Path | None = None, url: str | None = None,
               lock_wait: float | None = None) -> startup.Clinic:
        clinic = original(data_dir, url, lock_wait)
        if not clinic.has_accounts:
            create_first_administrator(clinic.db, NewAccount(ADMIN, "Clinic Administrator", "admin", PASSWORD))
        else:
            add_clinic_administrator(clinic.db)
        return clinic

    patch.setenv("EXAM_APP_USER", ADMIN)  # type: ignore[attr-defined]
    patch.setenv("EXAM_APP_PASSWORD", PASSWORD)  # type: ignore[attr-defined]
    patch.setattr(startup, "open_clinic", opened)  # type: ignore[attr-defined]


def add_clinic_administrator(db: Database) -> None:
    """The clinic administrator's account with its password, if the database has none yet: for a test
    that opened the clinic as the tester and then runs commands (in this process or another one)."""
    from sqlalchemy import select

    from exam_app.services.accounts import _hasher

    with db.session() as session:
        if session.scalar(select(models.User.id).where(models.User.username == ADMIN)) is not None:
            return
    with db.session(write=True) as session:
        if session.scalar(select(models.User).where(models.User.username == ADMIN)) is None:
            session.add(models.User(username=ADMIN, display_name="Clinic Administrator", role="admin", active=True,
                                    password_hash=_hasher().hash(PASSWORD), failed_sign_ins=0))
