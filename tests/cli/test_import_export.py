"""`exam-app import` and `export`: round trip on both backends, all-or-nothing refusals."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, inspect, select, table

from exam_app.cli import main
from exam_app.store.database import open_database
from tests.records import example, two_visit_record, write


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def row_counts(url: str) -> dict[str, int]:
    db = open_database(url)
    with db.engine.connect() as connection:
        counts = {name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
                  for name in inspect(connection).get_table_names()}
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


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = document
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[last] = value
    return change


def _second_visit_at_same_instant(document: dict[str, Any]) -> None:
    twin = json.loads(json.dumps(document["visits"][0]))
    twin["examined_at"] = "2026-11-02T08:30:00Z"  # the same instant written in UTC
    document["visits"].append(twin)


MALFORMED: dict[str, tuple[Callable[[dict[str, Any]], None] | str | bytes, str]] = {
    "not UTF-8": (b'{"format": "exam-record/1",\n "patient": {"record_number": "A-\xff1"}, "visits": []}',
                  "$: not UTF-8 text at line 2 column 34 (byte 61)"),
    "bad grade": (_set("visits.0.motor.ankle_dorsiflexion.left", "6"),
                  'visits[0].motor.ankle_dorsiflexion.left: "6" is not a motor grade'),
    "modifier on 5": (_set("visits.0.motor.great_toe_extension.right", "5+"),
                      'visits[0].motor.great_toe_extension.right: "5+" is not a motor grade'),
    "unknown muscle id": (_set("visits.0.motor.big_toe", {"left": "5"}),
                          "visits[0].motor.big_toe: unknown motor item id"),
    "unknown key": (_set("visits.0.colour", "blue"), "visits[0].colour: unknown key"),
    "onset after exam": (_set("visits.0.weakness_onset", "2026-11-03T00:00:00+01:00"),
                         "visits[0].weakness_onset: 2026-11-03T00:00+01:00 is after the examination "
                         "(2026-11-02T09:30+01:00)"),
    "grade as a number": (_set("visits.0.light_touch.L5.left", 1),
                          "visits[0].light_touch.L5.left: 1 is not a sensory score"),
    "clonus as a string": (_set("visits.0.ankle_clonus_beats.left", "3"),
                           'visits[0].ankle_clonus_beats.left: "3" is not clonus beats (a whole number)'),
    "truncated JSON": ('{"format": "exam-record/1", "patient": {"record_number": "A-1', "$: not JSON:"),
    "missing record number": (_set("patient.record_number", None), "patient.record_number: required key missing"),
    "blank record number": (_set("patient.record_number", "  "), "patient.record_number: is blank"),
    "duplicate visits": (_second_visit_at_same_instant,
                         "visits[2].examined_at: same instant as visits[0]"),
    "key given twice": ('{"format": "exam-record/1", "format": "exam-record/1", "patient": {}, "visits": []}',
                        "format: key given twice"),
    "wrong format": (_set("format", "exam-record/2"), 'format: "exam-record/2" is not the format'),
    "visits not a list": (_set("visits", {}), "visits: {} is not a list of visits"),
    "repeated symptom": (_set("visits.0.symptoms", ["cramps", "cramps"]),
                         'visits[0].symptoms[1]: "cramps" is listed twice'),
    "exam before birth": (
        _set("patient.birth_date", "2026-11-05"),
        "visits[0].examined_at: 2026-11-02T09:30+01:00 is before the patient's birth date (2026-11-05)"),
    "birth in the future": (_set("patient.birth_date", "2999-01-01"),
                            "patient.birth_date: 2999-01-01 is in the future"),
    "impossible date": (_set("visits.0.examined_at", "2026-02-30T10:00:00"),
                        'visits[0].examined_at: "2026-02-30T10:00:00" is not a valid time'),
    "time without T": (_set("visits.0.examined_at", "2026-11-02 09:30"),
                       'visits[0].examined_at: "2026-11-02 09:30" is not a time'),
    "angle out of range": (_set("visits.0.tension_signs.straight_leg_raise.left.angle", 120),
                           "visits[0].tension_signs.straight_leg_raise.left.angle: 120 is out of range"),
    "bad sex": (_set("patient.sex", "f"), 'patient.sex: "f" is not a sex'),
    "NaN": ('{"format": "exam-record/1", "patient": {"record_number": NaN}, "visits": []}',
            "$: not JSON: NaN is not allowed in JSON at line 1 column 58"),
    "Infinity": ('{"format": "exam-record/1",\n "patient": {"record_number": "A-1"},\n "visits": [-Infinity]}',
                 "$: not JSON: -Infinity is not allowed in JSON at line 3 column 13"),
    "nested far too deeply": ("[" * 100_000, "$: not an exam record: nested far too deeply"),
    "lone surrogate": ('{"format": "exam-record/1", "patient": {"record_number": "A-1", "family_name": "\\ud800"},'
                       ' "visits": []}', "patient.family_name: holds an escaped lone surrogate"),
    "NUL in a name": (_set("patient.given_name", "Ja\x00ne"), "patient.given_name: holds a NUL character"),
    "offset minutes 99": (_set("visits.0.examined_at", "2026-11-02T09:30:00+05:99"),
                          "visits[0].examined_at: \"2026-11-02T09:30:00+05:99\": the offset +05:99 is not ±HH:MM"),
    "offset hours 15": (_set("visits.0.weakness_onset", "2026-11-01T20:00+15:00"),
                        "visits[0].weakness_onset: \"2026-11-01T20:00+15:00\": the offset +15:00 is not ±HH:MM"),
    "examined in 2031": (_set("visits.1.examined_at", "2031-11-03T10:00:00+01:00"),
                         "visits[1].examined_at: 2031-11-03T10:00+01:00 is in the future"),
    "year 9999": (_set("visits.0.examined_at", "9999-12-31T23:59:59-14:00"),
                  "visits[0].examined_at: 9999-12-31T23:59-14:00 is in the future"),
    "year 1 in the clinic's zone": (_set("visits.0.examined_at", "0001-01-01T00:00"),
                                    'visits[0].examined_at: "0001-01-01T00:00" is not a plausible time'),
    "year 1 in UTC": (_set("visits.0.examined_at", "0001-01-01T00:00Z"),
                      "visits[0].examined_at: 0001-01-01T00:00+00:00 is before the patient's birth date"),
    "onset in year 1": (_set("visits.0.weakness_onset", "0001-01-01T00:00+14:00"),
                        "visits[0].weakness_onset: 0001-01-01T00:00+14:00 is before the patient's birth date"),
    "born 131 years ago": (_set("patient.birth_date", "1800-01-01"),
                           "patient.birth_date: 1800-01-01 is more than 130 years ago"),
    "clonus out of range": (_set("visits.0.ankle_clonus_beats.left", 10**30),
                            "visits[0].ankle_clonus_beats.left: 1000000000000000000000000000000 is out of range "
                            "for clonus beats (0 to 999)"),
    "record number too long": (_set("patient.record_number", "R" * 65),
                               "patient.record_number: is 65 characters long (at most 64)"),
    "family name too long": (_set("patient.family_name", "D" * 201),
                             "patient.family_name: is 201 characters long (at most 200)"),
    "unknown side": (_set("visits.0.motor.great_toe_extension.middle", "5"),
                     "visits[0].motor.great_toe_extension.middle: unknown key"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_file_is_refused_whole_and_changes_nothing(
        case: str, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--database", database_url, "import", str(write(tmp_path / "good.json", example(
        patient={"record_number": "B-1"}))))
    change, expected = MALFORMED[case]
    bad = tmp_path / "bad.json"
    if isinstance(change, bytes):
        bad.write_bytes(change)
    elif isinstance(change, str):
        bad.write_text(change, encoding="utf-8")
    else:
        document = two_visit_record()
        change(document)
        write(bad, document)
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
