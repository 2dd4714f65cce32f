"""Building exam-record documents for tests."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from exam_app.clinical.normal_findings import normal_examination
from exam_app.clinical.record import Visit

SPEC_EXAMPLE: dict[str, Any] = {
    "format": "exam-record/1",
    "patient": {
        "record_number": "A-1001",
        "family_name": "Doe", "given_name": "Jane",
        "birth_date": "1969-04-02", "sex": "female",
    },
    "visits": [
        {
            "examined_at": "2026-11-02T09:30:00+01:00",
            "examiner": "pt.smith",
            "weakness_onset": "2026-11-01T20:00:00+01:00",
            "symptoms": ["low_back_pain", "shooting_pain", "difficulty_lifting_foot"],
            "red_flags": [],
            "motor": {
                "great_toe_extension": {"left": "3", "right": "5"},
                "ankle_dorsiflexion": {"left": "4-", "right": "5"},
            },
            "light_touch": {"L5": {"left": "1", "right": "2"}},
            "pin_prick": {"L5": {"left": "1", "right": "2"}},
            "reflexes": {"achilles": {"left": "2", "right": "2"}},
            "plantar_response": {"left": "flexor", "right": "flexor"},
            "ankle_clonus_beats": {"left": 0, "right": 0},
            "tension_signs": {"straight_leg_raise": {"left": {"result": "positive", "angle": 40}}},
            "gait": {"heel_walk": {"left": "impaired", "right": "normal"}},
            "vac": "yes", "dap": "yes",
            "notes": "free text",
        }
    ],
}


def example(**changes: Any) -> dict[str, Any]:
    """A deep copy of the spec's example record."""
    document = copy.deepcopy(SPEC_EXAMPLE)
    document.update(changes)
    return document


def two_visit_record() -> dict[str, Any]:
    """The example plus a second, worse visit the next day."""
    document = example()
    second = copy.deepcopy(document["visits"][0])
    second["examined_at"] = "2026-11-03T10:00:00+01:00"
    second["motor"]["great_toe_extension"]["left"] = "2"
    second["notes"] = "worse"
    document["visits"].append(second)
    return document


def many_visit_record(record_number: str, visits: int) -> dict[str, Any]:
    """The example patient under another record number with `visits` complete, normal visits, 20 hours
    apart and ending before now: a large file for the storage tests."""
    from datetime import UTC, datetime, timedelta

    from exam_app.interop.exam_record import visit_document

    document = example()
    document["patient"]["record_number"] = record_number
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=visits)
    document["visits"] = [visit_document(complete(Visit(examined_at=start + timedelta(hours=20 * i),
                                                        examiner="pt.smith"))) for i in range(visits)]
    return document


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def complete(visit: Visit) -> Visit:
    """The visit with every item not yet recorded set to normal and every red flag not answered
    answered "no": what "all remaining normal" on each page gives, ready to be signed."""
    return normal_examination(visit)


# ---------------------------------------------------------------- files that break the format


