"""Who is acting: signing in, the first administrator, and the accounts an administrator keeps.

Passwords are hashed with Argon2id and never stored, logged or shown; five wrong passwords in a row
lock the account for fifteen minutes (the numbers are data: `accounts` in `resources/roles.json`).
Every sign-in, failure, lock and change of an account goes to the audit trail.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, NoReturn

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exam_app.services.context import ActingUser, AppContext, InvalidInput, NotFound, ServiceError
from exam_app.store import models
from exam_app.store.database import Database
from exam_app.store.faults import StorageFault
from exam_app.store.repository import audit
from exam_app.tables import roles

USERNAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")

UNKNOWN_NAME = "(a name that is no account)"  # what the trail says of a refused unknown name


class SignInRefused(ServiceError):
    """Wrong name or password, a locked or disabled account: the message says which, not more."""

    exit_code = 2  # what was given (the name and password) is wrong


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # Argon2id, the library's recommended parameters


@dataclass(frozen=True)
class Account:
    username: str
    full_name: str
    role: str
    active: bool
    registration_number: str | None
    phone: str | None
    email: str | None
    locked_until: datetime | None

    @property
    def role_label(self) -> str:
        return roles().label(self.role)


def _account(row: models.User) -> Account:
    return Account(row.username, row.display_name, row.role, row.active, row.registration_number, row.phone,
                   row.email, row.locked_until)


def acting_user(row: models.User) -> ActingUser:
    return ActingUser(row.id, row.username, row.display_name, row.role, row.registration_number,
                      row.phone, row.email)


def accounts_exist(db: Database) -> bool:
    with db.session() as session:
        return bool(session.scalar(select(func.count()).select_from(models.User)))


def check_password(password: str) -> None:
    shortest = roles().accounts.min_password_length
    if len(password) < shortest:
        raise InvalidInput(f"password: at least {shortest} characters")
    if password.strip() != password:
        raise InvalidInput("password: no spaces at its start or end")


def _check_username(username: str) -> str:
    name = username.strip().lower()
    if not name or not set(name) <= USERNAME_CHARACTERS or len(name) > 64:
        raise InvalidInput(f"user name: {username!r} is not a user name (letters, digits, dot, dash, underscore)")
    return name


def _check_role(role: str) -> str:
    if role not in roles().roles:
        raise InvalidInput(f"role: {role!r} is not one of {', '.join(roles().roles)}")
    return role


# ---------------------------------------------------------------- signing in


def sign_in(db: Database, username: str, password: str, now: datetime | None = None) -> ActingUser:
    """The account, if the password is its own; SignInRefused otherwise (and the trail says so).

    The password is checked outside any transaction; what the attempt changes (the count of wrong
    passwords, the lock, the trail) is written after. A database that cannot take that write (busy,
    read-only, full) still lets the right password in, so the clinic can read during a fault; the
    sign-in is then noted in the trail with the first write it takes (`ActingUser.sign_in_unnoted`).
    """
    moment = now or datetime.now(UTC)
    name = username.strip().lower()
    with db.session() as session:
        row = session.scalar(select(models.User).where(models.User.username == name))
        if row is not None:
            session.expunge(row)
    if row is None:
        # The name typed is not kept: a password typed into the name field must not reach the trail.
        _note_refusal(db, None, UNKNOWN_NAME, {"why": "no such account", "characters": len(username.strip())})
        raise SignInRefused("wrong user name or password")
    if not row.active:
        _note_refusal(db, row.id, row.username, {"why": "account disabled"})
        raise SignInRefused(f"the account {row.username!r} is disabled: ask the clinic administrator")
    if row.locked_until is not None and row.locked_until > moment:
        _note_refusal(db, row.id, row.username, {"why": "account locked"})
        raise SignInRefused(f"the account {row.username!r} is locked after {roles().accounts.max_failed_sign_ins} "
                            f"wrong passwords until {row.locked_until.astimezone():%H:%M}")
    if not _password_matches(row, password):
        _wrong_password(db, row.id, moment)
    try:
        with db.session(write=True) as session:
            stored = session.get(models.User, row.id)
            assert stored is not None
            stored.failed_sign_ins = 0
            stored.locked_until = None
            if _hasher().check_needs_rehash(stored.password_hash or ""):
                stored.password_hash = _hasher().hash(password)
            audit(session, stored.id, "signed_in", "user", stored.username)
    except StorageFault:
        return replace(acting_user(row), sign_in_unnoted=moment)
    return acting_user(row)


def _note_refusal(db: Database, user_id: int | None, username: str, detail: dict[str, Any]) -> None:
    with contextlib.suppress(StorageFault), db.session(write=True) as session:
        audit(session, user_id, "sign_in_failed", "user", username, detail)


def _wrong_password(db: Database, user_id: int, moment: datetime) -> NoReturn:
    """Count the wrong password (locking the account after too many) and refuse."""
    rules = roles().accounts
    with contextlib.suppress(StorageFault), db.session(write=True) as session:
        row = session.get(models.User, user_id)
        assert row is not None
        row.failed_sign_ins += 1
        audit(session, row.id, "sign_in_failed", "user", row.username,
              {"why": "wrong password", "failures": row.failed_sign_ins})
        if row.failed_sign_ins >= rules.max_failed_sign_ins:
            row.locked_until = moment + timedelta(minutes=rules.lock_minutes)
            row.failed_sign_ins = 0
            audit(session, row.id, "account_locked", "user", row.username,
                  {"until": row.locked_until.isoformat(), "minutes": rules.lock_minutes})
            session.commit()
            raise SignInRefused(f"the account {row.username!r} is now locked for {rules.lock_minutes} min after "
                                f"{rules.max_failed_sign_ins} wrong passwords")
    raise SignInRefused("wrong user name or password")


def _password_matches(row: models.User, password: str) -> bool:
    if not row.password_hash:
        return False
    try:
        return bool(_hasher().verify(row.password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def note_lock(ctx: AppContext, reason: str) -> None:
    """The window locked itself (idle) or was locked; noted in the trail."""
    with ctx.db.session(write=True) as session:
        audit(session, ctx.user.id, "screen_locked", "user", ctx.user.username, {"why": reason})


# ---------------------------------------------------------------- accounts


@dataclass(frozen=True)
class NewAccount:
    username: str
    full_name: str
    role: str
    password: str
    registration_number: str | None = None
    phone: str | None = None
    email: str | None = None


def _new_row(account: NewAccount) -> models.User:
    check_password(account.password)
    if not account.full_name.strip():
        raise InvalidInput("full name: required (it signs visits and letters)")
    return models.User(
        username=_check_username(account.username), display_name=account.full_name.strip(),
        role=_check_role(account.role), active=True, password_hash=_hasher().hash(account.password),
        registration_number=(account.registration_number or "").strip() or None,
        phone=(account.phone or "").strip() or None, email=(account.email or "").strip() or None,
        password_changed_at=datetime.now(UTC), failed_sign_ins=0)


def create_first_administrator(db: Database, account: NewAccount) -> ActingUser:
    """The clinic's first account, an administrator; refused once any account exists."""
    if account.role != "admin":
        raise InvalidInput("role: the first account is the clinic administrator's (--role admin)")
    with db.session(write=True) as session:
        if session.scalar(select(func.count()).select_from(models.User)):
            raise ServiceError("accounts exist already: sign in as an administrator to add one")
        row = _new_row(account)
        session.add(row)
        session.flush()
        audit(session, row.id, "account_created", "user", row.username,
              {"role": row.role, "full_name": row.display_name, "first_administrator": True})
        return acting_user(row)


