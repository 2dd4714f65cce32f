"""The parts of the letter below the page: fonts and script runs, dates, body chart, LEMS trend."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from reportlab.graphics.shapes import Group, Path

from exam_app import wording as words
from exam_app.report import fonts
from exam_app.report.body_chart import SCORE_STYLES, legend, sensory_chart, style_of
from exam_app.report.charts import lems_trend, plottable
from exam_app.report.referral import LemsPoint


def test_latin_greek_and_cyrillic_need_no_other_face() -> None:
    markup = fonts.rich("Zoë Núñez, Łukasz Nguyễn, Дмитрий, Ελένη")
    assert "<font" not in markup
    assert not fonts.needs_shaping(markup)


def test_markup_is_escaped() -> None:
    assert fonts.rich("a < b & c > d") == "a &lt; b &amp; c &gt; d"


def test_each_script_gets_a_face_that_draws_it() -> None:
    markup = fonts.rich("Re: अनन्या, born")
    assert '<font name="LetterDevanagari">अनन्या,</font> born' in markup  # the comma shaped with the name
    assert '<font name="LetterFallback">→ </font>' in fonts.rich("4 → 2")  # the arrow from the fallback face
    assert 'name="LetterArabic-Bold"' in fonts.rich("ليلى", bold=True)


def test_right_to_left_words_are_put_in_visual_order() -> None:
    markup = fonts.rich("Re: ليلى حداد, born")
    if fonts.SHAPING:
        # HarfBuzz draws each word right to left; reportlab draws the words left to right
        assert '<font name="LetterArabic">حداد ,ليلى</font> born' in markup
        assert fonts.needs_shaping(markup)
    else:
        assert "دادح ىليل" in markup


def test_dates_are_english_and_in_the_given_zone() -> None:
    at = datetime(2026, 11, 21, 1, 12, tzinfo=UTC)
    plus_one = timezone(timedelta(hours=1))
    assert words.moment(at, plus_one) == "21 Nov 2026 02:12"
    assert words.day(date(1969, 4, 2)) == "2 Apr 1969"
    assert words.long_day(date(2026, 11, 21)) == "21 November 2026"
    assert words.short_day(at, plus_one) == "21 Nov"
    assert words.short_moment(at, plus_one) == "21 Nov 02:12"


def test_body_chart_uses_the_screens_styles() -> None:
    assert style_of("1*") == SCORE_STYLES["1"]
    assert style_of("NT") == SCORE_STYLES["NT"]
    assert SCORE_STYLES["0"].fill == "#efae8a" and SCORE_STYLES["0"].pattern == "crosshatch"


def _patterns(drawing: Group) -> int:
    return sum(1 for shape in drawing.contents if isinstance(shape, Group) and shape.contents
               and isinstance(shape.contents[0], Path) and shape.contents[0].isClipPath)


def test_body_chart_patterns_only_abnormal_regions() -> None:
    normal = {level: {"left": "2", "right": "2"} for level in ("L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3", "S4_5")}
    chart = sensory_chart(normal, 200, "Light touch")
    assert chart.width == 200
    assert _patterns(chart) == 0
    altered = {**normal, "L5": {"left": "1", "right": "2"}}
    # L5 left is drawn in both views: each region carries the hatching
    assert _patterns(sensory_chart(altered, 200)) == 2
    assert legend().width == 420


def test_trend_needs_two_visits_with_a_number() -> None:
    at = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    one = [LemsPoint(at, 20, 25)]
    assert not plottable(one)
    assert not plottable([*one, LemsPoint(at + timedelta(days=1), "ND", "ND")])
    two = [*one, LemsPoint(at + timedelta(days=1), 18, 25)]
    assert plottable(two)
    drawing = lems_trend(two, at - timedelta(hours=5), at + timedelta(days=3), UTC, width=400, height=150)
    assert (drawing.width, drawing.height) == (400, 150)


def test_a_bold_paragraph_draws_every_script_in_bold() -> None:
    assert fonts.in_bold(fonts.rich("Re: ليلى, अनन्या")).count("-Bold") == 2
    assert fonts.in_bold(fonts.rich("Re: Zoë")) == "Re: Zoë"
