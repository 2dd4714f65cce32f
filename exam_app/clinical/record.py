"""Plain data of an exam record: one patient and their visits (spec section 2).

These are the values the rules read. Grades stay the strings the examiner wrote (`"4-"`, `"NT*"`);
`exam_app.clinical.grades` parses them. Every mapping is keyed by the vocabulary's ids and by
side; an item or side that is absent was not examined at that visit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# item id -> side -> value
SidedValues = dict[str, dict[str, str]]


@dataclass(frozen=True)
class TensionSign:
    result: str  # positive / negative / NT
    angle: int | None = None  # degrees, 0-90


@dataclass(frozen=True)
class History:
    """History taken at a visit beyond the spec's symptoms and red flags (optional key `history`)."""

    onset_character: str | None = None  # sudden / gradual
    legs_affected: str | None = None  # left / right / both
    recent_injury: bool | None = None
    diabetes: bool | None = None
    medications: tuple[str, ...] = ()  # ids from resources, e.g. corticosteroids, statins
    alcohol_use: str | None = None  # none / moderate / heavy


@dataclass(frozen=True)
class Patient:
    record_number: str
    family_name: str | None = None
    given_name: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    contact: str | None = None
    referring_clinician: str | None = None

    @property
    def display_name(self) -> str:
        names = [n for n in (self.given_name, self.family_name) if n]
        return " ".join(names) if names else self.record_number


@dataclass
class Visit:
    """One examination. `examined_at` and `weakness_onset` are always time-zone aware."""

    examined_at: datetime
    examiner: str | None = None
    weakness_onset: datetime | None = None
    symptoms: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = ()  # the red-flag questions answered yes
    red_flags_no: tuple[str, ...] = ()  # answered no while recording (the file format lists only yes)
    motor: SidedValues = field(default_factory=dict)
    light_touch: SidedValues = field(default_factory=dict)
    pin_prick: SidedValues = field(default_factory=dict)
    reflexes: SidedValues = field(default_factory=dict)
    plantar_response: dict[str, str] = field(default_factory=dict)
    ankle_clonus_beats: dict[str, int] = field(default_factory=dict)
    tension_signs: dict[str, dict[str, TensionSign]] = field(default_factory=dict)
    gait: SidedValues = field(default_factory=dict)
    vac: str | None = None
    dap: str | None = None
    notes: str | None = None
    history: History | None = None
    # Signed as incomplete: why the patient could not complete the examination (None: complete,
    # or not said, as in a file that leaves items out).
    incomplete_reason: str | None = None
    # Which of the lists `symptoms` and `red_flags` were asked, even if nothing was answered yes:
    # an empty list that was asked differs from a question never put.
    asked: frozenset[str] = frozenset()
    # The ISNCSCI 2019 worksheet of the visit, when one was recorded: the boxes in the flat layout of
    # `exam_app.clinical.isncsci` (`c5RightMotor` -> "4*", `analContraction` -> "No"); a box not
    # typed yet is absent. None: no worksheet at this visit.
    isncsci: dict[str, str] | None = None

    def sensory(self, modality: str) -> SidedValues:
        """The scores of one modality, `light_touch` or `pin_prick`."""
        if modality == "light_touch":
            return self.light_touch
        if modality == "pin_prick":
            return self.pin_prick
        raise KeyError(modality)


@dataclass
class ExamRecord:
    patient: Patient
    visits: list[Visit] = field(default_factory=list)

    def visits_in_order(self) -> list[Visit]:
        """Visits by `examined_at`, the order in which the rules read them."""
        return sorted(self.visits, key=lambda v: v.examined_at)
