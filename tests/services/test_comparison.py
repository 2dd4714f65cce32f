"""The comparison of a patient's signed visits (exam_app.services.comparison), on SQLite and, when
a server is available, PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from exam_app.clinical.compare import (
    BETTER,
    LEMS,
    LIGHT_TOUCH,
    MOTOR,
    PLANTAR_RESPONSE,
    RECHECK,
    REFLEX,
    SAME,
    WORSE,
    Cell,
)
from exam_app.clinical.record import ExamRecord, Patient, TensionSign, Visit
from exam_app.clinical.vocabulary import SIDES, vocabulary
from exam_app.services.comparison import Comparison, _signed_visits, compare_visits
from exam_app.services.context import AppContext, NotFound
from exam_app.services.demo import fill_demo_clinic
from exam_app.services.records import import_record
from exam_app.services.visits import start_visit, stored_visits

ZONE = timezone(timedelta(hours=1))
FIRST = datetime(2026, 11, 2, 9, 30, tzinfo=ZONE)
ONSET = datetime(2026, 11, 1, 20, 0, tzinfo=ZONE)


def _both(value: str) -> dict[str, str]:
    return {side: value for side in SIDES}


def examination(at: datetime, onset: datetime | None = None, **left: str) -> Visit:
    """A full normal examination, with some movements of the left leg graded otherwise."""
    vocab = vocabulary()
    motor = {m.id: _both("5") for m in vocab.motor_items}
    for item, grade in left.items():
        motor[item] = {"left": grade, "right": "5"}
    return Visit(
        examined_at=at, examiner="pt.smith", weakness_onset=onset, motor=motor,
        light_touch={level.id: _both("2") for level in vocab.sensory_levels},
        pin_prick={level.id: _both("2") for level in vocab.sensory_levels},
        reflexes={r.id: _both("2") for r in vocab.reflexes}, plantar_response=_both("flexor"),
        ankle_clonus_beats=_both_int(0), gait={g.id: _both("normal") for g in vocab.gait_items},
        tension_signs={"straight_leg_raise": {side: TensionSign("negative") for side in SIDES}},
        vac="yes", dap="yes")


def _both_int(value: int) -> dict[str, int]:
    return {side: value for side in SIDES}


def three_visits() -> list[Visit]:
    """A left L5 radiculopathy over three visits: worse at the second, partly better at the third.

    | left                | 1st | 2nd        | 3rd        |
    | hip abduction       | 5   | 4+ worse   | 5 better   |
    | ankle dorsiflexion  | 4+  | 4- recheck | 4- same    |
    | great-toe extension | 4-  | 4+ better  | 3 worse    |
    | L5 light touch      | 2   | 1 worse    | 2 better   |
    | Achilles reflex     | 2   | 1 worse    | 2 better   |
    | plantar response    | fl. | extensor w.| flexor b.  |
    """
    first = examination(FIRST, ONSET, hip_abduction="5", ankle_dorsiflexion="4+", great_toe_extension="4-")
    second = examination(FIRST + timedelta(days=1), hip_abduction="4+", ankle_dorsiflexion="4-",
                         great_toe_extension="4+")
    second.light_touch["L5"] = {"left": "1", "right": "2"}
    second.reflexes["achilles"] = {"left": "1", "right": "2"}
    second.plantar_response = {"left": "extensor", "right": "flexor"}
    third = examination(FIRST + timedelta(days=6), hip_abduction="5", ankle_dorsiflexion="4-",
                        great_toe_extension="3")
    return [first, second, third]


def store_three_visits(ctx: AppContext, record_number: str = "C-3") -> str:
    import_record(ctx, ExamRecord(Patient(record_number, "Doe", "Jane"), three_visits()), "test")
    return record_number


def marks(comparison: Comparison, cell: Cell) -> list[str | None]:
    return list(comparison.row(cell).marks)


def texts(comparison: Comparison, cell: Cell) -> list[str]:
    row = comparison.row(cell)
    return [comparison.cell(row, column).text for column in range(len(comparison.columns))]


def test_a_patient_with_three_visits_shows_the_right_cells_as_worse_better_and_recheck(ctx: AppContext) -> None:
    comparison = compare_visits(ctx, store_three_visits(ctx))
    assert [c.examined_at for c in comparison.columns] == [v.examined_at for v in three_visits()]
    assert marks(comparison, Cell(MOTOR, "hip_abduction", "left")) == [None, WORSE, BETTER]
    assert marks(comparison, Cell(MOTOR, "ankle_dorsiflexion", "left")) == [None, RECHECK, SAME]
    assert marks(comparison, Cell(MOTOR, "great_toe_extension", "left")) == [None, BETTER, WORSE]
    assert marks(comparison, Cell(LIGHT_TOUCH, "L5", "left")) == [None, WORSE, BETTER]
    assert marks(comparison, Cell(REFLEX, "achilles", "left")) == [None, WORSE, BETTER]
    assert marks(comparison, Cell(PLANTAR_RESPONSE, PLANTAR_RESPONSE, "left")) == [None, WORSE, BETTER]
    assert marks(comparison, Cell(MOTOR, "hip_abduction", "right")) == [None, SAME, SAME]
    assert texts(comparison, Cell(MOTOR, "great_toe_extension", "left")) == ["4-", "4+", "3"]
    # great-toe extension is a key muscle: the left LEMS follows it
    assert texts(comparison, Cell(LEMS, LEMS, "left")) == ["23", "23", "22"]
    assert marks(comparison, Cell(LEMS, LEMS, "left")) == [None, SAME, WORSE]


def test_a_cell_says_what_it_was_compared_with(ctx: AppContext) -> None:
    comparison = compare_visits(ctx, store_three_visits(ctx))
    row = comparison.row(Cell(MOTOR, "great_toe_extension", "left"))
    cell = comparison.cell(row, 2)
    assert (cell.text, cell.mark, cell.before, cell.number) == ("3", WORSE, "4+", 3.0)
    assert cell.before_at == comparison.columns[1].examined_at
    first = comparison.cell(row, 0)
    assert (first.mark, first.before, first.before_at, first.comparable) == (None, None, None, True)
    assert comparison.row(Cell(MOTOR, "ankle_dorsiflexion", "left")).number(0) == pytest.approx(4 + 1 / 3)


def test_nt_and_tagged_values_are_shown_but_not_compared(ctx: AppContext) -> None:
    visits = three_visits()
    visits[1].motor["hip_abduction"]["left"] = "3*"
    visits[2].motor["hip_abduction"]["left"] = "NT"
    import_record(ctx, ExamRecord(Patient("C-T"), visits), "test")
    comparison = compare_visits(ctx, "C-T")
    row = comparison.row(Cell(MOTOR, "hip_abduction", "left"))
    cells = [comparison.cell(row, column) for column in range(3)]
    assert [(c.text, c.mark, c.comparable) for c in cells] == [("5", None, True), ("3*", None, False),
                                                                ("NT", None, False)]
    assert [c.number for c in cells] == [5.0, 3.0, None]  # a tagged value is drawn by its number


def test_columns_carry_the_window_period_of_their_visit(ctx: AppContext) -> None:
    comparison = compare_visits(ctx, store_three_visits(ctx), now=FIRST + timedelta(days=7))
    ends = ONSET + timedelta(days=3)
    assert [c.within_window for c in comparison.columns] == [True, True, False]
    assert all(c.onset == ONSET and c.window_ends == ends for c in comparison.columns)
    assert (comparison.onset, comparison.window_ends, comparison.window_days) == (ONSET, ends, 3)
    assert [c.worsened for c in comparison.columns] == [False, True, True]
    assert [c.progression_within_window for c in comparison.columns] == [False, True, False]
    assert any("left hip abduction 5 → 4+" in change for change in comparison.columns[1].changes)
    assert comparison.window_now is not None and not comparison.window_now.within


def test_drafts_are_left_out(ctx: AppContext) -> None:
    record_number = store_three_visits(ctx)
    start_visit(ctx, record_number, examined_at=datetime.now(UTC) - timedelta(minutes=1))
    assert len(stored_visits(ctx, record_number).visits) == 4
    comparison = compare_visits(ctx, record_number)
    assert len(comparison.columns) == 3
    assert all(column.status == "signed" for column in comparison.columns)


def test_rows_are_grouped_in_examination_order_and_items_never_examined_are_left_out(ctx: AppContext) -> None:
    comparison = compare_visits(ctx, store_three_visits(ctx))
    titles = [group.title for group in comparison.groups]
    assert titles == ["Scores", "Motor (MRC 0–5)", "Light touch (0–2)", "Pin prick (0–2)", "Reflexes (NINDS 0–4)",
                      "Plantar response", "Ankle clonus (beats)", "Tension signs", "Heel and toe walking",
                      "Anal contraction and pressure"]
    motor = comparison.groups[1].rows
    assert [row.label for row in motor[:4]] == ["hip flexion, left", "hip flexion, right", "knee extension, left",
                                                 "knee extension, right"]
    assert motor[0].subject == "left hip flexion"
    tension = [row.cell.item for row in comparison.groups[7].rows]
    assert tension == ["straight_leg_raise", "straight_leg_raise"]  # crossed SLR and femoral stretch never done
    assert all(len(row.values) == 3 for group in comparison.groups for row in group.rows)
    assert [row.changed for row in motor if row.cell.side == "right"] == [False] * 11


def test_a_patient_without_signed_visits_has_an_empty_comparison(ctx: AppContext) -> None:
    import_record(ctx, ExamRecord(Patient("C-0"), []), "test")
    comparison = compare_visits(ctx, "C-0")
    assert comparison.columns == () and comparison.groups == ()
    assert comparison.window_now is None and comparison.onset is None


def test_an_unknown_record_number_is_not_found(ctx: AppContext) -> None:
    with pytest.raises(NotFound, match="X-404"):
        compare_visits(ctx, "X-404")


def test_the_comparisons_reading_of_visits_agrees_with_the_store(ctx: AppContext) -> None:
    """The comparison reads visits as plain rows for speed; what the rules read must be what
    `stored_visits` gives (history and notes aside), symptoms and red-flag answers included."""
    fill_demo_clinic(ctx, 15, seed=3, now=datetime(2026, 11, 20, 12, tzinfo=UTC))
    store_three_visits(ctx)
    checked = 0
    for record_number in [f"D-03{n:05d}" for n in range(1, 16)] + ["C-3"]:
        _, fast = _signed_visits(ctx, record_number)
        stored = [v for v in stored_visits(ctx, record_number).visits if v.status != "draft"]
        assert [(visit_id, status) for visit_id, status, _ in fast] == [(v.visit_id, v.status) for v in stored]
        for (_, _, visit), expected in zip(fast, stored, strict=True):
            assert visit == replace(expected.visit, notes=None, history=None, asked=frozenset())
            checked += 1
    assert checked >= 18
