"""`exam-app isncsci FILE`: a published case file in, its published totals out; a bad file, one line and 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from exam_app.cli import main

CASES_FILE = Path(__file__).resolve().parents[1] / "data" / "isncsci-2019-cases.json"
CASES: list[dict[str, Any]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))


def run(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["isncsci", str(path)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_published_case_file_gives_its_published_totals(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    disagreeing = {}
    for case in CASES:
        # The file as published: annotations (id, group, comments, note, totals, ...) included.
        path = tmp_path / f"case-{case['id']}.json"
        path.write_text(json.dumps(case, ensure_ascii=False, indent=1), encoding="utf-8")
        code, out, err = run(path, capsys)
        answer = json.loads(out) if code == 0 else err
        if answer != case["totals"]:
            disagreeing[case["id"]] = answer
    assert disagreeing == {}


def test_the_output_is_one_json_object_of_the_25_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASES[0]), encoding="utf-8")
    code, out, err = run(path, capsys)
    assert (code, err) == (0, "")
    assert list(json.loads(out)) == list(CASES[0]["totals"])
    assert all(isinstance(value, str) for value in json.loads(out).values())


def without(key: str) -> dict[str, Any]:
    return {k: v for k, v in CASES[0].items() if k != key}


def changed(**values: Any) -> dict[str, Any]:
    return {**CASES[0], **values}


@pytest.mark.parametrize(("content", "problem"), [
    (b'{"c2RightTouch": "2",', "$: not JSON: Expecting property name enclosed in double quotes at line 1 column 22"),
    ("{}".encode("utf-16"), "not UTF-8 text (byte 0)"),
    (b"[1, 2]", "$: not a JSON object of worksheet inputs"),
    (b'{"analContraction": NaN}', "$: NaN is not allowed in JSON"),
    (b'{"c2RightTouch": "2", "c2RightTouch": "1"}', "c2RightTouch: given twice"),
    (json.dumps(changed(c5RightMotr="5")).encode(), "c5RightMotr: not an input of the ISNCSCI worksheet"),
    (json.dumps(without("l4LeftMotor")).encode(), "l4LeftMotor: missing"),
    (json.dumps(changed(l4LeftMotor="6")).encode(), 'l4LeftMotor: "6" is not a motor score'),
    (json.dumps(changed(l4LeftMotor=4)).encode(), "l4LeftMotor: 4 is not a motor score"),
    (json.dumps(changed(t4RightPrick="2*")).encode(), 't4RightPrick: "2*" is not a sensory score'),
    (json.dumps(changed(analSensation="")).encode(), 'analSensation: "" is not Yes, No or NT'),
])
def test_a_bad_file_exits_2_with_one_line_naming_file_and_key(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, problem: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    code, out, err = run(path, capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"exam-app: {path}: {problem}")
    assert err.endswith("\n") and err.count("\n") == 1
    assert "Traceback" not in err


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(tmp_path / "nowhere.json", capsys)
    assert (code, err) == (2, f"exam-app: {tmp_path / 'nowhere.json'}: no such file\n")


def test_the_installed_command_refuses_a_bad_file_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(changed(s1RightMotor="NT***")), encoding="utf-8")
    command = Path(sys.executable).parent / "exam-app"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([str(command), "isncsci", str(bad)], capture_output=True, text=True, env=env, check=False)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f'exam-app: {bad}: s1RightMotor: "NT***" is not a motor score '
                             "(0-5 or NT; * or ** after 0-4 or NT)\n")
