"""The app's tables as typed, frozen values: one loader for `resources/rules.json`, `history.json`,
`doctor.json`, `motor_guide.json` and `roles.json`, each read once.

The files are data the clinic reviews; the code reads them by attribute, never by string key, so a
renamed or missing entry fails at start, where it is read, with the file and key named.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from exam_app.paths import resource_path


class TableError(ValueError):
    """A resource file lacks what the app needs; the message names the file and the key."""


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource_path(name).read_text(encoding="utf-8"))
    return data


class _Reader:
    """Reads one file's keys, naming the file and key of anything missing."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.raw = _load(name)

    def __getitem__(self, key: str) -> Any:
        try:
            return self.raw[key]
        except KeyError:
            raise TableError(f"resources/{self.name}: {key!r} is missing") from None


# ---------------------------------------------------------------- words shared by every layer


class VisitStatus(StrEnum):
    DRAFT = "draft"  # being recorded, saved as typed
    SIGNED = "signed"  # read-only
    AMENDED = "amended"  # signed, then corrected (the original kept)


SIGNED_STATUSES = (VisitStatus.SIGNED, VisitStatus.AMENDED)


class NoteStatus(StrEnum):
    """The doctor's note of a visit."""

    NEW = "new"  # not started
    DRAFT = "draft"
    SIGNED = "signed"


