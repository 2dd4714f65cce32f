"""The doctor's comparison of a patient's visits over time.

Signed (and amended) visits are the columns, in order of examination; drafts are left out, since
nothing unsigned is compared. Findings are the rows, grouped as the examination runs (scores,
motor, light touch, pin prick, reflexes, signs). Each cell holds the value as written and its mark
against the most recent earlier grading of that cell (`exam_app.clinical.compare`): worse, better,
same or recheck. Each column says whether its visit was inside the window period.

Opening the comparison of a patient with hundreds of visits must feel instant: one read of the
database and one pass of the engine (`assess_visits`), whatever the number of visits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import select

from exam_app.clinical.assess import VisitAssessment, assess_visits
from exam_app.clinical.compare import (
    ANAL,
    ANKLE_CLONUS,
    BETTER,
    GAIT,
    ISNCSCI,
    LEMS,
    LIGHT_TOUCH,
    MOTOR,
    NO_SIDE,
    PIN_PRICK,
    PLANTAR_RESPONSE,
    RECHECK,
    REFLEX,
    SENSORY_SUBTOTAL,
    TENSION_SIGN,
    TOTAL,
    WORSE,
    Cell,
    CellHistory,
    CellValue,
    compare_cells,
    comparison_tables,
    isncsci_comparison,
    visit_cells,
)
from exam_app.clinical.record import Patient, Visit
from exam_app.clinical.scores import Score
from exam_app.clinical.vocabulary import SIDES, vocabulary
from exam_app.clinical.window import WindowStatus, window_status
from exam_app.services.as_signed import differences, summary
from exam_app.services.audit import note_viewed
from exam_app.services.context import AppContext, require_patient
from exam_app.store import models
from exam_app.store.records import patient_from_row, read_signed_visits
from exam_app.tables import rules

# modality -> level -> side -> score, as the dermatome body chart takes it
SensoryMap = dict[str, dict[str, dict[str, str]]]


@dataclass(frozen=True)
class ComparisonColumn:
    """One signed visit."""

    visit_id: int
    examined_at: datetime
    examiner: str | None
    status: str  # signed or amended
    within_window: bool  # examined at or before the end of the window as known at that visit
    onset: datetime | None  # the onset of weakness as known at that visit
    window_ends: datetime | None
    urgency: str
    worsened: bool  # spec 3.2, since the earlier visits
    changes: tuple[str, ...]  # what worsened, as findings ("left great-toe extension 4 → 2 (...)")
    lems: tuple[Score, Score]  # left, right
    sensory: SensoryMap  # the visit's light touch and pin prick, for the dermatome map
    incomplete_reason: str | None = None  # signed as incomplete: why
    changed_since_signing: tuple[str, ...] = ()  # how the engine's answer now differs from the signed one
    # ISNCSCI results worse than at the visit compared with ("AIS grade C → B"): a fall of the AIS
    # grade or a level moving up (exam_app/clinical/compare.py); beside `changes`, which are spec 3.2's.
    isncsci_worse: tuple[str, ...] = ()

    @property
    def progression_within_window(self) -> bool:
        """The headline alert: worse than before while inside the window period."""
        return self.worsened and self.within_window


class ComparisonCell(NamedTuple):
    """One finding of one visit, with what it was compared with."""

    text: str  # as written ("4+", "1*", "NT", "ND"); "" when not examined at that visit
    mark: str | None  # worse, better, same, recheck; None when not compared
    before: str | None  # the earlier grading it was compared with
    before_at: datetime | None  # when that was
    number: float | None  # where it sits on the row's scale, for the trend chart
    comparable: bool  # False for NT, tagged values and scores that are ND or count a tagged value


NOT_EXAMINED = ComparisonCell("", None, None, None, None, False)


@dataclass(frozen=True)
class RowScale:
    """The range of a row's values, and the words of an ordered scale ("flexor", "silent", ...)."""

    minimum: float
    maximum: float
    ticks: tuple[tuple[float, str], ...]


@dataclass(frozen=True)
class ComparisonRow:
    """One finding at every visit. Kept as three columns of plain values rather than a cell object
    per visit: a patient with hundreds of visits has tens of thousands of cells, and the screen
    shows a few dozen at a time (`Comparison.cell` makes those)."""

    cell: Cell  # which finding: kind, item, side
    label: str  # "hip flexion, left"
    subject: str  # "left hip flexion": how a finding about it reads
    scale: RowScale
    values: tuple[CellValue | None, ...]  # per visit; None when not examined
    marks: tuple[str | None, ...]  # per visit: worse, better, same, recheck or None
    earlier: tuple[int | None, ...]  # per visit: the visit (column) its value was compared with

    @property
    def changed(self) -> bool:
        """Worse, better or to recheck at some visit."""
        return any(mark in _CHANGES for mark in self.marks)

    def number(self, column: int) -> float | None:
        value = self.values[column]
        return None if value is None else value.number


_CHANGES = frozenset((WORSE, BETTER, RECHECK))


