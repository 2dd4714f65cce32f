"""The referral letter says when the next examination is planned and whether the earlier ones came
on time (read back with pypdf)."""

from __future__ import annotations

from datetime import datetime, timedelta

from exam_app.report import render_referral, specimens
from exam_app.report.specimens import _with, content_for, jane_doe, normal_visit
from tests.report.pdf import pages, text


def test_the_planned_examination_and_a_late_one() -> None:
    content = specimens.progression()
    assert content.follow_up is not None
    words = text(render_referral(content))
    # The doctor's note of the referred visit sets the next review a week after the letter.
    assert "Next examination Planned by 28 Nov 2026 17:00 — in 7 d 8 h from this letter" in words
    assert "Based on the next review on 2026-11-28 set in the doctor's note" in words
    # The first visit was urgent (12 h); the second came a day later.
    assert "Earlier re-examinations: 0 of 1 on time" in words
    assert "19 Nov 2026 13:12 20 Nov 2026 01:12 the clinic's interval, window open 21 Nov 2026 02:12 late by 1 d 1 h" \
        in words


def test_earlier_examinations_on_time_and_an_overdue_plan() -> None:
    onset = datetime(2026, 11, 19, 8, 0, tzinfo=specimens.ZONE)
    first = _with(normal_visit(onset + timedelta(hours=2)), motor={"great_toe_extension": {"left": "4"}},
                  weakness_onset=onset)
    second = _with(normal_visit(onset + timedelta(hours=10)), motor={"great_toe_extension": {"left": "4"}})
    issued = second.examined_at + timedelta(hours=14)  # the plan after it (12 h) is 2 h overdue
    by_page = pages(render_referral(content_for(jane_doe(), [first, second], issued)))
    words = " ".join(by_page)
    assert "Earlier re-examinations: all 1 on time" in words
    assert "— overdue 2 h 0 min when this letter was issued" in words
    assert "19 Nov 2026 10:00 19 Nov 2026 22:00 the clinic's interval, window open 19 Nov 2026 18:00 on time" in words
    assert "late by" not in words


def test_a_single_visit_without_a_window_has_nothing_planned() -> None:
    words = text(render_referral(specimens.normal()))
    assert "Next examination Planned nothing due Based on no onset of weakness known, so no window period" in words
    assert "Earlier re-examinations" not in words