def add_account(ctx: AppContext, account: NewAccount) -> Account:
    ctx.require("users")
    with ctx.db.session(write=True) as session:
        if session.scalar(select(models.User.id).where(models.User.username == account.username.strip().lower())):
            raise InvalidInput(f"user name: {account.username!r} is taken")
        row = _new_row(account)
        session.add(row)
        session.flush()
        audit(session, ctx.user.id, "account_created", "user", row.username,
              {"role": row.role, "full_name": row.display_name, "registration_number": row.registration_number})
        return _account(row)


def list_accounts(ctx: AppContext) -> list[Account]:
    ctx.require("users")
    with ctx.db.session() as session:
        return [_account(r) for r in session.scalars(select(models.User).order_by(models.User.username))]


def _row(session: Session, username: str) -> models.User:
    row = session.scalar(select(models.User).where(models.User.username == username.strip().lower()))
    if row is None:
        raise NotFound(f"no account named {username!r}")
    return row


def set_active(ctx: AppContext, username: str, active: bool) -> Account:
    """Disable (or enable again) an account; never one's own last way in."""
    ctx.require("users")
    with ctx.db.session(write=True) as session:
        row = _row(session, username)
        if not active and row.id == ctx.user.id:
            raise InvalidInput("you cannot disable your own account")
        if not active and row.role == "admin" and _other_active_admins(session, row.id) == 0:
            raise InvalidInput("the clinic would have no active administrator left")
        row.active = active
        row.locked_until = None if active else row.locked_until
        row.failed_sign_ins = 0
        audit(session, ctx.user.id, "account_enabled" if active else "account_disabled", "user", row.username)
        return _account(row)


