"""The comparison of a patient's visits, cell by cell: is each finding worse, better, the same, or
to recheck, against its most recent earlier grading?

A **cell** is one finding of one visit: an item on a side (a movement, a level of one modality, a
reflex, a sign, a gait item), VAC or DAP, or a score (LEMS per side and total, sensory subtotals).
It is compared with the most recent **earlier** visit where that cell was graded, so an item
skipped at one visit is still compared (as in spec 3.2). Its mark:

- `worse` / `better` / `same`: motor grades by base grade (5 → 4+ worse, 4- → 4+ better as the
  modifier rose), sensory scores by score, the LEMS and sensory subtotals by number (lower is
  worse), and the other findings by their order from normal to abnormal, read from
  `resources/comparison.json` so the clinic can review it:
  - plantar response flexor → silent → extensor; ankle clonus by band (below 3 beats, from 3,
    from 10 sustained); tension signs negative → positive; gait normal → impaired → unable;
    VAC and DAP yes → no;
  - reflexes (NINDS 0–4) around the normal band 2–3: moving away from the band, toward 0 or
    toward 4, is worse, moving back toward it better, and jumping across the band (1 → 4) is worse,
    a new abnormality of the other kind. Two grades inside the band (2 and 3) are the same.
- `recheck`: a motor grade whose base is unchanged while its modifier fell (4+ → 4, 4 → 4-):
  worth examining again, never a worsening (spec 3.2).
- no mark (None): nothing earlier to compare with, not examined at this visit, NT, a tagged
  value (`*`/`**`, which the examiner says is not the nerve lesion's doing; spec 3.2 skips it), or
  a score that is ND or counts a tagged value. A tagged or NT value is not an earlier grading either.

ISNCSCI results (when the visit has a complete worksheet): the AIS grade, the neurological level
of injury and the sensory and motor levels of each side, ordered by `resources/isncsci.json`: a
lower AIS grade (C → B) or a more rostral level (T10 → T8) is worse. A result that is a set of
possible answers (`C5,C6`) is worse only when every answer now is worse than every answer before,
better only when every one is better, `recheck` when the two sets overlap and differ; a result
resting on a tagged score (`C5*`) is shown but not compared, as tagged grades are not.

Decision support: a mark says how a number moved, not why; the cell keeps both values.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial
from typing import NamedTuple

from exam_app.clinical.grades import parse_motor_grade, parse_sensory_score
from exam_app.clinical.isncsci import INTACT, isncsci_tables, recorded_worksheet
from exam_app.clinical.isncsci import classify as classify_isncsci
from exam_app.clinical.isncsci import totals_json as isncsci_results
from exam_app.clinical.record import TensionSign, Visit
from exam_app.clinical.scores import LowerExtremityMotorScore, Score, SensorySubtotals
from exam_app.clinical.vocabulary import SIDES, vocabulary
from exam_app.paths import resource_path
from exam_app.tables import rules

WORSE = "worse"
BETTER = "better"
SAME = "same"
RECHECK = "recheck"
MARKS: tuple[str, ...] = (WORSE, BETTER, SAME, RECHECK)

# What a cell holds (the kind of its row).
MOTOR = "motor"
LIGHT_TOUCH = "light_touch"
PIN_PRICK = "pin_prick"
REFLEX = "reflex"
PLANTAR_RESPONSE = "plantar_response"
ANKLE_CLONUS = "ankle_clonus_beats"
TENSION_SIGN = "tension_sign"
GAIT = "gait"
ANAL = "anal"
LEMS = "lems"
SENSORY_SUBTOTAL = "sensory_subtotal"
ISNCSCI = "isncsci"  # an ISNCSCI result: its item is the result's key (`asiaImpairmentScale`, `rightSensory`)

TOTAL = "total"  # the "side" of the total LEMS
NO_SIDE = ""  # the "side" of VAC and DAP


class Cell(NamedTuple):
    """Where a finding sits: `Cell(MOTOR, "hip_flexion", "left")`, `Cell(LIGHT_TOUCH, "L5", "right")`,
    `Cell(ANAL, "vac", "")`, `Cell(LEMS, "lems", "total")`, `Cell(SENSORY_SUBTOTAL, "pin_prick", "left")`."""

    kind: str
    item: str
    side: str


class Standing(NamedTuple):
    """How far a value is from normal, to set two gradings of one cell side by side.

    `severity` grows away from normal (for a grade or score, the number negated: only the order
    matters); `direction` is -1 below and +1 above a normal band (reflexes), else 0; `fine` ranks a
    motor modifier within its base grade (4- < 4 < 4+).
    """

    severity: int
    direction: int = 0
    fine: int = 0
    spread: int = 0  # a set of possible answers: from `severity` (the best) to `severity + spread`


class CellValue(NamedTuple):
    """A finding as the comparison reads it."""

    text: str  # as the examiner wrote it, with its tag ("4+", "1*", "positive at 40°", "ND")
    standing: Standing | None  # None: never compared (NT, tagged, ND, a score counting a tagged value)
    number: float | None  # where it sits on the row's scale, for a chart; None for NT and ND
    # Normal or not, the same on every screen and on paper: None for NT and scores (ND or a number).
    # A grade tagged ** ("consider normal", ISNCSCI) is normal; one tagged * is shown as abnormal,
    # with its tag, though the rules do not count it as the lesion's doing.
    normal: bool | None = None


def mark(before: Standing, after: Standing) -> str:
    """The mark of a value against an earlier one (see the module's docstring)."""
    if before.direction and after.direction and before.direction != after.direction:
        return WORSE  # across the normal band: an abnormality of the other kind
    if before.spread or after.spread:
        return _mark_of_sets(before, after)
    if after.severity != before.severity:
        return WORSE if after.severity > before.severity else BETTER
    if after.fine < before.fine:
        return RECHECK  # same base grade, modifier fell
    if after.fine > before.fine:
        return BETTER
    return SAME


def _mark_of_sets(before: Standing, after: Standing) -> str:
    """Sets of possible answers: worse or better only whichever answer holds, else recheck."""
    if after.severity > before.severity + before.spread:
        return WORSE
    if after.severity + after.spread < before.severity:
        return BETTER
    return SAME if (after.severity, after.spread) == (before.severity, before.spread) else RECHECK


# --- one value, anywhere it is shown ---------------------------------------------------------


def reading(kind: str, value: str | int | TensionSign) -> CellValue:
    """A finding of `kind` (MOTOR, LIGHT_TOUCH, PIN_PRICK, REFLEX, PLANTAR_RESPONSE, ANKLE_CLONUS,
    TENSION_SIGN, GAIT, ANAL) as every screen, the comparison and the letter read it."""
    if kind == MOTOR:
        return _motor(str(value))
    if kind in (LIGHT_TOUCH, PIN_PRICK):
        return _sensory(str(value))
    if kind == REFLEX:
        return _reflex(str(value))
    if kind == ANKLE_CLONUS:
        return _clonus(int(value))  # type: ignore[arg-type]
    if kind == TENSION_SIGN:
        return _tension(value if isinstance(value, TensionSign) else TensionSign(str(value)))
    if kind in (PLANTAR_RESPONSE, GAIT, ANAL):
        return _ordinal(kind, str(value))
    raise ValueError(f"{kind!r} is not a kind of finding")


def is_normal(kind: str, value: str | int | TensionSign) -> bool | None:
    """True for a normal finding, False for an abnormal one, None when it cannot tell (NT)."""
    return reading(kind, value).normal


def change(kind: str, before: str | int | TensionSign, after: str | int | TensionSign) -> str | None:
    """worse, better, same or recheck from `before` to `after`; None when either cannot be compared
    (NT or tagged), as the comparison of visits marks a cell."""
    first, second = reading(kind, before).standing, reading(kind, after).standing
    if first is None or second is None:
        return None
    return mark(first, second)


# --- reading a visit into cells ---------------------------------------------------------------


@dataclass(frozen=True)
class ComparisonTables:
    """The orders of `resources/comparison.json`."""

    reflex_band: tuple[int, int]  # the normal NINDS grades, lowest and highest
    clonus_bands_from: tuple[int, ...]  # beats at which each band above normal starts
    ordinal: dict[str, tuple[str, ...]]  # kind -> values from normal to most abnormal


@cache
def comparison_tables() -> ComparisonTables:
    raw = json.loads(resource_path("comparison.json").read_text(encoding="utf-8"))
    low, high = raw["reflexes"]["normal_band"]
    return ComparisonTables(
        reflex_band=(int(low), int(high)),
        clonus_bands_from=tuple(int(beats) for beats in raw["ankle_clonus_beats"]["bands_from"]),
        ordinal={kind: tuple(values) for kind, values in raw["ordinal"].items()},
    )


# Each value is read once per text (the same few dozen texts fill every visit of a record).
@cache
def _motor(text: str) -> CellValue:
    grade = parse_motor_grade(text)
    if grade.base is None:
        return CellValue(text, None, None)
    # Modifiers sit a third of a grade either side on a chart: 4- below 4, 4+ above it.
    number = grade.base + grade.modifier_rank / 3
    standing = Standing(-grade.base, 0, grade.modifier_rank) if grade.usable else None
    full = rules().tested_normal_base
    return CellValue(text, standing, number, grade.base == full or grade.tag == "**")


@cache
def _sensory(text: str) -> CellValue:
    score = parse_sensory_score(text)
    if score.score is None:
        return CellValue(text, None, None)
    normal = rules().abnormal_sensory_below_score
    return CellValue(text, Standing(-score.score) if score.usable else None, float(score.score),
                     score.score >= normal or score.tag == "**")


@cache
def _reflex(text: str) -> CellValue:
    if not text.isdigit():
        return CellValue(text, None, None)  # NT
    grade = int(text)
    low, high = comparison_tables().reflex_band
    if grade < low:
        standing = Standing(low - grade, -1)
    elif grade > high:
        standing = Standing(grade - high, +1)
    else:
        standing = Standing(0)
    return CellValue(text, standing, float(grade), standing.severity == 0)


@cache
def _ordinal(kind: str, text: str) -> CellValue:
    order = comparison_tables().ordinal[kind]
    if text not in order:
        return CellValue(text, None, None)  # NT
    rank = order.index(text)
    return CellValue(text, Standing(rank), float(rank), rank == 0)


@cache
def _clonus(beats: int) -> CellValue:
    band = sum(1 for start in comparison_tables().clonus_bands_from if beats >= start)
    return CellValue(str(beats), Standing(band), float(beats), band == 0)


@cache
def _tension(sign: TensionSign) -> CellValue:
    value = _ordinal(TENSION_SIGN, sign.result)
    if sign.angle is None:
        return value
    return value._replace(text=f"{sign.result} at {sign.angle}°")


@cache
def _score(score: Score, comparable: bool) -> CellValue:
    if not isinstance(score, int):
        return CellValue(str(score), None, None)  # ND
    return CellValue(str(score), Standing(-score) if comparable else None, float(score))


def visit_cells(visit: Visit, lems: LowerExtremityMotorScore, sensory: SensorySubtotals) -> dict[Cell, CellValue]:
    """Every finding of a visit, and its scores (from its assessment), as cells. A cell absent was
    not examined at that visit."""
    cells: dict[Cell, CellValue] = {}
    table = _cell_table()
    _sided(cells, table[MOTOR], visit.motor, _motor)
    _sided(cells, table[LIGHT_TOUCH], visit.light_touch, _sensory)
    _sided(cells, table[PIN_PRICK], visit.pin_prick, _sensory)
    _sided(cells, table[REFLEX], visit.reflexes, _reflex)
    for side, response in visit.plantar_response.items():
        cells[table[PLANTAR_RESPONSE][PLANTAR_RESPONSE][side]] = _ordinal(PLANTAR_RESPONSE, response)
    for side, beats in visit.ankle_clonus_beats.items():
        cells[table[ANKLE_CLONUS][ANKLE_CLONUS][side]] = _clonus(beats)
    for sign, signs in visit.tension_signs.items():
        for side, tension in signs.items():
            cells[table[TENSION_SIGN][sign][side]] = _tension(tension)
    _sided(cells, table[GAIT], visit.gait, partial(_ordinal, GAIT))
    for item, answer in (("vac", visit.vac), ("dap", visit.dap)):
        if answer is not None:
            cells[table[ANAL][item][NO_SIDE]] = _ordinal(ANAL, answer)
    _scores(cells, table, visit, lems, sensory)
    if visit.isncsci is not None:
        cells.update(isncsci_cells(visit.isncsci))
    return cells


@dataclass(frozen=True)
class IsncsciComparison:
    """The ISNCSCI results compared, from `resources/isncsci.json`."""

    ais_worst_first: tuple[str, ...]
    rostral_first: tuple[str, ...]  # the levels C2 ... S4_5, then INT
    compared: tuple[tuple[str, str, str], ...]  # (result key, label, side)


@cache
def isncsci_comparison() -> IsncsciComparison:
    raw = json.loads(resource_path("isncsci.json").read_text(encoding="utf-8"))["comparison"]
    return IsncsciComparison(
        ais_worst_first=tuple(raw["ais_grades_worst_first"]),
        rostral_first=(*isncsci_tables().levels, INTACT),
        compared=tuple((key, row["label"], row["side"]) for key, row in raw["compared"].items()),
    )


def isncsci_cells(entries: Mapping[str, str]) -> dict[Cell, CellValue]:
    """The compared ISNCSCI results of a worksheet; none while the worksheet is not complete."""
    worksheet = recorded_worksheet(entries)
    if worksheet is None:
        return {}
    results = isncsci_results(classify_isncsci(worksheet))
    table = _cell_table()[ISNCSCI]
    return {table[key][side]: isncsci_reading(key, results[key]) for key, _, side in isncsci_comparison().compared}


def isncsci_changes(before: Mapping[str, str], after: Mapping[str, str]) -> list[tuple[str, str, bool]]:
    """The compared ISNCSCI results that differ between two classifications (their 25 results, as
    `totals_json` writes them): (result key, label, worse)."""
    changes = []
    for key, label, side in isncsci_comparison().compared:
        if before[key] != after[key]:
            first, second = isncsci_reading(key, before[key]).standing, isncsci_reading(key, after[key]).standing
            worse = first is not None and second is not None and mark(first, second) == WORSE
            changes.append((key, f"{side} {label}" if side else label, worse))
    return changes


@cache
def isncsci_reading(key: str, text: str) -> CellValue:
    """One ISNCSCI result as the comparison reads it: its place from worst (the highest severity)
    to best; a set spans its answers; a starred answer is not compared."""
    order = isncsci_comparison()
    scale = order.ais_worst_first if key == "asiaImpairmentScale" else order.rostral_first
    answers = text.split(",")
    if any(answer.endswith("*") for answer in answers) or not all(answer in scale for answer in answers):
        return CellValue(text, None, None)
    places = [scale.index(answer) for answer in answers]  # 0 the worst
    worst, best = min(places), max(places)
    severity = len(scale) - 1 - best
    return CellValue(text, Standing(severity, spread=best - worst), float(best) if best == worst else None)


# kind -> item -> side -> Cell
_CellTable = dict[str, dict[str, dict[str, Cell]]]


@cache
def _cell_table() -> _CellTable:
    """Every cell the vocabulary allows, made once: a long record would otherwise make (and the
    garbage collector sweep) a key per finding per visit."""
    vocab = vocabulary()
    levels = [level.id for level in vocab.sensory_levels]
    items = {
        MOTOR: [m.id for m in vocab.motor_items],
        LIGHT_TOUCH: levels,
        PIN_PRICK: levels,
        REFLEX: [r.id for r in vocab.reflexes],
        PLANTAR_RESPONSE: [PLANTAR_RESPONSE],
        ANKLE_CLONUS: [ANKLE_CLONUS],
        TENSION_SIGN: [t.id for t in vocab.tension_signs],
        GAIT: [g.id for g in vocab.gait_items],
        LEMS: [LEMS],
        SENSORY_SUBTOTAL: [LIGHT_TOUCH, PIN_PRICK],
    }
    table = {
        kind: {item: {side: Cell(kind, item, side) for side in SIDES} for item in ids} for kind, ids in items.items()
    }
    table[LEMS][LEMS][TOTAL] = Cell(LEMS, LEMS, TOTAL)
    table[ANAL] = {a.id: {NO_SIDE: Cell(ANAL, a.id, NO_SIDE)} for a in vocab.anal_items}
    table[ISNCSCI] = {key: {side: Cell(ISNCSCI, key, side)} for key, _, side in isncsci_comparison().compared}
    return table


def _sided(
    cells: dict[Cell, CellValue],
    kind_cells: dict[str, dict[str, Cell]],
    given: Mapping[str, Mapping[str, str]],
    read: Callable[[str], CellValue],
) -> None:
    for item, sides in given.items():
        item_cells = kind_cells[item]
        for side, text in sides.items():
            cells[item_cells[side]] = read(text)


def _scores(
    cells: dict[Cell, CellValue], table: _CellTable, visit: Visit, lems: LowerExtremityMotorScore,
    sensory: SensorySubtotals
) -> None:
    """LEMS and subtotals. As for a major LEMS fall (spec 3.2), a score that counts a tagged value
    by its number is shown but not compared: the tag says the change is not the lesion's doing."""
    untagged = lems.untagged_sides
    lems_cells = table[LEMS][LEMS]
    for side in SIDES:
        cells[lems_cells[side]] = _score(lems.side(side), side in untagged)
    cells[lems_cells[TOTAL]] = _score(lems.total, untagged == frozenset(SIDES))
    for modality in (LIGHT_TOUCH, PIN_PRICK):
        subtotals = sensory.modality(modality)
        tagged = _tagged_sides(visit.sensory(modality).values())
        for side in SIDES:
            cells[table[SENSORY_SUBTOTAL][modality][side]] = _score(subtotals.side(side), side not in tagged)


def _tagged_sides(levels: Iterable[Mapping[str, str]]) -> set[str]:
    return {side for sides in levels for side, text in sides.items() if text.endswith("*")}


# --- comparing visits in order ----------------------------------------------------------------


@dataclass(slots=True)
class CellHistory:
    """One cell at every visit, oldest first: its value (None when not examined), its mark, and
    which visit it was compared with (its most recent earlier grading)."""

    values: list[CellValue | None]
    marks: list[str | None]
    earlier: list[int | None]  # the position of the visit compared with
    last_graded: int | None = None  # the most recent visit so far with a comparable value

    @classmethod
    def empty(cls, visits: int) -> CellHistory:
        return cls([None] * visits, [None] * visits, [None] * visits)


def compare_cells(visits: Sequence[Mapping[Cell, CellValue]]) -> dict[Cell, CellHistory]:
    """Every cell's history over the visits, given in order of examination: one pass, each value
    set against the most recent earlier comparable value of its cell."""
    histories: dict[Cell, CellHistory] = {}
    count = len(visits)
    for number, cells in enumerate(visits):
        for cell, value in cells.items():
            history = histories.get(cell)
            if history is None:
                history = histories[cell] = CellHistory.empty(count)
            history.values[number] = value
            now = value.standing
            if now is None:
                continue  # NT, tagged or ND: neither marked nor an earlier grading for later visits
            last = history.last_graded
            if last is not None:
                before = history.values[last]
                assert before is not None and before.standing is not None  # only comparable values count
                # Values are read once per text, so an unchanged one is the very same object.
                history.marks[number] = SAME if before is value else mark(before.standing, now)
                history.earlier[number] = last
            history.last_graded = number
    return histories
