"""Several workstations at once, as real processes on one database (SQLite and PostgreSQL): two
visits of one patient signed together, a visit signed while an earlier one is amended, the same new
patient registered twice, two large imports. After every round the worklist row of the patient must
equal a recomputation from the stored visits, and nothing may crash.

The workstation processes are started once per backend; the rounds run inside them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from exam_app.clinical.record import Patient, Visit
from exam_app.services.context import AppContext
from exam_app.services.patients import register_patient
from exam_app.services.visits import save_draft, sign_visit, start_visit
from exam_app.services.worklist import refresh_patient
from exam_app.store import models
from exam_app.store.records import search_key
from tests.accounts import open_as_tester
from tests.conftest import NO_POSTGRES, POSTGRES_VARIABLE, _fresh_postgres
from tests.records import complete, many_visit_record
from tests.store.workstations import CRASHED, DONE, LOCK_WAIT, REFUSED, Workstations, workstations

ROUNDS = 40
IMPORT_ROUNDS = 2
IMPORT_VISITS = 60
NOW = datetime.now(UTC).replace(microsecond=0)
ONSET = NOW - timedelta(hours=40)
STATUS_FIELDS = ("last_visit_id", "last_examined_at", "onset", "window_ends", "urgency", "pattern", "nerve",
                 "lems_left", "lems_right", "last_worsened_at", "progression_within_window", "worsening_findings")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def clinic(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[AppContext, Workstations, Path]]:
    folder = tmp_path_factory.mktemp(f"workstations-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'exam-records.sqlite3'}"
    else:
        server = os.environ.get(POSTGRES_VARIABLE)
        if not server:
            pytest.skip(NO_POSTGRES)
        url = _fresh_postgres(server)
    ctx = open_as_tester(url=url)  # creates the schema and the command-line account first
    try:
        with workstations(url) as stations:
            yield ctx, stations, folder
    finally:
        ctx.close()


def _draft(ctx: AppContext, record_number: str, at: datetime, visit: Visit) -> int:
    opened = start_visit(ctx, record_number, at)
    save_draft(ctx, opened.visit_id, complete(replace(visit, examined_at=at, examiner=opened.visit.examiner)),
               opened.version)
    return opened.visit_id


def _normal(at: datetime) -> Visit:
    return Visit(examined_at=at, weakness_onset=ONSET, motor={"ankle_dorsiflexion": {"left": "5"}})


def _weak(at: datetime) -> Visit:
    return Visit(examined_at=at, weakness_onset=ONSET, motor={"ankle_dorsiflexion": {"left": "3"}})


def _status(row: models.PatientStatus | None) -> dict[str, Any] | None:
    return None if row is None else {name: getattr(row, name) for name in STATUS_FIELDS}


def status_against_recomputation(ctx: AppContext, record_number: str) -> tuple[Any, Any]:
    """The stored worklist row of the patient, and the row a recomputation from the stored visits gives."""
    session = ctx.db.sessions()
    try:
        patient_id = session.scalar(select(models.Patient.id).where(
            models.Patient.record_key == search_key(record_number)))
        assert patient_id is not None
        stored = _status(session.get(models.PatientStatus, patient_id))
        refresh_patient(session, patient_id, ctx.window_days)
        session.flush()
        return stored, _status(session.get(models.PatientStatus, patient_id))
    finally:
        session.rollback()
        session.close()


def _report(name: str, failures: list[str], rounds: int) -> None:
    crashed = sum(CRASHED in failure for failure in failures)
    print(f"\n{name}: {rounds} rounds, {len(failures)} failed ({crashed} with a crash)")
    assert not failures, f"{len(failures)} of {rounds} rounds failed; first: {failures[0]}"


def test_two_visits_of_one_patient_signed_at_once(clinic: tuple[AppContext, Workstations, Path]) -> None:
    ctx, stations, _ = clinic
    rounds = []
    for number in range(ROUNDS):
        record_number = f"S-{number}"
        register_patient(ctx, Patient(record_number, "Signing", "Both", date(1970, 1, 1)))
        rounds.append((record_number, _draft(ctx, record_number, NOW - timedelta(hours=30), _normal(NOW)),
                       _draft(ctx, record_number, NOW - timedelta(hours=6), _weak(NOW))))
    failures = []
    for record_number, first, second in rounds:
        outcomes = stations.round(("sign", (first,)), ("sign", (second,)))
        stored, recomputed = status_against_recomputation(ctx, record_number)
        if any(kind != DONE for kind, _ in outcomes):
            failures.append(f"{record_number}: {outcomes}")
        elif stored != recomputed:
            failures.append(f"{record_number}: worklist row {stored} but the visits give {recomputed}")
    _report("signing two visits at once", failures, ROUNDS)


def test_a_visit_signed_while_the_one_before_is_amended(clinic: tuple[AppContext, Workstations, Path]) -> None:
    ctx, stations, _ = clinic
    rounds = []
    for number in range(ROUNDS):
        record_number = f"M-{number}"
        register_patient(ctx, Patient(record_number, "Signing", "Amending", date(1970, 1, 1)))
        first = _draft(ctx, record_number, NOW - timedelta(hours=30), _normal(NOW))
        sign_visit(ctx, first, *_open(ctx, first))
        rounds.append((record_number, first, _draft(ctx, record_number, NOW - timedelta(hours=6), _weak(NOW))))
    failures = []
    for record_number, first, second in rounds:
        outcomes = stations.round(("amend", (first, "ankle_dorsiflexion", "left", "4")), ("sign", (second,)))
        stored, recomputed = status_against_recomputation(ctx, record_number)
        if any(kind != DONE for kind, _ in outcomes):
            failures.append(f"{record_number}: {outcomes}")
        elif stored != recomputed:
            failures.append(f"{record_number}: worklist row {stored} but the visits give {recomputed}")
    _report("amending and signing at once", failures, ROUNDS)


def _open(ctx: AppContext, visit_id: int) -> tuple[Visit, int]:
    from exam_app.services.visits import open_visit

    opened = open_visit(ctx, visit_id)
    return opened.visit, opened.version


def test_the_same_new_patient_registered_twice_at_once(clinic: tuple[AppContext, Workstations, Path]) -> None:
    ctx, stations, _ = clinic
    failures = []
    for number in range(ROUNDS):
        record_number = f"N-{number}"
        outcomes = stations.round(("register", (record_number, "First")), ("register", (f" n-{number} ", "Second")))
        with ctx.db.session() as session:
            stored = session.scalar(select(func.count()).select_from(models.Patient).where(
                models.Patient.record_key == search_key(record_number)))
        kinds = sorted(kind for kind, _ in outcomes)
        refusals = [detail for kind, detail in outcomes if kind == REFUSED]
        if kinds != [DONE, REFUSED] or stored != 1 or "belongs to another patient" not in refusals[0]:
            failures.append(f"{record_number}: {stored} patients stored; {outcomes}")
    _report("registering one new patient twice at once", failures, ROUNDS)


def test_two_large_imports_at_once(clinic: tuple[AppContext, Workstations, Path]) -> None:
    _, stations, folder = clinic
    failures = []
    waits = 0
    for number in range(IMPORT_ROUNDS):
        files = []
        for letter in "AB":
            path = folder / f"import-{letter}-{number}.json"
            path.write_text(json.dumps(many_visit_record(f"I{letter}-{number}", IMPORT_VISITS)), encoding="utf-8")
            files.append(path)
        outcomes = stations.round(*(("import", (str(path),)) for path in files))
        if [kind for kind, _ in outcomes] != [DONE, DONE] or any(d[:2] != (IMPORT_VISITS, 0) for _, d in outcomes):
            failures.append(f"round {number}: {outcomes}")
        waits += sum(d[2] for kind, d in outcomes if kind == DONE)
    print(f"\nimports that waited past the lock wait ({LOCK_WAIT} s) and went on: {waits}")
    _report(f"two imports of {IMPORT_VISITS} visits at once", failures, IMPORT_ROUNDS)
    assert CRASHED not in str(failures)
