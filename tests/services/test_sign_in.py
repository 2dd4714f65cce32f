"""Signing in: five wrong passwords lock an account for fifteen minutes (and the trail says so),
the right password is refused while it is locked and accepted after; the first start of an empty
database asks for the clinic administrator and nothing else works until there is one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from exam_app.cli import main
from exam_app.services.accounts import (
    UNKNOWN_NAME,
    NewAccount,
    SignInRefused,
    add_account,
    create_first_administrator,
    sign_in,
)
from exam_app.services.context import AppContext, InvalidInput, ServiceError
from exam_app.store import models
from exam_app.tables import roles

PASSWORD = "right password 1"
T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def trail(ctx: AppContext, username: str) -> list[tuple[str, dict[str, object] | None]]:
    with ctx.db.session() as session:
        return [(e.action, e.detail) for e in session.scalars(
            select(models.AuditEvent).where(models.AuditEvent.entity == "user",
                                            models.AuditEvent.entity_id == username).order_by(models.AuditEvent.id))]


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(ctx: AppContext) -> None:
    assert (roles().accounts.max_failed_sign_ins, roles().accounts.lock_minutes) == (5, 15)
    add_account(ctx, NewAccount("pt.lock", "Pat Lock", "physiotherapist", PASSWORD))
    for attempt in range(4):
        with pytest.raises(SignInRefused, match=r"^wrong user name or password$"):
            sign_in(ctx.db, "pt.lock", f"wrong password {attempt}", now=T0 + timedelta(seconds=attempt))
    with pytest.raises(SignInRefused, match=r"'pt\.lock' is now locked for 15 min after 5 wrong passwords"):
        sign_in(ctx.db, "pt.lock", "wrong password 5", now=T0 + timedelta(seconds=5))
    # The sixth attempt, with the right password, is refused while the lock lasts.
    with pytest.raises(SignInRefused, match=r"'pt\.lock' is locked after 5 wrong passwords until"):
        sign_in(ctx.db, "pt.lock", PASSWORD, now=T0 + timedelta(minutes=15))
    assert sign_in(ctx.db, "pt.lock", PASSWORD, now=T0 + timedelta(minutes=15, seconds=6)).username == "pt.lock"
    events = trail(ctx, "pt.lock")
    assert [action for action, _ in events] == (
        ["account_created"] + ["sign_in_failed"] * 5 + ["account_locked", "sign_in_failed", "signed_in"])
    assert events[5][1] == {"why": "wrong password", "failures": 5}
    assert events[6][1] == {"until": (T0 + timedelta(seconds=5, minutes=15)).isoformat(), "minutes": 15}
    assert events[7][1] == {"why": "account locked"}


def test_a_right_password_between_wrong_ones_starts_the_count_again(ctx: AppContext) -> None:
    add_account(ctx, NewAccount("pt.count", "Pat Count", "physiotherapist", PASSWORD))
    for attempt in range(4):
        with pytest.raises(SignInRefused):
            sign_in(ctx.db, "pt.count", "wrong password", now=T0 + timedelta(seconds=attempt))
    sign_in(ctx.db, "pt.count", PASSWORD, now=T0 + timedelta(seconds=10))
    for attempt in range(4):
        with pytest.raises(SignInRefused, match=r"^wrong user name or password$"):
            sign_in(ctx.db, "pt.count", "wrong password", now=T0 + timedelta(seconds=20 + attempt))
    assert sign_in(ctx.db, "pt.count", PASSWORD, now=T0 + timedelta(seconds=30)).username == "pt.count"


def test_an_unknown_name_and_a_disabled_account_are_refused_and_noted(ctx: AppContext) -> None:
    from exam_app.services.accounts import set_active

    add_account(ctx, NewAccount("fd.gone", "Fay Gone", "front_desk", PASSWORD))
    set_active(ctx, "fd.gone", False)
    with pytest.raises(SignInRefused, match=r"'fd\.gone' is disabled"):
        sign_in(ctx.db, "fd.gone", PASSWORD)
    with pytest.raises(SignInRefused, match=r"^wrong user name or password$"):
        sign_in(ctx.db, "nobody.here", PASSWORD)
    assert trail(ctx, "fd.gone")[-1] == ("sign_in_failed", {"why": "account disabled"})
    assert trail(ctx, "nobody.here") == []  # a name that is no account (a password typed there?) is not kept
    assert trail(ctx, UNKNOWN_NAME) == [("sign_in_failed", {"why": "no such account", "characters": 11})]


def test_the_first_account_must_be_the_administrator_and_there_is_only_one_first(ctx: AppContext) -> None:
    from exam_app.services.startup import open_clinic

    empty = open_clinic(url=ctx.db.url.replace("exam-records", "empty-clinic")) if ctx.db.is_sqlite else None
    db = empty.db if empty is not None else ctx.db
    if empty is None:  # PostgreSQL: the tester's account is the only one; remove it to start empty
        with db.session(write=True) as session:
            session.query(models.User).delete()
    try:
        with pytest.raises(InvalidInput, match="the first account is the clinic administrator's"):
            create_first_administrator(db, NewAccount("pt.first", "Pat First", "physiotherapist", PASSWORD))
        with pytest.raises(InvalidInput, match="password: at least 10 characters"):
            create_first_administrator(db, NewAccount("admin", "Ada Admin", "admin", "short"))
        first = create_first_administrator(db, NewAccount("admin", "Ada Admin", "admin", PASSWORD))
        assert (first.username, first.role) == ("admin", "admin")
        with pytest.raises(ServiceError, match="accounts exist already"):
            create_first_administrator(db, NewAccount("admin2", "Second Admin", "admin", PASSWORD))
    finally:
        if empty is not None:
            empty.close()


@pytest.mark.no_clinic_admin
def test_on_an_empty_database_only_the_first_administrator_needs_no_sign_in(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    data = str(tmp_path / "data")
    monkeypatch.delenv("EXAM_APP_USER", raising=False)
    monkeypatch.delenv("EXAM_APP_PASSWORD", raising=False)
    no_account = ("exam-app: no account exists yet: create the clinic administrator's first "
                  "(exam-app user add NAME --role admin --full-name \"…\")\n")
    for command in (["worklist"], ["export", "A-1"], ["audit"], ["user", "list"], ["demo"]):
        assert main(["--data-dir", data, *command]) == 1, command
        assert capsys.readouterr().err == no_account, command
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--data-dir", data, "user", "add", "pt.first", "--role", "physiotherapist",
                 "--full-name", "Pat First", "--password-stdin"]) == 2
    assert "the first account is the clinic administrator's (--role admin)" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--data-dir", data, "user", "add", "ada", "--role", "admin", "--full-name", "Ada Admin",
                 "--password-stdin"]) == 0
    assert capsys.readouterr().out == "account ada (clinic administrator) added: the clinic's first administrator\n"
    # From now on every command signs in, the next `user add` too.
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--data-dir", data, "user", "add", "pt.next", "--role", "physiotherapist",
                 "--full-name", "Pat Next", "--password-stdin"]) == 2
    assert capsys.readouterr().err.startswith("exam-app: --user: say which account signs in")
    monkeypatch.setenv("EXAM_APP_PASSWORD", PASSWORD)
    monkeypatch.setattr("sys.stdin", io.StringIO("pt next password\n"))
    assert main(["--data-dir", data, "--user", "ada", "user", "add", "pt.next", "--role", "physiotherapist",
                 "--full-name", "Pat Next", "--password-stdin"]) == 0
    assert capsys.readouterr().out == "account pt.next (physiotherapist) added\n"
