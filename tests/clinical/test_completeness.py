"""What a complete examination records, and what is listed as still missing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from exam_app.clinical.completeness import Part, has_findings, missing_items, unanswered_red_flags
from exam_app.clinical.record import TensionSign, Visit
from exam_app.clinical.vocabulary import vocabulary
from tests.records import complete

EMPTY = Visit(examined_at=datetime(2026, 11, 2, 9, 30, tzinfo=UTC))


def test_an_empty_visit_misses_every_item_in_the_order_of_the_pages() -> None:
    vocab = vocabulary()
    missing = missing_items(EMPTY)
    expected = (len(vocab.red_flags) + 2 * len(vocab.motor_items) + 2 * 2 * len(vocab.sensory_levels)
                + 2 * (len(vocab.reflexes) + 1 + 1 + len(vocab.tension_signs) + len(vocab.gait_items)) + 2)
    assert len(missing) == expected == 14 + 22 + 36 + 2 * 10 + 2
    parts = [m.part for m in missing]
    assert parts == sorted(parts, key=[Part.HISTORY, Part.MOTOR, Part.SENSORY, Part.SIGNS].index)
    assert missing[14].label == "left hip flexion grade"
    assert missing[-1].label == "deep anal pressure (DAP)"


def test_nt_counts_as_recorded_and_a_completed_visit_misses_nothing() -> None:
    done = complete(EMPTY)
    assert missing_items(done) == []
    not_tested = {"left": TensionSign("NT"), "right": TensionSign("NT")}
    not_testable = replace(done, motor={**done.motor, "hip_flexion": {"left": "NT", "right": "NT*"}},
                           tension_signs={**done.tension_signs, "straight_leg_raise": not_tested})
    assert missing_items(not_testable) == []
    one_gone = replace(done, ankle_clonus_beats={"left": 0})
    [gap] = missing_items(one_gone)
    assert (gap.part, gap.kind, gap.side) == (Part.SIGNS, "ankle_clonus_beats", "right")
    assert gap.label == "right ankle clonus"


def test_red_flags_answered_yes_or_no_are_answered() -> None:
    flags = [f.id for f in vocabulary().red_flags]
    visit = replace(EMPTY, red_flags=(flags[0],), red_flags_no=tuple(flags[2:]))
    assert unanswered_red_flags(visit) == [flags[1]]


def test_a_draft_with_nothing_entered_has_no_findings() -> None:
    assert not has_findings(EMPTY)
    assert has_findings(replace(EMPTY, red_flags_no=("stroke_signs",)))
    assert has_findings(replace(EMPTY, notes="came in a wheelchair"))
