"""The FHIR R4 bundle of a chart: valid R4, every recorded value once, the engine's answer marked
decision support and traced to its findings, letters as stored, the same chart always the same bundle."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from exam_app.clinical.assess import assess_visits
from exam_app.clinical.isncsci import classify, recorded_worksheet, totals_json
from exam_app.clinical.record import ExamRecord
from exam_app.interop.chart import Chart, ChartVisit, IssuedLetterCopy
from exam_app.interop.exam_record import read_exam_record
from exam_app.interop.fhir import CODE_SYSTEM_URL, DATA_ABSENT_REASON, SNOMED_CT, fhir_bundle
from exam_app.paths import resource_path
from exam_app.services.demo import demo_patients
from tests.interop.fhir_checks import (
    code_of,
    finding_of,
    findings_in_bundle,
    resources,
    validate_r4,
    value_as_written,
)
from tests.interop.recorded import recorded_values, with_third_visit, with_worksheets
from tests.records import example, two_visit_record


def chart_of(document: dict[str, Any], statuses: dict[int, str] | None = None,
             letters: tuple[IssuedLetterCopy, ...] = ()) -> Chart:
    record = read_exam_record(json.dumps(document))
    visits = tuple(ChartVisit(v, (statuses or {}).get(i, "signed"), v.examined_at + timedelta(minutes=30))
                   for i, v in enumerate(record.visits))
    return Chart(record.patient, visits, letters)


def letter_for(document: dict[str, Any], visit: int, pdf: bytes) -> IssuedLetterCopy:
    examined_at = datetime.fromisoformat(document["visits"][visit]["examined_at"])
    return IssuedLetterCopy(examined_at, examined_at + timedelta(hours=1), "Dr Alex Jones",
                            "The on-call spinal team", hashlib.sha256(pdf).hexdigest(), pdf)


CHARTS = {
    "spec example": lambda: chart_of(example()),
    "worse the next day": lambda: chart_of(two_visit_record()),
    "tagged, NT, red flags, amended": lambda: chart_of(with_third_visit(), {2: "amended"}),
    "no visits": lambda: chart_of(example(visits=[])),
    "ISNCSCI worksheets, one whole, one begun": lambda: chart_of(with_worksheets(), {2: "amended"}),
    "with letters": lambda: chart_of(two_visit_record(), letters=(
        letter_for(two_visit_record(), 1, b"%PDF-1.7 second visit letter"),
        letter_for(two_visit_record(), 0, b"%PDF-1.7 first visit letter"))),
}


@pytest.mark.parametrize("name", list(CHARTS))
def test_every_bundle_is_valid_fhir_r4(name: str) -> None:
    bundle = fhir_bundle(CHARTS[name]())
    parsed = validate_r4(bundle)
    assert parsed.type == "collection"
    assert [e["resource"]["resourceType"] for e in bundle["entry"]][:2] == ["Patient", "CodeSystem"]


@pytest.mark.parametrize("document", [example(), two_visit_record(), with_third_visit(), with_worksheets()],
                         ids=["spec example", "two visits", "three visits", "ISNCSCI worksheets"])
def test_every_recorded_value_is_one_observation_with_its_value_as_written(document: dict[str, Any]) -> None:
    bundle = fhir_bundle(chart_of(document))
    assert findings_in_bundle(bundle) == recorded_values(document)
    assert len(resources(bundle, "Encounter")) == len(document["visits"])


def test_values_sides_and_not_testable() -> None:
    bundle = fhir_bundle(chart_of(with_third_visit(), {2: "amended"}))
    third = [o for o in resources(bundle, "Observation") if o["effectiveDateTime"] == "2026-11-04T11:00:00-05:00"]
    by_key = {(code_of(o), o.get("bodySite", {}).get("text", "")): o for o in third}

    graded = by_key["motor.hip_flexion", "right"]
    assert graded["valueCodeableConcept"]["coding"] == [
        {"system": CODE_SYSTEM_URL, "code": "mrc.4+*", "display": "MRC 4+*"}]
    assert graded["valueCodeableConcept"]["text"] == "4+*"
    assert graded["bodySite"]["coding"] == [{"system": SNOMED_CT, "code": "24028007", "display": "Right"}]

    not_testable = by_key["motor.hip_flexion", "left"]
    assert "valueCodeableConcept" not in not_testable
    assert not_testable["dataAbsentReason"]["coding"][0] == {
        "system": DATA_ABSENT_REASON, "code": "not-performed", "display": "Not Performed"}
    assert value_as_written(not_testable) == "NT*"
    assert not_testable["bodySite"]["coding"][0]["code"] == "7771000"
    assert value_as_written(by_key["vac", ""]) == "NT" and "bodySite" not in by_key["vac", ""]
    assert by_key["ankle_clonus_beats", "right"]["valueInteger"] == 12
    assert by_key["light_touch.S4_5", "right"]["valueCodeableConcept"]["coding"][0]["code"] == "sensory-score.1*"
    assert by_key["red_flags.night_pain", ""]["category"][0]["coding"][0]["code"] == "survey"
    assert graded["status"] == "amended"  # the third visit was amended after signing

    first = [o for o in resources(bundle, "Observation") if o["effectiveDateTime"] == "2026-11-02T09:30:00+01:00"]
    slr = next(o for o in first if code_of(o) == "tension_signs.straight_leg_raise")
    assert slr["component"][0]["valueQuantity"] == {
        "value": 40, "unit": "°", "system": "http://unitsofmeasure.org", "code": "deg"}
    recorded = [o for o in first if finding_of(o) is not None]
    assert {o["status"] for o in recorded} == {"final"}
    assert {o["issued"] for o in recorded} == {"2026-11-02T09:00:00+00:00"}


# The classification's statements, by code and side, and the result of the engine each one carries.
ISNCSCI_RESULTS = {
    **{(f"derived.isncsci.{name}", side): f"{side}{key}"
       for side in ("right", "left")
       for name, key in (("upper_motor", "UpperMotorTotal"), ("lower_motor", "LowerMotorTotal"),
                         ("motor", "MotorTotal"), ("light_touch", "TouchTotal"), ("pin_prick", "PrickTotal"),
                         ("sensory_level", "Sensory"), ("motor_level", "Motor"), ("sensory_zpp", "SensoryZpp"),
                         ("motor_zpp", "MotorZpp"))},
    ("derived.isncsci.upper_motor_total", ""): "upperMotorTotal",
    ("derived.isncsci.lower_motor_total", ""): "lowerMotorTotal",
    ("derived.isncsci.light_touch_total", ""): "touchTotal",
    ("derived.isncsci.pin_prick_total", ""): "prickTotal",
    ("derived.isncsci.neurological_level", ""): "neurologicalLevelOfInjury",
    ("derived.isncsci.ais", ""): "asiaImpairmentScale",
    ("derived.isncsci.injury_complete", ""): "injuryComplete",
}


def _result_as_written(observation: dict[str, Any]) -> str:
    if "valueInteger" in observation:
        return str(observation["valueInteger"])
    if "dataAbsentReason" in observation:
        assert observation["dataAbsentReason"]["coding"][0]["code"] == "unknown"
        assert observation["dataAbsentReason"]["text"].startswith("ND (not determinable)")
        return "ND"
    answers = [c["valueCodeableConcept"]["text"] for c in observation["component"]]
    assert [code_of(c) for c in observation["component"]] == ["derived.isncsci.possible_answer"] * len(answers)
    assert observation["valueCodeableConcept"]["text"] == ",".join(answers)
    coded = observation["valueCodeableConcept"].get("coding", [])
    assert len(coded) == (1 if len(answers) == 1 else 0)  # one concept or none: codings are never alternatives
    for component in observation["component"]:
        (coding,) = component["valueCodeableConcept"]["coding"]
        assert coding["code"].split(".", 1)[1] == component["valueCodeableConcept"]["text"]
    return str(observation["valueCodeableConcept"]["text"])


def test_a_worksheet_is_one_observation_per_box_and_its_classification_traced_to_them() -> None:
    document = with_worksheets()
    chart = chart_of(document, {2: "amended"})
    bundle = fhir_bundle(chart)
    validate_r4(bundle)
    entries = document["visits"][2]["isncsci"]
    third = [o for o in resources(bundle, "Observation") if o["effectiveDateTime"] == "2026-11-04T11:00:00-05:00"]
    boxes = [o for o in third if code_of(o).startswith("isncsci.")]
    assert len(boxes) == len(entries) == 2 * (28 * 2 + 10) + 2 + 1
    assert len({(code_of(o), o.get("bodySite", {}).get("text", "")) for o in boxes}) == len(boxes)
    by_key = {(code_of(o), o.get("bodySite", {}).get("text", "")): o for o in boxes}
    tagged = by_key["isncsci.motor.L3", "right"]
    assert tagged["valueCodeableConcept"]["coding"][0]["code"] == "mrc.3*"
    assert tagged["valueCodeableConcept"]["text"] == "3*"
    assert tagged["bodySite"]["coding"][0] == {"system": SNOMED_CT, "code": "24028007", "display": "Right"}
    assert tagged["status"] == "amended" and tagged["category"][0]["coding"][0]["code"] == "exam"
    assert by_key["isncsci.light_touch.C6", "right"]["valueCodeableConcept"]["coding"][0]["code"] == \
        "sensory-score.0**"
    not_tested = by_key["isncsci.pin_prick.T10", "left"]
    assert "valueCodeableConcept" not in not_tested and value_as_written(not_tested) == "NT"
    assert not_tested["dataAbsentReason"]["coding"][0]["code"] == "not-performed"
    assert by_key["isncsci.vac", ""]["valueCodeableConcept"]["coding"][0]["code"] == "answer.no"
    assert value_as_written(by_key["isncsci.dap", ""]) == "Yes" and "bodySite" not in by_key["isncsci.dap", ""]
    assert by_key["isncsci.lowest_non_key_muscle", "left"]["valueCodeableConcept"]["coding"][0]["code"] == \
        "isncsci-level.L1"

    worksheet = recorded_worksheet(entries)
    assert worksheet is not None
    results = totals_json(classify(worksheet))
    classified = {key: o for key, o in _derived(bundle, "2026-11-04T11:00:00-05:00").items()
                  if key[0].startswith("derived.isncsci.")}
    assert set(classified) == set(ISNCSCI_RESULTS) and len(ISNCSCI_RESULTS) == len(results) == 25
    written = {ISNCSCI_RESULTS[key]: _result_as_written(o) for key, o in classified.items()}
    assert written == results
    # The worksheet chosen gives ND, several possible answers and answers resting on tagged scores.
    assert (written["prickTotal"], written["leftSensory"], written["neurologicalLevelOfInjury"]) == (
        "ND", "T9,T10", "T9*,T10*")
    for observation in classified.values():
        assert observation["category"][0]["coding"][0]["code"] == "decision-support"
        assert observation["method"]["coding"][0]["code"] == "isncsci-2019"
        assert observation["note"][0]["text"].startswith("Decision support, not a diagnosis")
        assert observation["status"] == "amended" and observation["derivedFrom"]

    left_prick = classified["derived.isncsci.pin_prick", "left"]
    assert sorted(code_of(t) for t in _targets(bundle, left_prick)) == sorted(
        f"isncsci.pin_prick.{level}" for level in isncsci_levels())
    assert {t["bodySite"]["text"] for t in _targets(bundle, left_prick)} == {"left"}
    prick_total = classified["derived.isncsci.pin_prick_total", ""]
    assert [code_of(t) for t in _targets(bundle, prick_total)] == ["derived.isncsci.pin_prick"] * 2
    complete = classified["derived.isncsci.injury_complete", ""]
    assert sorted(code_of(t) for t in _targets(bundle, complete)) == sorted(
        ["isncsci.light_touch.S4_5"] * 2 + ["isncsci.pin_prick.S4_5"] * 2 + ["isncsci.vac", "isncsci.dap"])
    ais = classified["derived.isncsci.ais", ""]
    assert {"derived.isncsci.injury_complete", "derived.isncsci.neurological_level",
            "derived.isncsci.motor_level", "isncsci.motor.L2"} <= {code_of(t) for t in _targets(bundle, ais)}

    # A worksheet begun, not complete: its boxes, no classification.
    first = [o for o in resources(bundle, "Observation") if o["effectiveDateTime"] == "2026-11-02T09:30:00+01:00"]
    assert len([o for o in first if code_of(o).startswith("isncsci.")]) == 4
    assert not [o for o in first if code_of(o).startswith("derived.isncsci.")]


def test_every_published_isncsci_case_is_coded_and_written_as_the_engine_gives_it() -> None:
    """The 128 published worksheets, one visit each: every answer the engine gives is in the code system
    (a code it lacks has no display: the bundle is not made) and reads back exactly as the engine writes
    it. Validated with the R4 models above, with one worksheet; 128 would take the models seconds."""
    from exam_app.clinical.isncsci import isncsci_tables, totals_json
    from exam_app.clinical.isncsci import worksheet_from_fields as read
    from exam_app.clinical.record import Patient, Visit
    cases = json.loads((Path(__file__).resolve().parents[1] / "data" / "isncsci-2019-cases.json").read_text("utf-8"))
    ignored = isncsci_tables().ignored_keys
    worksheets = [{k: v for k, v in case.items() if k not in ignored and v != ""} for case in cases]
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    visits = tuple(ChartVisit(Visit(start + timedelta(days=n), isncsci=w), "signed") for n, w in enumerate(worksheets))
    bundle = fhir_bundle(Chart(Patient("S-1"), visits))
    by_visit: dict[str, list[dict[str, Any]]] = {}
    for o in resources(bundle, "Observation"):
        by_visit.setdefault(o["effectiveDateTime"], []).append(o)
    for n, worksheet in enumerate(worksheets):
        observations = by_visit[(start + timedelta(days=n)).isoformat()]
        classified = {(code_of(o), o.get("bodySite", {}).get("text", "")): o for o in observations
                      if code_of(o).startswith("derived.isncsci.")}
        assert {ISNCSCI_RESULTS[k]: _result_as_written(o) for k, o in classified.items()} == totals_json(
            classify(read(worksheet))), cases[n]["id"]
        assert sum(1 for o in observations if code_of(o).startswith("isncsci.")) == len(worksheet)


def isncsci_levels() -> tuple[str, ...]:
    from exam_app.clinical.isncsci import isncsci_tables

    return isncsci_tables().levels


def _derived(bundle: dict[str, Any], at: str) -> dict[tuple[str, str], dict[str, Any]]:
    """The visit's computed statements by code and side; probable roots by `derived.probable_root`
    and the root's words, e.g. ("derived.probable_root", "left L5")."""
    found = {}
    for o in resources(bundle, "Observation"):
        if o["effectiveDateTime"] != at or not code_of(o).startswith("derived."):
            continue
        if code_of(o) == "derived.probable_root":
            found[code_of(o), o["valueCodeableConcept"]["text"]] = o
        else:
            found[code_of(o), o.get("bodySite", {}).get("text", "")] = o
    return found


