"""Spec section 4: the structure of the `assess` answer, with the section 2 example worked by hand."""

from __future__ import annotations

import json

from exam_app.clinical.assess import assess_record, assess_visits
from exam_app.clinical.record import ExamRecord, Patient, TensionSign, Visit
from tests.clinical.builders import assess, at, motor, normal_visit
from tests.clinical.output_schema import problems


def section_2_example() -> Visit:
    return Visit(
        examined_at=at("2026-11-02T09:30:00+01:00"),
        examiner="pt.smith",
        weakness_onset=at("2026-11-01T20:00:00+01:00"),
        symptoms=("low_back_pain", "shooting_pain", "difficulty_lifting_foot"),
        red_flags=(),
        motor={"great_toe_extension": {"left": "3", "right": "5"}, "ankle_dorsiflexion": {"left": "4-", "right": "5"}},
        light_touch={"L5": {"left": "1", "right": "2"}},
        pin_prick={"L5": {"left": "1", "right": "2"}},
        reflexes={"achilles": {"left": "2", "right": "2"}},
        plantar_response={"left": "flexor", "right": "flexor"},
        ankle_clonus_beats={"left": 0, "right": 0},
        tension_signs={"straight_leg_raise": {"left": TensionSign("positive", 40)}},
        gait={"heel_walk": {"left": "impaired", "right": "normal"}},
        vac="yes",
        dap="yes",
        notes="free text",
    )


def test_the_section_2_example_worked_by_hand() -> None:
    output = assess_record(ExamRecord(Patient("A-1001"), [section_2_example()])).to_json()
    assert problems(output) == []
    assert (output["record_number"], output["rules_version"], output["window_days"]) == ("A-1001", 1, 3)
    assert output["progression_within_window"] is False
    (visit,) = output["visits"]
    assert visit["examined_at"] == "2026-11-02T09:30:00+01:00"
    # Only two key muscles and one level were examined: every score is not determinable.
    assert visit["lems"] == {"left": "ND", "right": "ND", "total": "ND"}
    assert visit["sensory"] == {
        "light_touch": {"left": "ND", "right": "ND"},
        "pin_prick": {"left": "ND", "right": "ND"},
    }
    assert visit["pattern"] == "radiculopathy"  # hip abduction and inversion not tested: not proven peroneal
    assert visit["pattern_findings"] == [
        "left ankle dorsiflexion 4-",
        "left great-toe extension 3",
        "left L5 light touch 1",
        "left L5 pin prick 1",
    ]
    assert visit["nerve"] is None
    # L5: dorsiflexion 1, great toe 1 + 1, light touch 1, pin prick 1, SLR 0.5, heel walk 0.5 = 6.
    # L4: dorsiflexion 1 + 1, heel walk 0.5 = 2.5.  S1: SLR 0.5.
    assert [(r["root"], r["side"], r["score"]) for r in visit["probable_roots"]] == [
        ("L5", "left", 6.0),
        ("L4", "left", 2.5),
        ("S1", "left", 0.5),
    ]
    assert visit["probable_roots"][2]["findings"] == ["left straight leg raise positive at 40°"]
    assert visit["red_flags"] == []
    assert visit["urgency"] == "urgent"
    assert visit["urgency_reasons"] == [
        "left great-toe extension at 3, new",
        "weakness within the window period, which ends 2026-11-04 20:00 +01:00: "
        "left ankle dorsiflexion 4-, left great-toe extension 3",
    ]
    assert {k: visit["window"][k] for k in ("onset", "ends", "within")} == {
        "onset": "2026-11-01T20:00:00+01:00",
        "ends": "2026-11-04T20:00:00+01:00",
        "within": True,
    }
    assert (visit["window"]["hours_since_onset"], visit["window"]["hours_left"]) == (13.5, 58.5)
    assert {k: visit["worsening"][k] for k in ("worsened", "major", "changes", "recheck", "new_red_flags")} == {
        "worsened": False,
        "major": False,
        "changes": [],
        "recheck": [],
        "new_red_flags": [],
    }


def test_visits_are_assessed_and_printed_in_order_of_examination_whatever_the_file_order() -> None:
    later = motor(normal_visit("2026-11-03T08:00-05:00"), "great_toe_extension", "left", "3")
    earlier = normal_visit("2026-11-03T12:00+01:00")  # 11:00 UTC, before 13:00 UTC
    output = assess(later, earlier).to_json()
    assert [v["examined_at"] for v in output["visits"]] == ["2026-11-03T12:00:00+01:00", "2026-11-03T08:00:00-05:00"]
    assert output["visits"][1]["worsening"]["changes"][0]["finding"] == (
        "left great-toe extension 5 → 3 (2026-11-03 12:00 +01:00 → 2026-11-03 08:00 -05:00)"
    )


def test_changes_carry_their_details() -> None:
    output = assess(
        normal_visit("2026-11-02T09:30+01:00"),
        motor(normal_visit("2026-11-03T09:30+01:00"), "knee_extension", "right", "3"),
    ).to_json()
    worsening = output["visits"][1]["worsening"]
    assert worsening["changes"] == [
        {
            "finding": "right knee extension 5 → 3 (2026-11-02 → 2026-11-03)",
            "kind": "motor",
            "side": "right",
            "item": "knee_extension",
            "before": "5",
            "after": "3",
            "before_examined_at": "2026-11-02T09:30:00+01:00",
        }
    ]
    assert worsening["major"] is True
    assert worsening["major_findings"] == ["right knee extension 5 → 3 (2026-11-02 → 2026-11-03)"]


def test_nd_is_the_string_and_the_output_is_plain_json() -> None:
    output = assess(motor(normal_visit("2026-11-02T09:30+01:00"), "hip_flexion", "left", "NT")).to_json()
    assert output["visits"][0]["lems"] == {"left": "ND", "right": 25, "total": "ND"}
    assert json.loads(json.dumps(output)) == output
    assert problems(output) == []


def test_an_empty_record() -> None:
    output = assess().to_json()
    assert output == {
        "record_number": "A-1001",
        "rules_version": 1,
        "window_days": 3,
        "visits": [],
        "progression_within_window": False,
    }


def test_a_draft_is_assessed_as_the_last_visit_against_the_stored_ones() -> None:
    stored = [normal_visit("2026-11-02T09:30+01:00"), normal_visit("2026-11-03T09:30+01:00")]
    draft = motor(normal_visit("2026-11-04T09:30+01:00"), "ankle_plantarflexion", "left", "4")
    assessment = assess_visits([*stored, draft], 3)[-1]
    assert assessment.visit is draft
    assert [c.finding for c in assessment.worsening.changes] == [
        "left ankle plantar flexion 5 → 4 (2026-11-03 → 2026-11-04)"
    ]
    assert assessment.to_json()["pattern"] == "radiculopathy"
