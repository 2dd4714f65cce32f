"""How a finding reads: the words a clinician checks a computed statement against.

Every statement of the engine carries findings phrased here, in the vocabulary's labels and with
values as the examiner wrote them (tags included), e.g. "left great-toe extension 3",
"left L5 light touch 1", "right Achilles reflex 0 (left 2)", "left ankle clonus 4 beats".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from exam_app.clinical.record import TensionSign
from exam_app.clinical.vocabulary import vocabulary
from exam_app.wording import written_moment


@dataclass(frozen=True)
class _Labels:
    motor: dict[str, str]
    level: dict[str, str]
    modality: dict[str, str]
    reflex: dict[str, str]
    tension_sign: dict[str, str]
    gait: dict[str, str]
    anal: dict[str, str]
    red_flag: dict[str, str]


@cache
def _labels() -> _Labels:
    vocab = vocabulary()
    return _Labels(
        motor={m.id: m.movement for m in vocab.motor_items},
        level={level.id: level.label for level in vocab.sensory_levels},
        modality={m.id: m.label for m in vocab.sensory_modalities},
        reflex={r.id: r.label for r in vocab.reflexes},
        tension_sign={t.id: t.label for t in vocab.tension_signs},
        gait={g.id: g.label for g in vocab.gait_items},
        anal={a.id: a.label for a in vocab.anal_items},
        red_flag={f.id: f.label for f in vocab.red_flags},
    )


def movement(item_id: str) -> str:
    """'great_toe_extension' -> 'great-toe extension'."""
    return _labels().motor[item_id]


def level_label(level_id: str) -> str:
    """'S4_5' -> 'S4-5'."""
    return _labels().level[level_id]


def modality_label(modality: str) -> str:
    """'light_touch' -> 'light touch'."""
    return _labels().modality[modality]


@cache  # a small domain (side × item × valid value), phrased on every visit
def motor_subject(side: str, item_id: str) -> str:
    return f"{side} {_labels().motor[item_id]}"


@cache  # a small domain (side × item × valid value), phrased on every visit
def motor_finding(side: str, item_id: str, grade: str) -> str:
    """'left great-toe extension 3' (the grade as written, with its tag)."""
    return f"{side} {_labels().motor[item_id]} {grade}"


@cache  # a small domain (side × item × valid value), phrased on every visit
def sensory_subject(side: str, modality: str, level_id: str) -> str:
    labels = _labels()
    return f"{side} {labels.level[level_id]} {labels.modality[modality]}"


@cache  # a small domain (side × item × valid value), phrased on every visit
def sensory_finding(side: str, modality: str, level_id: str, score: str) -> str:
    """'left L5 light touch 1'."""
    return f"{sensory_subject(side, modality, level_id)} {score}"


def reflex_subject(side: str, reflex_id: str) -> str:
    return f"{side} {_labels().reflex[reflex_id]}"


@cache  # a small domain (side × item × valid value), phrased on every visit
def reflex_finding(
    side: str, reflex_id: str, grade: int, other_side: str | None = None, other_grade: int | None = None
) -> str:
    """'right Achilles reflex 0 (left 2)': the other side is shown when the asymmetry is the point."""
    text = f"{reflex_subject(side, reflex_id)} {grade}"
    if other_side is not None and other_grade is not None:
        text += f" ({other_side} {other_grade})"
    return text


def plantar_finding(side: str, response: str) -> str:
    """'left extensor plantar response'."""
    return f"{side} {response} plantar response"


def clonus_finding(side: str, beats: int) -> str:
    """'left ankle clonus 4 beats'."""
    return f"{side} ankle clonus {beats_text(beats)}"


def beats_text(beats: int) -> str:
    return f"{beats} beat" if beats == 1 else f"{beats} beats"


def tension_finding(side: str, sign_id: str, sign: TensionSign) -> str:
    """'left straight leg raise positive at 40°'."""
    text = f"{side} {_labels().tension_sign[sign_id]} {sign.result}"
    if sign.angle is not None:
        text += f" at {sign.angle}°"
    return text


def gait_finding(side: str, gait_id: str, result: str) -> str:
    """'left heel walk impaired'."""
    return f"{side} {_labels().gait[gait_id]} {result}"


def anal_finding(item_id: str, result: str) -> str:
    """'voluntary anal contraction no'."""
    return f"{_labels().anal[item_id]} {result}"


def red_flag_finding(flag_id: str) -> str:
    """'red flag: bladder dysfunction'."""
    return f"red flag: {_labels().red_flag[flag_id]}"


def visit_span(earlier: datetime, later: datetime) -> str:
    """'2026-11-02 → 2026-11-03'; with times when both visits fall on the same day, and with offsets
    when the visits were recorded in different offsets (else 12:00 → 08:00 could read backwards)."""
    if earlier.utcoffset() != later.utcoffset():
        return f"{written_moment(earlier)} → {written_moment(later)}"
    if earlier.date() == later.date():
        return f"{earlier:%Y-%m-%d %H:%M} → {later:%Y-%m-%d %H:%M}"
    return f"{earlier.date().isoformat()} → {later.date().isoformat()}"


def change_finding(subject: str, before: str, after: str, earlier: datetime, later: datetime) -> str:
    """'left great-toe extension 4 → 2 (2026-11-02 → 2026-11-03)'."""
    return f"{subject} {before} → {after} ({visit_span(earlier, later)})"
