"""The referral letter, read back with pypdf: what a specialist (and a search) finds in it.

Every letter here is built from real clinical objects: visits made by hand and assessed by the
engine (`exam_app.report.specimens`), never a made-up assessment.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, timedelta

import pytest
from PIL import Image

from exam_app.clinical.assess import assess_visits
from exam_app.clinical.record import Patient
from exam_app.clinical.window import window_length, window_status
from exam_app.report import LemsPoint, Letterhead, ReferralContent, ReferralOptions, render_referral, specimens
from exam_app.report.referral import DISCLAIMER, PROGRESSION
from tests.report.pdf import pages, text


@pytest.fixture(scope="module")
def normal_letter() -> str:
    return text(render_referral(specimens.normal()))


@pytest.fixture(scope="module")
def l5_letter() -> str:
    return text(render_referral(specimens.l5_radiculopathy()))


@pytest.fixture(scope="module")
def progression_pdf() -> bytes:
    return render_referral(specimens.progression())


# --- what every letter says -------------------------------------------------------------------


@pytest.mark.parametrize("build", [specimens.normal, specimens.l5_radiculopathy, specimens.progression])
def test_every_letter_names_the_patient_and_numbers_its_pages(build: Callable[[], ReferralContent]) -> None:
    pdf = render_referral(build())
    by_page = pages(pdf)
    whole = " ".join(by_page)
    assert "Re: Jane Doe, female, born 2 Apr 1969 (age 57), record number A-1001" in whole
    assert "Page 1 of" in by_page[0]
    assert DISCLAIMER in whole
    for number, page in enumerate(by_page, start=1):
        assert f"Page {number} of {len(by_page)}" in page
        assert "Jane Doe · record number A-1001" in page  # the footer of every page
    for page in by_page[1:]:
        assert "Riverside Spine and Nerve Clinic · referral of Jane Doe" in page  # header after the first page


def test_letterhead_date_and_recipient(normal_letter: str) -> None:
    assert normal_letter.startswith("Riverside Spine and Nerve Clinic 12 Harbour Road Portsmouth PO1 3AX")
    assert "Phone +44 23 9200 0000" in normal_letter
    assert "2 November 2026" in normal_letter
    assert "To On-call spinal surgeon, City Hospital" in normal_letter


def test_normal_visit_is_routine_without_alert(normal_letter: str) -> None:
    assert "Urgency: ROUTINE" in normal_letter
    assert PROGRESSION not in normal_letter
    assert "Normal — from: no deficit and no upper-motor-neuron sign" in normal_letter
    assert "No onset is known" in normal_letter
    assert "This is the patient's first visit: nothing to compare with." in normal_letter


def test_reason_for_referral_comes_before_the_findings(l5_letter: str) -> None:
    assert l5_letter.index("Reason for referral") < l5_letter.index("Window period") < l5_letter.index(
        "Findings at the examination") < l5_letter.index("Interpretation")


# --- an L5 radiculopathy: every abnormal finding is there ---------------------------------------


def test_l5_letter_lists_every_abnormal_finding(l5_letter: str) -> None:
    assert "Urgency: URGENT" in l5_letter
    assert "left great-toe extension at 3, new" in l5_letter  # why urgent
    assert re.search(r"great-toe extension extensor hallucis longus L5 \(key\) 3 5", l5_letter)
    assert re.search(r"hip abduction gluteus medius L5 4 5", l5_letter)
    assert re.search(r"ankle inversion tibialis posterior L5 4 5", l5_letter)
    assert re.search(r"L5 dorsum of the foot at the third metatarsophalangeal joint 1 2 1 2", l5_letter)
    assert "medial hamstring reflex L5 1 2" in l5_letter  # the reduced reflex
    assert "straight leg raise L5, S1 positive at 40° negative" in l5_letter
    assert "heel walk L4, L5 impaired normal" in l5_letter


def test_l5_letter_interpretation_lists_findings_behind_each_root(l5_letter: str) -> None:
    assert "Radiculopathy — from: left ankle dorsiflexion 4+; left great-toe extension 3" in l5_letter
    assert re.search(r"L5 left 9 left ankle dorsiflexion 4\+ \(\+1\); left great-toe extension 3 \(\+2\)", l5_letter)
    assert "LEMS (0–25 per side) 22 25 47" in l5_letter


def test_l5_letter_window_closed(l5_letter: str) -> None:
    assert "Window ends 4 Nov 2026 07:15 (3 days after onset)" in l5_letter
    assert "Now closed, 2 d 4 h ago" in l5_letter
    assert "6 Nov 2026 10:15: after the window closed" in l5_letter
    assert PROGRESSION not in l5_letter


# --- progression within the window --------------------------------------------------------------


def test_progression_alert_with_changes_and_time_left(progression_pdf: bytes) -> None:
    content = specimens.progression()
    first_page = pages(progression_pdf)[0]
    assert content.assessment.progression_within_window
    assert PROGRESSION in first_page
    assert "Urgency: SAME DAY" in first_page
    assert "1 d 0 h left in the window now (it ends 22 Nov 2026 09:12" in first_page
    for change in content.assessment.worsening.changes:
        assert change.finding in first_page
    assert "left ankle dorsiflexion 4 → 2 (2026-11-19 → 2026-11-21)" in first_page


def test_progression_shows_the_change_beside_each_value(progression_pdf: bytes) -> None:
    letter = text(progression_pdf)
    assert re.search(r"ankle dorsiflexion tibialis anterior L4 \(key\), L5 2 \(4 on 19 Nov\) 5", letter)
    assert "L5 dorsum of the foot at the third metatarsophalangeal joint 0 (1 on 19 Nov) 2 0 (1 on 19 Nov) 2" in letter
    assert "heel walk L4, L5 unable (normal on 19 Nov) normal" in letter


def test_progression_after_the_window_closed_says_so() -> None:
    content = specimens.progression(doctor=False)
    assert content.window_now.ends is not None
    late = content.window_now.ends + timedelta(hours=5)
    closed = replace(content, issued_at=late, window_now=window_status(content.window_now.onset, window_length(), late))
    letter = text(render_referral(closed))
    assert PROGRESSION in letter  # the visit worsened within the window: still the headline
    assert "The window closed at 22 Nov 2026 09:12, 5 h 0 min before this letter was issued." in letter
    assert "Now closed, 5 h 0 min ago" in letter


def test_worse_but_outside_the_window_has_no_alert() -> None:
    content = specimens.long_history()
    assert content.assessment.worsening.worsened and not content.assessment.progression_within_window
    letter = text(render_referral(content))
    assert PROGRESSION not in letter
    assert "Urgency: SAME DAY" in letter
    assert "worse: left great-toe extension 4 → 3" in letter


def test_red_flags_answered_yes_are_listed_with_their_questions() -> None:
    content = specimens.l5_radiculopathy()
    visit = replace(content.visit, red_flags=("saddle_numbness",),
                    red_flags_no=tuple(f for f in content.visit.red_flags_no if f != "saddle_numbness"))
    assessment = assess_visits([visit])[-1]
    letter = text(render_referral(replace(content, visit=visit, assessment=assessment)))
    assert "Urgency: SAME DAY" in letter
    assert "Red flags answered yes" in letter
    assert "Numbness or tingling around the anus, genitals or inner buttocks? — same day" in letter


# --- names in any script ----------------------------------------------------------------------


NAMES = [
    ("Zoë", "Núñez"),
    ("Łukasz", "Nguyễn"),
    ("Дмитрий", "Иванов"),
    ("Ελένη", "Παπαδοπούλου"),
    ("अनन्या", "गुप्ता"),
    ("ليلى", "حداد"),
]


@pytest.mark.parametrize(("given", "family"), NAMES)
def test_names_in_any_script_survive_into_the_text(given: str, family: str) -> None:
    patient = specimens.jane_doe(given_name=given, family_name=family)
    pdf = render_referral(specimens.normal(patient))
    letter = text(pdf)
    assert f"Re: {given} {family}, female" in letter or (given in letter and family in letter)
    for page in pages(pdf):
        assert given in page  # the footer of every page


def test_devanagari_extraction_follows_visual_order() -> None:
    """A PDF holds glyphs in the order they are drawn: a repha (र् drawn over the next letter) comes
    out after it. The letter still holds every character, and a name without one comes out exact."""
    patient = specimens.jane_doe(given_name="अनन्या", family_name="शर्मा")
    letter = text(render_referral(specimens.normal(patient)))
    assert "अनन्या" in letter
    extracted = re.search(r"Re: अनन्या ([^,\s]+)", letter)
    assert extracted is not None
    assert sorted(extracted.group(1)) == sorted("शर्मा")  # every character, the repha moved


def test_names_without_harfbuzz_still_print_and_extract(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the optional shaping package, glyphs still appear (Arabic unjoined, in reading order)."""
    from reportlab.pdfbase import ttfonts

    from exam_app.report import fonts

    monkeypatch.setattr(fonts, "SHAPING", False)
    monkeypatch.setattr(ttfonts, "uharfbuzz", None)
    for given, family in [("Zoë", "Núñez"), ("Дмитрий", "Иванов"), ("अनन्या", "शर्मा"), ("ليلى", "حداد")]:
        letter = text(render_referral(specimens.normal(specimens.jane_doe(given_name=given, family_name=family))))
        assert given in letter
        assert family in letter