def _targets(bundle: dict[str, Any], observation: dict[str, Any]) -> list[dict[str, Any]]:
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    return [by_url[d["reference"]] for d in observation.get("derivedFrom", [])]


def test_the_engines_answer_is_decision_support_traced_to_its_findings() -> None:
    document = two_visit_record()
    chart = chart_of(document)
    bundle = fhir_bundle(chart)
    first, second = assess_visits([v.visit for v in chart.visits_in_order])
    derived = _derived(bundle, "2026-11-03T10:00:00+01:00")

    for observation in derived.values():
        assert observation["category"][0]["coding"][0]["code"] == "decision-support"
        assert observation["note"][0]["text"].startswith("Decision support, not a diagnosis")

    # The example grades only two key muscles: LEMS is ND, with the reason, from the findings there are.
    lems_left = derived["derived.lems", "left"]
    assert second.lems.left == "ND"
    assert lems_left["dataAbsentReason"]["coding"][0]["code"] == "unknown"
    assert "ND" in lems_left["dataAbsentReason"]["text"]
    assert sorted(code_of(t) for t in _targets(bundle, lems_left)) == [
        "motor.ankle_dorsiflexion", "motor.great_toe_extension"]
    assert {t["bodySite"]["text"] for t in _targets(bundle, lems_left)} == {"left"}

    pattern = derived["derived.pattern", ""]
    assert pattern["valueCodeableConcept"]["coding"][0]["code"] == f"pattern.{second.pattern}"
    assert {finding_of(t) for t in _targets(bundle, pattern)} >= {
        ("motor", "great_toe_extension", "left", "", "2", None),
        ("sensory", "L5", "left", "light_touch", "1", None)}

    roots = [o for (code, _), o in derived.items() if code == "derived.probable_root"]
    assert len(roots) == len(second.probable_roots) >= 1
    top = next(o for o in roots if o["component"][0]["valueInteger"] == 1)
    assert top["valueCodeableConcept"]["coding"][0]["code"] == f"root.{second.probable_roots[0].root}"
    assert top["component"][1]["valueQuantity"]["value"] == second.probable_roots[0].score

    # Worse the next day, within the window: the headline alert, from the fall and the grade it fell from.
    progression = derived["derived.progression_within_window", ""]
    assert progression["valueBoolean"] is True and second.progression_within_window
    fell = [finding_of(t) for t in _targets(bundle, progression) if code_of(t) == "motor.great_toe_extension"]
    assert sorted(f[4] for f in fell if f is not None) == ["2", "3"]
    assert any("worse: left great-toe extension 3 → 2" in n["text"] for n in progression["note"])

    urgency = derived["derived.urgency", ""]
    assert urgency["valueCodeableConcept"]["coding"][0]["code"] == f"urgency.{second.urgency}"
    assert progression["id"] in {t["id"] for t in _targets(bundle, urgency)}

    window = derived["derived.window_period", ""]
    assert window["valuePeriod"] == {"start": "2026-11-01T20:00:00+01:00", "end": "2026-11-04T20:00:00+01:00"}
    assert [code_of(t) for t in _targets(bundle, window)] == ["weakness_onset"]
    assert first.worsening.worsened is False
    assert _derived(bundle, "2026-11-02T09:30:00+01:00")["derived.progression_within_window", ""][
        "valueBoolean"] is False


