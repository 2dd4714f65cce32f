"""Migrations: empty database to head, head matches the models, downgrade and upgrade again,
backup before upgrading a SQLite file, and refusal of a newer database."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from exam_app.store import migrate
from exam_app.store.database import open_database
from exam_app.store.models import Base


def test_empty_database_upgrades_to_head(database_url: str) -> None:
    db = open_database(database_url)
    assert migrate.schema_status(db).current is None
    migrate.upgrade(db)
    status = migrate.schema_status(db)
    assert status.up_to_date
    assert {"patients", "visits", "findings", "users", "audit_events", "clinic_settings"} <= set(
        inspect(db.engine).get_table_names())
    db.dispose()


def test_head_matches_the_models(database_url: str) -> None:
    db = open_database(database_url)
    migrate.upgrade(db)
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    db.dispose()
    assert diff == [], f"models differ from the migrations: {diff}"


def test_downgrade_then_upgrade(database_url: str) -> None:
    db = open_database(database_url)
    migrate.upgrade(db)
    migrate.downgrade(db, "base")
    assert "patients" not in inspect(db.engine).get_table_names()
    migrate.upgrade(db)
    assert migrate.schema_status(db).up_to_date
    db.dispose()


def test_sqlite_file_is_backed_up_before_an_upgrade(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'exam.sqlite3'}")
    migrate.upgrade(db)
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO clinic_settings (key, value, updated_at) "
                                "VALUES ('letterhead', '{\"value\": \"Clinic\"}', '2026-01-01 00:00:00')"))
    migrate.downgrade(db, "base")
    # An older schema with data in it: the upgrade must copy the file first.
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE keepsake (x INTEGER)"))
        connection.execute(text("INSERT INTO keepsake VALUES (42)"))
    backup = migrate.upgrade(db, backup_dir=tmp_path / "backups")
    db.dispose()
    assert backup is not None and backup.exists()
    copy = open_database(f"sqlite:///{backup}")
    with copy.engine.connect() as connection:
        assert connection.execute(text("SELECT x FROM keepsake")).scalar() == 42
    copy.dispose()


def test_a_database_from_a_newer_version_is_refused(database_url: str) -> None:
    db = open_database(database_url)
    migrate.upgrade(db)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(migrate.NewerDatabaseError, match="newer version of the app"):
        migrate.upgrade(db)
    db.dispose()
