"""Is the database sound? Its pages, its references between rows, its schema and every table read.

`exam-app db check` prints these; a damaged page whose file header is intact is found here rather
than by the first command that happens to read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from exam_app.masking import mask_passwords
from exam_app.store import migrate
from exam_app.store.database import Database, DatabaseError
from exam_app.store.models import Base

_SHOWN = 10  # problems listed at most per check; the count says if there are more


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_database(db: Database, thorough: bool = False) -> list[Check]:
    """Every check, in order; a check that cannot run is itself a problem (with the reason)."""
    checks: list[Check] = []
    if db.is_sqlite:
        checks.append(_guarded("pages", lambda: _pages(db, thorough)))
        checks.append(_guarded("references", lambda: _references(db)))
    schema = _guarded("schema", lambda: _schema(db))
    checks.append(schema)
    if schema.ok:  # the tables of an older schema are not the models' tables
        checks.append(_guarded("tables", lambda: _tables(db)))
    return checks


def _guarded(name: str, run: Callable[[], Check]) -> Check:
    try:
        return run()
    except DatabaseError as error:
        return Check(name, False, str(error))
    except SQLAlchemyError as error:
        return Check(name, False, mask_passwords(str(error).splitlines()[0]))


def _listed(problems: list[str]) -> str:
    shown = "; ".join(problems[:_SHOWN])
    return shown + (f"; … {len(problems) - _SHOWN} more" if len(problems) > _SHOWN else "")


def _pages(db: Database, thorough: bool) -> Check:
    pragma = "integrity_check" if thorough else "quick_check"
    with db.connect() as connection:
        rows = [str(r[0]) for r in connection.exec_driver_sql(f"PRAGMA {pragma}(100)")]
    if rows == ["ok"]:
        return Check("pages", True, f"every page reads ({pragma})")
    return Check("pages", False, f"{len(rows)} problems ({pragma}): {_listed(rows)}")


def _references(db: Database) -> Check:
    with db.connect() as connection:
        rows = list(connection.exec_driver_sql("PRAGMA foreign_key_check"))
    if not rows:
        return Check("references", True, "every row refers to rows that exist")
    problems = [f"{table} row {rowid} refers to a missing {parent} row" for table, rowid, parent, _ in rows]
    return Check("references", False, f"{len(rows)} rows refer to missing rows: {_listed(problems)}")


def _schema(db: Database) -> Check:
    status = migrate.schema_status(db)
    if status.current is None:
        migrate.check_is_clinic(db)
        return Check("schema", False, f"empty: no clinic yet (newest is {status.head}): run `exam-app db upgrade`")
    if not status.up_to_date:
        return Check("schema", False, f"schema {status.current}, newest is {status.head}: run `exam-app db upgrade`")
    with db.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                       Base.metadata)
    if differences:
        return Check("schema", False, f"schema {status.current} but the tables differ from it: "
                                      f"{_listed([str(d) for d in differences])}")
    return Check("schema", True, f"schema up to date ({status.head})")


def _tables(db: Database) -> Check:
    counts = []
    with db.connect() as connection:
        for table in Base.metadata.sorted_tables:
            counts.append(f"{connection.execute(select(func.count()).select_from(table)).scalar_one()} {table.name}")
    return Check("tables", True, f"every table reads: {', '.join(counts)}")
