"""Thousands of mutated record files: each is read and assessed, or refused with one `PATH: problem`
line (a RecordError); never another exception, and an import either stores the file or nothing."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from exam_app.clinical.assess import assess_record
from exam_app.interop.exam_record import RecordError, read_exam_record
from exam_app.services.context import AppContext, InvalidInput
from exam_app.services.records import import_record
from exam_app.store import models
from tests.accounts import open_as_tester
from tests.records import two_visit_record

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12), st.sampled_from([
        "NT", "NT**", "5*", "4+", "0-", "6", "", " ", "2026-11-02T09:30", "9999-12-31T23:59:59+14:00",
        "0001-01-01T00:00:00-14:00", "2026-02-29T10:00", "2026-11-02T09:30+14:59", "2026-11-02T09:30-00:60",
        "1896-01-01", "2031-01-01T00:00Z", "left", "right", "positive", "yes", "exam-record/1", "\x00"]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["left", "right", "L5", "result", "x"]), inner,
                                                 max_size=3)), max_leaves=6)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


@st.composite
def mutated_documents(draw: st.DrawFn) -> Any:
    document: Any = two_visit_record()
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = [p for p in _paths(document) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent: Any = document
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(VALUES)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = draw(VALUES)
        else:
            parent.append(draw(VALUES))
    return document


@st.composite
def mutated_texts(draw: st.DrawFn) -> str:
    text = json.dumps(two_visit_record(), ensure_ascii=False)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        cut = draw(st.integers(min_value=0, max_value=3))
        piece = draw(st.text(alphabet='{}[]",:\\0123456789NaInfity.-+eE \ud800', max_size=4))
        text = text[:at] + piece + text[at + cut:]
    return text


def _read_and_assess(text: str) -> None:
    try:
        record = read_exam_record(text)
    except RecordError as error:
        message = str(error)
        assert "\n" not in message and ": " in message
        message.encode("utf-8")  # printable: no lone surrogate reaches the terminal
        return
    json.dumps(assess_record(record).to_json(), ensure_ascii=False).encode("utf-8")


FUZZ = settings(max_examples=1500, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(mutated_documents())
def test_a_mutated_document_is_assessed_or_refused_in_one_line(document: Any) -> None:
    _read_and_assess(json.dumps(document, ensure_ascii=False))


@FUZZ
@given(mutated_texts())
def test_a_mutated_text_is_assessed_or_refused_in_one_line(text: str) -> None:
    _read_and_assess(text)


@pytest.fixture(scope="module")
def import_ctx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    context = open_as_tester(data_dir=tmp_path_factory.mktemp("fuzz"))
    yield context
    context.close()


def _counts(ctx: AppContext) -> tuple[int, int, int]:
    with ctx.db.session() as session:
        return (session.scalar(select(func.count()).select_from(models.Patient)) or 0,
                session.scalar(select(func.count()).select_from(models.Visit)) or 0,
                session.scalar(select(func.count()).select_from(models.Finding)) or 0)


@settings(max_examples=600, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mutated_documents(), st.integers(min_value=0, max_value=10**6))
def test_a_mutated_import_stores_the_whole_file_or_nothing(import_ctx: AppContext, document: Any, n: int) -> None:
    document = copy.deepcopy(document)
    if isinstance(document, dict) and isinstance(document.get("patient"), dict):
        document["patient"]["record_number"] = f"F-{n}"  # a new patient each time, so nothing clashes
    before = _counts(import_ctx)
    try:
        record = read_exam_record(json.dumps(document, ensure_ascii=False))
    except RecordError:
        return
    try:
        result = import_record(import_ctx, record, "fuzz.json")
    except InvalidInput as error:
        assert "\n" not in str(error)
        assert _counts(import_ctx) == before
        return
    after = _counts(import_ctx)
    assert after[1] - before[1] == result.visits_added


def test_the_fuzz_files_exist_beside_this_test() -> None:
    assert Path(__file__).name == "test_fuzzed_records.py"