# --- options --------------------------------------------------------------------------------


def test_abnormal_only_leaves_normal_rows_out_and_says_so() -> None:
    content = specimens.l5_radiculopathy()
    everything = text(render_referral(content))
    abnormal = text(render_referral(content, ReferralOptions(findings="abnormal")))
    assert "hip flexion iliopsoas" in everything
    assert "hip flexion iliopsoas" not in abnormal
    assert "patellar reflex" not in abnormal
    assert "L1 upper thigh" not in abnormal
    assert re.search(r"great-toe extension extensor hallucis longus L5 \(key\) 3 5", abnormal)
    assert "medial hamstring reflex L5 1 2" in abnormal
    assert "Only abnormal findings are listed." in abnormal
    assert "All other movements examined were normal (7)." in abnormal
    assert "All other levels examined were normal (8)." in abnormal


def test_abnormal_only_never_calls_an_item_not_examined_normal() -> None:
    content = specimens.l5_radiculopathy()
    motor = {item: sides for item, sides in content.visit.motor.items() if item != "hip_adduction"}
    visit = replace(content.visit, motor=motor)
    letter = text(render_referral(replace(content, visit=visit, assessment=assess_visits([visit])[-1]),
                                  ReferralOptions(findings="abnormal")))
    assert "All other movements examined were normal (6); not examined: hip adduction." in letter


