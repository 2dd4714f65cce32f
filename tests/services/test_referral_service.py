"""Referral letters as the clinic issues them: only signed visits, stored as issued, re-printed
unchanged, every issue and re-print in the audit trail."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from exam_app.cli import main
from exam_app.clinical.record import Patient
from exam_app.services.context import ActingUser, AppContext, InvalidInput
from exam_app.services.demo import fill_demo_clinic
from exam_app.services.patients import register_patient
from exam_app.services.referral import (
    issue_letter,
    letters_of,
    referral_content,
    referral_options,
    reprint,
    signed_visits,
)
from exam_app.services.visits import start_visit
from exam_app.store import models
from tests.accounts import with_clinic_administrator

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_a_letter_is_stored_as_issued_and_reprinted_unchanged(ctx: AppContext, tmp_path: Path) -> None:
    fill_demo_clinic(ctx, 3, seed=1, now=NOW)
    content = referral_content(ctx, "D-0100001", recipient="Mr A. Surgeon, City Hospital", now=NOW)
    letter = issue_letter(ctx, content, referral_options())
    assert letter.sha256 == hashlib.sha256(letter.pdf).hexdigest()
    again = reprint(ctx, letter.letter_id)
    assert again.pdf == letter.pdf
    [summary] = letters_of(ctx, "D-0100001")
    assert (summary.recipient, summary.sha256) == ("Mr A. Surgeon, City Hospital", letter.sha256)
    text = text_of(letter.pdf, tmp_path)
    assert "D-0100001" in text and "Progression within the window period" in text
    with ctx.db.session() as session:
        actions = session.scalars(select(models.AuditEvent.action)
                                  .where(models.AuditEvent.entity == "referral_letter")).all()
    assert actions == ["referral_issued", "referral_reprinted"]


def test_only_a_signed_visit_can_be_referred(ctx: AppContext) -> None:
    register_patient(ctx, Patient("S-1", "Unsigned"))
    with pytest.raises(InvalidInput, match="only a signed visit can be referred"):
        referral_content(ctx, "S-1")
    draft = start_visit(ctx, "S-1")
    with pytest.raises(InvalidInput, match="is a draft: only a signed visit can be referred"):
        referral_content(ctx, "S-1", draft.visit_id)


def test_the_front_desk_issues_letters(ctx: AppContext) -> None:
    fill_demo_clinic(ctx, 2, seed=1, now=NOW)
    with ctx.db.session() as session:
        desk = session.scalar(select(models.User).where(models.User.username == "fd.lee"))
        assert desk is not None
        front_desk = AppContext(ctx.db, ActingUser(desk.id, desk.username, desk.display_name, desk.role))
    letter = issue_letter(front_desk, referral_content(front_desk, "D-0100002", now=NOW), referral_options())
    assert letters_of(ctx, "D-0100002")[0].issued_by == "Robin Lee"
    assert letter.pdf.startswith(b"%PDF")


def test_a_tampered_letter_is_not_reprinted(ctx: AppContext) -> None:
    fill_demo_clinic(ctx, 1, seed=1, now=NOW)
    letter = issue_letter(ctx, referral_content(ctx, "D-0100001", now=NOW), referral_options())
    with ctx.db.session() as session:
        row = session.get(models.ReferralLetter, letter.letter_id)
        assert row is not None
        row.pdf = row.pdf.replace(b"D-0100001", b"D-0100009")
    with pytest.raises(InvalidInput, match="does not match its stored hash"):
        reprint(ctx, letter.letter_id)


def test_the_referral_command_writes_the_letter(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    with_clinic_administrator(monkeypatch)
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "demo", "--patients", "2"]) == 0
    out = tmp_path / "letter.pdf"
    assert main(["--data-dir", data, "referral", "D-0100001", "--out", str(out), "--findings", "abnormal",
                 "--no-trend-chart"]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert "referral letter 1 for D-0100001" in capsys.readouterr().out
    assert main(["--data-dir", data, "referral", "D-0100001", "--out", str(out), "--visit", "yesterday"]) == 2
    assert "--visit: 'yesterday' is not a time" in capsys.readouterr().err
    assert main(["--data-dir", data, "referral", "D-0100001", "--out", str(tmp_path / "no" / "x.pdf")]) == 2
    assert "--out: cannot write" in capsys.readouterr().err


def test_the_letter_of_a_long_history_reads_the_earlier_visits_as_the_rules_do(ctx: AppContext) -> None:
    """The letter reads the visits before the last two from plain rows (a patient of hundreds of visits
    holds tens of thousands of findings): its assessment, trend and visits are those of the whole record."""
    import random
    from dataclasses import replace
    from datetime import timedelta

    from exam_app.clinical.assess import assess_visits
    from exam_app.clinical.record import ExamRecord
    from exam_app.report.referral import LemsPoint, latest_worksheet
    from exam_app.report.specimens import isncsci_below
    from exam_app.services.demo import SCENARIOS
    from exam_app.services.records import import_record, load_record

    now = datetime.now(UTC).replace(microsecond=0)
    rng = random.Random(3)
    scenario_visits = [visit for scenario in SCENARIOS for visit in scenario(now, rng)]
    start = now - timedelta(hours=30 * len(scenario_visits) + 24)
    visits = [replace(visit, examined_at=start + timedelta(hours=30 * i),
                      weakness_onset=start - timedelta(hours=10) if i == 0 else None)
              for i, visit in enumerate(scenario_visits)]
    visits[2] = replace(visits[2], isncsci=isncsci_below("T9", "1", "2"))  # read back from plain rows
    import_record(ctx, ExamRecord(Patient("LONG-1", "Long", "History"), visits), "test")
    whole = load_record(ctx, "LONG-1").visits
    assert len(whole) == len(visits) > 10
    for chosen in (len(whole) - 1, 6):  # the latest visit, and one chosen before it
        visit_id = signed_visits(ctx, "LONG-1")[len(whole) - 1 - chosen][0]
        content = referral_content(ctx, "LONG-1", visit_id=visit_id)
        upto = whole[: chosen + 1]
        expected = assess_visits(upto, ctx.window_days)
        assert content.assessment == expected[-1]
        assert content.lems_history == tuple(LemsPoint(a.examined_at, a.lems.left, a.lems.right) for a in expected)
        assert (content.visit, content.previous) == (upto[-1], upto[-2])
        assert content.isncsci_before == latest_worksheet(upto[:-1]) is not None
