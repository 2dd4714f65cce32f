"""Benchmark of the doctor's comparison: opening a patient with 200 signed visits.

The patient's visits are full examinations (every movement and level on both sides, reflexes and
signs; `bench_assess.synthetic_visit`), stored in a temporary SQLite database. Timed: from the
`ComparisonView.show_patient` call until the table, the trend chart and the dermatome map are
filled and drawn (pending events processed), best of 3 after one warm-up. Prints one line and
exits 0:

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_comparison.py
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_assess, beside this file

from bench_assess import MOTOR_GRADES, synthetic_visit
from PySide6.QtWidgets import QApplication

from exam_app.clinical.record import ExamRecord, Patient, Visit
from exam_app.clinical.vocabulary import vocabulary
from exam_app.gui.app import make_application
from exam_app.gui.compare_view import ComparisonView
from exam_app.services.context import AppContext
from exam_app.services.demo import demo_clinic_context
from exam_app.services.records import import_record

VISITS = 200
RUNS = 3
TARGET_MS = 200
SEED = 20261121
RECORD_NUMBER = "B-0200"


def synthetic_visits(rng: random.Random) -> list[Visit]:
    """An L5 lesion on the left whose muscles drift a grade now and then, a visit every day or two."""
    vocab = vocabulary()
    affected = [m.id for m in vocab.motor_items if "L5" in m.roots]
    levels = {m.id: (3 if m.id in affected else 7) for m in vocab.motor_items}  # indexes of MOTOR_GRADES
    first = datetime.now(UTC).replace(microsecond=0) - timedelta(days=VISITS * 1.5)
    visits = []
    for index in range(VISITS):
        for item in affected:
            levels[item] = min(len(MOTOR_GRADES) - 1, max(0, levels[item] + rng.choice((-1, 0, 0, 0, 1))))
        examined_at = first + timedelta(hours=36 * index + rng.randrange(6))
        visits.append(synthetic_visit(rng, examined_at, "left", "L5", dict(levels), first if index == 0 else None))
    return visits


def open_comparison(view: ComparisonView) -> float:
    """Milliseconds from `show_patient` to a filled, drawn view."""
    started = time.perf_counter()
    view.show_patient(RECORD_NUMBER)
    QApplication.processEvents()
    elapsed = (time.perf_counter() - started) * 1000
    assert view.model.columnCount() == view.model.FIRST_VISIT + VISITS, "the table is not filled"
    assert len(view.chart.left_curve.getData()[0]) == VISITS, "the trend chart is not filled"
    return elapsed


def run(ctx: AppContext) -> float:
    patient = Patient(RECORD_NUMBER, "Bench", "Two Hundred")
    import_record(ctx, ExamRecord(patient, synthetic_visits(random.Random(SEED))), "bench")
    view = ComparisonView(ctx)
    view.resize(1366, 768)
    view.show()
    QApplication.processEvents()
    open_comparison(view)  # warm-up: caches, first paint
    best = min(open_comparison(view) for _ in range(RUNS))
    view.close()
    return best


def main() -> int:
    make_application()
    with tempfile.TemporaryDirectory() as folder:
        ctx = demo_clinic_context(Path(folder), username="admin", patients=0)
        try:
            best = run(ctx)
        finally:
            ctx.close()
    print(f"comparison: {VISITS} visits opened in {best:.0f} ms (target <= {TARGET_MS} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