def test_probable_roots_and_patterns_of_the_demo_clinic_name_the_findings_they_list() -> None:
    """Every finding a pattern or probable root lists is a derivedFrom reference, and nothing else is."""
    now = datetime(2026, 11, 21, 12, tzinfo=UTC)
    checked = 0
    for patient, visits in demo_patients(15, 1, now):
        chart = Chart(patient, tuple(ChartVisit(v, "signed") for v in visits))
        bundle = fhir_bundle(chart)
        validate_r4(bundle)
        for assessment in chart.assessments:
            derived = _derived(bundle, assessment.examined_at.isoformat())
            statements = [(derived["derived.probable_root", f"{r.side} {r.root}"], r.findings)
                          for r in assessment.probable_roots]
            if assessment.pattern not in ("normal", "indeterminate"):
                statements.append((derived["derived.pattern", ""], assessment.pattern_findings))
            for observation, listed in statements:
                phrases = {_phrase(t) for t in _targets(bundle, observation)}
                named = {p.split(" (")[0] for p in listed}
                assert named <= phrases, (patient.record_number, listed, phrases)
                assert phrases <= named | _other_sides(listed), (patient.record_number, listed, phrases)
                checked += 1
    assert checked > 30


def _other_sides(listed: tuple[str, ...]) -> set[str]:
    """A reduced reflex is listed with the other side's grade, 'right Achilles reflex 0 (left 2)', and is
    read from both reflexes: the other side's words are 'left Achilles reflex 2'."""
    others = set()
    for phrase in listed:
        if phrase.endswith(")") and " reflex " in phrase:
            own, other = phrase[:-1].split(" (")
            other_side, grade = other.split(" ")
            label = own.split(" ")[1:-1]
            others.add(" ".join([other_side, *label, grade]))
    return others