class Urgency(StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"
    SAME_DAY = "same_day"
    EMERGENCY = "emergency"


class Pattern(StrEnum):
    CORD_OR_CENTRAL = "cord_or_central"
    CAUDA_EQUINA = "cauda_equina"
    PERIPHERAL_NERVE = "peripheral_nerve"
    RADICULOPATHY = "radiculopathy"
    MULTIRADICULAR = "multiradicular"
    NORMAL = "normal"
    INDETERMINATE = "indeterminate"


# ---------------------------------------------------------------- rules.json


@dataclass(frozen=True)
class Range:
    low: int
    high: int


@dataclass(frozen=True)
class WindowDays:
    default: int
    min: int
    max: int


@dataclass(frozen=True)
class MajorFall:
    to_base_at_most: int
    from_base_at_least: int
    lems_side_drop: int


@dataclass(frozen=True)
class CaudaEquina:
    anal_items_no: tuple[str, ...]
    anal_result: str
    sensory_levels_below_normal: tuple[str, ...]
    red_flags: tuple[str, ...]


@dataclass(frozen=True)
class RootWeights:
    weak_muscle_per_root: float
    weak_key_muscle_bonus: float
    abnormal_key_point_per_modality: float
    reduced_reflex_per_root: float
    positive_tension_sign_per_root: float
    abnormal_gait_per_root: float


@dataclass(frozen=True)
class PeripheralNerveRule:
    id: str
    label: str
    motor: tuple[str, ...]
    sensory: tuple[str, ...]
    reflexes: tuple[str, ...]
    requires_weak_any: tuple[str, ...]
    requires_weak_all: tuple[str, ...]
    requires_tested_normal: tuple[str, ...]


@dataclass(frozen=True)
class RuleTables:
    rules_version: int
    window_days: WindowDays
    max_age_years: int
    exam_ahead_minutes: int
    clonus_beats_range: Range
    tension_sign_angle_range: Range
    root_order: tuple[str, ...]
    probable_root_range: tuple[str, ...]
    key_muscles: tuple[str, ...]
    lems_side_max: int
    sensory_side_max: int
    clonus_abnormal_beats: int
    clonus_sustained_beats: int
    hyperreflexia_grade: int
    reduced_reflex_max_grade: int
    major_fall: MajorFall
    urgent_muscle_base_at_most: int
    weak_muscle_below_base: int
    abnormal_sensory_below_score: int
    tested_normal_base: int
    upper_motor_neuron_plantar_responses: tuple[str, ...]
    supporting_tension_sign_results: tuple[str, ...]
    supporting_gait_results: tuple[str, ...]
    pattern_labels: dict[str, str]  # pattern id -> label, in the order of spec 3.3
    cauda_equina: CaudaEquina
    same_day_patterns: tuple[str, ...]
    worklist_first_tiers: tuple[str, ...]
    root_weights: RootWeights
    peripheral_nerves: tuple[PeripheralNerveRule, ...]


def _range(raw: dict[str, Any]) -> Range:
    return Range(int(raw["min"]), int(raw["max"]))


@cache
def rules() -> RuleTables:
    """`resources/rules.json`, the decision-support rule tables (rules version 1)."""
    raw = _Reader("rules.json")
    times, ranges, supporting = raw["plausible_times"], raw["value_ranges"], raw["supporting_signs"]
    cauda, weights = raw["cauda_equina"], raw["root_weights"]
    return RuleTables(
        rules_version=int(raw["rules_version"]),
        window_days=WindowDays(**{k: int(v) for k, v in raw["window_days"].items()}),
        max_age_years=int(times["max_age_years"]),
        exam_ahead_minutes=int(times["exam_ahead_minutes"]),
        clonus_beats_range=_range(ranges["ankle_clonus_beats"]),
        tension_sign_angle_range=_range(ranges["tension_sign_angle"]),
        root_order=tuple(raw["root_order"]),
        probable_root_range=tuple(raw["probable_root_range"]),
        key_muscles=tuple(raw["key_muscles"]),
        lems_side_max=int(raw["lems_side_max"]),
        sensory_side_max=int(raw["sensory_side_max"]),
        clonus_abnormal_beats=int(raw["clonus_abnormal_beats"]),
        clonus_sustained_beats=int(raw["clonus_sustained_beats"]),
        hyperreflexia_grade=int(raw["hyperreflexia_grade"]),
        reduced_reflex_max_grade=int(raw["reduced_reflex_max_grade"]),
        major_fall=MajorFall(**{k: int(v) for k, v in raw["major_fall"].items()}),
        urgent_muscle_base_at_most=int(raw["urgent_muscle_base_at_most"]),
        weak_muscle_below_base=int(raw["weak_muscle_below_base"]),
        abnormal_sensory_below_score=int(raw["abnormal_sensory_below_score"]),
        tested_normal_base=int(raw["tested_normal_base"]),
        upper_motor_neuron_plantar_responses=tuple(raw["upper_motor_neuron_plantar_responses"]),
        supporting_tension_sign_results=tuple(supporting["tension_sign_results"]),
        supporting_gait_results=tuple(supporting["gait_results"]),
        pattern_labels={row["id"]: row["label"] for row in raw["patterns"]},
        cauda_equina=CaudaEquina(tuple(cauda["anal_items_no"]), cauda["anal_result"],
                                 tuple(cauda["sensory_levels_below_normal"]), tuple(cauda["red_flags"])),
        same_day_patterns=tuple(raw["same_day_patterns"]),
        worklist_first_tiers=tuple(raw["worklist_first_tiers"]),
        root_weights=RootWeights(**{k: float(v) for k, v in weights.items()}),
        peripheral_nerves=tuple(
            PeripheralNerveRule(row["id"], row["label"], *(tuple(row[k]) for k in (
                "motor", "sensory", "reflexes", "requires_weak_any", "requires_weak_all", "requires_tested_normal")))
            for row in raw["peripheral_nerves"]),
    )


# ---------------------------------------------------------------- the other vocabularies


@dataclass(frozen=True)
class Choice:
    id: str
    label: str


@dataclass(frozen=True)
class Medication:
    id: str
    label: str
    why: str


@dataclass(frozen=True)
class HistoryTables:
    onset_characters: tuple[Choice, ...]
    legs_affected: tuple[Choice, ...]
    alcohol_use: tuple[Choice, ...]
    medications: tuple[Medication, ...]


def _choices(rows: list[dict[str, Any]]) -> tuple[Choice, ...]:
    return tuple(Choice(row["id"], row["label"]) for row in rows)


@cache
def history() -> HistoryTables:
    """`resources/history.json`: the history asked beyond symptoms and red flags."""
    raw = _Reader("history.json")
    return HistoryTables(
        onset_characters=_choices(raw["onset_characters"]),
        legs_affected=_choices(raw["legs_affected"]),
        alcohol_use=_choices(raw["alcohol_use"]),
        medications=tuple(Medication(r["id"], r["label"], r["why"]) for r in raw["medications"]),
    )


@dataclass(frozen=True)
class Plan:
    id: str
    label: str
    is_surgery: bool


@dataclass(frozen=True)
class DoctorTables:
    levels: tuple[Choice, ...]
    causes: tuple[Choice, ...]
    investigations: tuple[Choice, ...]
    plans: tuple[Plan, ...]

    def label(self, kind: str, item_id: str) -> str:
        """The words for an id of "levels", "causes", "investigations" or "plans"."""
        for row in getattr(self, kind):
            if row.id == item_id:
                return str(row.label)
        raise KeyError(f"{item_id!r} is not in {kind}")

    def ids(self, kind: str) -> frozenset[str]:
        return frozenset(row.id for row in getattr(self, kind))


@cache
def doctor() -> DoctorTables:
    """`resources/doctor.json`: the words of the doctor's note."""
    raw = _Reader("doctor.json")
    return DoctorTables(
        levels=_choices(raw["levels"]),
        causes=_choices(raw["causes"]),
        investigations=_choices(raw["investigations"]),
        plans=tuple(Plan(r["id"], r["label"], bool(r.get("is_surgery", False))) for r in raw["plans"]),
    )


@dataclass(frozen=True)
class MrcGrade:
    grade: str
    meaning: str


@dataclass(frozen=True)
class MovementGuide:
    id: str
    position: str
    resist: str
    functional: str | None


@dataclass(frozen=True)
class MotorGuide:
    mrc_grades: tuple[MrcGrade, ...]
    movements: dict[str, MovementGuide]


@cache
def motor_guide() -> MotorGuide:
    """`resources/motor_guide.json`: how to position and resist each movement; the MRC grades."""
    raw = _Reader("motor_guide.json")
    return MotorGuide(
        mrc_grades=tuple(MrcGrade(r["grade"], r["meaning"]) for r in raw["mrc_grades"]),
        movements={r["id"]: MovementGuide(r["id"], r["position"], r["resist"], r.get("functional"))
                   for r in raw["movements"]},
    )


@dataclass(frozen=True)
class AccountRules:
    min_password_length: int
    max_failed_sign_ins: int
    lock_minutes: int
    idle_lock_minutes: int


@dataclass(frozen=True)
class RoleTables:
    actions: dict[str, str]  # action -> what it allows, in words ("record, save and sign visits")
    roles: dict[str, frozenset[str]]  # role -> the actions it may take
    labels: dict[str, str]  # role -> its name in words ("front desk")
    accounts: AccountRules

    def may(self, role: str, action: str) -> bool:
        return action in self.roles.get(role, frozenset())

    def label(self, role: str) -> str:
        return self.labels.get(role, role.replace("_", " "))


@cache
def roles() -> RoleTables:
    """`resources/roles.json`: what each role may do, checked by the services; the sign-in rules."""
    raw = _Reader("roles.json")
    accounts = raw["accounts"]
    return RoleTables(actions=dict(raw["actions"]),
                      roles={role: frozenset(actions) for role, actions in raw["roles"].items()},
                      labels=dict(raw["role_labels"]),
                      accounts=AccountRules(**{k: int(v) for k, v in accounts.items() if k != "about"}))
