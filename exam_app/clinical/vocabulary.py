"""The examination's vocabulary (spec section 1), read once from `resources/vocabulary.json`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol, TypeVar

from exam_app.paths import resource_path

LEFT = "left"
RIGHT = "right"
SIDES: tuple[str, str] = (LEFT, RIGHT)


@dataclass(frozen=True)
class MotorItem:
    id: str
    movement: str
    muscle: str
    key_root: str | None
    roots: tuple[str, ...]
    nerve: str


@dataclass(frozen=True)
class SensoryLevel:
    id: str
    label: str
    key_point: str


@dataclass(frozen=True)
class RootedItem:
    """A reflex, tension sign, gait item or anal item, with the roots it tests."""

    id: str
    label: str
    roots: tuple[str, ...]


@dataclass(frozen=True)
class Labelled:
    id: str
    label: str


@dataclass(frozen=True)
class RedFlag:
    id: str
    question: str
    tier: str
    action: str
    label: str = ""  # short words for lists of findings, e.g. "bladder dysfunction"


@dataclass(frozen=True)
class UrgencyTier:
    id: str
    label: str
    rank: int


@dataclass(frozen=True)
class Vocabulary:
    motor_items: tuple[MotorItem, ...]
    sensory_levels: tuple[SensoryLevel, ...]
    sensory_modalities: tuple[Labelled, ...]
    reflexes: tuple[RootedItem, ...]
    reflex_grades: tuple[str, ...]
    plantar_responses: tuple[str, ...]
    tension_signs: tuple[RootedItem, ...]
    tension_results: tuple[str, ...]
    gait_items: tuple[RootedItem, ...]
    gait_results: tuple[str, ...]
    anal_items: tuple[RootedItem, ...]
    anal_results: tuple[str, ...]
    symptoms: tuple[Labelled, ...]
    red_flags: tuple[RedFlag, ...]
    urgency_tiers: tuple[UrgencyTier, ...]
    sexes: tuple[str, ...]

    def motor(self, item_id: str) -> MotorItem:
        return _by_id(self.motor_items, item_id)

    def sensory_level(self, level_id: str) -> SensoryLevel:
        return _by_id(self.sensory_levels, level_id)

    def reflex(self, reflex_id: str) -> RootedItem:
        return _by_id(self.reflexes, reflex_id)

    def tension_sign(self, sign_id: str) -> RootedItem:
        return _by_id(self.tension_signs, sign_id)

    def gait_item(self, gait_id: str) -> RootedItem:
        return _by_id(self.gait_items, gait_id)

    def red_flag(self, flag_id: str) -> RedFlag:
        return _by_id(self.red_flags, flag_id)

    def modality(self, modality_id: str) -> Labelled:
        return _by_id(self.sensory_modalities, modality_id)

    def symptom(self, symptom_id: str) -> Labelled:
        return _by_id(self.symptoms, symptom_id)

    def tier_rank(self, tier_id: str) -> int:
        return _by_id(self.urgency_tiers, tier_id).rank


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_Item = TypeVar("_Item", bound=_HasId)


def _by_id(items: tuple[_Item, ...], item_id: str) -> _Item:
    for item in items:
        if item.id == item_id:
            return item
    raise KeyError(item_id)


def _rooted(rows: list[dict[str, Any]]) -> tuple[RootedItem, ...]:
    return tuple(RootedItem(r["id"], r["label"], tuple(r["roots"])) for r in rows)


def _labelled(rows: list[dict[str, Any]]) -> tuple[Labelled, ...]:
    return tuple(Labelled(r["id"], r["label"]) for r in rows)


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary of `resources/vocabulary.json`, loaded once."""
    raw = json.loads(resource_path("vocabulary.json").read_text(encoding="utf-8"))
    return Vocabulary(
        motor_items=tuple(
            MotorItem(r["id"], r["movement"], r["muscle"], r["key_root"], tuple(r["roots"]), r["nerve"])
            for r in raw["motor_items"]
        ),
        sensory_levels=tuple(SensoryLevel(r["id"], r["label"], r["key_point"]) for r in raw["sensory_levels"]),
        sensory_modalities=_labelled(raw["sensory_modalities"]),
        reflexes=_rooted(raw["reflexes"]),
        reflex_grades=tuple(raw["reflex_grades"]),
        plantar_responses=tuple(raw["plantar_responses"]),
        tension_signs=_rooted(raw["tension_signs"]),
        tension_results=tuple(raw["tension_results"]),
        gait_items=_rooted(raw["gait_items"]),
        gait_results=tuple(raw["gait_results"]),
        anal_items=_rooted(raw["anal_items"]),
        anal_results=tuple(raw["anal_results"]),
        symptoms=_labelled(raw["symptoms"]),
        red_flags=tuple(
            RedFlag(r["id"], r["question"], r["tier"], r["action"], r.get("label") or r["id"].replace("_", " "))
            for r in raw["red_flags"]
        ),
        urgency_tiers=tuple(UrgencyTier(r["id"], r["label"], r["rank"]) for r in raw["urgency_tiers"]),
        sexes=tuple(raw["sexes"]),
    )
