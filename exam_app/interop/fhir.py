"""A patient's chart as a FHIR R4 (4.0.1) `Bundle` of type `collection`: plain data in, a JSON-ready
dict out.

What the bundle holds:
- the `Patient` (record number, name, sex, birth date);
- one `Encounter` per signed visit;
- one `Observation` per recorded value: each motor item, sensory level and modality, reflex, plantar
  response, clonus, tension sign and gait item on each side, VAC and DAP, each symptom reported,
  each red-flag question answered (yes or no), the onset of weakness and the examiner's notes;
- one `Observation` per box recorded on the visit's ISNCSCI 2019 worksheet and, once every box is
  recorded, its classification (totals, sensory and motor levels, NLI, complete or incomplete, AIS
  grade, ZPP) as `Observation`s marked decision support, each derived from the boxes it is read from;
- the engine's answer for each visit as `Observation`s marked decision support (LEMS per side and
  in total, sensory subtotals, pattern, probable roots, window period, urgency, progression within
  the window period), each with `derivedFrom` pointing at the findings it was computed from;
- each referral letter issued from a visit as a `DocumentReference` carrying the stored PDF;
- the app's `CodeSystem` (also published as `resources/fhir/CodeSystem-exam-record.json`).

Items are coded in the app's own code system, keyed to the ids of the exam-record format: no LOINC
or SNOMED CT code is claimed for an item that has none. Laterality is the `bodySite` (SNOMED CT
7771000 left, 24028007 right). `NT` is `dataAbsentReason` `not-performed`, with the value as
written (`NT*`) in its text. A classification result is written exactly as the engine gives it: a
total as `valueInteger`, `ND` as `dataAbsentReason` `unknown`; a level, grade or ZPP as the text of
`valueCodeableConcept` (`T9*,T10*`), coded when there is one answer, and every possible answer a
`component` (the codings of one CodeableConcept would say the answers are the same concept).

Every `fullUrl` is a `urn:uuid:` made from the record number, the visit's instant and the item, so
the same chart always gives the same bundle (no export time in it).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from exam_app.clinical.assess import VisitAssessment
from exam_app.clinical.deficits import ANKLE_CLONUS as UMN_CLONUS
from exam_app.clinical.deficits import PLANTAR_RESPONSE as UMN_PLANTAR
from exam_app.clinical.findings import (
    anal_finding,
    clonus_finding,
    gait_finding,
    motor_finding,
    motor_subject,
    plantar_finding,
    red_flag_finding,
    reflex_finding,
    sensory_finding,
    tension_finding,
)
from exam_app.clinical.grades import parse_motor_grade, parse_sensory_score
from exam_app.clinical.isncsci import (
    INTACT,
    NOT_APPLICABLE,
    IsncsciClassification,
    Possibilities,
    Total,
    anal_key,
    classify,
    entry_key,
    isncsci_tables,
    non_key_muscle_key,
    recorded_worksheet,
)
from exam_app.clinical.pattern import nerve_labels, pattern_labels
from exam_app.clinical.record import TensionSign
from exam_app.clinical.scores import NOT_DETERMINABLE, Score
from exam_app.clinical.urgency import ROUTINE, SAME_DAY, URGENT
from exam_app.clinical.vocabulary import SIDES, vocabulary
from exam_app.clinical.worsening import MOTOR as CHANGE_MOTOR
from exam_app.clinical.worsening import SENSORY as CHANGE_SENSORY
from exam_app.clinical.worsening import Change
from exam_app.interop.chart import (
    ANAL,
    ANKLE_CLONUS,
    GAIT,
    ISNCSCI_ANAL,
    ISNCSCI_MOTOR,
    ISNCSCI_NON_KEY_MUSCLE,
    ISNCSCI_SENSORY,
    MOTOR,
    PLANTAR_RESPONSE,
    RED_FLAG,
    REFLEX,
    SENSORY,
    SYMPTOM,
    TENSION_SIGN,
    Chart,
    ChartVisit,
    IssuedLetterCopy,
    RecordedFinding,
    visit_findings,
    worksheet_findings,
)
from exam_app.presentation import urgency_label
from exam_app.tables import VisitStatus, rules

FHIR_VERSION = "4.0.1"
CANONICAL_BASE = "https://exam-app.example/fhir"
CODE_SYSTEM_URL = f"{CANONICAL_BASE}/CodeSystem/exam-record"
CODE_SYSTEM_VERSION = "1"
RECORD_NUMBER_SYSTEM = f"{CANONICAL_BASE}/sid/record-number"
LETTER_HASH_SYSTEM = f"{CANONICAL_BASE}/sid/referral-letter-sha256"

SNOMED_CT = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"

ISNCSCI_METHOD = "isncsci-2019"  # the method of the classification's Observations
LATERALITY = {"left": ("7771000", "Left"), "right": ("24028007", "Right")}
REFERRAL_NOTE = ("57133-1", "Referral note")  # LOINC document type of a referral letter

ISNCSCI_NOTE = (
    "Decision support, not a diagnosis: the ISNCSCI 2019 classification computed by exam-app from the "
    "worksheet boxes referenced in derivedFrom, for the clinician to check.")
DECISION_SUPPORT_NOTE = (
    "Decision support, not a diagnosis: computed by the exam-app rules (version {version}) from the "
    "findings referenced in derivedFrom, for the clinician to check."
)

# uuid5 namespace of every fullUrl the app writes.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, CODE_SYSTEM_URL)

Json = dict[str, Any]


def fhir_bundle(chart: Chart) -> Json:
    """The chart as a FHIR R4 collection Bundle (JSON-ready)."""
    return _BundleWriter(chart).bundle()


# ------------------------------------------------------------------ the code system


def finding_code(finding: RecordedFinding) -> str:
    """The code of a finding's item: the path of its value in an exam-record visit, without the side.

    `motor.great_toe_extension`, `light_touch.L5`, `reflexes.achilles`, `plantar_response`,
    `tension_signs.straight_leg_raise`, `gait.heel_walk`, `vac`, `symptoms.cramps`, `red_flags.night_pain`.
    A box of the ISNCSCI worksheet, whose key in the file names its side: `isncsci.light_touch.C5`,
    `isncsci.motor.L2`, `isncsci.vac`, `isncsci.lowest_non_key_muscle`.
    """
    kind, item = finding.kind, finding.item
    if kind == MOTOR:
        return f"motor.{item}"
    if kind == SENSORY:
        return f"{finding.modality}.{item}"
    if kind == REFLEX:
        return f"reflexes.{item}"
    if kind == TENSION_SIGN:
        return f"tension_signs.{item}"
    if kind == GAIT:
        return f"gait.{item}"
    if kind == SYMPTOM:
        return f"symptoms.{item}"
    if kind == RED_FLAG:
        return f"red_flags.{item}"
    if kind == ISNCSCI_SENSORY:
        return f"isncsci.{finding.modality}.{item}"
    if kind == ISNCSCI_MOTOR:
        return f"isncsci.motor.{item}"
    if kind in (ISNCSCI_ANAL, ISNCSCI_NON_KEY_MUSCLE):
        return f"isncsci.{item}"
    return item  # plantar_response, ankle_clonus_beats, vac, dap


def _motor_grades() -> list[str]:
    grades = ["0", *(f"{base}{modifier}" for base in "1234" for modifier in ("-", "", "+")), "5"]
    return [f"{grade}{tag}" for grade in grades for tag in ("", "*", "**")]


def _tag_words(text: str) -> str:
    if text.endswith("**"):
        return " (tagged **: consider normal)"
    if text.endswith("*"):
        return " (tagged *: abnormal for a reason other than the nerve lesion)"
    return ""


def _level_words(level: str) -> str:
    return level.replace("_", "-")  # S4_5 -> S4-5


def _isncsci_answers() -> list[tuple[str, str]]:
    """The answers a level, NLI or ZPP of the classification may take, and their words."""
    words = {INTACT: "intact (INT)", NOT_APPLICABLE: "not applicable (NA)"}
    return [(level, words.get(level, _level_words(level)))
            for level in ("C1", *isncsci_tables().levels, INTACT, NOT_APPLICABLE)]


def _starred(code: str, display: str, definition: str | None = None) -> list[Json]:
    """An answer of the classification, and the same answer resting on a tagged score (`*`)."""
    return [_concept(code, display, definition),
            _concept(f"{code}*", f"{display}*", (f"{definition}; " if definition else "")
                     + "resting on a score tagged * or ** (impaired by a condition other than the injury)")]


def _isncsci_findings() -> Json:
    tables = isncsci_tables()
    muscles = dict(tables.key_muscles)
    vocab = vocabulary()
    sensory = [
        _concept(f"isncsci.{m.id}", f"ISNCSCI {m.label}", f"ISNCSCI 2019 worksheet, {m.label}: 0-2 or NT, "
                 "tag * or **", [
            _concept(f"isncsci.{m.id}.{level}", f"ISNCSCI {_level_words(level)} {m.label}")
            for level in tables.levels])
        for m in vocab.sensory_modalities]
    motor = _concept("isncsci.motor", "ISNCSCI key muscles", "ISNCSCI 2019 worksheet, key muscles: 0-5 or NT, "
                     "tag * or **", [
                         _concept(f"isncsci.motor.{level}", f"ISNCSCI {level} key muscle ({muscles[level]})")
                         for level in tables.key_muscle_levels])
    return _concept("isncsci", "ISNCSCI 2019 worksheet", "the boxes of the International Standards for "
                    "Neurological Classification of Spinal Cord Injury worksheet (2019), both sides", [
                        *sensory, motor,
                        _concept("isncsci.vac", "ISNCSCI voluntary anal contraction (VAC)", "Yes, No or NT"),
                        _concept("isncsci.dap", "ISNCSCI deep anal pressure (DAP)", "Yes, No or NT"),
                        _concept("isncsci.lowest_non_key_muscle", "ISNCSCI lowest non-key muscle with motor function",
                                 "the level of the lowest non-key muscle with motor function on a side")])


_ISNCSCI_SIDE_TOTALS = (
    ("upper_motor", "upper-limb motor subtotal", "the key muscles C5-T1, 0-25"),
    ("lower_motor", "lower-limb motor subtotal", "the key muscles L2-S1, 0-25"),
    ("motor", "motor total", "the ten key muscles, 0-50"),
    ("light_touch", "light touch total", "C2-S4-5, 0-56"),
    ("pin_prick", "pin prick total", "C2-S4-5, 0-56"),
)
_ISNCSCI_BOTH_TOTALS = ("upper_motor", "lower_motor", "light_touch", "pin_prick")
_ISNCSCI_RESULTS = (
    ("sensory_level", "ISNCSCI sensory level of a side", "isncsci-level"),
    ("motor_level", "ISNCSCI motor level of a side", "isncsci-level"),
    ("neurological_level", "ISNCSCI neurological level of injury (NLI)", "isncsci-level"),
    ("injury_complete", "ISNCSCI complete or incomplete", "isncsci-complete"),
    ("ais", "AIS grade (ASIA Impairment Scale)", "ais"),
    ("sensory_zpp", "ISNCSCI sensory zone of partial preservation of a side", "isncsci-level"),
    ("motor_zpp", "ISNCSCI motor zone of partial preservation of a side", "isncsci-level"),
)


def _isncsci_derived() -> Json:
    totals = [_concept(f"derived.isncsci.{name}", f"ISNCSCI {words} of a side",
                       f"sum of the side's scores, {rng}; ND when one is NT")
              for name, words, rng in _ISNCSCI_SIDE_TOTALS]
    both = [_concept(f"derived.isncsci.{name}_total", f"ISNCSCI {words}, both sides",
                     "right + left; ND when either is ND")
            for name, words, _ in _ISNCSCI_SIDE_TOTALS if name in _ISNCSCI_BOTH_TOTALS]
    results = [_concept(f"derived.isncsci.{name}", display, f"a set of possible answers ({values}), "
                        "each a component derived.isncsci.possible_answer")
               for name, display, values in _ISNCSCI_RESULTS]
    return _concept("derived.isncsci", "ISNCSCI 2019 classification of the visit's worksheet",
                    "computed by the app's ISNCSCI 2019 engine from the worksheet boxes in derivedFrom", [
                        *totals, *both, *results,
                        _concept("derived.isncsci.possible_answer", "possible answer",
                                 "one answer the worksheet allows; several when it cannot tell which")])


def _isncsci_values() -> list[Json]:
    return [
        _concept("isncsci-level", "ISNCSCI level", "a level of the classification, INT intact, NA not applicable",
                 [c for level, words in _isncsci_answers() for c in _starred(f"isncsci-level.{level}", words)]),
        _concept("ais", "AIS grade", "ASIA Impairment Scale",
                 [c for grade in "ABCDE" for c in _starred(f"ais.{grade}", f"AIS {grade}")]),
        _concept("isncsci-complete", "complete or incomplete", None,
                 [*_starred("isncsci-complete.C", "complete"), *_starred("isncsci-complete.I", "incomplete")]),
    ]


def _concept(code: str, display: str, definition: str | None = None,
             children: Iterable[Json] | None = None) -> Json:
    concept: Json = {"code": code, "display": display}
    if definition:
        concept["definition"] = definition
    listed = list(children or ())
    if listed:
        concept["concept"] = listed
    return concept


@cache
def _code_system() -> Json:
    vocab = vocabulary()
    tables = rules()
    motor = [_concept(f"motor.{m.id}", f"{m.movement} ({m.muscle})",
                      f"MRC grade of {m.movement}; roots {', '.join(m.roots)}; nerve {m.nerve}"
                      + (f"; ISNCSCI key muscle of {m.key_root}" if m.key_root else ""))
             for m in vocab.motor_items]
    sensory = [
        _concept(modality.id, modality.label, f"ISNCSCI sensory score, {modality.label}", [
            _concept(f"{modality.id}.{level.id}", f"{level.label} {modality.label}",
                     f"key sensory point: {level.key_point}")
            for level in vocab.sensory_levels])
        for modality in vocab.sensory_modalities]
    findings = [
        _concept("motor", "motor examination", "manual muscle testing, MRC 0-5", motor),
        *sensory,
        _concept("reflexes", "reflexes", "NINDS reflex grade 0-4",
                 [_concept(f"reflexes.{r.id}", r.label, f"roots {', '.join(r.roots)}") for r in vocab.reflexes]),
        _concept("plantar_response", "plantar response"),
        _concept("ankle_clonus_beats", "ankle clonus", "beats of ankle clonus (3 or more abnormal)"),
        _concept("tension_signs", "tension signs", None,
                 [_concept(f"tension_signs.{t.id}", t.label, f"roots {', '.join(t.roots)}")
                  for t in vocab.tension_signs]),
        _concept("angle", "angle", "angle in degrees at which a tension sign became positive"),
        _concept("gait", "heel and toe walking", None,
                 [_concept(f"gait.{g.id}", g.label, f"roots {', '.join(g.roots)}") for g in vocab.gait_items]),
        *(_concept(a.id, a.label) for a in vocab.anal_items),
        _concept("symptoms", "symptoms", "a symptom the patient reports",
                 [_concept(f"symptoms.{s.id}", s.label) for s in vocab.symptoms]),
        _concept("red_flags", "red-flag questions", "asked at every visit; the answer is yes or no",
                 [_concept(f"red_flags.{f.id}", f.label, f"{f.question} Tier {f.tier}: {f.action}")
                  for f in vocab.red_flags]),
        _isncsci_findings(),
        _concept("weakness_onset", "onset of leg weakness", "when the leg weakness began, by the patient's account"),
        _concept("notes", "examiner's notes"),
    ]
    values = [
        _concept("mrc", "MRC muscle grade", "base grade 0-5, modifier - or +, ISNCSCI tag * or **",
                 [_concept(f"mrc.{g}", f"MRC {g}", f"grade {g}{_tag_words(g)}") for g in _motor_grades()]),
        _concept("sensory-score", "ISNCSCI sensory score", "0 absent, 1 altered, 2 normal",
                 [_concept(f"sensory-score.{s}{t}", f"sensory {s}{t}", f"score {s}{t}{_tag_words(t)}")
                  for s in "012" for t in ("", "*", "**")]),
        _concept("ninds", "NINDS reflex grade", None,
                 [_concept(f"ninds.{g}", f"reflex {g}") for g in vocab.reflex_grades if g != "NT"]),
        _concept("plantar", "plantar response",
                 None, [_concept(f"plantar.{r}", r) for r in vocab.plantar_responses if r != "NT"]),
        _concept("tension-result", "tension sign result",
                 None, [_concept(f"tension-result.{r}", r) for r in vocab.tension_results if r != "NT"]),
        _concept("gait-result", "heel or toe walking",
                 None, [_concept(f"gait-result.{r}", r) for r in vocab.gait_results if r != "NT"]),
        _concept("answer", "answer", None,
                 [_concept(f"answer.{a}", a) for a in vocab.anal_results if a != "NT"]),
        *_isncsci_values(),
    ]
    derived = [
        _concept("derived.lems", "lower-extremity motor score of a side",
                 "sum of the base grades of the five key muscles, 0-25 (spec 3.1)"),
        _concept("derived.lems_total", "lower-extremity motor score, both sides", "left + right, 0-50"),
        *(_concept(f"derived.sensory_subtotal.{m.id}", f"{m.label} subtotal of a side",
                   "sum of the scores at L1-S4-5, 0-18 (spec 3.1)") for m in vocab.sensory_modalities),
        _concept("derived.pattern", "pattern of the visit's findings", "spec 3.3",
                 [_concept(f"pattern.{p}", label) for p, label in pattern_labels().items()]),
        _concept("derived.nerve", "peripheral nerve", "the nerve named with the pattern peripheral nerve",
                 [_concept(f"nerve.{n}", label) for n, label in nerve_labels().items()]),
        _concept("derived.probable_root", "probable root", "a root on one side with its score (spec 3.4)",
                 [_concept(f"root.{r}", r) for r in tables.probable_root_range]),
        _concept("derived.root_score", "probable root score"),
        _concept("derived.root_rank", "probable root rank", "1 for the highest score"),
        _concept("derived.window_period", "window period",
                 "onset of weakness to onset + the clinic's window length (spec 3.5)"),
        _concept("derived.within_window", "examined within the window period"),
        _concept("derived.urgency", "urgency of the visit", "spec 3.6",
                 [_concept(f"urgency.{t.id}", t.label) for t in vocab.urgency_tiers]),
        _concept("derived.progression_within_window", "progression within the window period",
                 "worse than at the most recent earlier grading, and within the window period (spec 3.2, 3.6)"),
        _concept("derived.worsened", "worse since the earlier gradings"),
        _concept("derived.major_worsening", "major worsening",
                 "a muscle fell to 3 or below from 4 or above, or a side's LEMS fell by 5 or more"),
        _isncsci_derived(),
    ]
    return {
        "resourceType": "CodeSystem",
        "id": "exam-record",
        "url": CODE_SYSTEM_URL,
        "version": CODE_SYSTEM_VERSION,
        "name": "ExamRecord",
        "title": "Lower-limb examination record (exam-record/1)",
        "status": "active",
        "experimental": False,
        "publisher": "exam-app",
        "description": (
            "The items, values and decision-support statements of the lower-limb exam recorder, keyed to "
            "the ids of the exam-record/1 format: an item's code is the path of its value in a visit of "
            "an exam-record file, without the side (motor.great_toe_extension, light_touch.L5). Decision "
            "support, never a diagnosis."),
        "caseSensitive": True,
        "hierarchyMeaning": "grouped-by",
        "content": "complete",
        "concept": [
            _concept("finding", "examination findings and history answers", None, findings),
            _concept("value", "values of the findings", None, values),
            _concept("derived", "decision-support statements", DECISION_SUPPORT_NOTE.format(
                version=tables.rules_version), derived),
            _concept("decision-support", "decision support",
                     "category of the computed statements, and tag of a bundle holding them: not diagnoses"),
            _concept(f"rules.{tables.rules_version}", f"exam-app rules version {tables.rules_version}"),
            _concept(ISNCSCI_METHOD, "ISNCSCI 2019 classification",
                     "the International Standards for Neurological Classification of Spinal Cord Injury, "
                     "2019 revision, as the app's engine computes them (checked against the published cases)"),
            _concept("visit", "lower-limb neurological examination", "a visit of the exam-record format"),
        ],
    }


def code_system() -> Json:
    """The app's CodeSystem resource (a fresh copy)."""
    return copy.deepcopy(_code_system())


