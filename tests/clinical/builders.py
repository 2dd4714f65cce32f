"""Small builders for the clinical tests: a full normal examination, changed one finding at a time.

Every test states the findings that matter to it; everything else is the normal value, so a test
reads like the clinical case it checks.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from exam_app.clinical.assess import RecordAssessment, VisitAssessment, assess_record, assess_visits
from exam_app.clinical.normal_findings import normal_examination
from exam_app.clinical.record import ExamRecord, Patient, TensionSign, Visit
from exam_app.clinical.vocabulary import SIDES, vocabulary

MOTOR_ITEMS = tuple(m.id for m in vocabulary().motor_items)
KEY_MUSCLES = ("hip_flexion", "knee_extension", "ankle_dorsiflexion", "great_toe_extension", "ankle_plantarflexion")
LEVELS = tuple(level.id for level in vocabulary().sensory_levels)
REFLEXES = tuple(r.id for r in vocabulary().reflexes)


def at(text: str) -> datetime:
    """An aware time from ISO text, e.g. '2026-11-02T09:30+01:00'."""
    moment = datetime.fromisoformat(text)
    assert moment.utcoffset() is not None, "test times carry their offset"
    return moment


def both(value: str) -> dict[str, str]:
    return {side: value for side in SIDES}


def normal_visit(when: str | datetime, **changes: Any) -> Visit:
    """A full normal examination (every item both sides), then `changes` given as Visit fields."""
    visit = normal_examination(Visit(examined_at=at(when) if isinstance(when, str) else when),
                               answer_red_flags=False)
    return replace(visit, **changes)


def empty_visit(when: str | datetime, **changes: Any) -> Visit:
    """A visit with nothing examined."""
    return replace(Visit(examined_at=at(when) if isinstance(when, str) else when), **changes)


def _set(sided: dict[str, dict[str, Any]], item: str, side: str, value: Any) -> dict[str, dict[str, Any]]:
    copy = {key: dict(sides) for key, sides in sided.items()}
    if value is None:
        copy.get(item, {}).pop(side, None)
    else:
        copy.setdefault(item, {})[side] = value
    return copy


def motor(visit: Visit, item: str, side: str, grade: str | None) -> Visit:
    """The visit with one movement on one side graded `grade` (None: not examined)."""
    return replace(visit, motor=_set(visit.motor, item, side, grade))


def motors(visit: Visit, side: str, **grades: str | None) -> Visit:
    for item, grade in grades.items():
        visit = motor(visit, item, side, grade)
    return visit


def light_touch(visit: Visit, level: str, side: str, score: str | None) -> Visit:
    return replace(visit, light_touch=_set(visit.light_touch, level, side, score))


def pin_prick(visit: Visit, level: str, side: str, score: str | None) -> Visit:
    return replace(visit, pin_prick=_set(visit.pin_prick, level, side, score))


def sensation(visit: Visit, level: str, side: str, score: str) -> Visit:
    """Both modalities at one level and side."""
    return pin_prick(light_touch(visit, level, side, score), level, side, score)


def reflex(visit: Visit, reflex_id: str, side: str, grade: str | None) -> Visit:
    return replace(visit, reflexes=_set(visit.reflexes, reflex_id, side, grade))


def plantar(visit: Visit, side: str, response: str | None) -> Visit:
    responses = dict(visit.plantar_response)
    if response is None:
        responses.pop(side, None)
    else:
        responses[side] = response
    return replace(visit, plantar_response=responses)


def clonus(visit: Visit, side: str, beats: int | None) -> Visit:
    counts = dict(visit.ankle_clonus_beats)
    if beats is None:
        counts.pop(side, None)
    else:
        counts[side] = beats
    return replace(visit, ankle_clonus_beats=counts)


def tension(visit: Visit, sign: str, side: str, result: str, angle: int | None = None) -> Visit:
    return replace(visit, tension_signs=_set(visit.tension_signs, sign, side, TensionSign(result, angle)))


def gait(visit: Visit, item: str, side: str, result: str) -> Visit:
    return replace(visit, gait=_set(visit.gait, item, side, result))


def assess_one(visit: Visit, window_days: int | None = None) -> VisitAssessment:
    return assess_visits([visit], window_days)[0]


def assess_all(*visits: Visit, window_days: int | None = None) -> list[VisitAssessment]:
    return assess_visits(list(visits), window_days)


def assess_latest(*visits: Visit, window_days: int | None = None) -> VisitAssessment:
    return assess_visits(list(visits), window_days)[-1]


def record_of(*visits: Visit, number: str = "A-1001") -> ExamRecord:
    return ExamRecord(Patient(number), list(visits))


def assess(*visits: Visit, window_days: int | None = None) -> RecordAssessment:
    return assess_record(record_of(*visits), window_days)