@dataclass(frozen=True)
class RowGroup:
    title: str  # "Motor (MRC 0–5)"
    rows: tuple[ComparisonRow, ...]


@dataclass(frozen=True)
class Comparison:
    patient: Patient
    window_days: int
    columns: tuple[ComparisonColumn, ...]  # signed visits, oldest first
    groups: tuple[RowGroup, ...]
    onset: datetime | None  # as known at the latest visit
    window_ends: datetime | None
    window_now: WindowStatus | None  # the latest visit's window measured from now; None without visits

    def row(self, cell: Cell) -> ComparisonRow:
        return next(row for group in self.groups for row in group.rows if row.cell == cell)

    def cell(self, row: ComparisonRow, column: int) -> ComparisonCell:
        """A row's finding at one visit (column 0 the oldest)."""
        value = row.values[column]
        if value is None:
            return NOT_EXAMINED
        comparable = value.standing is not None
        earlier = row.earlier[column]
        if earlier is None:
            return ComparisonCell(value.text, None, None, None, value.number, comparable)
        before = row.values[earlier]
        assert before is not None  # a value is compared only with an earlier value
        return ComparisonCell(value.text, row.marks[column], before.text, self.columns[earlier].examined_at,
                              value.number, comparable)


def compare_visits(ctx: AppContext, record_number: str, now: datetime | None = None) -> Comparison:
    """The patient's signed visits side by side; NotFound if there is no such patient."""
    patient, stored = _signed_visits(ctx, record_number)
    note_viewed(ctx, patient.record_number, "comparison of visits")
    as_signed = _answers_signed_with(ctx, [visit_id for visit_id, _, _ in stored])
    window_days = ctx.window_days
    assessments = assess_visits([visit for _, _, visit in stored], window_days)
    histories = compare_cells([visit_cells(a.visit, a.lems, a.sensory) for a in assessments])
    ids = {id(visit): (visit_id, status) for visit_id, status, visit in stored}
    groups = _groups(histories)
    columns = tuple(replace(_column(*ids[id(a.visit)], a, differences(as_signed.get(ids[id(a.visit)][0]),
                                                                      summary(a, window_days, "now"))),
                            isncsci_worse=_isncsci_worse(groups, number))
                    for number, a in enumerate(assessments))
    latest = assessments[-1].window if assessments else None
    window_now = None
    if latest is not None:
        window_now = window_status(latest.onset, window_days, now or datetime.now().astimezone())
    return Comparison(
        patient=patient,
        window_days=window_days,
        columns=columns,
        groups=groups,
        onset=latest.onset if latest else None,
        window_ends=latest.ends if latest else None,
        window_now=window_now,
    )


def _column(visit_id: int, status: str, assessment: VisitAssessment, changed: tuple[str, ...] = ()
            ) -> ComparisonColumn:
    visit, window = assessment.visit, assessment.window
    return ComparisonColumn(
        visit_id=visit_id,
        examined_at=visit.examined_at,
        examiner=visit.examiner,
        status=status,
        within_window=window.within,
        onset=window.onset,
        window_ends=window.ends,
        urgency=assessment.urgency,
        worsened=assessment.worsening.worsened,
        changes=tuple(change.finding for change in assessment.worsening.changes),
        lems=(assessment.lems.left, assessment.lems.right),
        sensory={LIGHT_TOUCH: visit.light_touch, PIN_PRICK: visit.pin_prick},
        incomplete_reason=visit.incomplete_reason,
        changed_since_signing=changed,
    )


def _isncsci_worse(groups: tuple[RowGroup, ...], column: int) -> tuple[str, ...]:
    """The ISNCSCI results of one visit marked worse, with the earlier value: "AIS grade C → B"."""
    worse = []
    for group in groups:
        for row in group.rows:
            earlier = row.earlier[column]
            if row.cell.kind == ISNCSCI and row.marks[column] == WORSE and earlier is not None:
                before, now = row.values[earlier], row.values[column]
                assert before is not None and now is not None  # a mark compares two values
                worse.append(f"{row.subject} {before.text} → {now.text}")
    return tuple(worse)


# --- rows -------------------------------------------------------------------------------------


class _RowSpec(NamedTuple):
    cell: Cell
    label: str
    subject: str
    scale: RowScale


def _groups(histories: Mapping[Cell, CellHistory]) -> tuple[RowGroup, ...]:
    """Every row of the vocabulary that holds a value at some visit (scores always do)."""
    groups = []
    for title, specs in _row_specs():
        rows = tuple(_row(spec, histories[spec.cell]) for spec in specs if spec.cell in histories)
        if rows:
            groups.append(RowGroup(title, rows))
    return tuple(groups)


def _row(spec: _RowSpec, history: CellHistory) -> ComparisonRow:
    return ComparisonRow(spec.cell, spec.label, spec.subject, spec.scale,
                         tuple(history.values), tuple(history.marks), tuple(history.earlier))