def _other_active_admins(session: Session, user_id: int) -> int:
    return int(session.scalar(select(func.count()).select_from(models.User).where(
        models.User.role == "admin", models.User.active.is_(True), models.User.id != user_id)) or 0)


def set_role(ctx: AppContext, username: str, role: str) -> Account:
    ctx.require("users")
    with ctx.db.session(write=True) as session:
        row = _row(session, username)
        before = row.role
        if before == "admin" and role != "admin" and _other_active_admins(session, row.id) == 0:
            raise InvalidInput("the clinic would have no active administrator left")
        row.role = _check_role(role)
        audit(session, ctx.user.id, "account_role_changed", "user", row.username, {"before": before, "after": role})
        return _account(row)


def update_details(ctx: AppContext, username: str, full_name: str | None = None,
                   registration_number: str | None = None, phone: str | None = None,
                   email: str | None = None) -> Account:
    """The name, registration number and contact an account signs with (its own, or any as administrator)."""
    own = username.strip().lower() == ctx.user.username
    if not own:
        ctx.require("users")
    with ctx.db.session(write=True) as session:
        row = _row(session, username)
        before = _account(row)
        if full_name is not None:
            if not full_name.strip():
                raise InvalidInput("full name: required (it signs visits and letters)")
            row.display_name = full_name.strip()
        for field, value in (("registration_number", registration_number), ("phone", phone), ("email", email)):
            if value is not None:
                setattr(row, field, value.strip() or None)
        after = _account(row)
        changed = {k: {"before": getattr(before, k), "after": getattr(after, k)}
                   for k in ("full_name", "registration_number", "phone", "email")
                   if getattr(before, k) != getattr(after, k)}
        audit(session, ctx.user.id, "account_details_changed", "user", row.username, {"changed": changed})
        return after


def reset_password(ctx: AppContext, username: str, new_password: str) -> None:
    """An administrator gives an account a new password (and unlocks it)."""
    ctx.require("users")
    check_password(new_password)
    with ctx.db.session(write=True) as session:
        row = _row(session, username)
        row.password_hash = _hasher().hash(new_password)
        row.password_changed_at = datetime.now(UTC)
        row.failed_sign_ins = 0
        row.locked_until = None
        audit(session, ctx.user.id, "password_reset", "user", row.username)


def change_own_password(ctx: AppContext, current: str, new_password: str) -> None:
    check_password(new_password)
    with ctx.db.session(write=True) as session:
        row = _row(session, ctx.user.username)
        if not _password_matches(row, current):
            audit(session, ctx.user.id, "password_change_refused", "user", row.username)
            session.commit()
            raise InvalidInput("current password: not the account's password")
        if current == new_password:
            raise InvalidInput("new password: the same as the current one")
        row.password_hash = _hasher().hash(new_password)
        row.password_changed_at = datetime.now(UTC)
        audit(session, ctx.user.id, "password_changed", "user", row.username)
