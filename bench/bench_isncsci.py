"""Benchmark of the ISNCSCI 2019 classification: `classify` over the 128 published cases, repeated.

The worksheets are read once from the cases' flat fields, then classified REPEATS times each (best of
RUNS). In the same run it measures a floor, copying the 128 input dicts as many times, and the
reading itself, so the figure can be set against what the machine does with the same data. It first
checks that every case still gives its published totals (a fast wrong answer is no answer). Prints a
few lines and exits 0 (1 if a case disagrees):

    .venv/bin/python bench/bench_isncsci.py
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from exam_app.clinical.isncsci import classify, isncsci_tables, totals_json, worksheet_from_fields

CASES_FILE = Path(__file__).resolve().parents[1] / "tests" / "data" / "isncsci-2019-cases.json"
REPEATS = 100
RUNS = 3
TARGET_WORKSHEETS_PER_SECOND = 10_000


def best_time(work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    cases: list[dict[str, Any]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))
    ignored = isncsci_tables().ignored_keys
    inputs = [{key: value for key, value in case.items() if key not in ignored} for case in cases]
    worksheets = [worksheet_from_fields(fields) for fields in inputs]
    agreeing = sum(totals_json(classify(sheet)) == case["totals"]
                   for sheet, case in zip(worksheets, cases, strict=True))
    count = REPEATS * len(worksheets)

    def copying() -> None:
        for _ in range(REPEATS):
            for fields in inputs:
                dict(fields)

    def reading() -> None:
        for _ in range(REPEATS):
            for fields in inputs:
                worksheet_from_fields(fields)

    def classifying() -> None:
        for _ in range(REPEATS):
            for sheet in worksheets:
                classify(sheet)

    floor, read, classified = best_time(copying), best_time(reading), best_time(classifying)
    print(f"isncsci: {count} worksheets ({len(cases)} published cases x {REPEATS}) classified in {classified:.2f} s "
          f"= {count / classified:.0f} worksheets/s (target >= {TARGET_WORKSHEETS_PER_SECOND})")
    print(f"  same run: reading them from the flat fields {count / read:.0f} worksheets/s; "
          f"floor, copying the {len(cases)} input dicts as often, {count / floor:.0f} dicts/s")
    print(f"  published totals reproduced: {agreeing}/{len(cases)} cases")
    return 0 if agreeing == len(cases) else 1


if __name__ == "__main__":
    sys.exit(main())
