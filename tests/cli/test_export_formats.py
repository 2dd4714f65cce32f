"""`exam-app export --format json|fhir|csv [--all]` and `exam-app import` of folders and zips, on both
backends: what is written, what comes back, and one line with exit code 2 for every bad input."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from exam_app.cli import main
from exam_app.interop.csv_export import CSV_COLUMNS
from tests.cli.test_import_export import row_counts, run
from tests.conftest import _fresh_postgres
from tests.interop.fhir_checks import findings_in_bundle, validate_r4
from tests.interop.recorded import recorded_values, with_worksheets
from tests.records import example, write


def test_one_patient_as_fhir_and_as_csv(database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = with_worksheets()
    assert run(capsys, "--database", database_url, "import", str(write(tmp_path / "rec.json", document)))[0] == 0

    code, out, err = run(capsys, "--database", database_url, "export", "A-1001", "--format", "fhir")
    assert (code, err) == (0, "")
    bundle = json.loads(out)
    validate_r4(bundle)
    assert findings_in_bundle(bundle) == recorded_values(document)

    target = tmp_path / "a.csv"
    code, out, err = run(capsys, "--database", database_url, "export", "A-1001", "--format", "csv",
                         "--out", str(target))
    assert (code, out, err) == (0, "", "")
    raw = target.read_bytes()
    assert raw.startswith(",".join(CSV_COLUMNS).encode() + b"\r\n")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert len(rows) == sum(sum(c.values()) for c in recorded_values(document).values())


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_whole_clinic_goes_out_and_comes_back_the_same(
        database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--database", database_url, "demo", "--patients", "15")[0] == 0
    code, out, err = run(capsys, "--database", database_url, "export", "--all", "--format", "json",
                         "--out", str(tmp_path / "clinic.zip"))
    assert (code, err) == (0, "")
    assert out == f"{tmp_path / 'clinic.zip'}: 15 patients, one exam-record JSON file each\n"
    assert run(capsys, "--database", database_url, "export", "--all", "--format", "json",
               "--out", str(tmp_path / "before"))[0] == 0
    code, clinic_csv, _ = run(capsys, "--database", database_url, "export", "--all", "--format", "csv")
    assert code == 0 and clinic_csv.count("\r\n") > 15 * 100

    fresh = (f"sqlite:///{tmp_path / 'fresh' / 'exam.sqlite3'}" if database_url.startswith("sqlite")
             else _fresh_postgres(database_url))
    code, out, err = run(capsys, "--database", fresh, "import", str(tmp_path / "clinic.zip"))
    assert (code, err) == (0, "")
    assert out.count("(new patient)") == 15 and out.count("\n") == 15
    assert f"{tmp_path / 'clinic.zip'}/D-0100001.json: D-0100001 (new patient)" in out
    assert run(capsys, "--database", fresh, "export", "--all", "--format", "json",
               "--out", str(tmp_path / "after"))[0] == 0
    assert _files(tmp_path / "after") == _files(tmp_path / "before")
    assert run(capsys, "--database", fresh, "export", "--all", "--format", "csv")[1] == clinic_csv

    # Importing the same clinic again adds nothing.
    code, out, _ = run(capsys, "--database", fresh, "import", str(tmp_path / "after"))
    assert code == 0 and out.count("0 visits added") == 15


def _bad_zip(tmp_path: Path) -> Path:
    archive = tmp_path / "mixed.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        packed.writestr("bad.json", json.dumps(example(format="exam-record/9")))
        packed.writestr("good.json", json.dumps(example(patient={"record_number": "G-1"})))
    return archive


BAD_INPUT = {
    "--all json without --out": (["export", "--all", "--format", "json"], "--out: --all --format json writes"),
    "--all fhir without --out": (["export", "--all", "--format", "fhir"], "name a new or empty folder"),
    "both a patient and --all": (["export", "A-1", "--all"], "not allowed with argument RECORD_NUMBER"),
    "neither": (["export"], "one of the arguments RECORD_NUMBER --all is required"),
    "unknown format": (["export", "A-1", "--format", "xml"], "invalid choice: 'xml'"),
    "unknown patient": (["export", "NOPE", "--format", "fhir"], "no patient with record number 'NOPE'"),
    "folder in use": (["export", "--all", "--format", "json", "--out", "{used}"], "the folder is not empty"),
    "a zip that is not a zip": (["import", "{notzip}"], "not a zip archive"),
    "an empty folder": (["import", "{empty}"], "no .json record file in the folder"),
    "a bad member file": (["import", "{mixed}"], 'bad.json: format: "exam-record/9" is not the format'),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_exits_2_with_one_line_naming_what_and_where(
        case: str, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--database", database_url, "demo", "--patients", "2")
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "mine.txt").write_text("keep")
    (tmp_path / "empty").mkdir()
    (tmp_path / "notzip.zip").write_text("just text")
    places = {"used": tmp_path / "used", "notzip": tmp_path / "notzip.zip", "empty": tmp_path / "empty",
              "mixed": _bad_zip(tmp_path)}
    argv, expected = BAD_INPUT[case]
    argv = [a.format(**places) for a in argv]
    before = row_counts(database_url)
    try:
        code, out, err = run(capsys, "--database", database_url, *argv)
    except SystemExit as refused:  # argparse's own refusals
        code, (out, err) = int(str(refused.code)), capsys.readouterr()
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("exam-app"), err
    assert expected in err
    assert "Traceback" not in err
    if argv[0] == "import" and "mixed" in argv[1]:
        assert err.startswith(f"exam-app: {places['mixed']}/bad.json: ")
        assert out == f"{places['mixed']}/good.json: G-1 (new patient): 1 visits added, 0 already stored\n"
        assert row_counts(database_url)["patients"] == before["patients"] + 1
    else:
        assert out == ""
        assert row_counts(database_url) == before  # nothing stored, not even an audit event
    assert _files(tmp_path / "used") == {"mine.txt": b"keep"}


def test_help_explains_the_formats_and_the_archives(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["export", "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    for words in ("--all", "--format {json,fhir,csv}", "FHIR R4", ".zip", "docs/exports.md", "never drafts"):
        assert words in text
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    text = capsys.readouterr().out
    assert "folder" in text and ".zip" in text and "whole or not at all" in text