def test_no_trend_chart_with_one_visit_or_when_not_asked(progression_pdf: bytes) -> None:
    assert "LEMS over 2 visits" in text(progression_pdf)
    assert "LEMS over" not in text(render_referral(specimens.l5_radiculopathy()))
    assert "LEMS over" not in text(render_referral(specimens.progression(), ReferralOptions(trend_chart=False)))


def test_trend_with_a_side_not_determinable() -> None:
    content = specimens.progression(doctor=False)
    history = (*content.lems_history[:-1], LemsPoint(content.visit.examined_at, "ND", 25))
    letter = text(render_referral(replace(content, lems_history=history)))
    assert "LEMS over 2 visits" in letter
    assert "not determinable (ND) at a visit has no point there" in letter


def test_body_chart_only_when_asked(progression_pdf: bytes) -> None:
    assert "Dermatome chart of the sensory scores" in text(progression_pdf)
    without = text(render_referral(specimens.progression(), ReferralOptions(body_chart=False)))
    assert "Dermatome chart" not in without
    assert "L5 dorsum of the foot" in without  # the table stays


def test_doctor_section_only_when_written(progression_pdf: bytes) -> None:
    letter = text(progression_pdf)
    assert "Doctor’s assessment and plan" in letter
    assert "Level: spinal nerve root compression" in letter
    assert "Suspected causes: disc protrusion, sciatica" in letter
    assert "MRI of the lumbosacral spine — urgent, sagittal and axial T2 requested, no result yet" in letter
    assert "normal; HbA1c 38 mmol/mol (21 Nov 2026 05:12)" in letter
    assert "Next review: 28 Nov 2026" in letter
    assert "Informed consent to surgical referral: given" in letter
    without = text(render_referral(specimens.progression(doctor=False)))
    assert "Doctor’s assessment" not in without
    assert "Investigations" not in without


def test_unknown_findings_option_is_refused() -> None:
    with pytest.raises(ValueError, match="findings must be"):
        render_referral(specimens.normal(), ReferralOptions(findings="some"))


# --- who, when, and the same letter again --------------------------------------------------------


def test_sign_off_and_amended_status() -> None:
    content = replace(specimens.normal(), visit_status="amended", printed_by="M. Ruiz (front desk)")
    letter = text(render_referral(content))
    assert "Examined by pt.smith on 2 Nov 2026 09:30. Visit signed by Dr A. Okafor on 2 Nov 2026 10:10." in letter
    assert "The visit was amended after signing; this letter shows the amended findings." in letter
    assert "amended after signing" in letter
    # Signed by the clinician responsible, with registration and contact; who printed it, apart.
    assert "Yours sincerely, Dr A. Okafor Doctor, Riverside Spine and Nerve Clinic" in " ".join(letter.split())
    assert "Registration number GMC 7012345" in letter and "a.okafor@riverside.example" in letter
    assert "Printed by M. Ruiz (front desk) on 2 Nov 2026" in letter


def test_same_content_gives_the_same_bytes() -> None:
    content = specimens.progression()
    first = render_referral(content)
    # another letter in between, with names that add glyphs to the shared fonts
    render_referral(specimens.normal(specimens.jane_doe(given_name="अनन्या", family_name="ليلى")))
    assert render_referral(content) == first
    assert render_referral(replace(content, issued_at=content.issued_at + timedelta(minutes=1))) != first


def test_dates_are_written_in_the_letters_time_zone() -> None:
    content = specimens.normal()
    letter = text(render_referral(replace(content, issued_at=content.issued_at.astimezone(UTC))))
    assert "Examined by pt.smith on 2 Nov 2026 08:30." in letter  # 09:30 +01:00 written in UTC


def test_a_logo_is_drawn_and_a_broken_one_is_left_out() -> None:
    image = io.BytesIO()
    Image.new("RGB", (120, 60), (11, 95, 145)).save(image, format="PNG")
    content = specimens.normal()
    with_logo = render_referral(replace(content, letterhead=replace(content.letterhead, logo=image.getvalue())))
    assert b"/Subtype /Image" in with_logo
    broken = render_referral(replace(content, letterhead=replace(content.letterhead, logo=b"not an image")))
    assert "Riverside Spine and Nerve Clinic" in text(broken)


def test_letterhead_without_phone_and_patient_without_birth_date() -> None:
    content = specimens.normal(Patient("B-7"))
    content = replace(content, letterhead=Letterhead("Clinic", "1 Road"))
    letter = text(render_referral(content))
    assert "Re: B-7, record number B-7" in letter
    assert "Phone" not in letter
