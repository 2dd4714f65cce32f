"""The recorded values of an exam-record document, read straight from the file's keys: what every
export must carry, counted independently of the exporters."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from exam_app.clinical.isncsci import anal_key, entry_key, isncsci_tables, non_key_muscle_key, with_remaining_normal
from exam_app.clinical.vocabulary import SIDES, vocabulary
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
        boxes = worksheet_boxes()
        found.update((*boxes[key], value, None) for key, value in visit.get("isncsci", {}).items())
        expected[datetime.fromisoformat(visit["examined_at"]).astimezone(UTC)] = found
    return expected


def worksheet_boxes() -> dict[str, tuple[str, str, str, str]]:
    """Each key of an ISNCSCI worksheet as the exports name its box: (kind, item, side, modality)."""
    tables = isncsci_tables()
    boxes = {entry_key(level, side, modality): ("isncsci_sensory", level, side, modality)
             for modality in ("light_touch", "pin_prick") for level in tables.levels for side in SIDES}
    boxes |= {entry_key(level, side, "motor"): ("isncsci_motor", level, side, "")
              for level in tables.key_muscle_levels for side in SIDES}
    boxes |= {anal_key("vac"): ("isncsci_anal", "vac", "", ""), anal_key("dap"): ("isncsci_anal", "dap", "", "")}
    boxes |= {non_key_muscle_key(side): ("isncsci_non_key_muscle", "lowest_non_key_muscle", side, "")
              for side in SIDES}
    return boxes


def tagged_worksheet() -> dict[str, str]:
    """A whole ISNCSCI worksheet whose classification has every kind of answer: sensation altered from
    T11 down on the left with T10 pin prick NT (left pin-prick total ND, levels T9 or T10), tagged
    scores (right motor level L3*, NLI T9* or T10*), VAC No, DAP Yes, a lowest non-key muscle."""
    entries = {entry_key(level, "left", "light_touch"): "1" for level in ("T11", "T12", "L1", "L2")}
    entries |= {entry_key("T10", "left", "pin_prick"): "NT", entry_key("L2", "left", "motor"): "2",
                entry_key("L3", "right", "motor"): "3*", entry_key("C6", "right", "light_touch"): "0**",
                anal_key("vac"): "No", anal_key("dap"): "Yes", non_key_muscle_key("left"): "L1"}
    return with_remaining_normal(entries)


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


def with_worksheets() -> dict[str, Any]:
    """`with_third_visit`, the third visit with a whole ISNCSCI worksheet and the first with a few
    boxes of one (an imported visit may hold a worksheet not yet complete)."""
    document = with_third_visit()
    document["visits"][2]["isncsci"] = tagged_worksheet()
    document["visits"][0]["isncsci"] = {"c2RightTouch": "2", "s4_5LeftPrick": "NT*", "l2LeftMotor": "4**",
                                        "analSensation": "NT"}
    return document