@cache
def _displays() -> dict[str, str]:
    displays: dict[str, str] = {}

    def walk(concepts: list[Json]) -> None:
        for concept in concepts:
            displays[concept["code"]] = concept["display"]
            walk(concept.get("concept", []))

    walk(_code_system()["concept"])
    return displays


def _coding(code: str) -> Json:
    return {"system": CODE_SYSTEM_URL, "code": code, "display": _displays()[code]}


def _coded(code: str, text: str | None = None) -> Json:
    concept: Json = {"coding": [_coding(code)]}
    if text is not None:
        concept["text"] = text
    return concept


# ------------------------------------------------------------------ the bundle


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _visit_key(examined_at: datetime) -> str:
    return _instant(examined_at)


class _VisitReferences:
    """The fullUrls of one visit's findings, by key and by the words a computed statement lists."""

    def __init__(self) -> None:
        self.by_key: dict[str, str] = {}
        self.by_phrase: dict[str, list[str]] = {}

    def add_phrase(self, phrase: str, urls: Sequence[str]) -> None:
        self.by_phrase.setdefault(phrase, [])
        for url in urls:
            if url not in self.by_phrase[phrase]:
                self.by_phrase[phrase].append(url)

    def of_phrases(self, phrases: Iterable[str]) -> tuple[list[str], list[str]]:
        """The fullUrls behind the phrases, and the phrases that name no recorded finding."""
        urls: list[str] = []
        unmatched: list[str] = []
        for phrase in phrases:
            found = self.by_phrase.get(phrase)
            if found is None:
                unmatched.append(phrase)
                continue
            urls += [u for u in found if u not in urls]
        return urls, unmatched


