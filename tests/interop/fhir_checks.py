"""Checks of an exported FHIR bundle shared by the interop, service and command-line tests.

`validate_r4` parses the bundle with the FHIR R4 (4.0.1) models of fhir.resources and checks what
the models do not: every reference resolves inside the bundle, every code of the app's code system
is defined in it. `findings_in_bundle` reads the recorded values back out of the Observations, so
a test can compare them with what the store holds, value by value.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import fhir.resources
from fhir.resources.bundle import Bundle

from exam_app.interop.fhir import CODE_SYSTEM_URL, code_system

assert fhir.resources.__fhir_version__ == "4.0.1", "the test models must be FHIR R4"

Finding = tuple[str, str, str, str, str, int | None]  # kind, item, side, modality, value, angle


def _codes(concepts: list[dict[str, Any]]) -> set[str]:
    found: set[str] = set()
    for concept in concepts:
        found.add(concept["code"])
        found |= _codes(concept.get("concept", []))
    return found


APP_CODES = _codes(code_system()["concept"])


def _walk(node: Any, path: str = "$") -> list[tuple[str, Any]]:
    """Every (path, object) pair of a JSON tree."""
    found = [(path, node)]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _walk(value, f"{path}[{index}]")
    return found


def validate_r4(bundle: dict[str, Any]) -> Bundle:
    """The bundle parsed by the R4 models; AssertionError for what they do not check."""
    parsed = Bundle.parse_obj(json.loads(json.dumps(bundle)))  # as it travels: through JSON text
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(urls) == len(set(urls)), "a fullUrl is repeated"
    assert all(url.startswith("urn:uuid:") for url in urls)
    in_bundle = set(urls)
    for path, node in _walk(bundle):
        if not isinstance(node, dict):
            continue
        if "reference" in node:
            assert node["reference"] in in_bundle, f"{path}: {node['reference']} is not in the bundle"
        if node.get("system") == CODE_SYSTEM_URL and "code" in node:
            assert node["code"] in APP_CODES, f"{path}: {node['code']} is not in the app's code system"
    return parsed


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def code_of(resource: dict[str, Any]) -> str:
    codes = [c["code"] for c in resource["code"]["coding"] if c["system"] == CODE_SYSTEM_URL]
    assert len(codes) == 1
    return str(codes[0])


def value_as_written(observation: dict[str, Any]) -> str:
    if "valueCodeableConcept" in observation:
        return str(observation["valueCodeableConcept"]["text"])
    if "valueInteger" in observation:
        return str(observation["valueInteger"])
    absent = observation["dataAbsentReason"]
    assert absent["coding"][0]["code"] == "not-performed"
    return str(absent["text"]).split(":")[0]


_KINDS = {"motor": "motor", "light_touch": "sensory", "pin_prick": "sensory", "reflexes": "reflex",
          "tension_signs": "tension_sign", "gait": "gait", "symptoms": "symptom", "red_flags": "red_flag"}


def finding_of(observation: dict[str, Any]) -> Finding | None:
    """The recorded value an Observation carries, or None for the onset, the notes and derived ones."""
    code = code_of(observation)
    if code.startswith("derived.") or code in ("weakness_onset", "notes"):
        return None
    side = observation.get("bodySite", {}).get("text", "")
    angle = None
    for component in observation.get("component", []):
        if code_of(component) == "angle":
            angle = int(component["valueQuantity"]["value"])
    value = value_as_written(observation)
    if code.startswith("isncsci."):  # a box of the ISNCSCI worksheet
        _, *group, item = code.split(".")
        if group == ["motor"]:
            return ("isncsci_motor", item, side, "", value, None)
        if group:
            return ("isncsci_sensory", item, side, group[0], value, None)
        if item in ("vac", "dap"):
            return ("isncsci_anal", item, "", "", value, None)
        return ("isncsci_non_key_muscle", item, side, "", value, None)
    if "." in code:
        group, item = code.split(".", 1)
        modality = group if group in ("light_touch", "pin_prick") else ""
        return (_KINDS[group], item, side, modality, value, angle)
    if code in ("vac", "dap"):
        return ("anal", code, "", "", value, None)
    return (code, code, side, "", value, None)  # plantar_response, ankle_clonus_beats


def findings_in_bundle(bundle: dict[str, Any]) -> dict[datetime, Counter[Finding]]:
    """The recorded values of each visit (by its instant), read back from the Observations."""
    starts = {f"urn:uuid:{e['id']}": datetime.fromisoformat(e["period"]["start"]).astimezone(UTC)
              for e in resources(bundle, "Encounter")}
    by_visit: dict[datetime, Counter[Finding]] = {at: Counter() for at in starts.values()}
    for observation in resources(bundle, "Observation"):
        finding = finding_of(observation)
        if finding is not None:
            by_visit[starts[observation["encounter"]["reference"]]][finding] += 1
    return by_visit
