"""A patient's chart as the exports carry it: the patient, the signed visits with their status, and
the referral letters issued from them, as plain data (the services read it from the database).

The engine's answer is computed here from the visits, so every export of the same chart shows the
same scores, pattern and urgency as the screens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache, cached_property
from typing import NamedTuple

from exam_app.clinical.assess import VisitAssessment, assess_visits
from exam_app.clinical.isncsci import anal_key, entry_key, isncsci_tables, non_key_muscle_key
from exam_app.clinical.record import ExamRecord, Patient, Visit
from exam_app.clinical.vocabulary import SIDES, vocabulary


@dataclass(frozen=True)
class ChartVisit:
    """A visit as signed: `status` is `signed`, or `amended` once it was corrected."""

    visit: Visit
    status: str
    signed_at: datetime | None = None


@dataclass(frozen=True)
class IssuedLetterCopy:
    """A referral letter exactly as issued: the stored PDF and who issued it, when, to whom."""

    visit_examined_at: datetime
    issued_at: datetime
    issued_by: str
    recipient: str
    sha256: str
    pdf: bytes


@dataclass(frozen=True)
class Chart:
    patient: Patient
    visits: tuple[ChartVisit, ...]  # any order; exports list them in order of examination
    letters: tuple[IssuedLetterCopy, ...] = ()
    window_days: int = 3

    @cached_property
    def visits_in_order(self) -> tuple[ChartVisit, ...]:
        return tuple(sorted(self.visits, key=lambda v: v.visit.examined_at.timestamp()))

    @cached_property
    def assessments(self) -> tuple[VisitAssessment, ...]:
        """The engine's answer for each visit, in the order of `visits_in_order`."""
        return tuple(assess_visits([v.visit for v in self.visits_in_order], self.window_days))

    @property
    def record(self) -> ExamRecord:
        return ExamRecord(self.patient, [v.visit for v in self.visits_in_order])


# Kinds of a recorded finding, as the exports name them.
MOTOR = "motor"
SENSORY = "sensory"
REFLEX = "reflex"
PLANTAR_RESPONSE = "plantar_response"
ANKLE_CLONUS = "ankle_clonus_beats"
TENSION_SIGN = "tension_sign"
GAIT = "gait"
ANAL = "anal"
SYMPTOM = "symptom"
RED_FLAG = "red_flag"
# The boxes of an ISNCSCI 2019 worksheet recorded at the visit.
ISNCSCI_SENSORY = "isncsci_sensory"  # item the level (C2 ... S4_5), modality light_touch or pin_prick
ISNCSCI_MOTOR = "isncsci_motor"  # item the key muscle's level (C5 ... T1, L2 ... S1)
ISNCSCI_ANAL = "isncsci_anal"  # item vac or dap, no side; the value Yes, No or NT
ISNCSCI_NON_KEY_MUSCLE = "isncsci_non_key_muscle"  # item lowest_non_key_muscle; the value a level
LOWEST_NON_KEY_MUSCLE = "lowest_non_key_muscle"


class RecordedFinding(NamedTuple):
    """One value the examiner recorded: an item on a side (and in a modality), as written."""

    kind: str
    item: str
    side: str = ""  # "" for items without a side
    modality: str = ""  # light_touch or pin_prick for sensory items
    value: str = ""  # as written: "4-*", "NT", "positive", "yes"; clonus beats as digits
    angle: int | None = None  # a tension sign's angle in degrees


def visit_findings(visit: Visit) -> list[RecordedFinding]:
    """Every recorded value of the visit, in examination order (vocabulary order, left before right).

    Symptoms are listed when reported (the record keeps no "no" for them); red-flag questions with
    the answer given, yes or no.
    """
    vocab = vocabulary()
    found: list[RecordedFinding] = []

    def sided(kind: str, items: tuple[str, ...], values: dict[str, dict[str, str]], modality: str = "") -> None:
        for item in items:
            for side in SIDES:
                value = values.get(item, {}).get(side)
                if value is not None:
                    found.append(RecordedFinding(kind, item, side, modality, value))

    sided(MOTOR, tuple(m.id for m in vocab.motor_items), visit.motor)
    levels = tuple(level.id for level in vocab.sensory_levels)
    for modality in vocab.sensory_modalities:
        sided(SENSORY, levels, visit.sensory(modality.id), modality.id)
    sided(REFLEX, tuple(r.id for r in vocab.reflexes), visit.reflexes)
    for side in SIDES:
        if side in visit.plantar_response:
            found.append(RecordedFinding(PLANTAR_RESPONSE, PLANTAR_RESPONSE, side, "", visit.plantar_response[side]))
    for side in SIDES:
        if side in visit.ankle_clonus_beats:
            found.append(RecordedFinding(ANKLE_CLONUS, ANKLE_CLONUS, side, "", str(visit.ankle_clonus_beats[side])))
    for sign in vocab.tension_signs:
        for side in SIDES:
            tension = visit.tension_signs.get(sign.id, {}).get(side)
            if tension is not None:
                found.append(RecordedFinding(TENSION_SIGN, sign.id, side, "", tension.result, tension.angle))
    sided(GAIT, tuple(g.id for g in vocab.gait_items), visit.gait)
    for item, answer in (("vac", visit.vac), ("dap", visit.dap)):
        if answer is not None:
            found.append(RecordedFinding(ANAL, item, "", "", answer))
    reported = set(visit.symptoms)
    found += [RecordedFinding(SYMPTOM, s.id, value="yes") for s in vocab.symptoms if s.id in reported]
    yes, no = set(visit.red_flags), set(visit.red_flags_no)
    for flag in vocab.red_flags:
        if flag.id in yes or flag.id in no:
            found.append(RecordedFinding(RED_FLAG, flag.id, value="yes" if flag.id in yes else "no"))
    return found


@cache
def worksheet_boxes() -> tuple[tuple[str, RecordedFinding], ...]:
    """Every box of the ISNCSCI worksheet as (its key in the visit's `isncsci`, the finding without a
    value), in worksheet order: light touch then pin prick C2 ... S4_5, key muscles, VAC, DAP, the
    lowest non-key muscles; left before right."""
    tables = isncsci_tables()
    boxes: list[tuple[str, RecordedFinding]] = []
    for modality in ("light_touch", "pin_prick"):
        boxes += [(entry_key(level, side, modality), RecordedFinding(ISNCSCI_SENSORY, level, side, modality))
                  for level in tables.levels for side in SIDES]
    boxes += [(entry_key(level, side, "motor"), RecordedFinding(ISNCSCI_MOTOR, level, side))
              for level in tables.key_muscle_levels for side in SIDES]
    boxes += [(anal_key(item), RecordedFinding(ISNCSCI_ANAL, item)) for item in ("vac", "dap")]
    boxes += [(non_key_muscle_key(side), RecordedFinding(ISNCSCI_NON_KEY_MUSCLE, LOWEST_NON_KEY_MUSCLE, side))
              for side in SIDES]
    return tuple(boxes)


def worksheet_findings(visit: Visit) -> list[tuple[str, RecordedFinding]]:
    """The boxes recorded on the visit's ISNCSCI worksheet, as (key, finding), in worksheet order; none
    without a worksheet. A box left empty is not listed."""
    entries = visit.isncsci or {}
    return [(key, box._replace(value=entries[key])) for key, box in worksheet_boxes() if entries.get(key)]
