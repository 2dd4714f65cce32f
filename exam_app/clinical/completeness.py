"""What a complete examination records: every red-flag question answered, and every motor item,
sensory key point (both modalities), reflex and sign recorded on both sides, as a value or as NT.

A visit is signed complete only when nothing is missing. When the patient cannot complete the
examination, the examiner signs it as incomplete with the reason, and every screen and letter
says so. Imported records keep the spec's rule: an item left out was simply not examined.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from exam_app.clinical.findings import level_label, modality_label, movement
from exam_app.clinical.record import Visit
from exam_app.clinical.vocabulary import SIDES, vocabulary


class Part(StrEnum):
    """The page of the visit where an item is recorded."""

    HISTORY = "history"
    MOTOR = "motor"
    SENSORY = "sensory"
    SIGNS = "signs"


@dataclass(frozen=True)
class MissingItem:
    part: Part
    kind: str  # red_flag, motor, light_touch, pin_prick, reflex, plantar_response, ankle_clonus_beats,
    # tension_sign, gait, vac, dap
    item: str
    side: str  # "" for items without a side
    label: str  # "left hip flexion grade", for the list of what is still missing


def missing_items(visit: Visit) -> list[MissingItem]:
    """What is not recorded yet, in the order the examiner goes through the visit."""
    vocab = vocabulary()
    missing: list[MissingItem] = []
    answered = set(visit.red_flags) | set(visit.red_flags_no)
    missing += [MissingItem(Part.HISTORY, "red_flag", f.id, "", f"red flag: {f.label}")
                for f in vocab.red_flags if f.id not in answered]
    for side in SIDES:
        missing += [MissingItem(Part.MOTOR, "motor", m.id, side, f"{side} {movement(m.id)} grade")
                    for m in vocab.motor_items if side not in visit.motor.get(m.id, {})]
    for side in SIDES:
        for level in vocab.sensory_levels:
            for modality in vocab.sensory_modalities:
                if side not in visit.sensory(modality.id).get(level.id, {}):
                    missing.append(MissingItem(
                        Part.SENSORY, modality.id, level.id, side,
                        f"{side} {level_label(level.id)} {modality_label(modality.id)}"))
    for side in SIDES:
        missing += [MissingItem(Part.SIGNS, "reflex", r.id, side, f"{side} {r.label}")
                    for r in vocab.reflexes if side not in visit.reflexes.get(r.id, {})]
        if side not in visit.plantar_response:
            missing.append(MissingItem(Part.SIGNS, "plantar_response", "plantar_response", side,
                                       f"{side} plantar response"))
        if side not in visit.ankle_clonus_beats:
            missing.append(MissingItem(Part.SIGNS, "ankle_clonus_beats", "ankle_clonus_beats", side,
                                       f"{side} ankle clonus"))
        missing += [MissingItem(Part.SIGNS, "tension_sign", t.id, side, f"{side} {t.label}")
                    for t in vocab.tension_signs if side not in visit.tension_signs.get(t.id, {})]
        missing += [MissingItem(Part.SIGNS, "gait", g.id, side, f"{side} {g.label}")
                    for g in vocab.gait_items if side not in visit.gait.get(g.id, {})]
    for item in vocab.anal_items:
        if getattr(visit, item.id) is None:
            missing.append(MissingItem(Part.SIGNS, item.id, item.id, "", f"{item.label} ({item.id.upper()})"))
    return missing


def unanswered_red_flags(visit: Visit) -> list[str]:
    """The red-flag questions not answered yet (every one is asked at every visit)."""
    answered = set(visit.red_flags) | set(visit.red_flags_no)
    return [f.id for f in vocabulary().red_flags if f.id not in answered]


def has_findings(visit: Visit) -> bool:
    """Anything recorded beyond the time: a draft without any is not worth keeping."""
    return bool(
        visit.red_flags or visit.red_flags_no or visit.symptoms or visit.motor or visit.light_touch
        or visit.pin_prick or visit.reflexes or visit.plantar_response or visit.ankle_clonus_beats
        or visit.tension_signs or visit.gait or visit.vac or visit.dap or visit.notes
        or visit.weakness_onset is not None or visit.history is not None or bool(visit.isncsci))
