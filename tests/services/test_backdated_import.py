"""A visit imported with a time before a patient's signed visits changes what the engine says of them:
refused unless allowed; when allowed, the changed visits are listed and audited, and each signed visit
keeps the assessment it was signed with, shown beside today's."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from exam_app.cli import main
from exam_app.services.assessment import patient_overview
from exam_app.services.comparison import compare_visits
from exam_app.services.context import AppContext, InvalidInput
from exam_app.services.records import import_file, load_record
from exam_app.services.visits import amend_visit, open_visit, sign_visit, start_visit
from exam_app.store import models
from tests.accounts import open_as_tester
from tests.records import complete, example, write

LATER = "2026-11-02T09:30:00+01:00"  # the example's visit: weak left L5 muscles, onset the evening before

pytestmark = pytest.mark.usefixtures("clinic_admin")  # the commands sign in


def earlier_normal_visit() -> dict[str, Any]:
    """The same patient two hours earlier, with nothing weak: so the later visit becomes a worsening."""
    document = example()
    visit = copy.deepcopy(document["visits"][0])
    visit.update(examined_at="2026-11-02T07:30:00+01:00", tension_signs={},
                 motor={"great_toe_extension": {"left": "5", "right": "5"},
                        "ankle_dorsiflexion": {"left": "5", "right": "5"}},
                 light_touch={"L5": {"left": "2", "right": "2"}}, pin_prick={"L5": {"left": "2", "right": "2"}},
                 gait={"heel_walk": {"left": "normal", "right": "normal"}})
    document["visits"] = [visit]
    return document


@pytest.fixture
def signed_later_visit(ctx: AppContext, tmp_path: Path) -> Path:
    import_file(ctx, write(tmp_path / "later.json", example()))
    return write(tmp_path / "earlier.json", earlier_normal_visit())


def _actions(ctx: AppContext) -> list[str]:
    with ctx.db.session() as session:
        return list(session.scalars(select(models.AuditEvent.action).order_by(models.AuditEvent.id)))


def test_a_visit_before_the_signed_ones_is_refused_and_nothing_is_stored(
        ctx: AppContext, signed_later_visit: Path) -> None:
    with pytest.raises(InvalidInput) as refused:
        import_file(ctx, signed_later_visit)
    assert str(refused.value) == (
        f"{signed_later_visit}: visits[0].examined_at: 2026-11-02T07:30:00+01:00 is before A-1001's signed visit "
        f"of {LATER}: it would change the assessment of visits already signed (and of letters issued from them); "
        "nothing was imported. Import with --allow-backdated to list and record the changes")
    assert [v.examined_at.isoformat() for v in load_record(ctx, "A-1001").visits] == [LATER]
    assert "backdated_import" not in _actions(ctx)


def test_allowed_the_changed_visits_are_listed_audited_and_keep_what_they_were_signed_with(
        ctx: AppContext, signed_later_visit: Path) -> None:
    before = patient_overview(ctx, "A-1001").visits[0]
    assert before.assessment is not None
    assert (before.assessment.urgency, before.assessment.progression_within_window) == ("urgent", False)

    result = import_file(ctx, signed_later_visit, allow_backdated=True)
    assert (result.visits_added, result.backdated) == (1, 1)
    [changed] = result.changed
    assert changed.examined_at.isoformat() == LATER
    assert changed.changes == ("urgency: urgent → same day", "worse than before: no → yes",
                               "progression within the window: no → yes")

    with ctx.db.session() as session:
        event = session.scalar(select(models.AuditEvent).where(models.AuditEvent.action == "backdated_import"))
        assert event is not None and event.detail is not None
        [audited] = event.detail["assessments_changed"]
        assert audited["changes"] == list(changed.changes)
        assert audited["as_signed"]["urgency"] == "urgent"

    later = patient_overview(ctx, "A-1001").visits[0]  # newest first
    assert later.assessment is not None and later.as_signed is not None
    assert later.assessment.urgency == "same_day" and later.as_signed["urgency"] == "urgent"
    assert later.as_signed["source"] == "imported" and later.as_signed["progression_within_window"] is False
    assert later.changed_since_signing == (
        "urgency: urgent when imported, same day now", "worse than before: no when imported, yes now",
        "progression within the window: no when imported, yes now")
    earlier = patient_overview(ctx, "A-1001").visits[1]
    assert earlier.changed_since_signing == ()  # the backdated visit was assessed as it was imported
    columns = compare_visits(ctx, "A-1001").columns
    assert [bool(c.changed_since_signing) for c in columns] == [False, True]


def test_a_signed_visit_keeps_the_assessment_it_was_signed_with(ctx: AppContext) -> None:
    from exam_app.clinical.record import Patient
    from exam_app.services.patients import register_patient

    register_patient(ctx, Patient("S-1", "Signed", "With"))
    opened = start_visit(ctx, "S-1")
    version = sign_visit(ctx, opened.visit_id, complete(opened.visit), opened.version)
    kept = open_visit(ctx, opened.visit_id).signed_assessment
    assert kept is not None
    assert (kept["source"], kept["urgency"], kept["pattern"], kept["worsened"]) == ("signed", "routine", "normal",
                                                                                   False)
    weaker = replace(complete(opened.visit), motor={**complete(opened.visit).motor,
                                                    "ankle_dorsiflexion": {"left": "2", "right": "5"}})
    amend_visit(ctx, opened.visit_id, weaker, version, "graded on the wrong side")
    amended = open_visit(ctx, opened.visit_id).signed_assessment
    assert amended is not None and amended["source"] == "amended" and amended["pattern"] != "normal"
    with ctx.db.session() as session:  # the answer it was signed with stays in the audit trail
        event = session.scalar(select(models.AuditEvent).where(models.AuditEvent.action == "visit_amended"))
        assert event is not None and event.detail is not None
        assert event.detail["assessment_before"]["source"] == "signed"


def test_visits_signed_before_the_upgrade_get_the_assessment_of_the_upgrade(
        database_url: str, tmp_path: Path) -> None:
    ctx = open_as_tester(url=database_url)
    import_file(ctx, write(tmp_path / "rec.json", example()))
    with ctx.db.session(write=True) as session:  # as a database written before revision 0005 holds them
        session.execute(update(models.Visit).values(signed_assessment=None))
    ctx.close()
    ctx = open_as_tester(url=database_url)
    try:
        [row] = patient_overview(ctx, "A-1001").visits
        assert row.as_signed is not None
        assert (row.as_signed["source"], row.as_signed["urgency"]) == ("upgrade", "urgent")
    finally:
        ctx.close()


def test_the_import_command_refuses_then_lists_the_changes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "import", str(write(tmp_path / "later.json", example()))]) == 0
    earlier = str(write(tmp_path / "earlier.json", earlier_normal_visit()))
    capsys.readouterr()
    assert main(["--data-dir", data, "import", earlier]) == 2
    assert "--allow-backdated" in capsys.readouterr().err
    assert main(["--data-dir", data, "import", earlier, "--allow-backdated"]) == 0
    out = capsys.readouterr().out
    assert "1 visits added, 0 already stored, 1 before signed visits" in out
    assert (f"  assessment changed: visit of {LATER}: urgency: urgent → same day; worse than before: no → yes; "
            "progression within the window: no → yes (it keeps the assessment it was signed with)") in out
    ctx = open_as_tester(data_dir=tmp_path / "data")
    try:
        with ctx.db.session() as session:  # the worklist acts on today's assessment
            assert session.scalar(select(models.PatientStatus.urgency)) == "same_day"
    finally:
        ctx.close()