def _phrase(observation: dict[str, Any]) -> str | None:
    """The engine's words for the finding an Observation carries (see exam_app.clinical.findings)."""
    from exam_app.clinical.findings import (
        anal_finding,
        clonus_finding,
        gait_finding,
        motor_finding,
        plantar_finding,
        red_flag_finding,
        reflex_finding,
        sensory_finding,
        tension_finding,
    )
    from exam_app.clinical.record import TensionSign

    finding = finding_of(observation)
    if finding is None:
        return None
    kind, item, side, modality, value, angle = finding
    words = {
        "motor": lambda: motor_finding(side, item, value),
        "sensory": lambda: sensory_finding(side, modality, item, value),
        "reflex": lambda: reflex_finding(side, item, int(value)),
        "plantar_response": lambda: plantar_finding(side, value),
        "tension_sign": lambda: tension_finding(side, item, TensionSign(value, angle)),
        "gait": lambda: gait_finding(side, item, value),
        "anal": lambda: anal_finding(item, value),
        "ankle_clonus_beats": lambda: clonus_finding(side, int(value)),
        "red_flag": lambda: red_flag_finding(item),
    }
    return words[kind]() if kind in words else None


def test_a_referral_letter_is_a_document_reference_with_the_stored_pdf() -> None:
    document = two_visit_record()
    pdf = b"%PDF-1.7 the letter exactly as issued \x00\xff"
    bundle = fhir_bundle(chart_of(document, letters=(letter_for(document, 1, pdf),)))
    (reference,) = resources(bundle, "DocumentReference")
    attachment = reference["content"][0]["attachment"]
    assert attachment["contentType"] == "application/pdf"
    assert base64.b64decode(attachment["data"]) == pdf
    assert attachment["hash"] == base64.b64encode(hashlib.sha1(pdf).digest()).decode()
    assert attachment["size"] == len(pdf)
    assert reference["masterIdentifier"]["value"] == hashlib.sha256(pdf).hexdigest()
    assert reference["type"]["coding"][0] == {"system": "http://loinc.org", "code": "57133-1",
                                              "display": "Referral note"}
    (encounter_ref,) = reference["context"]["encounter"]
    encounter = next(e for e in resources(bundle, "Encounter") if f"urn:uuid:{e['id']}" == encounter_ref["reference"])
    assert encounter["period"]["start"] == "2026-11-03T10:00:00+01:00"