class _BundleWriter:
    def __init__(self, chart: Chart) -> None:
        self.chart = chart
        self.record_number = chart.patient.record_number
        self.entries: list[Json] = []
        self.patient_url = self._url("patient")
        self.rules_version = int(rules().rules_version)
        self.decision_support = DECISION_SUPPORT_NOTE.format(version=self.rules_version)
        self.visit_refs: dict[str, _VisitReferences] = {}
        self.encounter_urls: dict[str, str] = {}

    def _url(self, *parts: str) -> str:
        name = "\n".join([self.record_number, *parts])
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, name)}"

    def _add(self, url: str, resource: Json) -> None:
        rest = {key: value for key, value in resource.items() if key not in ("resourceType", "id")}
        ordered = {"resourceType": resource["resourceType"], "id": url.removeprefix("urn:uuid:"), **rest}
        self.entries.append({"fullUrl": url, "resource": ordered})

    def bundle(self) -> Json:
        self._add(self.patient_url, self._patient())
        self._add(self._url("code-system"), code_system())
        for chart_visit, assessment in zip(self.chart.visits_in_order, self.chart.assessments, strict=True):
            self._visit(chart_visit, assessment)
        for letter in sorted(self.chart.letters, key=lambda x: (x.issued_at.timestamp(), x.sha256)):
            self._letter(letter)
        return {
            "resourceType": "Bundle",
            "id": self._url("bundle").removeprefix("urn:uuid:"),
            # The bundle holds computed statements: tagged so that no reader takes them for diagnoses.
            "meta": {"tag": [_coding("decision-support")]},
            "type": "collection",
            "entry": self.entries,
        }

    # -- patient, encounter, letters

    def _patient(self) -> Json:
        patient = self.chart.patient
        resource: Json = {
            "resourceType": "Patient",
            "identifier": [{"use": "usual", "system": RECORD_NUMBER_SYSTEM, "value": patient.record_number}],
        }
        name: Json = {}
        if patient.family_name:
            name["family"] = patient.family_name
        if patient.given_name:
            name["given"] = [patient.given_name]
        if name:
            resource["name"] = [{"use": "official", **name}]
        if patient.sex:
            resource["gender"] = patient.sex  # the exam-record sexes are FHIR's administrative genders
        if patient.birth_date:
            resource["birthDate"] = patient.birth_date.isoformat()
        return resource

    def _encounter(self, chart_visit: ChartVisit, url: str) -> Json:
        visit = chart_visit.visit
        resource: Json = {
            "resourceType": "Encounter",
            "status": "finished",
            "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
            "type": [_coded("visit")],
            "subject": {"reference": self.patient_url},
            "period": {"start": visit.examined_at.isoformat()},
        }
        if visit.examiner:
            resource["participant"] = [{"individual": {"display": visit.examiner}}]
        return resource

    def _letter(self, letter: IssuedLetterCopy) -> None:
        encounter = self.encounter_urls.get(_visit_key(letter.visit_examined_at))
        resource: Json = {
            "resourceType": "DocumentReference",
            "masterIdentifier": {"system": LETTER_HASH_SYSTEM, "value": letter.sha256},
            "status": "current",
            "docStatus": "final",
            "type": {"coding": [{"system": LOINC, "code": REFERRAL_NOTE[0], "display": REFERRAL_NOTE[1]}],
                     "text": "referral letter"},
            "subject": {"reference": self.patient_url},
            "date": letter.issued_at.isoformat(),
            "author": [{"display": letter.issued_by}],
            "description": f"Referral letter to {letter.recipient}, as issued",
            "content": [{"attachment": {
                "contentType": "application/pdf",
                "data": base64.b64encode(letter.pdf).decode("ascii"),
                "size": len(letter.pdf),
                # FHIR's attachment hash is SHA-1, base64; the SHA-256 the app keeps is the masterIdentifier.
                "hash": base64.b64encode(hashlib.sha1(letter.pdf).digest()).decode("ascii"),
                "title": f"Referral letter {self.record_number} {letter.issued_at.date().isoformat()}",
                "creation": letter.issued_at.isoformat(),
            }}],
        }
        if encounter is not None:
            resource["context"] = {"encounter": [{"reference": encounter}]}
        self._add(self._url("referral-letter", letter.sha256, _instant(letter.issued_at)), resource)

    # -- one visit

    def _visit(self, chart_visit: ChartVisit, assessment: VisitAssessment) -> None:
        visit = chart_visit.visit
        at = _visit_key(visit.examined_at)
        encounter = self._url(at, "encounter")
        self.encounter_urls[at] = encounter
        self._add(encounter, self._encounter(chart_visit, encounter))
        refs = _VisitReferences()
        self.visit_refs[at] = refs
        base = self._observation_base(chart_visit, encounter)
        findings = visit_findings(visit)
        for finding in findings:
            key = finding_key(finding)
            url = self._url(at, key)
            refs.by_key[key] = url
            self._add(url, {**base(), **_finding_observation(finding)})
            phrase = finding_phrase(finding)
            if phrase is not None:
                refs.add_phrase(phrase, [url])
        _add_reflex_asymmetry_phrases(findings, refs)
        if visit.weakness_onset is not None:
            url = self._url(at, "weakness_onset")
            refs.by_key["weakness_onset"] = url
            self._add(url, {**base(), "category": [_category("survey")], "code": _coded("weakness_onset"),
                            "valueDateTime": visit.weakness_onset.isoformat()})
        if visit.notes:
            url = self._url(at, "notes")
            self._add(url, {**base(), "category": [_category("exam")], "code": _coded("notes"),
                            "valueString": visit.notes})
        self._derived(chart_visit, assessment, encounter, refs, at)
        self._worksheet(chart_visit, encounter, at)

    def _observation_base(self, chart_visit: ChartVisit, encounter: str) -> Any:
        visit = chart_visit.visit

        def base() -> Json:
            resource: Json = {
                "resourceType": "Observation",
                "status": "amended" if chart_visit.status == VisitStatus.AMENDED else "final",
                "subject": {"reference": self.patient_url},
                "encounter": {"reference": encounter},
                "effectiveDateTime": visit.examined_at.isoformat(),
            }
            if chart_visit.signed_at is not None:
                resource["issued"] = _instant(chart_visit.signed_at)
            if visit.examiner:
                resource["performer"] = [{"display": visit.examiner}]
            return resource

        return base

    # -- the ISNCSCI worksheet

    def _worksheet(self, chart_visit: ChartVisit, encounter: str, at: str) -> None:
        """One Observation per recorded box; once every box is recorded, the classification."""
        visit = chart_visit.visit
        if visit.isncsci is None:
            return
        base = self._observation_base(chart_visit, encounter)
        boxes: dict[str, str] = {}  # the box's key in the worksheet -> fullUrl
        for key, finding in worksheet_findings(visit):
            url = self._url(at, finding_key(finding))
            boxes[key] = url
            self._add(url, {**base(), **_finding_observation(finding)})
        worksheet = recorded_worksheet(visit.isncsci)
        if worksheet is not None:
            add = self._statement_adder(chart_visit, encounter, at, ISNCSCI_METHOD, ISNCSCI_NOTE)
            _IsncsciStatements(add, boxes).write(classify(worksheet))

    # -- the engine's answer

    def _statement_adder(self, chart_visit: ChartVisit, encounter: str, at: str, method: str, note: str) -> Any:
        """`add(key, body, derived_from, notes)`: one computed statement of the visit, its fullUrl back."""
        visit = chart_visit.visit
        status = VisitStatus.AMENDED if chart_visit.status == VisitStatus.AMENDED else "final"

        def add(key: str, body: Json, derived_from: Sequence[str], notes: Sequence[str] = ()) -> str:
            url = self._url(at, f"derived.{key}")
            resource: Json = {
                "resourceType": "Observation",
                "status": status,
                "category": [_coded("decision-support")],
                "subject": {"reference": self.patient_url},
                "encounter": {"reference": encounter},
                "effectiveDateTime": visit.examined_at.isoformat(),
                "method": _coded(method),
                **body,
                "note": [{"text": note}, *({"text": n} for n in notes if n)],
            }
            if derived_from:
                resource["derivedFrom"] = [{"reference": u} for u in derived_from]
            self._add(url, resource)
            return url

        return add

    def _derived(self, chart_visit: ChartVisit, a: VisitAssessment, encounter: str, refs: _VisitReferences,
                 at: str) -> None:
        visit = chart_visit.visit
        add = self._statement_adder(chart_visit, encounter, at, f"rules.{self.rules_version}", self.decision_support)

        findings = visit_findings(visit)
        key_muscles = rules().key_muscles
        lems_urls = []
        for side in SIDES:
            inputs = [refs.by_key[k] for item in key_muscles if (k := f"motor.{item}.{side}") in refs.by_key]
            notes = [n for n in a.lems.notes if n.startswith(f"{side} ")]
            lems_urls.append(add(f"lems.{side}", {"code": _coded("derived.lems"), "bodySite": _laterality(side),
                                                  **_score_value(a.lems.side(side), notes)}, inputs, notes))
        add("lems_total", {"code": _coded("derived.lems_total"), **_score_value(a.lems.total, ())}, lems_urls)
        for modality in vocabulary().sensory_modalities:
            for side in SIDES:
                inputs = [refs.by_key[f.key] for f in _keyed(findings)
                          if f.finding.kind == SENSORY and f.finding.modality == modality.id
                          and f.finding.side == side]
                notes = [n for n in a.sensory.notes if n.startswith(f"{side} {modality.label} ")]
                add(f"sensory_subtotal.{modality.id}.{side}",
                    {"code": _coded(f"derived.sensory_subtotal.{modality.id}"), "bodySite": _laterality(side),
                     **_score_value(a.sensory.modality(modality.id).side(side), notes)}, inputs, notes)

        pattern_url = self._pattern(a, refs, findings, add)
        for rank, root in enumerate(a.probable_roots, 1):
            inputs, _ = refs.of_phrases(root.findings)
            add(f"probable_root.{root.root}.{root.side}", {
                "code": _coded("derived.probable_root"),
                "bodySite": _laterality(root.side),
                "valueCodeableConcept": _coded(f"root.{root.root}", f"{root.side} {root.root}"),
                "component": [
                    {"code": _coded("derived.root_rank"), "valueInteger": rank},
                    {"code": _coded("derived.root_score"), "valueQuantity": {"value": root.score}},
                ],
            }, inputs, [f"score {root.score:g} from: " + "; ".join(
                f"{e.finding} (+{e.points:g})" for e in root.evidence)])
        window_url = self._window(a, add, at)
        progression_url = self._progression(a, refs, window_url, add)
        self._urgency(a, refs, findings, pattern_url, window_url, progression_url, add)

    def _pattern(self, a: VisitAssessment, refs: _VisitReferences, findings: list[RecordedFinding],
                 add: Any) -> str:
        inputs, unmatched = refs.of_phrases(a.pattern_findings)
        if unmatched and not inputs:
            # "normal" and "indeterminate" are read from every examination finding of the visit.
            inputs = [refs.by_key[f.key] for f in _keyed(findings) if f.finding.kind not in (SYMPTOM, RED_FLAG)]
        body: Json = {
            "code": _coded("derived.pattern"),
            "valueCodeableConcept": _coded(f"pattern.{a.pattern}", pattern_labels()[a.pattern]),
        }
        if a.nerve is not None:
            body["component"] = [{"code": _coded("derived.nerve"),
                                  "valueCodeableConcept": _coded(f"nerve.{a.nerve}", nerve_labels()[a.nerve])}]
        return str(add("pattern", body, inputs, ["from: " + "; ".join(a.pattern_findings)]))

    def _window(self, a: VisitAssessment, add: Any, at: str) -> str:
        window = a.window
        inputs = self._onset_sources(a)
        body: Json = {"code": _coded("derived.window_period"),
                      "component": [{"code": _coded("derived.within_window"), "valueBoolean": window.within}]}
        if window.onset is not None and window.ends is not None:
            body["valuePeriod"] = {"start": window.onset.isoformat(), "end": window.ends.isoformat()}
        else:
            body["dataAbsentReason"] = _absent("not-applicable", "no onset of weakness yet")
        return str(add("window_period", body, inputs, [a.window_onset_from or ""]))

    def _onset_sources(self, a: VisitAssessment) -> list[str]:
        """The onset given most recently up to this visit, else the first visit's weak muscles."""
        upto = [v for v in self.chart.visits_in_order if v.visit.examined_at.timestamp() <= a.examined_at.timestamp()]
        for earlier in reversed(upto):
            if earlier.visit.weakness_onset is not None:
                return [self.visit_refs[_visit_key(earlier.visit.examined_at)].by_key["weakness_onset"]]
        if a.window.onset is None:
            return []
        first_weak = self.visit_refs.get(_visit_key(a.window.onset))
        if first_weak is None:
            return []
        weak = [url for key, url in first_weak.by_key.items()
                if key.startswith("motor.") and _is_weak(self._visit_at(a.window.onset), key)]
        return weak

    def _visit_at(self, moment: datetime) -> ChartVisit:
        return next(v for v in self.chart.visits_in_order if v.visit.examined_at.timestamp() == moment.timestamp())

    def _progression(self, a: VisitAssessment, refs: _VisitReferences, window_url: str, add: Any) -> str:
        w = a.worsening
        inputs: list[str] = []
        for change in w.changes:
            for url in (self._change_url(change, change.before_examined_at),
                        self._change_url(change, a.examined_at)):
                if url is not None and url not in inputs:
                    inputs.append(url)
        if w.changes:
            inputs.append(window_url)
        notes = [
            *(f"worse: {c.finding}" for c in w.changes),
            *(f"major: {m}" for m in w.major_findings),
            *(f"recheck (modifier fell): {c.finding}" for c in w.recheck),
            *(f"new red flag: {red_flag_finding(f).removeprefix('red flag: ')}" for f in w.new_red_flags),
        ]
        if not notes:
            notes = ["nothing worse than at the most recent earlier gradings"]
        return str(add("progression_within_window", {
            "code": _coded("derived.progression_within_window"),
            "valueBoolean": a.progression_within_window,
            "component": [
                {"code": _coded("derived.worsened"), "valueBoolean": w.worsened},
                {"code": _coded("derived.major_worsening"), "valueBoolean": w.major},
                {"code": _coded("derived.within_window"), "valueBoolean": a.window.within},
            ],
        }, inputs, notes))

    def _change_url(self, change: Change, examined_at: datetime) -> str | None:
        refs = self.visit_refs.get(_visit_key(examined_at))
        if refs is None:
            return None
        if change.kind == CHANGE_MOTOR:
            key = f"motor.{change.item}.{change.side}"
        elif change.kind == CHANGE_SENSORY:
            key = f"{change.modality}.{change.item}.{change.side}"
        elif change.item == UMN_PLANTAR:
            key = f"plantar_response.{change.side}"
        elif change.item == UMN_CLONUS:
            key = f"ankle_clonus_beats.{change.side}"
        else:
            key = f"reflexes.{change.item}.{change.side}"
        return refs.by_key.get(key)

    def _urgency(self, a: VisitAssessment, refs: _VisitReferences, findings: list[RecordedFinding],
                 pattern_url: str, window_url: str, progression_url: str, add: Any) -> None:
        """The urgency, derived from what raised it to its tier (the tier's triggers only)."""
        tier = a.urgency
        vocab = vocabulary()
        inputs: list[str] = []

        def take(url: str | None) -> None:
            if url is not None and url not in inputs:
                inputs.append(url)

        for flag in a.red_flags:
            if vocab.red_flag(flag).tier == tier:
                take(refs.by_key.get(f"red_flags.{flag}"))
        if tier == SAME_DAY:
            if a.pattern in rules().same_day_patterns:
                take(pattern_url)
            if a.worsening.worsened:
                take(progression_url)
        if tier == URGENT:
            keyed = [f for f in _keyed(findings) if f.finding.kind == MOTOR]
            for f in keyed:
                prefix = f"{motor_subject(f.finding.side, f.finding.item)} at {f.finding.value}, new"
                if any(reason.startswith(prefix) for reason in a.urgency_reasons):
                    take(refs.by_key[f.key])
            if any(reason.startswith("weakness within the window period") for reason in a.urgency_reasons):
                take(window_url)
                for f in keyed:
                    if _weak_value(f.finding.value):
                        take(refs.by_key[f.key])
        if tier == ROUTINE:
            # Nothing raised it: routine is read from the pattern, the window and the comparison.
            for url in (pattern_url, window_url, progression_url):
                take(url)
        label = urgency_label(tier)
        add("urgency", {"code": _coded("derived.urgency"), "valueCodeableConcept": _coded(f"urgency.{tier}", label)},
            inputs, list(a.urgency_reasons) or ["no trigger of a higher tier"])


