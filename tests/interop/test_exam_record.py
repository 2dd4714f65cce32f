"""The exam-record file read and written on its own, with no database and no command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from exam_app.clinical.record import TensionSign
from exam_app.interop.exam_record import RecordError, dumps_exam_record, read_exam_record, write_exam_record
from tests.records import MALFORMED, SPEC_EXAMPLE, example, malformed_text, two_visit_record

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def read(document: object) -> object:
    return read_exam_record(json.dumps(document, ensure_ascii=False), now=NOW)


def test_the_spec_example_reads_as_written() -> None:
    record = read_exam_record(json.dumps(SPEC_EXAMPLE), now=NOW)
    [visit] = record.visits
    assert record.patient.record_number == "A-1001" and record.patient.display_name == "Jane Doe"
    assert visit.examined_at == datetime(2026, 11, 2, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    assert visit.motor["ankle_dorsiflexion"] == {"left": "4-", "right": "5"}
    assert visit.tension_signs["straight_leg_raise"]["left"] == TensionSign("positive", 40)
    assert visit.red_flags == () and "red_flags" in visit.asked


def test_writing_then_reading_gives_the_same_document() -> None:
    document = two_visit_record()
    document["visits"][1]["incomplete_reason"] = "could not lie prone"
    document["visits"][1]["history"] = {"onset_character": "sudden", "medications": ["statins"]}
    written = write_exam_record(read_exam_record(json.dumps(document), now=NOW))
    assert written == document
    again = read_exam_record(dumps_exam_record(read_exam_record(json.dumps(document), now=NOW)), now=NOW)
    assert write_exam_record(again) == document


def test_a_time_without_an_offset_is_read_in_the_clinic_zone() -> None:
    document = example()
    document["visits"][0]["examined_at"] = "2026-11-02T09:30"
    document["visits"][0]["weakness_onset"] = "2026-11-01T20:00"
    zone = timezone(timedelta(hours=-5))
    [visit] = read_exam_record(json.dumps(document), clinic_zone=zone, now=NOW).visits
    assert visit.examined_at == datetime(2026, 11, 2, 9, 30, tzinfo=zone)


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_file_is_refused_with_one_line_naming_what_and_where(case: str) -> None:
    data = malformed_text(case)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: refused before the reader, where the file is read (tests/cli)")
    with pytest.raises(RecordError) as refused:
        read_exam_record(text, now=NOW)
    message = str(refused.value)
    assert "\n" not in message
    assert MALFORMED[case][1] in message
