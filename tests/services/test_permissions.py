"""Every role against every action of resources/roles.json, at the services: what the role may do
is done, what it may not is refused (NotPermitted) whatever screen or command asks. The actions are
read from roles.json: an action added there without a use case here fails the test that says so."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from exam_app.cli import main
from exam_app.clinical.doctor import DoctorNote
from exam_app.clinical.record import Patient
from exam_app.services.accounts import list_accounts
from exam_app.services.audit import audit_entries
from exam_app.services.backups import backup_to
from exam_app.services.context import AppContext, NotPermitted
from exam_app.services.doctor import save_note
from exam_app.services.exports import export_patient
from exam_app.services.handout import issue_handout
from exam_app.services.patients import register_patient
from exam_app.services.recall import mark_recall
from exam_app.services.records import import_record, read_record_file
from exam_app.services.referral import issue_letter, referral_content, referral_options
from exam_app.services.settings import clinic_settings, save_settings
from exam_app.services.visits import amend_visit, open_visit, save_draft, sign_visit, start_visit
from exam_app.tables import roles
from tests.accounts import PASSWORD, account, add_clinic_administrator
from tests.records import complete, example, write

PATIENT = "R-1"


@dataclass(frozen=True)
class Clinic:
    """What the actions act on, made by the tester before the role under test acts."""

    signed_visit: int
    signed_version: int
    draft_visit: int
    folder: Path


def clinic(ctx: AppContext, folder: Path) -> Clinic:
    register_patient(ctx, Patient(PATIENT, "Roles", "Ruth"))
    opened = start_visit(ctx, PATIENT, datetime(2026, 11, 2, 9, tzinfo=UTC))
    visit = complete(opened.visit)
    signed = sign_visit(ctx, opened.visit_id, visit, save_draft(ctx, opened.visit_id, visit, opened.version))
    draft = start_visit(ctx, PATIENT)
    return Clinic(opened.visit_id, signed, draft.visit_id, folder)


def _amend(ctx: AppContext, c: Clinic) -> None:
    opened = open_visit(ctx, c.signed_visit)
    amend_visit(ctx, c.signed_visit, replace(opened.visit, notes="corrected"), c.signed_version, "typing error")


def _import(ctx: AppContext, c: Clinic) -> None:
    document = example()
    document["patient"]["record_number"] = "R-2"
    import_record(ctx, read_record_file(write(c.folder / "r-2.json", document)), "r-2.json")


# One use case per action of roles.json, each needing that action and only that one.
USE_CASES: dict[str, Callable[[AppContext, Clinic], object]] = {
    "register_patient": lambda ctx, c: register_patient(ctx, Patient("R-9", "New", "Nora")),
    "record_visit": lambda ctx, c: start_visit(ctx, PATIENT, datetime(2026, 11, 3, 9, tzinfo=UTC)),
    "view_drafts": lambda ctx, c: open_visit(ctx, c.draft_visit),
    "amend_visit": _amend,
    "doctor_note": lambda ctx, c: save_note(ctx, c.signed_visit, DoctorNote(impression="L5 root"), None),
    "refer": lambda ctx, c: issue_letter(ctx, referral_content(ctx, PATIENT), referral_options()),
    "import": _import,
    "export": lambda ctx, c: export_patient(ctx, PATIENT, "json"),
    "recall": lambda ctx, c: mark_recall(ctx, PATIENT, "called"),
    "handout": lambda ctx, c: issue_handout(ctx, PATIENT),
    "settings": lambda ctx, c: save_settings(ctx, replace(clinic_settings(ctx), idle_lock_minutes=5)),
    "backup": lambda ctx, c: backup_to(ctx, c.folder / "backups" / "copy.backup"),
    "users": lambda ctx, c: list_accounts(ctx),
    "audit": lambda ctx, c: audit_entries(ctx),
}


def test_every_action_of_the_roles_table_has_a_use_case_here() -> None:
    assert set(USE_CASES) == set(roles().actions), "add a use case for each new action of resources/roles.json"


def _clinic_roles() -> list[str]:
    return [role for role in roles().roles if role in roles().labels and role != "tester"]


@pytest.mark.parametrize("role", _clinic_roles())
def test_each_role_does_what_it_may_and_is_refused_the_rest(ctx: AppContext, tmp_path: Path, role: str) -> None:
    made = clinic(ctx, tmp_path)
    acting = account(ctx.db, f"{role.replace('_', '.')}.x", role, f"Someone ({role})")
    wrong: list[str] = []
    for action in roles().actions:
        allowed = roles().may(role, action)
        try:
            USE_CASES[action](acting, made)
        except NotPermitted as refused:
            if allowed:
                wrong.append(f"{action}: refused, yet roles.json allows it ({refused})")
            elif roles().actions[action] not in str(refused):
                wrong.append(f"{action}: refused without saying what ({refused})")
            continue
        if not allowed:
            wrong.append(f"{action}: done, yet roles.json does not allow it")
    assert wrong == []


def test_the_clinic_roles_are_the_four_of_the_design() -> None:
    assert set(_clinic_roles()) == {"physiotherapist", "doctor", "front_desk", "admin"}


def test_a_refused_command_exits_1_and_says_who_may_not_do_what(
        sqlite_ctx: AppContext, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line goes through the same services: the front desk may not export or read the
    trail; the administrator may."""
    from exam_app.services.accounts import NewAccount, add_account

    register_patient(sqlite_ctx, Patient(PATIENT, "Roles", "Ruth"))
    add_clinic_administrator(sqlite_ctx.db)
    admin = account(sqlite_ctx.db, "clinic.admin", "admin")
    add_account(admin, NewAccount("fd.desk", "Robin Desk", "front_desk", PASSWORD))
    sqlite_ctx.close()
    data = str(tmp_path / "data")
    monkeypatch.setenv("EXAM_APP_PASSWORD", PASSWORD)
    assert main(["--data-dir", data, "--user", "fd.desk", "export", PATIENT]) == 1
    assert capsys.readouterr().err == "exam-app: Robin Desk (front desk) may not export a patient's record\n"
    assert main(["--data-dir", data, "--user", "fd.desk", "audit"]) == 1
    assert capsys.readouterr().err == "exam-app: Robin Desk (front desk) may not read the audit trail and check it\n"
    assert main(["--data-dir", data, "--user", "clinic.admin", "export", PATIENT]) == 0
    assert PATIENT in capsys.readouterr().out