# ------------------------------------------------------------------ the ISNCSCI classification


class _IsncsciStatements:
    """The classification of a visit's worksheet as computed statements, each derived from the boxes
    (and the statements) the engine reads it from."""

    def __init__(self, add: Any, boxes: dict[str, str]) -> None:
        self.add = add
        self.boxes = boxes  # the box's key in the worksheet -> fullUrl

    def _urls(self, keys: Iterable[str]) -> list[str]:
        return [self.boxes[key] for key in keys if key in self.boxes]

    def _sensation(self, side: str, levels: Iterable[str] | None = None,
                   modalities: Iterable[str] = ("light_touch", "pin_prick")) -> list[str]:
        levels = tuple(levels or isncsci_tables().levels)
        return self._urls(entry_key(level, side, modality) for modality in modalities for level in levels)

    def _motor(self, side: str, levels: Iterable[str] | None = None) -> list[str]:
        return self._urls(entry_key(level, side, "motor") for level in levels or isncsci_tables().key_muscle_levels)

    def _statement(self, name: str, side: str, value: Json, derived_from: Sequence[str]) -> str:
        body: Json = {"code": _coded(f"derived.isncsci.{name}")}
        if side:
            body["bodySite"] = _laterality(side)
        return str(self.add(f"isncsci.{name}" + (f".{side}" if side else ""), {**body, **value}, derived_from))

    def write(self, result: IsncsciClassification) -> None:
        upper, lower = _key_muscle_runs()
        vac, dap = self._urls([anal_key("vac")]), self._urls([anal_key("dap")])
        side_totals: dict[tuple[str, str], str] = {}
        levels: dict[tuple[str, str], str] = {}
        per_side = {"right": (result.right_totals, result.right_sensory_level, result.right_motor_level),
                    "left": (result.left_totals, result.left_sensory_level, result.left_motor_level)}
        for side in SIDES:
            totals, sensory_level, motor_level = per_side[side]
            inputs = {"upper_motor": self._motor(side, upper), "lower_motor": self._motor(side, lower),
                      "motor": self._motor(side), "light_touch": self._sensation(side, modalities=["light_touch"]),
                      "pin_prick": self._sensation(side, modalities=["pin_prick"])}
            values = {"upper_motor": totals.upper_motor, "lower_motor": totals.lower_motor, "motor": totals.motor,
                      "light_touch": totals.light_touch, "pin_prick": totals.pin_prick}
            for name, _, _ in _ISNCSCI_SIDE_TOTALS:
                side_totals[name, side] = self._statement(name, side, _total_value(values[name]), inputs[name])
            levels["sensory_level", side] = self._statement(
                "sensory_level", side, _answers_value(sensory_level, "isncsci-level"), self._sensation(side))
            levels["motor_level", side] = self._statement(
                "motor_level", side, _answers_value(motor_level, "isncsci-level"),
                [*self._motor(side), *self._sensation(side), *vac])
        both = {"upper_motor": result.upper_motor_total, "lower_motor": result.lower_motor_total,
                "light_touch": result.light_touch_total, "pin_prick": result.pin_prick_total}
        for name in _ISNCSCI_BOTH_TOTALS:
            self._statement(f"{name}_total", "", _total_value(both[name]), [side_totals[name, s] for s in SIDES])
        nli = self._statement("neurological_level", "", _answers_value(result.neurological_level, "isncsci-level"),
                              list(levels.values()))
        sacral = isncsci_tables().levels[-1]
        complete = self._statement("injury_complete", "", _answers_value(result.injury_complete, "isncsci-complete"),
                                   [*self._sensation("left", [sacral]), *self._sensation("right", [sacral]),
                                    *vac, *dap])
        non_key = {side: self._urls([non_key_muscle_key(side)]) for side in SIDES}
        ais = self._statement("ais", "", _answers_value(result.ais, "ais"), [
            complete, nli, *(levels["motor_level", side] for side in SIDES),
            *(url for side in SIDES for url in (*self._motor(side), *non_key[side])), *vac, *dap])
        zpp = {"right": (result.right_sensory_zpp, result.right_motor_zpp),
               "left": (result.left_sensory_zpp, result.left_motor_zpp)}
        for side in SIDES:
            sensory_zpp, motor_zpp = zpp[side]
            self._statement("sensory_zpp", side, _answers_value(sensory_zpp, "isncsci-level"),
                            [*self._sensation(side), *dap])
            self._statement("motor_zpp", side, _answers_value(motor_zpp, "isncsci-level"), [
                *self._motor(side), *self._sensation(side), *non_key[side], *vac, ais,
                levels["motor_level", side]])


