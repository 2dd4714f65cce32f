"""`exam-app handout` and `exam-app worklist --due`: the sheet written and stored, the due list with
the phone to call, one line and exit code 2 for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from exam_app.cli import main
from exam_app.services.demo import DEMO_LETTERHEAD, DEMO_PASSWORDS, SCENARIOS
from tests.report.pdf import pages


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as usage:  # argparse refuses the command line itself
        code = int(usage.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def clinic(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    """A demo clinic made now: its progression within the window (D-0100001) is same day, due at once.
    Its administrator makes it; then the demo physiotherapist signs in, who hands out sheets."""
    data = str(tmp_path / "data")
    assert run(capsys, "--data-dir", data, "demo", "--patients", str(len(SCENARIOS)))[0] == 0
    monkeypatch.setenv("EXAM_APP_USER", "pt.smith")
    monkeypatch.setenv("EXAM_APP_PASSWORD", DEMO_PASSWORDS["pt.smith"])
    return data


def test_handout_writes_the_sheet_and_stores_it(clinic: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sheet.pdf"
    code, printed, err = run(capsys, "--data-dir", clinic, "handout", "d-0100001", "--out", str(out))
    assert (code, err) == (0, "")
    assert printed.startswith(f"{out}: safety-net sheet 1 for D-0100001, next examination ")
    [page] = pages(out.read_bytes())
    assert DEMO_LETTERHEAD["phone"] in page and "Call 112 at once if" in page
    assert "Today, as soon as possible" in page


@pytest.mark.parametrize(("argv", "message"), [
    (("handout", "NOPE", "--out", "{tmp}/x.pdf"), "no patient with record number 'NOPE'"),
    (("handout", "D-0100001", "--out", "{tmp}/missing/x.pdf"), "--out: the folder"),
    (("handout", "D-0100001", "--out", "{tmp}/x.pdf", "--visit", "yesterday"), "--visit: 'yesterday' is not a time"),
    (("handout", "D-0100001"), "the following arguments are required: --out"),
])
def test_bad_input_is_one_line_and_exit_2(clinic: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          argv: tuple[str, ...], message: str) -> None:
    code, _, err = run(capsys, "--data-dir", clinic, *(a.replace("{tmp}", str(tmp_path)) for a in argv))
    assert code == 2
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_worklist_due_lists_whom_to_call(clinic: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--data-dir", clinic, "worklist", "--due")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("Re-examinations due at ") and "overdue inside an open window" in lines[0]
    assert lines[1].split()[:3] == ["NEXT", "EXAM", "DUE"] and "PHONE" in lines[1] and "BASED ON" in lines[1]
    overdue = [line for line in lines[2:] if "(window open)" in line]
    assert overdue and all(line.startswith("OVERDUE ") for line in overdue)
    assert lines[2] in overdue  # the overdue inside an open window come first
    assert any("D-0100001" in line and "+44 20 7946 " in line and "not called yet" in line for line in overdue)


def test_the_worklist_shows_the_next_exam_column(clinic: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--data-dir", clinic, "worklist")
    assert code == 0
    header = out.splitlines()[1]
    assert header.index("TIME LEFT") < header.index("NEXT EXAM") < header.index("RECORD")
