"""The store: findings queryable by item across visits, optimistic locking, append-only audit,
SQLite pragmas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DatabaseError as SQLDatabaseError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from exam_app.services.context import AppContext
from exam_app.services.demo import fill_demo_clinic
from exam_app.services.records import import_file, load_record
from exam_app.store import models
from tests.records import two_visit_record, write


def test_one_item_is_queried_across_visits_and_patients(ctx: AppContext, tmp_path: Path) -> None:
    import_file(ctx, write(tmp_path / "a.json", two_visit_record()))
    with ctx.db.session() as session:
        weak_toe = session.execute(
            select(models.Patient.record_number, models.Visit.examined_at, models.Finding.value)
            .join(models.Visit, models.Finding.visit_id == models.Visit.id)
            .join(models.Patient)
            .where(models.Finding.kind == "motor", models.Finding.item == "great_toe_extension",
                   models.Finding.side == "left", models.Finding.number <= 3)
            .order_by(models.Visit.examined_at)
        ).all()
    assert [(rn, value) for rn, _, value in weak_toe] == [("A-1001", "3"), ("A-1001", "2")]


def test_visit_times_keep_their_offset(ctx: AppContext, tmp_path: Path) -> None:
    import_file(ctx, write(tmp_path / "a.json", two_visit_record()))
    record = load_record(ctx, "A-1001")
    assert [v.examined_at.isoformat() for v in record.visits] == [
        "2026-11-02T09:30:00+01:00", "2026-11-03T10:00:00+01:00"]


def test_two_saves_of_the_same_version_do_not_silently_overwrite(ctx: AppContext, tmp_path: Path) -> None:
    import_file(ctx, write(tmp_path / "a.json", two_visit_record()))
    first = ctx.db.sessions()
    second = ctx.db.sessions()
    mine = first.scalar(select(models.Visit).order_by(models.Visit.id))
    theirs = second.scalar(select(models.Visit).order_by(models.Visit.id))
    assert mine is not None and theirs is not None
    mine.notes = "first workstation"
    first.commit()
    theirs.notes = "second workstation"
    # PostgreSQL finds the version moved on; SQLite refuses the write of a transaction that read the
    # row before the other one committed. Either way nothing is overwritten.
    with pytest.raises((StaleDataError, OperationalError), match=r"expected to update|locked"):
        second.commit()
    second.rollback()
    first.close()
    second.close()
    assert load_record(ctx, "A-1001").visits[0].notes == "first workstation"


def test_the_audit_trail_is_append_only(ctx: AppContext, tmp_path: Path) -> None:
    import_file(ctx, write(tmp_path / "a.json", two_visit_record()))
    with pytest.raises(SQLDatabaseError, match="append-only"), ctx.db.session() as session:
        session.execute(update(models.AuditEvent).values(action="tampered"))
    with pytest.raises(SQLDatabaseError, match="append-only"), ctx.db.session() as session:
        session.execute(text("DELETE FROM audit_events"))
    with ctx.db.session() as session:
        actions = session.scalars(select(models.AuditEvent.action)).all()
    assert "record_imported" in actions


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_ctx: AppContext) -> None:
    with sqlite_ctx.db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_demo_clinic_is_reproducible(ctx: AppContext) -> None:
    from datetime import UTC, datetime

    from exam_app.services.demo import demo_patients

    now = datetime(2026, 11, 21, 9, tzinfo=UTC)
    first = demo_patients(20, seed=3, now=now)
    again = demo_patients(20, seed=3, now=now)
    assert first == again
    summary = fill_demo_clinic(ctx, 20, seed=3, now=now)
    assert summary.patients == 20 and summary.users == 4
    assert fill_demo_clinic(ctx, 20, seed=3, now=now).patients == 0  # already there
    with ctx.db.session() as session:
        roles = set(session.scalars(select(models.User.role)))
        visits = session.scalar(select(func.count()).select_from(models.Visit))
    assert {"physiotherapist", "doctor", "front_desk", "admin"} <= roles
    assert visits == summary.visits
    assert json.dumps(load_record(ctx, first[0][0].record_number).patient.record_number)