def _key_muscle_runs() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The key muscles of the upper limb (C5-T1) and of the lower limb (L2-S1): the two runs of
    consecutive levels, as the worksheet's subtotals take them."""
    tables = isncsci_tables()
    levels = tables.key_muscle_levels
    position = [tables.levels.index(level) for level in levels]
    split = next(i for i in range(1, len(levels)) if position[i] != position[i - 1] + 1)
    return levels[:split], levels[split:]


def _total_value(total: Total) -> Json:
    if total is None:
        return {"dataAbsentReason": _absent("unknown", "ND (not determinable): a score of the sum is NT")}
    return {"valueInteger": total}


def _answers_value(answers: Possibilities, family: str) -> Json:
    """The answer exactly as the engine writes it (`C5,C6*`) as the value's text, coded when there is
    one answer; every possible answer a component (a CodeableConcept's codings are translations of one
    concept, never alternatives)."""
    written = ",".join(map(str, answers))
    value: Json = {"text": written}
    if len(answers) == 1:
        value = {"coding": [_coding(f"{family}.{answers[0]}")], "text": written}
    return {"valueCodeableConcept": value, "component": [
        {"code": _coded("derived.isncsci.possible_answer"), "valueCodeableConcept": _coded(f"{family}.{answer}",
                                                                                            str(answer))}
        for answer in answers]}


