"""Charts as CSV for spreadsheets and statistics: one row per visit, item, side (and modality); a
visit's ISNCSCI worksheet one row per box after the visit's other findings.

UTF-8 with a header row (`CSV_COLUMNS`; documented in `docs/exports.md`). Each row repeats its
visit's computed scores, so a row can be filtered or pivoted on its own. Values are as written
(`4-*`, `NT`), never changed for a spreadsheet's sake: what a row says is what was recorded.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import TextIO

from exam_app.clinical.assess import VisitAssessment
from exam_app.interop.chart import Chart, ChartVisit, visit_findings, worksheet_findings

CSV_COLUMNS = (
    "record_number", "examined_at_utc", "examined_at", "examiner", "status",
    "kind", "item", "side", "modality", "value", "angle",
    "lems_left", "lems_right", "lems_total",
    "light_touch_left", "light_touch_right", "pin_prick_left", "pin_prick_right",
    "pattern", "nerve", "urgency", "progression_within_window",
)


def utc_text(moment: datetime) -> str:
    """'2026-11-02T08:30:00Z'."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _visit_columns(chart: Chart, chart_visit: ChartVisit, a: VisitAssessment) -> dict[str, str]:
    visit = chart_visit.visit
    return {
        "record_number": chart.patient.record_number,
        "examined_at_utc": utc_text(visit.examined_at),
        "examined_at": visit.examined_at.isoformat(),
        "examiner": visit.examiner or "",
        "status": chart_visit.status,
        "lems_left": str(a.lems.left),
        "lems_right": str(a.lems.right),
        "lems_total": str(a.lems.total),
        "light_touch_left": str(a.sensory.light_touch.left),
        "light_touch_right": str(a.sensory.light_touch.right),
        "pin_prick_left": str(a.sensory.pin_prick.left),
        "pin_prick_right": str(a.sensory.pin_prick.right),
        "pattern": a.pattern,
        "nerve": a.nerve or "",
        "urgency": a.urgency,
        "progression_within_window": "yes" if a.progression_within_window else "no",
    }


def csv_rows(chart: Chart) -> Iterator[dict[str, str]]:
    """The chart's rows: visits in order of examination, findings in examination order."""
    for chart_visit, assessment in zip(chart.visits_in_order, chart.assessments, strict=True):
        visit_columns = _visit_columns(chart, chart_visit, assessment)
        worksheet = [finding for _, finding in worksheet_findings(chart_visit.visit)]
        for finding in [*visit_findings(chart_visit.visit), *worksheet]:
            yield {
                **visit_columns,
                "kind": finding.kind,
                "item": finding.item,
                "side": finding.side,
                "modality": finding.modality,
                "value": finding.value,
                "angle": "" if finding.angle is None else str(finding.angle),
            }


def write_csv(charts: Iterable[Chart], stream: TextIO) -> int:
    """The header and the rows of every chart; returns the number of rows (without the header)."""
    writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    rows = 0
    for chart in charts:
        for row in csv_rows(chart):
            writer.writerow(row)
            rows += 1
    return rows


def csv_text(chart: Chart) -> str:
    stream = io.StringIO()
    write_csv([chart], stream)
    return stream.getvalue()
