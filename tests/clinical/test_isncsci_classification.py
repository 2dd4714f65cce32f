"""ISNCSCI 2019 classification: the 128 published known-answer cases, then the rules' edges one by one.

Every case is compared on all 25 results at once, so a failure shows the whole difference. The
focused tests start from a normal worksheet and change only the scores that matter to them; their
expected answers are worked out from the rules in docs/rules.md, not copied from the program.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from exam_app.clinical.isncsci import (
    IsncsciClassification,
    Worksheet,
    classify,
    isncsci_tables,
    totals_json,
    worksheet_from_fields,
    worksheet_keys,
)

CASES_FILE = Path(__file__).resolve().parents[1] / "data" / "isncsci-2019-cases.json"
CASES: list[dict[str, Any]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))

LEVELS = isncsci_tables().levels
KEY_MUSCLE_LEVELS = isncsci_tables().key_muscle_levels


def case_worksheet(case: dict[str, Any]) -> Worksheet:
    ignored = isncsci_tables().ignored_keys
    return worksheet_from_fields({key: value for key, value in case.items() if key not in ignored})


def test_the_128_cases_are_there_with_25_results_each() -> None:
    assert len(CASES) == 128
    assert all(set(case["totals"]) == set(isncsci_tables().result_keys) for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[f"case-{case['id']}" for case in CASES])
def test_published_case(case: dict[str, Any]) -> None:
    assert totals_json(classify(case_worksheet(case))) == case["totals"]


# ---------------------------------------------------------------- a worksheet built for each rule


def worksheet(vac: str = "Yes", dap: str = "Yes", **scores: str) -> Worksheet:
    """A normal worksheet (sensation 2, key muscles 5), then `scores` given by their file keys."""
    required, _ = worksheet_keys()
    fields = {key: "5" if key.endswith("Motor") else "2" for key in required[:-2]}
    fields.update({"analContraction": vac, "analSensation": dap})
    fields.update(scores)
    return worksheet_from_fields(fields)


def from_level(first: str, value: str, kinds: tuple[str, ...] = ("Touch", "Prick"),
               sides: tuple[str, ...] = ("Right", "Left")) -> dict[str, str]:
    """`value` for every level from `first` down to S4_5 (key muscles only for "Motor")."""
    found = {}
    for level in LEVELS[LEVELS.index(first):]:
        for kind in kinds:
            if kind == "Motor" and level not in KEY_MUSCLE_LEVELS:
                continue
            for side in sides:
                found[f"{level.lower()}{side}{kind}"] = value
    return found


def results(sheet: Worksheet) -> dict[str, str]:
    return totals_json(classify(sheet))


def pick(sheet: Worksheet, *keys: str) -> dict[str, str]:
    answer = results(sheet)
    return {key: answer[key] for key in keys}


def complete_below_t6(**changes: str) -> Worksheet:
    """No sensation from T7 down, no lower-limb key muscle, no VAC, no DAP."""
    return worksheet("No", "No", **{**from_level("T7", "0"), **from_level("L2", "0", ("Motor",)), **changes})


# ---------------------------------------------------------------- whole answers


def test_a_normal_worksheet_is_intact_grade_e_with_full_totals() -> None:
    assert results(worksheet()) == {
        "rightUpperMotorTotal": "25", "leftUpperMotorTotal": "25",
        "rightLowerMotorTotal": "25", "leftLowerMotorTotal": "25",
        "rightTouchTotal": "56", "leftTouchTotal": "56", "rightPrickTotal": "56", "leftPrickTotal": "56",
        "rightMotorTotal": "50", "leftMotorTotal": "50",
        "upperMotorTotal": "50", "lowerMotorTotal": "50", "touchTotal": "112", "prickTotal": "112",
        "rightSensory": "INT", "leftSensory": "INT", "rightMotor": "INT", "leftMotor": "INT",
        "neurologicalLevelOfInjury": "INT",
        "rightSensoryZpp": "NA", "leftSensoryZpp": "NA", "rightMotorZpp": "NA", "leftMotorZpp": "NA",
        "asiaImpairmentScale": "E", "injuryComplete": "I",
    }


def test_a_complete_injury_below_t6_is_grade_a_with_its_zones_of_partial_preservation() -> None:
    assert results(complete_below_t6()) == {
        "rightUpperMotorTotal": "25", "leftUpperMotorTotal": "25",
        "rightLowerMotorTotal": "0", "leftLowerMotorTotal": "0",
        # C2-T6 is 13 dermatomes scored 2.
        "rightTouchTotal": "26", "leftTouchTotal": "26", "rightPrickTotal": "26", "leftPrickTotal": "26",
        "rightMotorTotal": "25", "leftMotorTotal": "25",
        "upperMotorTotal": "50", "lowerMotorTotal": "0", "touchTotal": "52", "prickTotal": "52",
        # No key muscle between T2 and L1: the motor level follows the sensory level.
        "rightSensory": "T6", "leftSensory": "T6", "rightMotor": "T6", "leftMotor": "T6",
        "neurologicalLevelOfInjury": "T6",
        "rightSensoryZpp": "T6", "leftSensoryZpp": "T6", "rightMotorZpp": "T6", "leftMotorZpp": "T6",
        "asiaImpairmentScale": "A", "injuryComplete": "C",
    }


# ---------------------------------------------------------------- zones of partial preservation


def test_the_sensory_zpp_is_the_lowest_dermatome_with_some_sensation() -> None:
    sheet = complete_below_t6(t7RightTouch="1", t8RightPrick="1")
    assert pick(sheet, "rightSensory", "rightSensoryZpp", "leftSensoryZpp") == {
        "rightSensory": "T6", "rightSensoryZpp": "T8", "leftSensoryZpp": "T6"}


def test_with_deep_anal_pressure_there_is_no_sensory_zpp_and_the_grade_is_b() -> None:
    sheet = complete_below_t6(analSensation="Yes")
    assert pick(sheet, "rightSensoryZpp", "leftSensoryZpp", "rightMotorZpp", "injuryComplete",
                "asiaImpairmentScale") == {
        "rightSensoryZpp": "NA", "leftSensoryZpp": "NA",
        "rightMotorZpp": "T6",  # no voluntary anal contraction: the motor ZPP still applies
        "injuryComplete": "I", "asiaImpairmentScale": "B"}


def test_with_voluntary_anal_contraction_there_is_no_motor_zpp() -> None:
    sheet = complete_below_t6(analContraction="Yes")
    assert pick(sheet, "rightMotorZpp", "leftMotorZpp", "rightSensoryZpp", "injuryComplete") == {
        "rightMotorZpp": "NA", "leftMotorZpp": "NA", "rightSensoryZpp": "T6", "injuryComplete": "I"}


def test_vac_not_testable_keeps_complete_and_incomplete_open() -> None:
    sheet = complete_below_t6(analContraction="NT")
    assert pick(sheet, "injuryComplete", "asiaImpairmentScale", "rightMotorZpp", "rightSensoryZpp") == {
        "injuryComplete": "C,I",
        # A if there is no contraction; C if there is, every key muscle below T6 being 0.
        "asiaImpairmentScale": "A,C",
        "rightMotorZpp": "NA,T6",
        "rightSensoryZpp": "T6"}


def test_without_vac_an_otherwise_normal_worksheet_stops_the_motor_level_at_s3() -> None:
    assert pick(worksheet(vac="No"), "rightMotor", "neurologicalLevelOfInjury", "asiaImpairmentScale",
                "rightMotorZpp", "rightSensoryZpp") == {
        "rightMotor": "S3", "neurologicalLevelOfInjury": "INT",
        # Sensation spared at S4-5, no motor function below S3: sensory incomplete, motor complete.
        "asiaImpairmentScale": "B",
        "rightMotorZpp": "S3", "rightSensoryZpp": "NA"}
    assert pick(worksheet(vac="NT"), "rightMotor") == {"rightMotor": "S3,INT"}


# ---------------------------------------------------------------- AIS B or C: the lowest non-key muscle


def sacral_sparing_below_c5(**changes: str) -> Worksheet:
    """C6 down without sensation or key-muscle function, but light touch at S4-5; no VAC, no DAP."""
    return worksheet("No", "No", **{**from_level("C6", "0"), **from_level("C6", "0", ("Motor",)),
                                    "s4_5RightTouch": "1", "s4_5LeftTouch": "1", **changes})


def test_sensory_sparing_without_motor_function_far_below_is_grade_b() -> None:
    assert pick(sacral_sparing_below_c5(), "neurologicalLevelOfInjury", "rightMotor", "injuryComplete",
                "asiaImpairmentScale", "rightSensoryZpp") == {
        "neurologicalLevelOfInjury": "C5", "rightMotor": "C5", "injuryComplete": "I",
        "asiaImpairmentScale": "B", "rightSensoryZpp": "NA"}


def test_a_non_key_muscle_more_than_three_levels_below_the_motor_level_makes_it_grade_c() -> None:
    sheet = sacral_sparing_below_c5(rightLowestNonKeyMuscleWithMotorFunction="T1")
    assert pick(sheet, "asiaImpairmentScale", "rightMotorZpp", "leftMotorZpp") == {
        "asiaImpairmentScale": "C",
        # With AIS C the non-key muscle stands in for the levels more than three above it.
        "rightMotorZpp": "T1", "leftMotorZpp": "C5"}


def test_the_non_key_muscle_stands_in_only_for_levels_more_than_three_above_it() -> None:
    # Right C6 flickers (1): the motor ZPP stops there, exactly three levels above the T1 non-key muscle.
    sheet = sacral_sparing_below_c5(c6RightMotor="1", rightLowestNonKeyMuscleWithMotorFunction="T1")
    assert pick(sheet, "rightMotor", "asiaImpairmentScale", "rightMotorZpp") == {
        "rightMotor": "C5", "asiaImpairmentScale": "C", "rightMotorZpp": "C6"}


def test_a_non_key_muscle_three_levels_below_the_motor_level_leaves_grade_b() -> None:
    sheet = sacral_sparing_below_c5(rightLowestNonKeyMuscleWithMotorFunction="C8")
    assert pick(sheet, "asiaImpairmentScale", "rightMotorZpp") == {"asiaImpairmentScale": "B", "rightMotorZpp": "C5"}


# ---------------------------------------------------------------- AIS C or D


def incomplete_below_t10(**motor: str) -> Worksheet:
    """Sensation altered from T11 down (light touch 1), VAC and DAP present, lower-limb key muscles 0."""
    return worksheet(**{**from_level("T11", "1", ("Touch",)), **from_level("L2", "0", ("Motor",)), **motor})


def test_fewer_than_half_the_key_muscles_below_the_nli_at_grade_3_is_grade_c() -> None:
    sheet = incomplete_below_t10(l2LeftMotor="3", l3LeftMotor="3", l4LeftMotor="4")
    assert pick(sheet, "neurologicalLevelOfInjury", "asiaImpairmentScale") == {
        "neurologicalLevelOfInjury": "T10", "asiaImpairmentScale": "C"}


def test_half_the_key_muscles_below_the_nli_at_grade_3_is_grade_d() -> None:
    sheet = incomplete_below_t10(l2LeftMotor="3", l3LeftMotor="3", l4LeftMotor="4", l2RightMotor="3",
                                 l3RightMotor="5")
    assert pick(sheet, "asiaImpairmentScale") == {"asiaImpairmentScale": "D"}


# ---------------------------------------------------------------- NT: totals not determinable, levels open


def test_one_key_muscle_not_testable_makes_its_totals_not_determinable() -> None:
    assert pick(worksheet(l3LeftMotor="NT"), "leftLowerMotorTotal", "leftMotorTotal", "lowerMotorTotal",
                "rightLowerMotorTotal", "leftUpperMotorTotal", "upperMotorTotal") == {
        "leftLowerMotorTotal": "ND", "leftMotorTotal": "ND", "lowerMotorTotal": "ND",
        "rightLowerMotorTotal": "25", "leftUpperMotorTotal": "25", "upperMotorTotal": "50"}


@pytest.mark.parametrize("value", ["NT", "NT*", "NT**"])
def test_one_dermatome_not_testable_makes_its_sensory_totals_not_determinable(value: str) -> None:
    assert pick(worksheet(t4RightTouch=value), "rightTouchTotal", "touchTotal", "rightPrickTotal") == {
        "rightTouchTotal": "ND", "touchTotal": "ND", "rightPrickTotal": "56"}


def test_tagged_scores_count_in_the_totals_by_their_number() -> None:
    sheet = worksheet(c6LeftMotor="3*", l4RightMotor="0**", t4RightPrick="1**")
    assert pick(sheet, "leftUpperMotorTotal", "rightLowerMotorTotal", "rightPrickTotal") == {
        "leftUpperMotorTotal": "23", "rightLowerMotorTotal": "20", "rightPrickTotal": "55"}


def test_a_dermatome_not_testable_leaves_the_levels_open_below_it() -> None:
    assert pick(worksheet(t4RightTouch="NT"), "rightSensory", "leftSensory", "neurologicalLevelOfInjury",
                "asiaImpairmentScale") == {
        "rightSensory": "T3,INT", "leftSensory": "INT", "neurologicalLevelOfInjury": "T3,INT",
        "asiaImpairmentScale": "D,E"}


def test_sacral_sensation_not_testable_keeps_complete_and_incomplete_open() -> None:
    sheet = complete_below_t6(s4_5RightTouch="NT")
    assert pick(sheet, "injuryComplete", "asiaImpairmentScale", "rightSensoryZpp", "leftSensoryZpp") == {
        "injuryComplete": "C,I", "asiaImpairmentScale": "A,B",
        # S4-5 may or may not feel: "NA" (sparing) or the zone found above.
        "rightSensoryZpp": "NA,T6", "leftSensoryZpp": "T6"}


# ---------------------------------------------------------------- "*": answers resting on a tagged score


def test_a_score_considered_normal_lets_the_levels_go_on_and_stars_them() -> None:
    assert pick(worksheet(t4RightTouch="0**"), "rightSensory", "leftSensory", "rightMotor",
                "neurologicalLevelOfInjury", "asiaImpairmentScale", "rightTouchTotal") == {
        "rightSensory": "INT*", "leftSensory": "INT", "rightMotor": "INT*",
        "neurologicalLevelOfInjury": "INT*", "asiaImpairmentScale": "E*", "rightTouchTotal": "54"}


def test_a_tagged_score_not_considered_normal_counts_as_impaired() -> None:
    assert pick(worksheet(t4RightTouch="0*"), "rightSensory", "neurologicalLevelOfInjury") == {
        "rightSensory": "T3", "neurologicalLevelOfInjury": "T3"}


def test_a_tagged_dermatome_not_testable_stars_the_level_above_it() -> None:
    assert pick(worksheet(t4RightTouch="NT*"), "rightSensory") == {"rightSensory": "T3*"}


def test_a_tagged_weak_key_muscle_is_a_starred_possibility() -> None:
    # C5 is the motor level if C6 is truly below 3; C6 if its weakness is not the injury's doing.
    assert pick(worksheet(c6RightMotor="2*"), "rightMotor", "leftMotor") == {
        "rightMotor": "C5,C6*", "leftMotor": "INT"}


# ---------------------------------------------------------------- reading the worksheet


def test_the_results_come_in_the_published_order() -> None:
    assert list(results(worksheet())) == list(isncsci_tables().result_keys)
    assert len(isncsci_tables().result_keys) == 25


def test_a_classification_is_frozen() -> None:
    result = classify(worksheet())
    assert isinstance(result, IsncsciClassification)
    with pytest.raises(AttributeError):
        result.ais = ()  # type: ignore[misc]


@pytest.mark.parametrize(("key", "value", "message"), [
    ("c5RightMotor", "6", 'c5RightMotor: "6" is not a motor score'),
    ("c5RightMotor", "5*", 'c5RightMotor: "5*" is not a motor score'),
    ("c5RightMotor", "4+", 'c5RightMotor: "4+" is not a motor score'),
    ("l2LeftMotor", "", 'l2LeftMotor: "" is not a motor score'),
    ("l2LeftMotor", "nt", 'l2LeftMotor: "nt" is not a motor score'),
    ("l2LeftMotor", 5, "l2LeftMotor: 5 is not a motor score"),
    ("t4RightTouch", "2*", 't4RightTouch: "2*" is not a sensory score'),
    ("t4RightTouch", "3", 't4RightTouch: "3" is not a sensory score'),
    ("s4_5LeftPrick", "NT***", 's4_5LeftPrick: "NT***" is not a sensory score'),
    ("s4_5LeftPrick", None, "s4_5LeftPrick: null is not a sensory score"),
    ("analContraction", "yes", 'analContraction: "yes" is not Yes, No or NT'),
    ("rightLowestNonKeyMuscleWithMotorFunction", "C4",
     'rightLowestNonKeyMuscleWithMotorFunction: "C4" is not a level from C5 to S1'),
    ("leftLowestNonKeyMuscleWithMotorFunction", "S2",
     'leftLowestNonKeyMuscleWithMotorFunction: "S2" is not a level from C5 to S1'),
    ("c5RightMotr", "5", "c5RightMotr: not an input of the ISNCSCI worksheet"),
])
def test_a_value_out_of_grammar_is_refused_naming_the_key(key: str, value: object, message: str) -> None:
    required, _ = worksheet_keys()
    fields: dict[str, object] = {k: "5" if k.endswith("Motor") else "2" for k in required[:-2]}
    fields.update(analContraction="Yes", analSensation="Yes")
    fields[key] = value
    with pytest.raises(ValueError) as refused:
        worksheet_from_fields(fields)
    assert str(refused.value).startswith(message)


def test_a_missing_score_is_refused_never_read_as_zero() -> None:
    required, _ = worksheet_keys()
    fields = {k: "5" if k.endswith("Motor") else "2" for k in required[:-2]}
    fields.update(analContraction="Yes", analSensation="Yes")
    del fields["l4LeftMotor"]
    with pytest.raises(ValueError) as refused:
        worksheet_from_fields(fields)
    assert str(refused.value) == "l4LeftMotor: missing"


def test_the_worksheet_has_every_score_of_both_sides() -> None:
    required, optional = worksheet_keys()
    assert len(required) == 2 * (28 * 2 + 10) + 2
    assert {"c2RightTouch", "s4_5LeftPrick", "c5RightMotor", "s1LeftMotor", "analContraction",
            "analSensation"} <= set(required)
    assert optional == {"rightLowestNonKeyMuscleWithMotorFunction", "leftLowestNonKeyMuscleWithMotorFunction"}
    sheet = worksheet(c7LeftMotor="3", t4RightPrick="1", rightLowestNonKeyMuscleWithMotorFunction="T5")
    assert (sheet.left.motor_at("C7"), sheet.right.pin_prick_at("T4"), sheet.right.light_touch_at("T4")) == (
        "3", "1", "2")
    assert (sheet.right.lowest_non_key_muscle, sheet.left.lowest_non_key_muscle) == ("T5", None)
