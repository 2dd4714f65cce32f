"""One source of clinical meaning: the screen, the comparison and the letter agree, for every value
of every kind of finding, on whether it is normal and on how two values compare."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product

import pytest
from PySide6.QtCore import Qt

from exam_app.clinical import compare
from exam_app.clinical.assess import assess_visits
from exam_app.clinical.compare import Cell, compare_cells, is_normal, visit_cells
from exam_app.clinical.examination import read_examination
from exam_app.clinical.record import TensionSign, Visit
from exam_app.clinical.scores import lower_extremity_motor_score, sensory_subtotals
from exam_app.clinical.vocabulary import vocabulary
from exam_app.gui.body_chart import score_change
from exam_app.gui.visit.motor_page import MotorGridModel
from exam_app.report.findings import cell as letter_cell
from exam_app.services.context import AppContext

AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def _all_values() -> dict[str, list[object]]:
    vocab = vocabulary()
    motor = ["".join(p) for p in product("012345", ("", "+", "-"), ("", "*", "**"))] + ["NT", "NT*", "NT**"]
    motor = [g for g in motor if not (g[0] in "05" and g[1:2] in "+-" and g[1:2])]
    sensory = ["".join(p) for p in product("012", ("", "*", "**"))] + ["NT", "NT*", "NT**"]
    return {
        compare.MOTOR: motor,
        compare.LIGHT_TOUCH: sensory,
        compare.PIN_PRICK: sensory,
        compare.REFLEX: list(vocab.reflex_grades),
        compare.PLANTAR_RESPONSE: list(vocab.plantar_responses),
        compare.ANKLE_CLONUS: [0, 1, 2, 3, 9, 10, 25],
        compare.TENSION_SIGN: [TensionSign(r, a) for r in vocab.tension_results for a in (None, 40)],
        compare.GAIT: list(vocab.gait_results),
        compare.ANAL: list(vocab.anal_results),
    }


VALUES = _all_values()


def _visit(kind: str, value: object, at: datetime = AT) -> tuple[Visit, Cell]:
    """A visit holding `value` as the finding of `kind` on the left (VAC for anal)."""
    visit = Visit(examined_at=at)
    side = "left"
    if kind == compare.MOTOR:
        visit.motor = {"hip_flexion": {side: str(value)}}
        return visit, Cell(kind, "hip_flexion", side)
    if kind in (compare.LIGHT_TOUCH, compare.PIN_PRICK):
        setattr(visit, kind, {"L5": {side: str(value)}})
        return visit, Cell(kind, "L5", side)
    if kind == compare.REFLEX:
        visit.reflexes = {"patellar": {side: str(value)}}
        return visit, Cell(kind, "patellar", side)
    if kind == compare.PLANTAR_RESPONSE:
        visit.plantar_response = {side: str(value)}
        return visit, Cell(kind, kind, side)
    if kind == compare.ANKLE_CLONUS:
        visit.ankle_clonus_beats = {side: int(value)}  # type: ignore[call-overload]
        return visit, Cell(kind, kind, side)
    if kind == compare.TENSION_SIGN:
        assert isinstance(value, TensionSign)
        visit.tension_signs = {"straight_leg_raise": {side: value}}
        return visit, Cell(kind, "straight_leg_raise", side)
    if kind == compare.GAIT:
        visit.gait = {"heel_walk": {side: str(value)}}
        return visit, Cell(kind, "heel_walk", side)
    visit.vac = str(value)
    return visit, Cell(kind, "vac", "")


def _comparison_value(visit: Visit, where: Cell) -> compare.CellValue:
    exam = read_examination(visit)
    return visit_cells(visit, lower_extremity_motor_score(exam), sensory_subtotals(exam))[where]


@pytest.mark.parametrize("kind", list(VALUES))
def test_normal_is_the_same_in_the_comparison_and_the_letter(kind: str) -> None:
    for value in VALUES[kind]:
        meaning = is_normal(kind, value)  # type: ignore[arg-type]
        visit, where = _visit(kind, value)
        assert _comparison_value(visit, where).normal is meaning, (kind, value)
        assert letter_cell(kind, value, None).normal is (meaning is True), (kind, value)  # type: ignore[arg-type]
    assert any(is_normal(kind, v) for v in VALUES[kind]) and any(  # type: ignore[arg-type]
        is_normal(kind, v) is False for v in VALUES[kind])  # type: ignore[arg-type]


def test_a_reflex_of_3_is_normal_everywhere() -> None:
    """The letter once counted only 2 as normal while the comparison's band was 2-3: one band now."""
    assert is_normal(compare.REFLEX, "3") is True
    assert letter_cell(compare.REFLEX, "3", None).normal


@pytest.mark.parametrize("kind", [compare.MOTOR, compare.LIGHT_TOUCH, compare.REFLEX, compare.GAIT])
def test_two_values_compare_alike_in_the_comparison_and_on_their_own(kind: str) -> None:
    for before, after in product(VALUES[kind], repeat=2):
        first, where = _visit(kind, before)
        second, _ = _visit(kind, after, AT + timedelta(days=1))
        cells = [_comparison_value(v, where) for v in (first, second)]
        history = compare_cells([{where: cells[0]}, {where: cells[1]}])[where]
        assert history.marks[1] == compare.change(kind, before, after), (before, after)  # type: ignore[arg-type]


def test_the_body_chart_marks_regions_as_the_comparison_does() -> None:
    for before, after in product(VALUES[compare.LIGHT_TOUCH], repeat=2):
        assert score_change(str(before), str(after)) == (
            compare.change(compare.LIGHT_TOUCH, before, after) or "not_compared")  # type: ignore[arg-type]


def test_a_fall_the_comparison_calls_worse_is_a_worsening_of_the_rules() -> None:
    for kind in (compare.MOTOR, compare.LIGHT_TOUCH):
        for before, after in product(VALUES[kind], repeat=2):
            first, _ = _visit(kind, before)
            second, _ = _visit(kind, after, AT + timedelta(days=1))
            worsened = assess_visits([first, second])[-1].worsening.worsened
            assert worsened is (compare.change(kind, before, after) == compare.WORSE), (kind, before, after)  # type: ignore[arg-type]


def test_the_motor_grid_marks_the_grades_the_rules_call_abnormal(gui_ctx: AppContext) -> None:
    from exam_app.gui.visit.controller import VisitController
    from exam_app.services.assessment import draft_assessor
    from exam_app.services.visits import start_visit

    opened = start_visit(gui_ctx, "R-100")
    controller = VisitController(gui_ctx, opened, draft_assessor(gui_ctx, "R-100"))
    model = MotorGridModel(controller)
    for grade in VALUES[compare.MOTOR]:
        controller.set_motor("hip_flexion", "left", str(grade))
        colour = model.data(model.index(0, MotorGridModel.LEFT_GRADE), Qt.ItemDataRole.ForegroundRole)
        assert (colour is not None) is (is_normal(compare.MOTOR, grade) is False), grade  # type: ignore[arg-type]
