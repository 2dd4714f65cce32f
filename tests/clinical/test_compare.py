"""The comparison's marks, cell by cell (exam_app.clinical.compare): worse, better, same, recheck,
or none, against the most recent earlier grading of the cell; and agreement with spec 3.2."""

from __future__ import annotations

from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exam_app.clinical.assess import assess_visits
from exam_app.clinical.compare import (
    ANAL,
    ANKLE_CLONUS,
    BETTER,
    GAIT,
    LEMS,
    LIGHT_TOUCH,
    MOTOR,
    PIN_PRICK,
    PLANTAR_RESPONSE,
    RECHECK,
    REFLEX,
    SAME,
    SENSORY_SUBTOTAL,
    TENSION_SIGN,
    TOTAL,
    WORSE,
    Cell,
    CellHistory,
    compare_cells,
    comparison_tables,
    visit_cells,
)
from exam_app.clinical.record import Visit
from exam_app.clinical.vocabulary import vocabulary
from exam_app.clinical.worsening import MOTOR as MOTOR_CHANGE
from exam_app.clinical.worsening import SENSORY as SENSORY_CHANGE
from exam_app.tables import rules
from tests.clinical.builders import (
    clonus,
    empty_visit,
    gait,
    light_touch,
    motor,
    normal_visit,
    plantar,
    reflex,
    tension,
)

DAYS = [f"2026-11-{day:02d}T09:30+01:00" for day in range(1, 29)]


def histories(*visits: Visit) -> dict[Cell, CellHistory]:
    assessments = assess_visits(list(visits))
    return compare_cells([visit_cells(a.visit, a.lems, a.sensory) for a in assessments])


def marks(cell: Cell, *visits: Visit) -> list[str | None]:
    """The marks of one cell at each visit."""
    return histories(*visits)[cell].marks


def motor_marks(*grades: str | None) -> list[str | None]:
    """Left ankle dorsiflexion graded in turn (None: not examined at that visit)."""
    visits = [motor(normal_visit(DAYS[n]), "ankle_dorsiflexion", "left", grade) for n, grade in enumerate(grades)]
    return marks(Cell(MOTOR, "ankle_dorsiflexion", "left"), *visits)


# --- motor ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("5", "4+", WORSE),  # the base grade fell: a fall, whatever the modifier
        ("4+", "4-", RECHECK),  # same base grade, modifier fell: examine again, not worse
        ("4+", "4", RECHECK),
        ("4", "4-", RECHECK),
        ("4-", "4+", BETTER),  # modifier rose
        ("4-", "4", BETTER),
        ("3", "5", BETTER),
        ("4", "4", SAME),
        ("2", "1+", WORSE),
        ("1-", "0", WORSE),
    ],
)
def test_motor_grades_compare_by_base_grade_then_modifier(before: str, after: str, expected: str) -> None:
    assert motor_marks(before, after) == [None, expected]


def test_the_first_visit_has_nothing_to_compare_with() -> None:
    assert motor_marks("3") == [None]


def test_an_item_skipped_at_a_visit_is_compared_with_its_last_grading() -> None:
    assert motor_marks("5", None, "4") == [None, None, WORSE]


@pytest.mark.parametrize("skipped", ["NT", "NT*", "3*", "2**", "4-*"])
def test_nt_and_tagged_values_are_neither_marked_nor_compared_with(skipped: str) -> None:
    # Spec 3.2 skips them: the next grading is compared with the one before them.
    assert motor_marks("5", skipped, "4") == [None, None, WORSE]
    assert motor_marks(skipped, "4") == [None, None]


def test_a_modifier_change_is_never_worse() -> None:
    for base, (first, second) in product("1234", product("+-", repeat=2)):
        assert motor_marks(base + first, base + second)[-1] != WORSE


# --- sensory ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [("2", "1", WORSE), ("2", "0", WORSE), ("1", "0", WORSE), ("0", "2", BETTER), ("1", "1", SAME), ("1", "1*", None)],
)
def test_sensory_scores_compare_by_score(before: str, after: str, expected: str | None) -> None:
    visits = [light_touch(normal_visit(DAYS[n]), "L5", "right", score) for n, score in enumerate((before, after))]
    assert marks(Cell(LIGHT_TOUCH, "L5", "right"), *visits) == [None, expected]
    # the other modality is a cell of its own
    assert marks(Cell(PIN_PRICK, "L5", "right"), *visits) == [None, SAME]


