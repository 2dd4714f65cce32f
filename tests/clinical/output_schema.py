"""A small hand-written validator of the `assess` output of spec section 4.

It checks that every required key is there with the right type; extra keys are allowed (the spec
says "add others freely"). It returns the problems found, so a test shows all of them at once.
"""

from __future__ import annotations

from typing import Any

PATTERNS = {
    "cord_or_central",
    "cauda_equina",
    "peripheral_nerve",
    "radiculopathy",
    "multiradicular",
    "normal",
    "indeterminate",
}
NERVES = {"common_peroneal", "femoral", "sciatic"}
TIERS = {"emergency", "same_day", "urgent", "routine"}
SIDES = ("left", "right")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _score(value: Any, maximum: int) -> bool:
    return value == "ND" or (_is_int(value) and 0 <= value <= maximum)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def problems(output: Any) -> list[str]:
    found: list[str] = []

    def need(ok: bool, where: str) -> None:
        if not ok:
            found.append(where)

    need(isinstance(output, dict), "$ is an object")
    if not isinstance(output, dict):
        return found
    for key in ("record_number", "rules_version", "window_days", "visits", "progression_within_window"):
        need(key in output, f"$.{key} present")
    need(isinstance(output.get("record_number"), str), "$.record_number string")
    need(output.get("rules_version") == 1, "$.rules_version is 1")
    need(_is_int(output.get("window_days")) and 1 <= output["window_days"] <= 14, "$.window_days 1-14")
    need(isinstance(output.get("progression_within_window"), bool), "$.progression_within_window bool")
    visits = output.get("visits")
    need(isinstance(visits, list), "$.visits array")
    for index, visit in enumerate(visits if isinstance(visits, list) else []):
        found.extend(_visit_problems(visit, f"$.visits[{index}]"))
    return found


def _visit_problems(visit: Any, path: str) -> list[str]:
    found: list[str] = []

    def need(ok: bool, where: str) -> None:
        if not ok:
            found.append(f"{path}.{where}")

    if not isinstance(visit, dict):
        return [f"{path} is an object"]
    required = (
        "examined_at",
        "lems",
        "sensory",
        "pattern",
        "pattern_findings",
        "nerve",
        "probable_roots",
        "red_flags",
        "urgency",
        "urgency_reasons",
        "window",
        "worsening",
    )
    for key in required:
        need(key in visit, f"{key} present")
    if any(key not in visit for key in required):
        return found
    need(isinstance(visit["examined_at"], str) and "T" in visit["examined_at"], "examined_at ISO text")
    lems = visit["lems"]
    need(isinstance(lems, dict) and all(_score(lems.get(s), 25) for s in SIDES), "lems.left/right 0-25 or ND")
    need(isinstance(lems, dict) and _score(lems.get("total"), 50), "lems.total 0-50 or ND")
    sensory = visit["sensory"]
    for modality in ("light_touch", "pin_prick"):
        sides = sensory.get(modality) if isinstance(sensory, dict) else None
        need(isinstance(sides, dict) and all(_score(sides.get(s), 18) for s in SIDES), f"sensory.{modality} 0-18/ND")
    need(visit["pattern"] in PATTERNS, "pattern one of 3.3")
    need(_strings(visit["pattern_findings"]), "pattern_findings strings")
    need(
        (visit["nerve"] in NERVES) if visit["pattern"] == "peripheral_nerve" else visit["nerve"] is None,
        "nerve named only for peripheral_nerve",
    )
    roots = visit["probable_roots"]
    need(isinstance(roots, list), "probable_roots array")
    for root in roots if isinstance(roots, list) else []:
        need(isinstance(root, dict) and root.get("root") in {"L2", "L3", "L4", "L5", "S1"}, "probable_roots[].root")
        need(isinstance(root, dict) and root.get("side") in SIDES, "probable_roots[].side")
        need(
            isinstance(root, dict) and isinstance(root.get("score"), float) and root["score"] > 0,
            "probable_roots[].score number > 0",
        )
        need(
            isinstance(root, dict) and _strings(root.get("findings")) and bool(root["findings"]),
            "probable_roots[].findings",
        )
    need(_strings(visit["red_flags"]), "red_flags strings")
    need(visit["urgency"] in TIERS, "urgency tier")
    need(_strings(visit["urgency_reasons"]), "urgency_reasons strings")
    window = visit["window"]
    need(isinstance(window, dict) and {"onset", "ends", "within"} <= set(window), "window keys")
    if isinstance(window, dict) and {"onset", "ends", "within"} <= set(window):
        need(isinstance(window["within"], bool), "window.within bool")
        need((window["onset"] is None) == (window["ends"] is None), "window onset and ends both or neither")
        need(window["onset"] is None or isinstance(window["onset"], str), "window.onset text or null")
        need(window["onset"] is not None or window["within"] is False, "no onset, not within")
    worsening = visit["worsening"]
    keys = {"worsened", "major", "changes", "recheck", "new_red_flags"}
    need(isinstance(worsening, dict) and keys <= set(worsening), "worsening keys")
    if isinstance(worsening, dict) and keys <= set(worsening):
        need(isinstance(worsening["worsened"], bool) and isinstance(worsening["major"], bool), "worsening bools")
        for kind in ("changes", "recheck"):
            items = worsening[kind]
            need(
                isinstance(items, list)
                and all(isinstance(i, dict) and isinstance(i.get("finding"), str) for i in items),
                f"worsening.{kind}[].finding",
            )
        need(_strings(worsening["new_red_flags"]), "worsening.new_red_flags strings")
        need(worsening["worsened"] == bool(worsening["changes"]), "worsened iff changes")
    return found