# ------------------------------------------------------------------ findings


class _Keyed:
    __slots__ = ("finding", "key")

    def __init__(self, finding: RecordedFinding) -> None:
        self.finding = finding
        self.key = finding_key(finding)


def _keyed(findings: list[RecordedFinding]) -> list[_Keyed]:
    return [_Keyed(f) for f in findings]


def finding_key(finding: RecordedFinding) -> str:
    """The finding's code with its side: `motor.great_toe_extension.left`, `vac`."""
    code = finding_code(finding)
    return f"{code}.{finding.side}" if finding.side else code


def finding_phrase(finding: RecordedFinding) -> str | None:
    """The words the engine lists this finding with (exam_app.clinical.findings), if it lists it."""
    kind, item, side, value = finding.kind, finding.item, finding.side, finding.value
    if kind == MOTOR:
        return motor_finding(side, item, value)
    if kind == SENSORY:
        return sensory_finding(side, finding.modality, item, value)
    if kind == REFLEX:
        return reflex_finding(side, item, int(value)) if value.isdigit() else None
    if kind == PLANTAR_RESPONSE:
        return plantar_finding(side, value)
    if kind == ANKLE_CLONUS:
        return clonus_finding(side, int(value))
    if kind == TENSION_SIGN:
        return tension_finding(side, item, TensionSign(value, finding.angle))
    if kind == GAIT:
        return gait_finding(side, item, value)
    if kind == ANAL:
        return anal_finding(item, value)
    if kind == RED_FLAG and value == "yes":
        return red_flag_finding(item)
    return None


