"""The recorded values of an exam-record document, read straight from the file's keys: what every
export must carry, counted independently of the exporters."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from exam_app.clinical.vocabulary import vocabulary
from tests.records import two_visit_record


def recorded_values(document: dict[str, Any]) -> dict[datetime, Counter[tuple[Any, ...]]]:
    """Every recorded value of the exam-record document, read straight from the file's keys."""
    expected: dict[datetime, Counter[tuple[Any, ...]]] = {}
    for visit in document["visits"]:
        found: Counter[tuple[Any, ...]] = Counter()
        for key, kind in (("motor", "motor"), ("reflexes", "reflex"), ("gait", "gait")):
            for item, sides in visit.get(key, {}).items():
                found.update((kind, item, side, "", value, None) for side, value in sides.items())
        for modality in ("light_touch", "pin_prick"):
            for level, sides in visit.get(modality, {}).items():
                found.update(("sensory", level, side, modality, value, None) for side, value in sides.items())
        for key in ("plantar_response", "ankle_clonus_beats"):
            found.update((key, key, side, "", str(v), None) for side, v in visit.get(key, {}).items())
        for sign, sides in visit.get("tension_signs", {}).items():
            found.update(("tension_sign", sign, side, "", t["result"], t.get("angle")) for side, t in sides.items())
        found.update(("anal", key, "", "", visit[key], None) for key in ("vac", "dap") if key in visit)
        found.update(("symptom", s, "", "", "yes", None) for s in visit.get("symptoms", []))
        found.update(("red_flag", f, "", "", "yes", None) for f in visit.get("red_flags", []))
        if "red_flags" in visit:  # the questions were asked: those not listed were answered no
            found.update(("red_flag", f.id, "", "", "no", None) for f in vocabulary().red_flags
                         if f.id not in visit["red_flags"])
        expected[datetime.fromisoformat(visit["examined_at"]).astimezone(UTC)] = found
    return expected


TAGGED_AND_NOT_TESTABLE: dict[str, Any] = {
    "examined_at": "2026-11-04T11:00:00-05:00",
    "examiner": "dr.jones",
    "motor": {"hip_flexion": {"left": "NT*", "right": "4+*"}, "knee_extension": {"left": "5**", "right": "NT"}},
    "light_touch": {"S4_5": {"left": "NT", "right": "1*"}},
    "reflexes": {"patellar": {"left": "NT", "right": "4"}},
    "plantar_response": {"left": "NT", "right": "extensor"},
    "ankle_clonus_beats": {"right": 12},
    "tension_signs": {"femoral_stretch": {"right": {"result": "NT"}}},
    "gait": {"toe_walk": {"left": "NT", "right": "unable"}},
    "vac": "NT", "dap": "no",
    "red_flags": ["bladder_dysfunction", "night_pain"],
    "symptoms": [],
}


def with_third_visit() -> dict[str, Any]:
    """Two visits of the spec example, then a third with tagged and NT values, red flags and cord signs."""
    document = two_visit_record()
    document["visits"].append(copy.deepcopy(TAGGED_AND_NOT_TESTABLE))
    return document