@cache
def _row_specs() -> tuple[tuple[str, tuple[_RowSpec, ...]], ...]:
    """The rows in the order the clinician reads them, scores first for the overview."""
    vocab, tables = vocabulary(), rules()
    lems_max, sensory_max = tables.lems_side_max, tables.sensory_side_max
    levels = [(level.id, level.label) for level in vocab.sensory_levels]
    sensory = RowScale(0, 2, ((0, "0 absent"), (1, "1 altered"), (2, "2 normal")))
    subtotal = _numeric(0, sensory_max)
    scores = (
        *_both_sides(LEMS, [(LEMS, "LEMS")], _numeric(0, lems_max)),
        _RowSpec(Cell(LEMS, LEMS, TOTAL), "LEMS, total", "total LEMS", _numeric(0, 2 * lems_max)),
        *_both_sides(SENSORY_SUBTOTAL, [(LIGHT_TOUCH, "LT subtotal")], subtotal, "{side} light touch subtotal"),
        *_both_sides(SENSORY_SUBTOTAL, [(PIN_PRICK, "PP subtotal")], subtotal, "{side} pin prick subtotal"),
    )
    anal = tuple(
        _RowSpec(Cell(ANAL, a.id, NO_SIDE), f"{a.label} ({a.id.upper()})", a.label, _ordinal_scale(ANAL))
        for a in vocab.anal_items
    )
    order = isncsci_comparison()
    isncsci = tuple(
        _RowSpec(Cell(ISNCSCI, key, side), f"{label}, {side}" if side else label,
                 f"{side} {label}" if side else label,
                 _levels_scale(order.ais_worst_first if key == "asiaImpairmentScale" else order.rostral_first))
        for key, label, side in order.compared)
    return (
        ("ISNCSCI 2019", isncsci),
        ("Scores", scores),
        ("Motor (MRC 0–5)", _both_sides(MOTOR, [(m.id, m.movement) for m in vocab.motor_items], _numeric(0, 5))),
        ("Light touch (0–2)", _both_sides(LIGHT_TOUCH, levels, sensory, "{side} {label} light touch")),
        ("Pin prick (0–2)", _both_sides(PIN_PRICK, levels, sensory, "{side} {label} pin prick")),
        ("Reflexes (NINDS 0–4)", _both_sides(REFLEX, [(r.id, r.label) for r in vocab.reflexes], _numeric(0, 4))),
        ("Plantar response", _both_sides(PLANTAR_RESPONSE, [(PLANTAR_RESPONSE, "plantar response")],
                                         _ordinal_scale(PLANTAR_RESPONSE))),
        ("Ankle clonus (beats)", _both_sides(ANKLE_CLONUS, [(ANKLE_CLONUS, "ankle clonus")],
                                             _numeric(0, max(comparison_tables().clonus_bands_from)))),
        ("Tension signs", _both_sides(TENSION_SIGN, [(t.id, t.label) for t in vocab.tension_signs],
                                      _ordinal_scale(TENSION_SIGN))),
        ("Heel and toe walking", _both_sides(GAIT, [(g.id, g.label) for g in vocab.gait_items], _ordinal_scale(GAIT))),
        ("Anal contraction and pressure", anal),
    )


def _both_sides(
    kind: str, items: list[tuple[str, str]], scale: RowScale, subject: str = "{side} {label}"
) -> tuple[_RowSpec, ...]:
    """A row per item and side, left then right: "hip flexion, left", "hip flexion, right"; `subject`
    says how a finding about it reads ("left L5 light touch")."""
    return tuple(
        _RowSpec(Cell(kind, item, side), f"{label}, {side}", subject.format(side=side, label=label), scale)
        for item, label in items
        for side in SIDES
    )


def _ordinal_scale(kind: str) -> RowScale:
    values = comparison_tables().ordinal[kind]
    return RowScale(0, len(values) - 1, tuple((float(rank), value) for rank, value in enumerate(values)))


def _levels_scale(worst_first: tuple[str, ...]) -> RowScale:
    """AIS grades or levels on a chart, the worst at the bottom (every fourth level named)."""
    step = 1 if len(worst_first) <= 5 else 4
    return RowScale(0, len(worst_first) - 1, tuple((float(place), value.replace("_", "-"))
                                                   for place, value in enumerate(worst_first) if place % step == 0))


def _numeric(minimum: int, maximum: int) -> RowScale:
    return RowScale(minimum, maximum, ())


# --- reading the visits -----------------------------------------------------------------------

def _signed_visits(ctx: AppContext, record_number: str) -> tuple[Patient, list[tuple[int, str, Visit]]]:
    """The patient and their signed visits (id, status, findings), oldest first."""
    with ctx.db.session() as session:
        patient_row = require_patient(session, record_number)
        return patient_from_row(patient_row), read_signed_visits(session, patient_row.id)


def _answers_signed_with(ctx: AppContext, visit_ids: list[int]) -> dict[int, dict[str, Any] | None]:
    """The engine's answer each visit was signed with, by visit id."""
    if not visit_ids:
        return {}
    with ctx.db.session() as session:
        return {visit_id: answer for visit_id, answer in session.execute(
            select(models.Visit.id, models.Visit.signed_assessment).where(models.Visit.id.in_(visit_ids)))}
