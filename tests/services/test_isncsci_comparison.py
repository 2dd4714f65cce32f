"""ISNCSCI results over a patient's visits in the comparison: a fall of the AIS grade or a level moving
up is worse; sets of possible answers are worse only whichever answer holds; tagged results are not
compared."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from exam_app.clinical.compare import BETTER, ISNCSCI, RECHECK, SAME, WORSE, Cell, isncsci_reading, mark
from exam_app.clinical.isncsci import entry_key, isncsci_tables, with_remaining_normal
from exam_app.clinical.record import ExamRecord, Patient
from exam_app.services.comparison import compare_visits
from exam_app.services.context import AppContext
from exam_app.services.records import import_record
from exam_app.services.referral import issue_letter, referral_content, referral_options
from exam_app.store import models
from tests.report.pdf import text as text_of_pdf
from tests.services.test_comparison import FIRST, ONSET, examination

AIS = Cell(ISNCSCI, "asiaImpairmentScale", "")
NLI = Cell(ISNCSCI, "neurologicalLevelOfInjury", "")
LEFT_SENSORY = Cell(ISNCSCI, "leftSensory", "left")


def below(level: str, sensation: str, motor: str) -> dict[str, str]:
    """Both sides: light touch and pin prick `sensation` and key muscles `motor` from `level` down,
    sacral sparing kept (S4-5 sensation 1, DAP yes), VAC no."""
    tables = isncsci_tables()
    start = tables.levels.index(level)
    entries = {}
    for side in ("right", "left"):
        for dermatome in tables.levels[start:]:
            for kind in ("light_touch", "pin_prick"):
                entries[entry_key(dermatome, side, kind)] = sensation
            if dermatome in tables.key_muscle_levels:
                entries[entry_key(dermatome, side, "motor")] = motor
        entries[entry_key("S4_5", side, "light_touch")] = "1"
    return with_remaining_normal({**entries, "analContraction": "No", "analSensation": "Yes"})


@pytest.mark.parametrize(("before", "after", "expected"), [
    ("C", "B", WORSE), ("B", "C", BETTER), ("D", "D", SAME), ("E", "A", WORSE),
    ("C", "A,B", WORSE), ("A,B", "C", BETTER), ("B,C", "C,D", RECHECK), ("B,C", "B,C", SAME),
])
def test_a_fall_of_the_ais_grade_is_worse(before: str, after: str, expected: str) -> None:
    first, second = isncsci_reading("asiaImpairmentScale", before), isncsci_reading("asiaImpairmentScale", after)
    assert first.standing is not None and second.standing is not None
    assert mark(first.standing, second.standing) == expected


@pytest.mark.parametrize(("before", "after", "expected"), [
    ("T10", "T8", WORSE), ("T8", "T10", BETTER), ("INT", "S4_5", WORSE), ("S4_5", "INT", BETTER),
    ("C5,C6", "C7", BETTER), ("C6", "C4,C5", WORSE), ("C5,C6", "C6,C7", RECHECK),
])
def test_a_level_moving_up_is_worse(before: str, after: str, expected: str) -> None:
    first, second = isncsci_reading("rightSensory", before), isncsci_reading("rightSensory", after)
    assert first.standing is not None and second.standing is not None
    assert mark(first.standing, second.standing) == expected


def test_a_result_resting_on_a_tagged_score_is_shown_not_compared() -> None:
    assert isncsci_reading("neurologicalLevelOfInjury", "C5*").standing is None
    assert isncsci_reading("asiaImpairmentScale", "C,D*").standing is None


def test_the_comparison_shows_the_ais_grade_and_levels_and_marks_a_fall(ctx: AppContext) -> None:
    first = replace(examination(FIRST, ONSET), isncsci=below("T11", "1", "3"))
    second = replace(examination(FIRST + timedelta(days=1)), isncsci=below("T9", "1", "2"))
    without = examination(FIRST + timedelta(days=2))
    import_record(ctx, ExamRecord(Patient("I-1"), [first, second, without]), "test")
    comparison = compare_visits(ctx, "I-1")
    assert comparison.groups[0].title == "ISNCSCI 2019"
    ais, nli = comparison.row(AIS), comparison.row(NLI)
    assert [comparison.cell(ais, n).text for n in range(3)] == ["D", "C", ""]
    assert comparison.cell(ais, 1).mark == WORSE and comparison.cell(ais, 1).before == "D"
    assert [comparison.cell(nli, n).text for n in range(2)] == ["T10", "T8"]
    assert comparison.cell(nli, 1).mark == WORSE
    assert comparison.cell(comparison.row(LEFT_SENSORY), 1).mark == WORSE
    assert comparison.columns[1].isncsci_worse[:2] == ("AIS grade D → C", "neurological level of injury T10 → T8")
    assert comparison.columns[0].isncsci_worse == ()
    assert comparison.columns[2].isncsci_worse == ()


def test_a_patient_without_worksheets_has_no_isncsci_rows(ctx: AppContext) -> None:
    import_record(ctx, ExamRecord(Patient("I-2"), [examination(FIRST, ONSET)]), "test")
    assert all(group.title != "ISNCSCI 2019" for group in compare_visits(ctx, "I-2").groups)


def test_the_letter_compares_with_the_latest_earlier_worksheet_and_keeps_what_it_said(ctx: AppContext) -> None:
    first = replace(examination(FIRST, ONSET), isncsci=below("T11", "1", "3"))
    between = examination(FIRST + timedelta(hours=12))  # no worksheet at this visit
    last = replace(examination(FIRST + timedelta(days=1)), isncsci=below("T9", "1", "2"))
    import_record(ctx, ExamRecord(Patient("I-3"), [first, between, last]), "test")
    content = referral_content(ctx, "I-3", now=FIRST + timedelta(days=2))
    assert content.isncsci_before is not None and content.isncsci_before.examined_at == FIRST
    letter = issue_letter(ctx, content, referral_options())
    words = " ".join(text_of_pdf(letter.pdf).split())
    assert "AIS grade: D → C (worse)" in words
    with ctx.db.session() as session:
        row = session.get(models.ReferralLetter, letter.letter_id)
        assert row is not None
        assert row.summary["isncsci"]["asiaImpairmentScale"] == "C"
        assert row.summary["isncsci"]["neurologicalLevelOfInjury"] == "T8"
