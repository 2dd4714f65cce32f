"""What an import stores, row by row: the visits, their findings and worksheets, the status row and
the audit events with each visit's fingerprint, against the rows the import stored before it was
written in bulk (tests/data/import-expected-rows.json)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from exam_app.clinical.record import Visit
from exam_app.interop.exam_record import visit_document
from exam_app.services.context import AppContext
from exam_app.services.records import import_file
from exam_app.services.worklist import refresh_status
from exam_app.store import models
from exam_app.store.audit_trail import visit_content_hash
from exam_app.store.records import visit_from_row
from tests.interop.recorded import with_worksheets
from tests.records import complete, write

EXPECTED = Path(__file__).resolve().parents[1] / "data" / "import-expected-rows.json"
# Columns that say when the import ran, not what it stored.
WHEN_IMPORTED = {"created_at", "updated_at", "signed_at", "assessed_at", "at", "hash", "previous_hash"}
TABLES = ("patients", "visits", "findings", "isncsci_worksheets", "patient_status")


def clinic_file() -> dict[str, Any]:
    """Forty complete visits a day apart from 2025-01-01, then the three visits of `with_worksheets`
    (tags, NT, red flags, a whole worksheet and part of one)."""
    document = with_worksheets()
    start = datetime(2025, 1, 1, 8, 0, tzinfo=UTC)
    document["visits"] = [visit_document(complete(Visit(examined_at=start + timedelta(days=i), examiner="pt.smith")))
                          for i in range(40)] + document["visits"]
    return document


def imports(ctx: AppContext, folder: Path) -> None:
    """A new patient's first ten visits, then the whole file (ten already stored), then a visit
    between two signed ones (backdated, allowed)."""
    document = clinic_file()
    first = dict(document, visits=document["visits"][:10])
    import_file(ctx, write(folder / "first.json", first))
    import_file(ctx, write(folder / "all.json", document))
    late = visit_document(complete(Visit(examined_at=datetime(2025, 1, 5, 20, 0, tzinfo=UTC), examiner="pt.jones")))
    import_file(ctx, write(folder / "late.json", dict(document, visits=[late])), allow_backdated=True)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in WHEN_IMPORTED}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def stored_rows(ctx: AppContext) -> dict[str, Any]:
    tables = models.Base.metadata.tables
    with ctx.db.engine.connect() as connection:
        rows: dict[str, Any] = {name: [_plain(dict(row._mapping)) for row in connection.execute(
            select(tables[name]).order_by(*tables[name].primary_key.columns))] for name in TABLES}
        events = models.AuditEvent
        rows["audit"] = [[action, _plain(detail | {"source": Path(detail["source"]).name})]
                         for action, detail in connection.execute(
            select(events.action, events.detail).where(events.action.in_(("record_imported", "backdated_import")))
            .order_by(events.id))]
    return rows


def test_an_import_stores_the_rows_it_stored_one_object_at_a_time(ctx: AppContext, tmp_path: Path) -> None:
    imports(ctx, tmp_path)
    assert stored_rows(ctx) == json.loads(EXPECTED.read_text(encoding="utf-8"))


def test_each_fingerprint_is_the_visit_as_read_back(ctx: AppContext, tmp_path: Path) -> None:
    imports(ctx, tmp_path)
    with ctx.db.session() as session:
        visits = {str(v.id): v for v in session.scalars(select(models.Visit))}
        fingerprints = {visit_id: fingerprint for event in session.scalars(
            select(models.AuditEvent).where(models.AuditEvent.action == "record_imported"))
            for visit_id, fingerprint in event.detail["visits"].items()}
        assert fingerprints.keys() == visits.keys()
        assert fingerprints == {visit_id: visit_content_hash(row) for visit_id, row in visits.items()}
        assert all(visit_from_row(row).isncsci is None for row in visits.values()
                   if row.isncsci_worksheet is None)


def test_a_new_patients_status_row_is_the_one_computed_again_from_the_stored_visits(
        ctx: AppContext, tmp_path: Path) -> None:
    import_file(ctx, write(tmp_path / "all.json", clinic_file()))
    written = stored_rows(ctx)["patient_status"]
    with ctx.db.session(write=True) as session:
        refresh_status(session, session.scalars(select(models.Patient)).one(), ctx.window_days)
    assert stored_rows(ctx)["patient_status"] == written
    assert written[0]["last_visit_id"] == 43


if __name__ == "__main__":  # writes the expected rows from the import as it stands
    import tempfile

    from tests.accounts import open_as_tester

    with tempfile.TemporaryDirectory() as scratch:
        context = open_as_tester(data_dir=Path(scratch) / "data")
        imports(context, Path(scratch))
        EXPECTED.write_text(json.dumps(stored_rows(context), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        context.close()