# --- reflexes and signs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("2", "1", WORSE),  # away from the normal band, toward 0
        ("1", "0", WORSE),
        ("0", "1", BETTER),  # back toward it
        ("0", "2", BETTER),
        ("2", "3", SAME),  # both inside the band
        ("3", "4", WORSE),  # away from it, toward 4
        ("4", "3", BETTER),
        ("1", "4", WORSE),  # across the band: an abnormality of the other kind
        ("4", "0", WORSE),
        ("2", "NT", None),
    ],
)
def test_reflexes_compare_by_distance_from_the_normal_band(before: str, after: str, expected: str | None) -> None:
    visits = [reflex(normal_visit(DAYS[n]), "achilles", "left", grade) for n, grade in enumerate((before, after))]
    assert marks(Cell(REFLEX, "achilles", "left"), *visits) == [None, expected]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [("flexor", "extensor", WORSE), ("extensor", "flexor", BETTER), ("flexor", "silent", WORSE),
     ("silent", "extensor", WORSE), ("flexor", "flexor", SAME), ("flexor", "NT", None)],
)
def test_plantar_response_runs_flexor_silent_extensor(before: str, after: str, expected: str | None) -> None:
    visits = [plantar(normal_visit(DAYS[n]), "right", response) for n, response in enumerate((before, after))]
    assert marks(Cell(PLANTAR_RESPONSE, PLANTAR_RESPONSE, "right"), *visits) == [None, expected]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [(0, 2, SAME), (2, 3, WORSE), (4, 8, SAME), (5, 12, WORSE), (12, 4, BETTER), (3, 1, BETTER)],
)
def test_ankle_clonus_compares_by_band_of_beats(before: int, after: int, expected: str) -> None:
    visits = [clonus(normal_visit(DAYS[n]), "left", beats) for n, beats in enumerate((before, after))]
    assert marks(Cell(ANKLE_CLONUS, ANKLE_CLONUS, "left"), *visits) == [None, expected]


def test_tension_signs_gait_and_anal_items_run_from_normal_to_abnormal() -> None:
    first = normal_visit(DAYS[0])
    second = tension(normal_visit(DAYS[1]), "straight_leg_raise", "left", "positive", 40)
    second = gait(second, "heel_walk", "left", "unable")
    second.vac = "no"
    third = tension(normal_visit(DAYS[2]), "straight_leg_raise", "left", "positive", 60)
    third = gait(third, "heel_walk", "left", "impaired")
    found = histories(first, second, third)
    assert found[Cell(TENSION_SIGN, "straight_leg_raise", "left")].marks == [None, WORSE, SAME]
    assert found[Cell(GAIT, "heel_walk", "left")].marks == [None, WORSE, BETTER]
    assert found[Cell(ANAL, "vac", "")].marks == [None, WORSE, BETTER]
    sign = found[Cell(TENSION_SIGN, "straight_leg_raise", "left")].values[1]
    assert sign is not None and sign.text == "positive at 40°"


# --- scores -----------------------------------------------------------------------------------


def test_lems_and_subtotals_are_worse_when_lower() -> None:
    first = normal_visit(DAYS[0])
    second = light_touch(motor(normal_visit(DAYS[1]), "great_toe_extension", "right", "3"), "L5", "right", "1")
    third = motor(normal_visit(DAYS[2]), "great_toe_extension", "right", "4")
    found = histories(first, second, third)
    assert found[Cell(LEMS, LEMS, "right")].marks == [None, WORSE, BETTER]
    assert found[Cell(LEMS, LEMS, "left")].marks == [None, SAME, SAME]
    assert found[Cell(LEMS, LEMS, TOTAL)].marks == [None, WORSE, BETTER]
    assert found[Cell(SENSORY_SUBTOTAL, LIGHT_TOUCH, "right")].marks == [None, WORSE, BETTER]
    assert found[Cell(SENSORY_SUBTOTAL, PIN_PRICK, "right")].marks == [None, SAME, SAME]
    lems = found[Cell(LEMS, LEMS, "right")].values
    assert [value.text if value else None for value in lems] == ["25", "23", "24"]


