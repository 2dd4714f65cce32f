"""`exam-app audit verify` against the tampering the design fears, on SQLite and PostgreSQL: a signed
visit's grades changed by SQL, an audit event deleted or altered (a trigger dropped or disabled
first), a stored letter replaced together with its hash. Each is named; the screens and services
that open, export or refer a tampered visit, or re-print a replaced letter, refuse and say so."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, create_engine, text

from exam_app.cli import main
from exam_app.clinical.record import Patient
from exam_app.services.context import AppContext, ServiceError
from exam_app.services.exports import export_patient
from exam_app.services.patients import register_patient
from exam_app.services.referral import issue_letter, referral_content, referral_options, reprint
from exam_app.services.visits import open_visit, save_draft, sign_visit, start_visit
from tests.accounts import add_clinic_administrator
from tests.records import complete

PATIENT = "T-1"


@dataclass(frozen=True)
class Signed:
    visit_id: int
    letter_id: int


def signed_visit_and_letter(ctx: AppContext) -> Signed:
    register_patient(ctx, Patient(PATIENT, "Tamper", "Tess"))
    opened = start_visit(ctx, PATIENT, datetime(2026, 11, 2, 9, tzinfo=UTC))
    visit = complete(opened.visit)
    sign_visit(ctx, opened.visit_id, visit, save_draft(ctx, opened.visit_id, visit, opened.version))
    letter = issue_letter(ctx, referral_content(ctx, PATIENT), referral_options())
    start_visit(ctx, PATIENT)  # more events after the letter, so that a link inside the chain can break
    add_clinic_administrator(ctx.db)
    return Signed(opened.visit_id, letter.letter_id)


def tamper(url: str, change: Callable[[Connection, str], None]) -> None:
    """Change the database as someone with its file, or the owner's role, could: outside the app."""
    engine = create_engine(url)
    with engine.begin() as connection:
        change(connection, engine.dialect.name)
    engine.dispose()


def verify(url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--database", url, "audit", "verify"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _without_guard(connection: Connection, dialect: str, sql: str, **values: object) -> None:
    """Run `sql` on the audit trail around its append-only trigger: dropped on SQLite (anyone with the
    file can), disabled then enabled again on PostgreSQL (the table's owner can)."""
    if dialect == "sqlite":
        connection.execute(text("DROP TRIGGER audit_events_no_update"))
        connection.execute(text("DROP TRIGGER audit_events_no_delete"))
        connection.execute(text(sql), values)
    else:
        connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
        connection.execute(text(sql), values)
        connection.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))


def test_an_untouched_clinic_verifies(ctx: AppContext, database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    signed_visit_and_letter(ctx)
    code, out, _ = verify(database_url, capsys)
    assert (code, out) == (0, "audit verify: the trail, every signed visit and every issued letter are as recorded\n")


def test_grades_changed_by_sql_name_the_signed_visit(ctx: AppContext, database_url: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    made = signed_visit_and_letter(ctx)
    tamper(database_url, lambda c, _: c.execute(text(
        "UPDATE findings SET value = '1', number = 1 WHERE visit_id = :v AND kind = 'motor'"), {"v": made.visit_id}))
    code, out, err = verify(database_url, capsys)
    assert code == 1
    assert out == (f"visit {made.visit_id} of {PATIENT} (2026-11-02 09:00 UTC): "
                   "its findings were changed after it was signed\n")
    assert err == "exam-app: audit verify: 1 problems: the records above were changed outside the app\n"
    # Opening, exporting and referring the visit check its fingerprint and say so.
    assert open_visit(ctx, made.visit_id).altered
    with pytest.raises(ServiceError, match=f"{PATIENT}: visit {made.visit_id} .* was changed outside the app "
                                           "after it was signed: the record is not exported"):
        export_patient(ctx, PATIENT, "json")
    with pytest.raises(ServiceError, match=f"visit {made.visit_id} of {PATIENT} was changed outside the app"):
        referral_content(ctx, PATIENT)


def test_an_untouched_visit_opens_exports_and_refers(ctx: AppContext) -> None:
    made = signed_visit_and_letter(ctx)
    assert not open_visit(ctx, made.visit_id).altered
    assert PATIENT in export_patient(ctx, PATIENT, "json")
    assert referral_content(ctx, PATIENT).patient.record_number == PATIENT


def _middle_event(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        ids = list(connection.scalars(text("SELECT id FROM audit_events ORDER BY id")))
    engine.dispose()
    return ids[len(ids) // 2], ids[len(ids) // 2 + 1]


def test_a_deleted_event_breaks_the_link_of_the_next(ctx: AppContext, database_url: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    signed_visit_and_letter(ctx)
    gone, after = _middle_event(database_url)
    tamper(database_url, lambda c, d: _without_guard(c, d, "DELETE FROM audit_events WHERE id = :id", id=gone))
    code, out, _ = verify(database_url, capsys)
    assert code == 1
    assert f"audit event {after} (" in out
    assert "the event before it is missing or was altered (the chain is broken)" in out


def test_an_altered_event_is_named(ctx: AppContext, database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    signed_visit_and_letter(ctx)
    changed, after = _middle_event(database_url)
    tamper(database_url, lambda c, d: _without_guard(
        c, d, "UPDATE audit_events SET workstation = 'elsewhere' WHERE id = :id", id=changed))
    code, out, _ = verify(database_url, capsys)
    assert code == 1
    assert f"audit event {changed} (" in out and "altered after it was written (its hash no longer matches)" in out
    assert f"audit event {after} (" not in out  # the next event still links to the hash the altered one carries


def test_a_dropped_trigger_and_deleted_events_are_named_on_sqlite(
        sqlite_ctx: AppContext, capsys: pytest.CaptureFixture[str]) -> None:
    made = signed_visit_and_letter(sqlite_ctx)
    url = sqlite_ctx.db.url
    tamper(url, lambda c, d: (c.execute(text("DROP TRIGGER audit_events_no_delete")),
                              c.execute(text("DELETE FROM audit_events WHERE action IN "
                                             "('visit_signed', 'referral_issued')"))))
    code, out, _ = verify(url, capsys)
    assert code == 1
    assert "the audit trail: the append-only trigger audit_events_no_delete was removed" in out
    assert f"visit {made.visit_id} of {PATIENT} (2026-11-02 09:00 UTC): signed, but no signing event" in out
    assert f"referral letter {made.letter_id}: no issuing event in the audit trail" in out
    assert "the chain is broken" in out


@pytest.mark.postgres
def test_a_disabled_trigger_is_named_on_postgresql(ctx: AppContext, database_url: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL trigger")
    signed_visit_and_letter(ctx)
    tamper(database_url, lambda c, _: c.execute(text(
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")))
    code, out, _ = verify(database_url, capsys)
    assert (code, out) == (1, "the audit trail: the append-only trigger is disabled\n")


def test_a_letter_replaced_with_its_hash_is_named_and_not_reprinted(
        ctx: AppContext, database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    made = signed_visit_and_letter(ctx)
    forged = b"%PDF-1.4 a letter nobody issued"
    tamper(database_url, lambda c, _: c.execute(
        text("UPDATE referral_letters SET pdf = :pdf, sha256 = :sha WHERE id = :id"),
        {"pdf": forged, "sha": hashlib.sha256(forged).hexdigest(), "id": made.letter_id}))
    code, out, _ = verify(database_url, capsys)
    assert (code, out) == (1, f"referral letter {made.letter_id}: the stored letter is not the one issued (replaced)\n")
    with pytest.raises(ServiceError, match=f"referral letter {made.letter_id} is not the letter that was issued"):
        reprint(ctx, made.letter_id)