def set_at(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = document
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[last] = value
    return change


def second_visit_at_same_instant(document: dict[str, Any]) -> None:
    twin = json.loads(json.dumps(document["visits"][0]))
    twin["examined_at"] = "2026-11-02T08:30:00Z"  # the same instant written in UTC
    document["visits"].append(twin)


# name -> (how to spoil the two-visit record, or the file's text or bytes; what the one-line refusal says)
MALFORMED: dict[str, tuple[Callable[[dict[str, Any]], None] | str | bytes, str]] = {
    "not UTF-8": (b'{"format": "exam-record/1",\n "patient": {"record_number": "A-\xff1"}, "visits": []}',
                  "$: not UTF-8 text at line 2 column 34 (byte 61)"),
    "bad grade": (set_at("visits.0.motor.ankle_dorsiflexion.left", "6"),
                  'visits[0].motor.ankle_dorsiflexion.left: "6" is not a motor grade'),
    "modifier on 5": (set_at("visits.0.motor.great_toe_extension.right", "5+"),
                      'visits[0].motor.great_toe_extension.right: "5+" is not a motor grade'),
    "unknown muscle id": (set_at("visits.0.motor.big_toe", {"left": "5"}),
                          "visits[0].motor.big_toe: unknown motor item id"),
    "unknown key": (set_at("visits.0.colour", "blue"), "visits[0].colour: unknown key"),
    "onset after exam": (set_at("visits.0.weakness_onset", "2026-11-03T00:00:00+01:00"),
                         "visits[0].weakness_onset: 2026-11-03T00:00+01:00 is after the examination "
                         "(2026-11-02T09:30+01:00)"),
    "grade as a number": (set_at("visits.0.light_touch.L5.left", 1),
                          "visits[0].light_touch.L5.left: 1 is not a sensory score"),
    "clonus as a string": (set_at("visits.0.ankle_clonus_beats.left", "3"),
                           'visits[0].ankle_clonus_beats.left: "3" is not clonus beats (a whole number)'),
    "truncated JSON": ('{"format": "exam-record/1", "patient": {"record_number": "A-1', "$: not JSON:"),
    "missing record number": (set_at("patient.record_number", None), "patient.record_number: required key missing"),
    "blank record number": (set_at("patient.record_number", "  "), "patient.record_number: is blank"),
    "duplicate visits": (second_visit_at_same_instant,
                         "visits[2].examined_at: same instant as visits[0]"),
    "key given twice": ('{"format": "exam-record/1", "format": "exam-record/1", "patient": {}, "visits": []}',
                        "format: key given twice"),
    "wrong format": (set_at("format", "exam-record/2"), 'format: "exam-record/2" is not the format'),
    "visits not a list": (set_at("visits", {}), "visits: {} is not a list of visits"),
    "repeated symptom": (set_at("visits.0.symptoms", ["cramps", "cramps"]),
                         'visits[0].symptoms[1]: "cramps" is listed twice'),
    "exam before birth": (
        set_at("patient.birth_date", "2026-11-05"),
        "visits[0].examined_at: 2026-11-02T09:30+01:00 is before the patient's birth date (2026-11-05)"),
    "birth in the future": (set_at("patient.birth_date", "2999-01-01"),
                            "patient.birth_date: 2999-01-01 is in the future"),
    "impossible date": (set_at("visits.0.examined_at", "2026-02-30T10:00:00"),
                        'visits[0].examined_at: "2026-02-30T10:00:00" is not a valid time'),
    "time without T": (set_at("visits.0.examined_at", "2026-11-02 09:30"),
                       'visits[0].examined_at: "2026-11-02 09:30" is not a time'),
    "angle out of range": (set_at("visits.0.tension_signs.straight_leg_raise.left.angle", 120),
                           "visits[0].tension_signs.straight_leg_raise.left.angle: 120 is out of range"),
    "bad sex": (set_at("patient.sex", "f"), 'patient.sex: "f" is not a sex'),
    "NaN": ('{"format": "exam-record/1", "patient": {"record_number": NaN}, "visits": []}',
            "$: not JSON: NaN is not allowed in JSON at line 1 column 58"),
    "Infinity": ('{"format": "exam-record/1",\n "patient": {"record_number": "A-1"},\n "visits": [-Infinity]}',
                 "$: not JSON: -Infinity is not allowed in JSON at line 3 column 13"),
    "nested far too deeply": ("[" * 100_000, "$: not an exam record: nested far too deeply"),
    "lone surrogate": ('{"format": "exam-record/1", "patient": {"record_number": "A-1", "family_name": "\\ud800"},'
                       ' "visits": []}', "patient.family_name: holds an escaped lone surrogate"),
    "NUL in a name": (set_at("patient.given_name", "Ja\x00ne"), "patient.given_name: holds a NUL character"),
    "offset minutes 99": (set_at("visits.0.examined_at", "2026-11-02T09:30:00+05:99"),
                          "visits[0].examined_at: \"2026-11-02T09:30:00+05:99\": the offset +05:99 is not ±HH:MM"),
    "offset hours 15": (set_at("visits.0.weakness_onset", "2026-11-01T20:00+15:00"),
                        "visits[0].weakness_onset: \"2026-11-01T20:00+15:00\": the offset +15:00 is not ±HH:MM"),
    "examined in 2031": (set_at("visits.1.examined_at", "2031-11-03T10:00:00+01:00"),
                         "visits[1].examined_at: 2031-11-03T10:00+01:00 is in the future"),
    "year 9999": (set_at("visits.0.examined_at", "9999-12-31T23:59:59-14:00"),
                  "visits[0].examined_at: 9999-12-31T23:59-14:00 is in the future"),
    "year 1 in the clinic's zone": (set_at("visits.0.examined_at", "0001-01-01T00:00"),
                                    'visits[0].examined_at: "0001-01-01T00:00" is not a plausible time'),
    "year 1 in UTC": (set_at("visits.0.examined_at", "0001-01-01T00:00Z"),
                      "visits[0].examined_at: 0001-01-01T00:00+00:00 is before the patient's birth date"),
    "onset in year 1": (set_at("visits.0.weakness_onset", "0001-01-01T00:00+14:00"),
                        "visits[0].weakness_onset: 0001-01-01T00:00+14:00 is before the patient's birth date"),
    "born 131 years ago": (set_at("patient.birth_date", "1800-01-01"),
                           "patient.birth_date: 1800-01-01 is more than 130 years ago"),
    "clonus out of range": (set_at("visits.0.ankle_clonus_beats.left", 10**30),
                            "visits[0].ankle_clonus_beats.left: 1000000000000000000000000000000 is out of range "
                            "for clonus beats (0 to 999)"),
    "record number too long": (set_at("patient.record_number", "R" * 65),
                               "patient.record_number: is 65 characters long (at most 64)"),
    "family name too long": (set_at("patient.family_name", "D" * 201),
                             "patient.family_name: is 201 characters long (at most 200)"),
    "unknown side": (set_at("visits.0.motor.great_toe_extension.middle", "5"),
                     "visits[0].motor.great_toe_extension.middle: unknown key"),
}


def malformed_text(case: str) -> bytes:
    """The bytes of the file that MALFORMED's `case` describes."""
    change = MALFORMED[case][0]
    if isinstance(change, bytes):
        return change
    if isinstance(change, str):
        return change.encode("utf-8")
    document = two_visit_record()
    change(document)
    return json.dumps(document, ensure_ascii=False).encode("utf-8")
