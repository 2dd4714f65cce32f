"""Shared fixtures: every test gets its own data folder and database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from exam_app.services.context import AppContext
from tests.accounts import allow_the_test_role, open_as_tester, with_clinic_administrator

POSTGRES_VARIABLE = "EXAM_APP_TEST_POSTGRES_URL"


@pytest.fixture(autouse=True, scope="session")
def _user_data_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The user's data folder (default database, log, backups) of every test is a temporary one, never
    the real one of whoever runs the tests."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("user-data")))
        yield


NO_POSTGRES = f"no PostgreSQL server for the storage tests: set {POSTGRES_VARIABLE} (.ci/run starts one)"


def _fresh_postgres(url: str) -> str:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file, and (when a server is available) PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'exam-records.sqlite3'}"
    url = os.environ.get(POSTGRES_VARIABLE)
    if not url:
        pytest.skip(NO_POSTGRES)
    return _fresh_postgres(url)


allow_the_test_role()


@pytest.fixture
def ctx(database_url: str) -> Iterator[AppContext]:
    context = open_as_tester(url=database_url)
    yield context
    context.close()


@pytest.fixture
def sqlite_ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = open_as_tester(data_dir=tmp_path / "data")
    yield context
    context.close()


@pytest.fixture
def clinic_admin(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run in the test sign in as the clinic administrator ($EXAM_APP_USER and
    $EXAM_APP_PASSWORD), whose account every database gets when a command opens it."""
    with_clinic_administrator(monkeypatch)