def test_a_score_that_is_nd_or_counts_a_tagged_value_is_not_compared() -> None:
    first = normal_visit(DAYS[0])
    tagged = light_touch(motor(normal_visit(DAYS[1]), "ankle_dorsiflexion", "left", "3*"), "S1", "left", "1*")
    not_testable = motor(normal_visit(DAYS[2]), "ankle_dorsiflexion", "left", "NT")
    fourth = motor(normal_visit(DAYS[3]), "ankle_dorsiflexion", "left", "4")
    found = histories(first, tagged, not_testable, fourth)
    left = found[Cell(LEMS, LEMS, "left")]
    assert [v.text if v else None for v in left.values] == ["25", "23", "ND", "24"]
    assert left.marks == [None, None, None, WORSE]  # 24 against 25: tagged and ND values skipped
    assert left.earlier == [None, None, None, 0]
    assert found[Cell(LEMS, LEMS, TOTAL)].marks == [None, None, None, WORSE]
    assert found[Cell(SENSORY_SUBTOTAL, LIGHT_TOUCH, "left")].marks == [None, None, SAME, SAME]


def test_cells_not_examined_have_no_value() -> None:
    found = histories(empty_visit(DAYS[0]), normal_visit(DAYS[1]))
    assert found[Cell(MOTOR, "hip_flexion", "left")].values[0] is None
    assert found[Cell(MOTOR, "hip_flexion", "left")].marks == [None, None]
    assert found[Cell(LEMS, LEMS, "left")].values[0] is not None  # ND is shown


# --- the tables -------------------------------------------------------------------------------


def test_comparison_tables_agree_with_the_rule_tables_and_vocabulary() -> None:
    tables, rule, vocab = comparison_tables(), rules(), vocabulary()
    assert tables.reflex_band == (rule.reduced_reflex_max_grade + 1, rule.hyperreflexia_grade - 1)
    assert tables.clonus_bands_from == (rule.clonus_abnormal_beats, rule.clonus_sustained_beats)
    assert set(tables.ordinal[PLANTAR_RESPONSE]) == set(vocab.plantar_responses) - {"NT"}
    assert set(tables.ordinal[TENSION_SIGN]) == set(vocab.tension_results) - {"NT"}
    assert set(tables.ordinal[GAIT]) == set(vocab.gait_results) - {"NT"}
    assert set(tables.ordinal[ANAL]) == set(vocab.anal_results) - {"NT"}
    # the normal value first: the upper-motor-neuron plantar response is the last, most abnormal
    assert tables.ordinal[PLANTAR_RESPONSE][-1] in rule.upper_motor_neuron_plantar_responses


# --- agreement with the worsening rule (spec 3.2) ---------------------------------------------

GRADES = ["5", "4+", "4", "4-", "3", "2", "0", "NT", "3*", "4**"]
SCORES = ["2", "1", "0", "NT", "1*"]
ITEMS = ("ankle_dorsiflexion", "great_toe_extension")


@settings(max_examples=150, deadline=None)
@given(
    grades=st.lists(st.tuples(*(st.one_of(st.none(), st.sampled_from(GRADES)) for _ in ITEMS)), min_size=2, max_size=5),
    scores=st.lists(st.one_of(st.none(), st.sampled_from(SCORES)), min_size=5, max_size=5),
)
def test_worse_and_recheck_marks_are_the_changes_of_the_worsening_rule(
    grades: list[tuple[str | None, ...]], scores: list[str | None]
) -> None:
    visits = []
    for number, visit_grades in enumerate(grades):
        visit = light_touch(normal_visit(DAYS[number]), "L5", "left", scores[number])
        for item, grade in zip(ITEMS, visit_grades, strict=True):
            visit = motor(visit, item, "left", grade)
        visits.append(visit)
    assessments = assess_visits(visits)
    found = compare_cells([visit_cells(a.visit, a.lems, a.sensory) for a in assessments])
    cells = {(item, None): Cell(MOTOR, item, "left") for item in ITEMS}
    cells[("L5", LIGHT_TOUCH)] = Cell(LIGHT_TOUCH, "L5", "left")

    def marked(number: int, mark: str) -> set[tuple[str, str | None]]:
        return {key for key, cell in cells.items() if cell in found and found[cell].marks[number] == mark}

    for number, assessment in enumerate(assessments):
        worse = {(c.item, c.modality) for c in assessment.worsening.changes if c.kind in (MOTOR_CHANGE, SENSORY_CHANGE)}
        assert marked(number, WORSE) == worse
        assert marked(number, RECHECK) == {(c.item, c.modality) for c in assessment.worsening.recheck}
