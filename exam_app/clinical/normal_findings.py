"""Filling the items not yet recorded with their normal values ("all remaining normal").

The normal value of each kind of item is data: `resources/normal_findings.json`. Values already
recorded, including NT and tagged ones, are never changed.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from typing import Any

from exam_app.clinical.record import TensionSign, Visit
from exam_app.clinical.vocabulary import SIDES, vocabulary
from exam_app.paths import resource_path

MOTOR = "motor"
SENSORY = "sensory"
SIGNS = "signs"  # reflexes, plantar response, clonus, tension signs, gait, VAC and DAP


@cache
def normal_values() -> dict[str, Any]:
    values: dict[str, Any] = json.loads(resource_path("normal_findings.json").read_text(encoding="utf-8"))
    return values


def _filled(values: dict[str, dict[str, str]], items: list[str], normal: str) -> dict[str, dict[str, str]]:
    filled = {item: dict(sides) for item, sides in values.items()}
    for item in items:
        sides = filled.setdefault(item, {})
        for side in SIDES:
            sides.setdefault(side, normal)
    return filled


def with_remaining_normal(visit: Visit, part: str) -> Visit:
    """The visit with every unrecorded item of `part` (motor, sensory or signs) set to normal."""
    vocab, normal = vocabulary(), normal_values()
    if part == MOTOR:
        return replace(visit, motor=_filled(visit.motor, [m.id for m in vocab.motor_items], normal["motor"]))
    if part == SENSORY:
        levels = [level.id for level in vocab.sensory_levels]
        return replace(
            visit,
            light_touch=_filled(visit.light_touch, levels, normal["sensory"]),
            pin_prick=_filled(visit.pin_prick, levels, normal["sensory"]),
        )
    if part == SIGNS:
        tension = {sign: dict(sides) for sign, sides in visit.tension_signs.items()}
        for sign in vocab.tension_signs:
            for side in SIDES:
                tension.setdefault(sign.id, {}).setdefault(side, TensionSign(normal["tension_sign"]))
        return replace(
            visit,
            reflexes=_filled(visit.reflexes, [r.id for r in vocab.reflexes], normal["reflex"]),
            plantar_response={side: visit.plantar_response.get(side, normal["plantar_response"]) for side in SIDES},
            ankle_clonus_beats={
                side: visit.ankle_clonus_beats.get(side, normal["ankle_clonus_beats"]) for side in SIDES
            },
            tension_signs=tension,
            gait=_filled(visit.gait, [g.id for g in vocab.gait_items], normal["gait"]),
            vac=visit.vac or normal["anal"],
            dap=visit.dap or normal["anal"],
        )
    raise ValueError(f"{part!r} is not a part of the examination")


def normal_examination(visit: Visit, answer_red_flags: bool = True) -> Visit:
    """Every item not recorded yet, in every part, set to normal; with `answer_red_flags`, every
    red-flag question not answered yet answered "no". What "all remaining normal" on each page gives:
    the one builder of a normal examination for the demo clinic, the letter's specimens and the tests."""
    for part in (MOTOR, SENSORY, SIGNS):
        visit = with_remaining_normal(visit, part)
    if not answer_red_flags:
        return visit
    answered = set(visit.red_flags) | set(visit.red_flags_no)
    unanswered = tuple(f.id for f in vocabulary().red_flags if f.id not in answered)
    return replace(visit, red_flags_no=(*visit.red_flags_no, *unanswered), asked=visit.asked | {"red_flags"})
