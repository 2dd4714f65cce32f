"""Benchmark: the window-period worklist query over 100,000 patients (target <= 100 ms).

Builds a temporary SQLite database at the newest schema with 100,000 patients and their status rows
(as the app keeps them): about 1% with an open window, 2% with a worsening in the last two weeks, the
rest examined long ago. Times `worklist()` (query and the entries built from it), best of 7 after a
warm-up, and prints the figure.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from exam_app.services.startup import open_context
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
        statuses.append({
            "patient_id": number, "last_examined_at": onset + timedelta(hours=2), "onset": onset,
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
        ctx = open_context(data_dir=Path(folder))
        fill(ctx.db, now)
        listed = len(worklist(ctx, now))  # warm-up: the caches of SQLite and SQLAlchemy
        timings = []
        for _ in range(7):
            start = time.perf_counter()
            worklist(ctx, now)
            timings.append((time.perf_counter() - start) * 1000)
        ctx.close()
    best = min(timings)
    verdict = "ok" if best <= TARGET_MS else "SLOWER THAN TARGET"
    print(f"worklist: {PATIENTS} patients, {listed} listed, best {best:.1f} ms, median "
          f"{sorted(timings)[len(timings) // 2]:.1f} ms (target <= {TARGET_MS:.0f} ms) {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