def test_the_same_chart_always_gives_the_same_bundle() -> None:
    document = with_third_visit()
    shuffled = copy.deepcopy(document)
    shuffled["visits"].reverse()
    # The same instants written in another offset are the same visits.
    for visit in shuffled["visits"]:
        visit["examined_at"] = datetime.fromisoformat(visit["examined_at"]).astimezone(
            timezone(timedelta(hours=3))).isoformat()
    one = fhir_bundle(chart_of(document))
    again = fhir_bundle(chart_of(document))
    other_order = fhir_bundle(chart_of(shuffled))
    assert json.dumps(one) == json.dumps(again)
    assert [e["fullUrl"] for e in one["entry"]] == [e["fullUrl"] for e in other_order["entry"]]
    other_patient = fhir_bundle(chart_of(example(patient={"record_number": "A-1002"})))
    assert not {e["fullUrl"] for e in other_patient["entry"]} & {e["fullUrl"] for e in one["entry"]}


def test_no_loinc_or_snomed_code_is_claimed_for_an_item() -> None:
    bundle = fhir_bundle(chart_of(with_third_visit(), letters=(letter_for(two_visit_record(), 0, b"%PDF"),)))
    for observation in resources(bundle, "Observation"):
        assert {c["system"] for c in observation["code"]["coding"]} == {CODE_SYSTEM_URL}
        for site in observation.get("bodySite", {}).get("coding", []):
            assert (site["system"], site["code"]) in {(SNOMED_CT, "7771000"), (SNOMED_CT, "24028007")}


def test_the_published_code_system_file_is_up_to_date() -> None:
    from tools.fhir_code_system import code_system_text

    published = resource_path("fhir", "CodeSystem-exam-record.json").read_text(encoding="utf-8")
    assert published == code_system_text(), "run: .venv/bin/python tools/fhir_code_system.py"
    from fhir.resources.codesystem import CodeSystem

    CodeSystem.parse_obj(json.loads(published))


def test_an_empty_record_is_a_patient_and_the_code_system() -> None:
    bundle = fhir_bundle(Chart(ExamRecord(read_exam_record(json.dumps(example())).patient).patient, ()))
    validate_r4(bundle)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient", "CodeSystem"]
    patient = bundle["entry"][0]["resource"]
    assert patient["identifier"][0]["value"] == "A-1001"
    assert patient["name"] == [{"use": "official", "family": "Doe", "given": ["Jane"]}]
    assert (patient["gender"], patient["birthDate"]) == ("female", "1969-04-02")
