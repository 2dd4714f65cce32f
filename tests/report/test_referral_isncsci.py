"""The referral letter's ISNCSCI section: there when the referred visit has a worksheet, with the
AIS grade, levels, totals and zones of partial preservation, the findings behind them and the change
since the previous worksheet."""

from __future__ import annotations

from dataclasses import replace

from exam_app.report import render_referral, specimens
from tests.report.pdf import text


def _squeezed(pdf: bytes) -> str:
    return " ".join(text(pdf).split())


def test_the_letter_classifies_the_worksheet_and_shows_the_findings_behind_it() -> None:
    letter = _squeezed(render_referral(specimens.cord_compression()))
    section = letter[letter.index("ISNCSCI 2019 classification"):]
    assert "Decision support, not a diagnosis" in section
    assert "AIS grade C" in section
    assert "neurological level of injury (NLI) T8" in section
    assert "sensory level, right T8" in section and "motor level, left T8" in section
    assert "motor ZPP, right S1" in section and "sensory ZPP, left NA" in section
    assert "LEMS 10 10 20" in section and "light touch 43 43 86" in section
    assert "right sensory level: light touch and pin prick 2 from C2 to T8; at T9 light touch 1, pin prick 1" in section
    assert "left motor level: key muscles not 5: L2 2, L3 2, L4 2, L5 2, S1 2" in section
    assert "S4-5 light touch right 1 left 1, pin prick right 1 left 1; DAP Yes; VAC No" in section
    assert "AIS grade: D → C (worse)" in section
    assert "neurological level of injury: T10 → T8 (worse)" in section
    assert "ND not determinable" in section


def test_a_letter_without_a_worksheet_has_no_isncsci_section() -> None:
    assert "ISNCSCI 2019 classification" not in _squeezed(render_referral(specimens.progression()))


def test_a_first_worksheet_has_nothing_to_compare_with() -> None:
    content = specimens.cord_compression()
    assert content.isncsci_before is content.previous
    letter = _squeezed(render_referral(replace(content, isncsci_before=None)))
    assert "AIS grade C" in letter and "Since the worksheet" not in letter
