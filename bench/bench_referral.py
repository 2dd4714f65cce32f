"""Benchmark of the referral letter: 100 letters with everything in them.

Each letter is the specimen with the most in it (`exam_app.report.specimens.long_history`): full
findings of both legs, a LEMS trend over ten visits, both body charts, the doctor's impression,
investigations and plan; each letter for another patient and issued at another minute, so no
two are the same PDF. The content is built first; only `render_referral` is timed. The first
letter is rendered before the clock starts (fonts are read once per process). Prints one line and
exits 0:

    .venv/bin/python bench/bench_referral.py
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from datetime import timedelta

from exam_app.report import render_referral
from exam_app.report.specimens import jane_doe, long_history

LETTERS = 100
TARGET_MS_PER_LETTER = 300
TARGET_TOTAL_S = 20

NAMES = [("Jane", "Doe"), ("Zoë", "Núñez"), ("Łukasz", "Nguyễn"), ("Дмитрий", "Иванов"), ("अनन्या", "गुप्ता"),
         ("ليلى", "حداد"), ("Ελένη", "Παπαδοπούλου"), ("Aoife", "O'Brien")]


def main() -> int:
    base = long_history()
    contents = [
        replace(
            base,
            patient=jane_doe(record_number=f"B-{n:04d}", given_name=NAMES[n % len(NAMES)][0],
                             family_name=NAMES[n % len(NAMES)][1]),
            issued_at=base.issued_at + timedelta(minutes=n),
        )
        for n in range(LETTERS)
    ]
    render_referral(base)  # warm-up: fonts registered, vocabulary and drawing read
    started = time.perf_counter()
    sizes = [len(render_referral(content)) for content in contents]
    elapsed = time.perf_counter() - started
    per_letter = elapsed / LETTERS * 1000
    print(
        f"referral: {LETTERS} letters in {elapsed:.1f} s = {per_letter:.0f} ms/letter "
        f"(targets: <= {TARGET_MS_PER_LETTER} ms/letter, {LETTERS} letters <= {TARGET_TOTAL_S} s; "
        f"{sum(sizes) / LETTERS / 1024:.0f} KiB/letter)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