def _add_reflex_asymmetry_phrases(findings: list[RecordedFinding], refs: _VisitReferences) -> None:
    """'right Achilles reflex 0 (left 2)' is read from both sides' reflexes."""
    grades = {(f.item, f.side): f for f in findings if f.kind == REFLEX and f.value.isdigit()}
    for (item, side), finding in grades.items():
        for other_side in SIDES:
            other = grades.get((item, other_side))
            if other_side == side or other is None:
                continue
            phrase = reflex_finding(side, item, int(finding.value), other_side, int(other.value))
            refs.add_phrase(phrase, [refs.by_key[finding_key(finding)], refs.by_key[finding_key(other)]])


def _weak_value(grade: str) -> bool:
    parsed = parse_motor_grade(grade)
    return parsed.base is not None and not parsed.tag and parsed.base < rules().weak_muscle_below_base


def _is_weak(chart_visit: ChartVisit, key: str) -> bool:
    _, item, side = key.split(".")
    grade = chart_visit.visit.motor.get(item, {}).get(side)
    return grade is not None and _weak_value(grade)


def _category(code: str) -> Json:
    displays = {"exam": "Exam", "survey": "Survey"}
    return {"coding": [{"system": OBSERVATION_CATEGORY, "code": code, "display": displays[code]}]}


