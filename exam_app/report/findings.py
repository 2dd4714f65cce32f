"""The findings of the referred visit as the letter lists them: motor grades, sensation (table and
body chart), reflexes and signs; each value with its change since the previous visit.

With only abnormal findings asked for, normal rows are left out and the letter says how many
were examined and normal, and which were not examined: a row left out must never read as normal
when it was not examined.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from functools import partial

from reportlab.lib.colors import HexColor
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Table

from exam_app.clinical.compare import ANAL, ANKLE_CLONUS, GAIT, PLANTAR_RESPONSE, REFLEX, TENSION_SIGN, is_normal
from exam_app.clinical.compare import MOTOR as MOTOR_CELL
from exam_app.clinical.record import TensionSign, Visit
from exam_app.clinical.vocabulary import SIDES, vocabulary
from exam_app.clinical.worsening import MOTOR, SENSORY, UPPER_MOTOR_NEURON, Change
from exam_app.report.body_chart import legend, sensory_chart, style_of
from exam_app.report.styles import MUTED, WORSE, bold, coloured, grid, para, table_style, text
from exam_app.wording import short_day

ALL = "all"
ABNORMAL = "abnormal"
NOT_EXAMINED = "—"
WIDTH = 481.0  # the text width of the letter, in points


@dataclass(frozen=True)
class Cell:
    value: str | None  # as recorded; None when not examined
    normal: bool
    before: str | None = None  # the previous visit's value, when it differs
    worse: bool = False  # a worsening of spec 3.2 (listed in the assessment's changes)


@dataclass(frozen=True)
class Row:
    label: str
    detail: str  # muscle, key point or roots: muted under or beside the label
    roots: str
    cells: tuple[Cell, ...]

    @property
    def abnormal(self) -> bool:
        return any(c.value is not None and not c.normal for c in self.cells)

    @property
    def not_examined(self) -> bool:
        return any(c.value is None for c in self.cells)


@dataclass(frozen=True)
class FindingsContext:
    visit: Visit
    previous: Visit | None
    changes: tuple[Change, ...]  # the worsening since the previous visit
    zone: tzinfo | None  # the letter's time zone
    mode: str  # ALL or ABNORMAL

    def worse(self, kind: str, item: str, side: str, modality: str | None = None) -> bool:
        return any(
            c.kind == kind and c.item == item and c.side == side and c.modality == modality for c in self.changes
        )

    def previous_day(self) -> str:
        if self.previous is None:
            return ""
        at = self.previous.examined_at
        label = short_day(at, self.zone)
        local_year = at.astimezone(self.zone).year if self.zone else at.year
        if local_year != (self.visit.examined_at.astimezone(self.zone) if self.zone else self.visit.examined_at).year:
            label += f" {local_year}"
        return label


Raw = str | int | TensionSign  # a finding as recorded


def cell(kind: str, now: Raw | None, before: Raw | None, worse: bool = False) -> Cell:
    """A value of the letter: written as recorded, normal or not as every screen reads it
    (`exam_app.clinical.compare.is_normal`: NT is shown among the abnormal, never hidden as normal)."""
    value, earlier = _written(now), _written(before)
    return Cell(
        value=value,
        normal=now is not None and is_normal(kind, now) is True,
        before=earlier if earlier is not None and value is not None and earlier != value else None,
        worse=worse,
    )


def _written(found: Raw | None) -> str | None:
    if found is None:
        return None
    if isinstance(found, TensionSign):
        return f"{found.result} at {found.angle}°" if found.angle is not None else found.result
    if isinstance(found, int):
        return f"{found} beat" if found == 1 else f"{found} beats"
    return found


# --- the rows --------------------------------------------------------------------------------


def motor_rows(context: FindingsContext) -> list[Row]:
    visit, previous = context.visit, context.previous
    rows = []
    for item in vocabulary().motor_items:
        cells = tuple(
            cell(
                MOTOR_CELL,
                visit.motor.get(item.id, {}).get(side),
                previous.motor.get(item.id, {}).get(side) if previous else None,
                context.worse(MOTOR, item.id, side),
            )
            for side in SIDES
        )
        roots = ", ".join(f"{root} (key)" if root == item.key_root else root for root in item.roots)
        rows.append(Row(item.movement, item.muscle, roots, cells))
    return rows


def sensory_rows(context: FindingsContext) -> list[Row]:
    visit, previous = context.visit, context.previous
    rows = []
    for level in vocabulary().sensory_levels:
        cells = []
        for modality in ("light_touch", "pin_prick"):
            for side in SIDES:
                now = visit.sensory(modality).get(level.id, {}).get(side)
                before = previous.sensory(modality).get(level.id, {}).get(side) if previous else None
                worse = context.worse(SENSORY, level.id, side, modality)
                cells.append(cell(modality, now, before, worse))
        rows.append(Row(level.label, level.key_point, level.label, tuple(cells)))
    return rows


Reading = Callable[[Visit, str], Raw | None]  # a sign's value at a visit on a side, None if not examined


def _reflex(reflex_id: str, visit: Visit, side: str) -> str | None:
    return visit.reflexes.get(reflex_id, {}).get(side)


def _plantar(visit: Visit, side: str) -> str | None:
    return visit.plantar_response.get(side)


def _clonus(visit: Visit, side: str) -> int | None:
    return visit.ankle_clonus_beats.get(side)


def _tension(sign_id: str, visit: Visit, side: str) -> TensionSign | None:
    return visit.tension_signs.get(sign_id, {}).get(side)


def _gait(gait_id: str, visit: Visit, side: str) -> str | None:
    return visit.gait.get(gait_id, {}).get(side)


def signs_rows(context: FindingsContext) -> list[Row]:
    visit, previous = context.visit, context.previous
    vocab = vocabulary()
    rows = []

    def sided(label: str, roots: str, kind: str, read: Reading, sign: str | None = None) -> None:
        """`sign`: the upper-motor-neuron sign whose newly shown value is a worsening (spec 3.2)."""
        cells = tuple(
            cell(kind, read(visit, side), read(previous, side) if previous else None,
                 sign is not None and context.worse(UPPER_MOTOR_NEURON, sign, side))
            for side in SIDES
        )
        rows.append(Row(label, "", roots, cells))

    for reflex in vocab.reflexes:
        sided(reflex.label, ", ".join(reflex.roots), REFLEX, partial(_reflex, reflex.id), reflex.id)
    sided("plantar response", "UMN sign", PLANTAR_RESPONSE, _plantar, "plantar_response")
    sided("ankle clonus", "UMN sign", ANKLE_CLONUS, _clonus, "ankle_clonus")
    for tension in vocab.tension_signs:
        sided(tension.label, ", ".join(tension.roots), TENSION_SIGN, partial(_tension, tension.id))
    for gait in vocab.gait_items:
        sided(gait.label, ", ".join(gait.roots), GAIT, partial(_gait, gait.id))
    for anal in vocab.anal_items:
        now = visit.vac if anal.id == "vac" else visit.dap
        before = (previous.vac if anal.id == "vac" else previous.dap) if previous else None
        rows.append(Row(anal.label, "", "S4-5", (cell(ANAL, now, before),)))
    return rows


# --- the tables ------------------------------------------------------------------------------


def _value(found: Cell, context: FindingsContext) -> str:
    if found.value is None:
        return coloured(NOT_EXAMINED, MUTED)
    shown = bold(found.value) if not found.normal else text(found.value)
    if found.worse:
        shown = coloured(shown, WORSE)
    if found.before is not None:
        shown += coloured(f'<font size="7.5">{text(f" ({found.before} on {context.previous_day()})")}</font>', MUTED)
    return shown


def _label(row: Row) -> str:
    if not row.detail:
        return text(row.label)
    return f"{text(row.label)}<br/>{coloured(text(row.detail), MUTED)}"


def _shown(rows: Sequence[Row], context: FindingsContext) -> list[Row]:
    return [r for r in rows if r.abnormal] if context.mode == ABNORMAL else list(rows)


def _left_out(rows: Sequence[Row], context: FindingsContext, what: str) -> list[Flowable]:
    """With abnormal findings only: what was left out, honestly (normal, or not examined)."""
    if context.mode != ABNORMAL:
        return []
    left_out = [r for r in rows if not r.abnormal]
    normal = [r for r in left_out if not r.not_examined]
    missing = [r.label for r in left_out if r.not_examined and any(c.value is not None for c in r.cells)]
    never = [r.label for r in left_out if all(c.value is None for c in r.cells)]
    parts = []
    if normal:
        parts.append(f"all other {what} examined were normal ({len(normal)})")
    if missing:
        parts.append(f"examined on one side only, normal there: {', '.join(missing)}")
    if never:
        parts.append(f"not examined: {', '.join(never)}")
    if not parts:
        return []
    sentence = "; ".join(parts)
    sentence = sentence[0].upper() + sentence[1:] + "."
    if not any(r.abnormal for r in rows):
        sentence = f"No abnormal {what}. " + sentence
    return [para(text(sentence), "small")]


def _notes(rows: Sequence[Row], context: FindingsContext) -> list[Flowable]:
    shown = _shown(rows, context)
    values = [c.value for r in shown for c in r.cells if c.value is not None]
    notes = []
    if any(c.value is None for r in shown for c in r.cells):
        notes.append(f"{NOT_EXAMINED} not examined")
    if any(c.before is not None for r in shown for c in r.cells):
        notes.append("in brackets: the value at the previous visit, where it differs")
    if any(c.worse for r in shown for c in r.cells):
        notes.append("worse since the previous visit in red")
    if any(v.endswith("**") for v in values):
        notes.append("** consider normal (ISNCSCI)")
    if any(v.endswith("*") and not v.endswith("**") for v in values):
        notes.append("* abnormal for a reason other than the nerve lesion, e.g. pain or disuse (ISNCSCI)")
    return [para(text("; ".join(notes).capitalize() + "."), "small")] if notes else []


def _table(
    header: list[str], rows: list[list[str]], widths: list[float], extra: Sequence[tuple[object, ...]] = ()
) -> Table:
    data = [[para(text(h), "cell_head") for h in header]]
    data += [[para(value, "cell") for value in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(table_style(grid() + list(extra)))
    return table


def motor_section(context: FindingsContext) -> list[Flowable]:
    rows = motor_rows(context)
    shown = _shown(rows, context)
    out: list[Flowable] = [CondPageBreak(90), para(text("Motor (MRC grades 0–5)"), "subsection")]
    if shown:
        body = [[text(r.label), coloured(text(r.detail), MUTED), text(r.roots), *(_value(c, context) for c in r.cells)]
                for r in shown]
        out.append(_table(["Movement", "Muscle", "Roots", "Left", "Right"], body, [104, 112, 73, 96, 96]))
    notes = _notes(rows, context)
    if any("(key)" in r.roots for r in shown):
        notes.insert(0, para(text("(key): the ISNCSCI key muscle of that root, counted in the LEMS."), "small"))
    return [*out, *notes, *_left_out(rows, context, "movements")]


def sensory_section(context: FindingsContext) -> list[Flowable]:
    rows = sensory_rows(context)
    shown = _shown(rows, context)
    out: list[Flowable] = [CondPageBreak(90), para(text("Sensation (2 normal, 1 altered, 0 absent)"), "subsection")]
    examined = any(c.value is not None for r in rows for c in r.cells)
    if not examined:
        return [*out, para(text("Sensation was not examined at this visit."), "small")]
    if shown:
        body = [[text(r.label), coloured(text(r.detail), MUTED), *(_value(c, context) for c in r.cells)] for r in shown]
        shading = [
            ("BACKGROUND", (2 + i, 2 + n), (2 + i, 2 + n), HexColor(style_of(c.value).fill))
            for n, r in enumerate(shown)
            for i, c in enumerate(r.cells)
            if c.value is not None and not c.normal
        ]
        header_top = ["", "", "Light touch", "", "Pin prick", ""]
        header = ["Level", "Key sensory point", "Left", "Right", "Left", "Right"]
        data = [[para(text(h), "cell_head") for h in header_top], [para(text(h), "cell_head") for h in header]]
        data += [[para(v, "cell") for v in row] for row in body]
        table = Table(data, colWidths=[33, 160, 72, 72, 72, 72], repeatRows=2, hAlign="LEFT")
        table.setStyle(table_style([
            *grid(header_rows=2),
            ("SPAN", (2, 0), (3, 0)), ("SPAN", (4, 0), (5, 0)),
            ("LINEBELOW", (2, 0), (5, 0), 0.3, MUTED),
            ("LINEBEFORE", (4, 0), (4, -1), 0.3, MUTED),
            *shading,
        ]))
        out.append(table)
    return [*out, *_notes(rows, context), *_left_out(rows, context, "levels")]


def body_chart_section(context: FindingsContext) -> list[Flowable]:
    """Light touch and pin prick on the dermatome chart, side by side (after the tables, so the
    tables are not pushed apart by a figure that needs most of a page)."""
    visit = context.visit
    if not any(visit.light_touch.values()) and not any(visit.pin_prick.values()):
        return []
    return [KeepTogether([para(text("Dermatome chart of the sensory scores"), "subsection"), *_charts(context)])]


def _charts(context: FindingsContext) -> list[Flowable]:
    visit = context.visit
    width = 205.0  # each chart: large enough to read the level names, small enough to sit below the table
    charts = Table(
        [[sensory_chart(visit.light_touch, width, "Light touch"), sensory_chart(visit.pin_prick, width, "Pin prick")]],
        colWidths=[width + 30, width + 30],
        hAlign="CENTER",
    )
    charts.setStyle(table_style([("LEFTPADDING", (0, 0), (-1, -1), 15), ("RIGHTPADDING", (0, 0), (-1, -1), 15),
                                 ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    note = para(text("The patient's sides; the front view faces you. Dots mark the ISNCSCI key sensory points. "
                     "Light touch and pin prick are drawn separately, each as scored."), "small")
    return [charts, legend(width=WIDTH), note]


def signs_section(context: FindingsContext) -> list[Flowable]:
    rows = signs_rows(context)
    shown = _shown(rows, context)
    out: list[Flowable] = [CondPageBreak(90), para(text("Reflexes and other signs"), "subsection")]
    if shown:
        body = []
        spans: list[tuple[object, ...]] = []
        for n, r in enumerate(shown):
            values = [_value(c, context) for c in r.cells]
            if len(values) == 1:  # VAC and DAP: one value, not sided
                spans.append(("SPAN", (2, 1 + n), (3, 1 + n)))
                values.append("")
            body.append([_label(r), text(r.roots), *values])
        out.append(_table(["Reflex or sign", "Roots", "Left", "Right"], body, [223, 70, 94, 94], spans))
    return [*out, *_notes(rows, context), *_left_out(rows, context, "signs")]


def history_section(context: FindingsContext) -> list[Flowable]:
    """Symptoms, red-flag questions and the examiner's notes at this visit."""
    visit = context.visit
    vocab = vocabulary()
    out: list[Flowable] = []
    if visit.symptoms:
        symptoms = ", ".join(vocab.symptom(s).label for s in visit.symptoms)
        out.append(para(f"{bold('Symptoms:')} {text(symptoms)}"))
    # On a signed visit every question was put; those not answered yes were answered no.
    yes, total = len(visit.red_flags), len(vocab.red_flags)
    if yes or visit.red_flags_no or "red_flags" in visit.asked:
        answers = (f"{yes} of {total} answered yes (see the reason for referral), the others no" if yes
                   else f"all {total} answered no")
        out.append(para(f"{bold('Red-flag questions:')} {text(answers)}."))
    if visit.notes:
        out.append(para(f"{bold('Examiner’s notes:')} {text(visit.notes)}"))
    if not out:
        return []
    return [para(text("History at this visit"), "subsection"), *out]
