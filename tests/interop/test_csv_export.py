"""The CSV export: a header, one row per recorded value with the visit's scores, UTF-8, values as written."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from exam_app.interop.chart import Chart, ChartVisit
from exam_app.interop.csv_export import CSV_COLUMNS, csv_text, write_csv
from exam_app.interop.exam_record import read_exam_record
from tests.interop.recorded import recorded_values, with_third_visit, with_worksheets
from tests.records import example, two_visit_record


def chart_of(document: dict[str, Any]) -> Chart:
    record = read_exam_record(json.dumps(document))
    return Chart(record.patient, tuple(ChartVisit(v, "signed") for v in record.visits))


def read_rows(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    return list(reader)


def values_by_visit(rows: list[dict[str, str]]) -> dict[datetime, Counter[tuple[Any, ...]]]:
    found: dict[datetime, Counter[tuple[Any, ...]]] = {}
    for row in rows:
        at = datetime.fromisoformat(row["examined_at_utc"].replace("Z", "+00:00"))
        assert at == datetime.fromisoformat(row["examined_at"]).astimezone(UTC)
        found.setdefault(at, Counter())[(row["kind"], row["item"], row["side"], row["modality"], row["value"],
                                         int(row["angle"]) if row["angle"] else None)] += 1
    return found


def test_every_recorded_value_is_one_row() -> None:
    document = with_third_visit()
    rows = read_rows(csv_text(chart_of(document)))
    assert values_by_visit(rows) == recorded_values(document)
    assert len(rows) == sum(sum(c.values()) for c in recorded_values(document).values())


def test_a_worksheet_is_one_row_per_box_after_the_visits_other_findings() -> None:
    document = with_worksheets()
    rows = read_rows(csv_text(chart_of(document)))
    assert values_by_visit(rows) == recorded_values(document)
    third = [r for r in rows if r["examined_at_utc"] == "2026-11-04T16:00:00Z"]
    boxes = [r for r in third if r["kind"].startswith("isncsci_")]
    assert len(boxes) == len(document["visits"][2]["isncsci"]) == 2 * (28 * 2 + 10) + 2 + 1
    assert third[-len(boxes):] == boxes  # after the visit's own findings, in worksheet order
    assert [(r["kind"], r["item"], r["side"], r["modality"], r["value"]) for r in boxes[:3]] == [
        ("isncsci_sensory", "C2", "left", "light_touch", "2"), ("isncsci_sensory", "C2", "right", "light_touch", "2"),
        ("isncsci_sensory", "C3", "left", "light_touch", "2")]
    picked = {(r["kind"], r["item"], r["side"], r["modality"]): r["value"] for r in boxes}
    assert picked["isncsci_motor", "L3", "right", ""] == "3*"
    assert picked["isncsci_sensory", "T10", "left", "pin_prick"] == "NT"
    assert picked["isncsci_sensory", "C6", "right", "light_touch"] == "0**"
    assert (picked["isncsci_anal", "vac", "", ""], picked["isncsci_anal", "dap", "", ""]) == ("No", "Yes")
    assert picked["isncsci_non_key_muscle", "lowest_non_key_muscle", "left", ""] == "L1"
    first = [r for r in rows if r["examined_at_utc"] == "2026-11-02T08:30:00Z" and r["kind"].startswith("isncsci_")]
    assert len(first) == 4  # a worksheet begun: the boxes recorded, no more


def test_each_row_carries_its_visits_scores() -> None:
    chart = chart_of(with_third_visit())
    rows = read_rows(csv_text(chart))
    for assessment in chart.assessments:
        visit_rows = [r for r in rows if r["examined_at"] == assessment.examined_at.isoformat()]
        assert visit_rows
        expected = {
            "lems_left": str(assessment.lems.left), "lems_right": str(assessment.lems.right),
            "lems_total": str(assessment.lems.total),
            "light_touch_left": str(assessment.sensory.light_touch.left),
            "pin_prick_right": str(assessment.sensory.pin_prick.right),
            "pattern": assessment.pattern, "urgency": assessment.urgency,
            "progression_within_window": "yes" if assessment.progression_within_window else "no",
        }
        assert all({k: r[k] for k in expected} == expected for r in visit_rows)
    second = [r for r in rows if r["examined_at"] == "2026-11-03T10:00:00+01:00"]
    assert {r["progression_within_window"] for r in second} == {"yes"}
    assert {r["lems_left"] for r in second} == {"ND"}  # only two key muscles were graded
    third = [r for r in rows if r["examined_at_utc"] == "2026-11-04T16:00:00Z"]
    assert {r["pattern"] for r in third} == {"cord_or_central"}


def test_columns_of_a_row() -> None:
    rows = read_rows(csv_text(chart_of(example())))
    slr = next(r for r in rows if r["item"] == "straight_leg_raise")
    assert slr == {
        "record_number": "A-1001", "examined_at_utc": "2026-11-02T08:30:00Z",
        "examined_at": "2026-11-02T09:30:00+01:00", "examiner": "pt.smith", "status": "signed",
        "kind": "tension_sign", "item": "straight_leg_raise", "side": "left", "modality": "", "value": "positive",
        "angle": "40", **{k: slr[k] for k in CSV_COLUMNS[11:]}}
    l5 = [(r["modality"], r["side"], r["value"]) for r in rows if r["kind"] == "sensory"]
    assert l5 == [("light_touch", "left", "1"), ("light_touch", "right", "2"),
                  ("pin_prick", "left", "1"), ("pin_prick", "right", "2")]
    assert [r["item"] for r in rows if r["kind"] in ("anal", "symptom")] == [
        "vac", "dap", "low_back_pain", "difficulty_lifting_foot", "shooting_pain"]


def test_text_that_needs_quoting_and_accents_survive() -> None:
    document = two_visit_record()
    document["patient"]["record_number"] = 'Ré-1, "east"\nward'
    document["visits"][0]["examiner"] = "Zoë Müller"
    stream = io.StringIO(newline="")
    count = write_csv([chart_of(document), chart_of(example(patient={"record_number": "B-2"}))], stream)
    encoded = stream.getvalue().encode("utf-8")
    rows = read_rows(encoded.decode("utf-8"))
    assert count == len(rows)
    assert {r["record_number"] for r in rows} == {'Ré-1, "east"\nward', "B-2"}
    assert "Zoë Müller" in {r["examiner"] for r in rows}
    assert stream.getvalue().count(",".join(CSV_COLUMNS)) == 1  # one header for the whole clinic


def test_a_record_without_visits_has_only_the_header() -> None:
    assert csv_text(chart_of(example(visits=[]))) == ",".join(CSV_COLUMNS) + "\r\n"