def _laterality(side: str) -> Json:
    code, display = LATERALITY[side]
    return {"coding": [{"system": SNOMED_CT, "code": code, "display": display}], "text": side}


def _absent(code: str, text: str) -> Json:
    displays = {"not-performed": "Not Performed", "unknown": "Unknown", "not-applicable": "Not Applicable"}
    return {"coding": [{"system": DATA_ABSENT_REASON, "code": code, "display": displays[code]}], "text": text}


def _not_testable(value: str) -> Json:
    return {"dataAbsentReason": _absent("not-performed", f"{value}: examined, not testable")}


def _score_value(score: Score, notes: Sequence[str]) -> Json:
    if score == NOT_DETERMINABLE:
        return {"dataAbsentReason": _absent("unknown", "ND (not determinable)" + (
            ": " + "; ".join(notes) if notes else ""))}
    return {"valueInteger": score}


def _finding_observation(finding: RecordedFinding) -> Json:
    """The finding-specific part of its Observation: category, code, side and value."""
    kind, value = finding.kind, finding.value
    survey = kind in (SYMPTOM, RED_FLAG)
    body: Json = {"category": [_category("survey" if survey else "exam")],
                  "code": _coded(finding_code(finding))}
    if finding.side:
        body["bodySite"] = _laterality(finding.side)
    if value.startswith("NT"):
        body.update(_not_testable(value))
    elif kind == MOTOR:
        body["valueCodeableConcept"] = _coded(f"mrc.{value}", value)
    elif kind == SENSORY:
        score = parse_sensory_score(value)
        body["valueCodeableConcept"] = _coded(f"sensory-score.{score.text}", value)
    elif kind == REFLEX:
        body["valueCodeableConcept"] = _coded(f"ninds.{value}", value)
    elif kind == PLANTAR_RESPONSE:
        body["valueCodeableConcept"] = _coded(f"plantar.{value}", value)
    elif kind == ANKLE_CLONUS:
        body["valueInteger"] = int(value)
    elif kind == TENSION_SIGN:
        body["valueCodeableConcept"] = _coded(f"tension-result.{value}", value)
    elif kind == GAIT:
        body["valueCodeableConcept"] = _coded(f"gait-result.{value}", value)
    elif kind == ISNCSCI_SENSORY:
        body["valueCodeableConcept"] = _coded(f"sensory-score.{value}", value)
    elif kind == ISNCSCI_MOTOR:
        body["valueCodeableConcept"] = _coded(f"mrc.{value}", value)
    elif kind == ISNCSCI_NON_KEY_MUSCLE:
        body["valueCodeableConcept"] = _coded(f"isncsci-level.{value}", value)
    elif kind == ISNCSCI_ANAL:  # the worksheet writes Yes and No
        body["valueCodeableConcept"] = _coded(f"answer.{value.lower()}", value)
    else:  # VAC, DAP, symptoms and red flags: yes or no
        body["valueCodeableConcept"] = _coded(f"answer.{value}", value)
    if kind == TENSION_SIGN and finding.angle is not None:
        body["component"] = [{"code": _coded("angle"), "valueQuantity": {
            "value": finding.angle, "unit": "°", "system": UCUM, "code": "deg"}}]
    return body
