"""Building exam-record documents for tests."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from exam_app.clinical.normal_findings import MOTOR, SENSORY, SIGNS, with_remaining_normal
from exam_app.clinical.record import Visit
from exam_app.clinical.vocabulary import vocabulary

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
    for part in (MOTOR, SENSORY, SIGNS):
        visit = with_remaining_normal(visit, part)
    answered = set(visit.red_flags) | set(visit.red_flags_no)
    remaining = tuple(f.id for f in vocabulary().red_flags if f.id not in answered)
    return replace(visit, red_flags_no=(*visit.red_flags_no, *remaining))
