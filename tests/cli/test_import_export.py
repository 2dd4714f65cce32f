"""`exam-app import` and `export`: round trip on both backends, all-or-nothing refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, table, text

from exam_app.cli import main
from exam_app.store.database import open_database
from tests.records import MALFORMED, example, malformed_text, two_visit_record, write


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def row_counts(url: str) -> dict[str, int]:
    """Rows of every table; of the audit trail, only the events other than signing in (every command
    signs in, and that is on the record too)."""
    db = open_database(url)
    with db.engine.connect() as connection:
        counts = {name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
                  for name in inspect(connection).get_table_names() if name != "audit_events"}
        counts["audit_events"] = connection.execute(text(
            "SELECT COUNT(*) FROM audit_events WHERE action NOT IN ('signed_in', 'sign_in_failed')")).scalar_one()
    db.dispose()
    return counts


def test_import_then_export_gives_back_the_same_record(
        database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = two_visit_record()
    source = write(tmp_path / "rec.json", document)
    code, out, err = run(capsys, "--database", database_url, "import", str(source))
    assert (code, err) == (0, "")
    assert "2 visits added" in out
    code, out, err = run(capsys, "--database", database_url, "export", "A-1001", "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == document


def test_export_writes_a_file(database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--database", database_url, "import", str(write(tmp_path / "rec.json", example())))
    target = tmp_path / "out.json"
    assert run(capsys, "--database", database_url, "export", "A-1001", "--out", str(target))[0] == 0
    assert json.loads(target.read_text(encoding="utf-8")) == example()


def test_importing_again_adds_only_new_visits(
        database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--database", database_url, "import", str(write(tmp_path / "one.json", example())))
    code, out, _ = run(capsys, "--database", database_url, "import", str(write(tmp_path / "two.json",
                                                                              two_visit_record())))
    assert code == 0
    assert "existing patient" in out and "1 visits added, 1 already stored" in out


def test_a_different_visit_at_a_stored_time_refuses_the_file(
        database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--database", database_url, "import", str(write(tmp_path / "one.json", example())))
    changed = two_visit_record()
    changed["visits"][0]["motor"]["great_toe_extension"]["left"] = "1"
    before = row_counts(database_url)
    code, _, err = run(capsys, "--database", database_url, "import", str(write(tmp_path / "c.json", changed)))
    assert code == 2
    assert err.count("\n") == 1 and "visits[0].examined_at" in err and "already stored" in err
    assert row_counts(database_url) == before




@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_file_is_refused_whole_and_changes_nothing(
        case: str, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--database", database_url, "import", str(write(tmp_path / "good.json", example(
        patient={"record_number": "B-1"}))))
    expected = MALFORMED[case][1]
    bad = tmp_path / "bad.json"
    bad.write_bytes(malformed_text(case))
    before = row_counts(database_url)
    code, out, err = run(capsys, "--database", database_url, "import", str(bad))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith(f"exam-app: {bad}: ")
    assert expected in err
    assert "Traceback" not in err
    assert row_counts(database_url) == before


def test_one_bad_file_among_several_refuses_only_itself(
        sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path / "good.json", example())
    bad = write(tmp_path / "bad.json", example(format="nope"))
    code, out, err = run(capsys, "--database", sqlite_url, "import", str(bad), str(good))
    assert code == 2
    assert "A-1001" in out and "bad.json" in err


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'db' / 'exam.sqlite3'}"
