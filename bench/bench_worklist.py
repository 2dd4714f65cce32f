"""Benchmark: the window-period worklist and the due list over 100,000 patients (target <= 100 ms each).

Builds a temporary SQLite database at the newest schema with 100,000 patients and their status rows
(as the app keeps them): about 1% with an open window (re-examination due 12 h after the last visit),
2% with a worsening in the last two weeks, 3% with a doctor's review due within ten days either side,
the rest examined long ago. Times `worklist()` and `worklist(due_only=True)` (query and the entries
built from it), best of 7 after a warm-up, and prints the figures.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from exam_app.clinical.next_examination import DOCTOR_REVIEW, NOT_DUE, WINDOW_INTERVAL, NextExamination
from exam_app.services.demo import demo_clinic_context
from exam_app.services.worklist import worklist
from exam_app.store import models

PATIENTS = 100_000
TARGET_MS = 100.0


def fill(ctx_db: object, now: datetime) -> None:
    rng = random.Random(7)
    patients, statuses = [], []
    for number in range(1, PATIENTS + 1):
        patients.append({"id": number, "record_number": f"B-{number:06d}", "record_key": f"b-{number:06d}",
                         "family_name": f"Family{number}", "given_name": "Given", "family_key": f"family{number}",
                         "given_key": "given", "created_at": now, "updated_at": now, "version": 1})
        draw = rng.random()
        if draw < 0.01:  # window open
            onset = now - timedelta(hours=rng.uniform(1, 70))
            worsened = onset + timedelta(hours=rng.uniform(0, 1)) if rng.random() < 0.3 else None
        elif draw < 0.03:  # worsened recently, window closed
            onset = now - timedelta(days=rng.uniform(4, 30))
            worsened = now - timedelta(days=rng.uniform(0, 13))
        else:  # examined long ago
            onset = now - timedelta(days=rng.uniform(30, 900))
            worsened = None if rng.random() < 0.8 else onset + timedelta(days=2)
        examined = onset + timedelta(hours=2)
        plan = NextExamination(examined, None, NOT_DUE, ("no weak muscle",), "routine")
        if draw < 0.01:
            plan = NextExamination(examined, examined + timedelta(hours=12), WINDOW_INTERVAL, ("urgent: 12 h",),
                                   "urgent", 12, onset + timedelta(days=3), lapses_at=onset + timedelta(days=3),
                                   then=plan)
        elif rng.random() < 0.03:
            review = (now + timedelta(days=rng.uniform(-10, 10))).date()
            plan = NextExamination(examined, datetime(review.year, review.month, review.day, 17, tzinfo=UTC),
                                   DOCTOR_REVIEW, ("the doctor's next review",), "routine", review_on=review)
        statuses.append({
            "next_exam_due": plan.due, "next_exam_basis": plan.basis, "next_exam": plan.to_json(),
            "review_due": plan.then.due if plan.then else None,
            "patient_id": number, "last_examined_at": examined, "onset": onset,
            "window_ends": onset + timedelta(days=3), "urgency": "urgent", "pattern": "radiculopathy",
            "lems_left": "23", "lems_right": "25", "last_worsened_at": worsened,
            "progression_within_window": bool(worsened and worsened <= onset + timedelta(days=3)),
            "worsening_findings": {"changes": ["left great-toe extension 4 → 2"] if worsened else []},
            "rules_version": 1, "window_days": 3, "updated_at": now})
    with ctx_db.engine.begin() as connection:  # type: ignore[attr-defined]
        connection.execute(insert(models.Patient), patients)
        connection.execute(insert(models.PatientStatus), statuses)


def main() -> int:
    now = datetime(2026, 11, 21, 12, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        ctx = demo_clinic_context(Path(folder), username="dr.jones", patients=0)
        fill(ctx.db, now)
        results = []
        for due_only in (False, True):
            listed = len(worklist(ctx, now, due_only=due_only))  # warm-up: the caches of SQLite and SQLAlchemy
            timings = []
            for _ in range(7):
                start = time.perf_counter()
                worklist(ctx, now, due_only=due_only)
                timings.append((time.perf_counter() - start) * 1000)
            results.append(("worklist --due" if due_only else "worklist", listed, timings))
        ctx.close()
    for name, listed, timings in results:
        best = min(timings)
        verdict = "ok" if best <= TARGET_MS else "SLOWER THAN TARGET"
        print(f"{name}: {PATIENTS} patients, {listed} listed, best {best:.1f} ms, median "
              f"{sorted(timings)[len(timings) // 2]:.1f} ms (target <= {TARGET_MS:.0f} ms) {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
