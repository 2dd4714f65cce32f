"""Exports counted against the store, on SQLite and PostgreSQL: the FHIR bundles of the demo clinic hold
every finding of every signed visit, the clinic's CSV reads back to the stored findings, and the whole
clinic in exam-record JSON (folder or zip) imports back into an empty database and exports the same."""

from __future__ import annotations

import base64
import csv
import io
import json
import zipfile
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from exam_app.services.context import AppContext, InvalidInput, NotPermitted
from exam_app.services.demo import fill_demo_clinic
from exam_app.services.exports import (
    CSV,
    FHIR,
    JSON,
    ImportOutcome,
    export_patient,
    file_names,
    import_archive,
    import_paths,
    load_chart,
    write_clinic_csv,
    write_clinic_files,
)
from exam_app.services.referral import issue_letter, referral_content, referral_options
from exam_app.services.visits import amend_visit, open_visit, save_draft, start_visit
from exam_app.store import models
from tests.accounts import account, open_as_tester
from tests.conftest import _fresh_postgres
from tests.interop.fhir_checks import code_of, findings_in_bundle, resources, validate_r4
from tests.interop.recorded import tagged_worksheet, worksheet_boxes
from tests.records import example, write

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
PATIENTS = 15  # one of each demo scenario
WITH_WORKSHEET = "D-0100004"  # its latest visit gains an ISNCSCI worksheet

Finding = tuple[str, str, str, str, str, int | None]


def stored_findings(ctx: AppContext, record_number: str) -> dict[datetime, Counter[Finding]]:
    """Every value stored for the patient's signed visits: the `findings` rows, and VAC and DAP of the visit."""
    patient, visit, finding = models.Patient, models.Visit, models.Finding
    signed = (patient.record_number == record_number) & (visit.status != "draft")
    found: dict[datetime, Counter[Finding]] = {}
    with ctx.db.session() as session:
        for at, vac, dap in session.execute(select(visit.examined_at, visit.vac, visit.dap).join(patient)
                                            .where(signed)):
            found[at] = Counter(("anal", key, "", "", value, None)
                                for key, value in (("vac", vac), ("dap", dap)) if value is not None)
        for at, kind, item, side, value, angle in session.execute(
                select(visit.examined_at, finding.kind, finding.item, finding.side, finding.value, finding.angle)
                .join(finding.visit).join(visit.patient).where(signed)):
            if kind in ("light_touch", "pin_prick"):
                found[at][("sensory", item, side, kind, value, None)] += 1
            else:
                found[at][(kind, item, side, "", value, angle)] += 1
        boxes = worksheet_boxes()
        for at, entries in session.execute(
                select(visit.examined_at, models.IsncsciWorksheet.entries).join(models.IsncsciWorksheet.visit)
                .join(visit.patient).where(signed)):
            found[at].update((*boxes[key], value, None) for key, value in entries.items())
    return found


def demo_clinic(ctx: AppContext) -> None:
    """The demo clinic, with a letter issued, a visit amended, an ISNCSCI worksheet added to a signed visit,
    and a draft (with a worksheet begun) that no export may carry."""
    fill_demo_clinic(ctx, PATIENTS, seed=1, now=NOW)
    issue_letter(ctx, referral_content(ctx, "D-0100001", now=NOW), referral_options())
    opened = open_visit(ctx, _visit_ids(ctx, "D-0100002")[0])
    amend_visit(ctx, opened.visit_id, replace(opened.visit, notes="corrected: SLR at 45°"), opened.version,
                "angle misread")
    opened = open_visit(ctx, _visit_ids(ctx, WITH_WORKSHEET)[-1])
    amend_visit(ctx, opened.visit_id, replace(opened.visit, isncsci=tagged_worksheet()), opened.version,
                "ISNCSCI worksheet recorded on paper, typed in")
    draft = start_visit(ctx, "D-0100003")
    save_draft(ctx, draft.visit_id, replace(draft.visit, motor={"hip_flexion": {"left": "1"}},
                                            isncsci={"c5LeftMotor": "3"}), draft.version)


def _visit_ids(ctx: AppContext, record_number: str) -> list[int]:
    with ctx.db.session() as session:
        return list(session.scalars(select(models.Visit.id).join(models.Patient)
                                    .where(models.Patient.record_number == record_number)
                                    .order_by(models.Visit.examined_at)))


def test_fhir_bundles_of_the_demo_clinic_hold_every_finding_of_every_visit(ctx: AppContext) -> None:
    demo_clinic(ctx)
    observations = stored = 0
    for index in range(1, PATIENTS + 1):
        record_number = f"D-01{index:05d}"
        bundle = json.loads(export_patient(ctx, record_number, FHIR))
        validate_r4(bundle)
        in_store = stored_findings(ctx, record_number)
        assert findings_in_bundle(bundle) == in_store, record_number
        observations += sum(sum(c.values()) for c in findings_in_bundle(bundle).values())
        stored += sum(sum(c.values()) for c in in_store.values())
        assert len(resources(bundle, "Encounter")) == len(in_store)
    with ctx.db.session() as session:
        rows = session.scalar(select(func.count()).select_from(models.Finding).join(models.Visit)
                              .where(models.Visit.status != "draft"))
        anal = session.scalar(select(func.count()).select_from(models.Visit).where(
            models.Visit.status != "draft", models.Visit.vac.is_not(None))) + session.scalar(
            select(func.count()).select_from(models.Visit).where(
                models.Visit.status != "draft", models.Visit.dap.is_not(None)))
        worksheets = list(session.scalars(select(models.IsncsciWorksheet.entries).join(models.IsncsciWorksheet.visit)
                                          .where(models.Visit.status != "draft")))
    boxes = sum(len(entries) for entries in worksheets)
    assert boxes == len(tagged_worksheet()) > 100  # the worksheet begun in a draft is not exported
    assert observations == stored == rows + anal + boxes > 1000
    codes = Counter(code_of(o) for o in resources(json.loads(export_patient(ctx, WITH_WORKSHEET, FHIR)), "Observation"))
    assert sum(n for code, n in codes.items() if code.startswith("isncsci.")) == boxes
    assert sum(n for code, n in codes.items() if code.startswith("derived.isncsci.")) == 25  # the classification


def test_a_bundle_carries_the_letters_as_issued_and_the_amended_status(ctx: AppContext) -> None:
    demo_clinic(ctx)
    with ctx.db.session() as session:
        (pdf,) = session.scalars(select(models.ReferralLetter.pdf)).all()
    bundle = json.loads(export_patient(ctx, "D-0100001", FHIR))
    (reference,) = resources(bundle, "DocumentReference")
    assert base64.b64decode(reference["content"][0]["attachment"]["data"]) == pdf
    assert not resources(json.loads(export_patient(ctx, "D-0100004", FHIR)), "DocumentReference")
    amended = json.loads(export_patient(ctx, "D-0100002", FHIR))
    statuses = Counter(o["status"] for o in resources(amended, "Observation"))
    assert statuses["amended"] > 0 and statuses["final"] > 0
    chart = load_chart(ctx, "D-0100003")
    assert all(v.status != "draft" for v in chart.visits) and len(chart.visits) == 1


def test_the_clinics_csv_reads_back_to_the_stored_findings(ctx: AppContext) -> None:
    demo_clinic(ctx)
    stream = io.StringIO(newline="")
    assert write_clinic_csv(ctx, stream) == PATIENTS
    rows = list(csv.DictReader(io.StringIO(stream.getvalue(), newline="")))
    read_back: dict[tuple[str, datetime], Counter[Finding]] = {}
    for row in rows:
        at = datetime.fromisoformat(row["examined_at_utc"].replace("Z", "+00:00"))
        read_back.setdefault((row["record_number"], at), Counter())[(
            row["kind"], row["item"], row["side"], row["modality"], row["value"],
            int(row["angle"]) if row["angle"] else None)] += 1
    expected = {(record_number, at): found
                for record_number in (f"D-01{index:05d}" for index in range(1, PATIENTS + 1))
                for at, found in stored_findings(ctx, record_number).items()}
    assert read_back == expected
    assert len(rows) == sum(sum(c.values()) for c in expected.values())
    statuses = {row["status"] for row in rows if row["record_number"] == "D-0100002"}
    assert statuses == {"amended", "signed"}


def _fresh(url: str, tmp_path: Path) -> str:
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'second' / 'exam-records.sqlite3'}"
    return _fresh_postgres(url)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("archive", ["folder", "zip"])
def test_the_whole_clinic_in_exam_record_json_round_trips_exactly(
        database_url: str, tmp_path: Path, archive: str) -> None:
    with open_as_tester(url=database_url) as ctx:
        demo_clinic(ctx)
        first = write_clinic_files(ctx, JSON, tmp_path / "first")
        target = tmp_path / ("clinic.zip" if archive == "zip" else "clinic")
        write_clinic_files(ctx, JSON, target)
    assert first.patients == PATIENTS
    with open_as_tester(url=_fresh(database_url, tmp_path)) as empty:
        outcomes = list(import_archive(empty, target))
        again = write_clinic_files(empty, JSON, tmp_path / "again")
    assert [o.refusal for o in outcomes] == [None] * PATIENTS
    assert sum(o.result.visits_added for o in outcomes if o.result) > PATIENTS
    assert _files(tmp_path / "again") == _files(tmp_path / "first")
    assert again.patients == PATIENTS
    if archive == "zip":
        with zipfile.ZipFile(target) as packed:
            assert {i.filename: packed.read(i) for i in packed.infolist()} == _files(tmp_path / "first")


def test_an_archive_is_the_same_bytes_every_time(ctx: AppContext, tmp_path: Path) -> None:
    fill_demo_clinic(ctx, 4, seed=2, now=NOW)
    write_clinic_files(ctx, FHIR, tmp_path / "one.zip")
    write_clinic_files(ctx, FHIR, tmp_path / "two.zip")
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.zip") as packed:
        for info in packed.infolist():
            validate_r4(json.loads(packed.read(info)))


def test_a_bad_file_in_an_archive_is_refused_alone(ctx: AppContext, tmp_path: Path) -> None:
    archive = tmp_path / "clinic.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        packed.writestr("A-1.json", json.dumps(example(patient={"record_number": "A-1"})))
        packed.writestr("B-2.json", '{"format": "exam-record/1", "patient": ')
        packed.writestr("C-3.json", b"\xff\xfe not text")
        packed.writestr("D-4.json", json.dumps(example(patient={"record_number": "D-4"})))
        packed.writestr("README.txt", "not a record")
        packed.writestr("__MACOSX/._A-1.json", b"\x00\x05")
    outcomes = {Path(o.source).name: o for o in import_archive(ctx, archive)}
    assert sorted(outcomes) == ["A-1.json", "B-2.json", "C-3.json", "D-4.json"]
    assert outcomes["A-1.json"].result is not None and outcomes["D-4.json"].result is not None
    assert outcomes["B-2.json"].refusal == f"{archive}/B-2.json: $: not JSON: Expecting value at line 1 column 40"
    assert outcomes["C-3.json"].refusal == f"{archive}/C-3.json: not UTF-8 text (byte 0)"
    with ctx.db.session() as session:
        assert sorted(session.scalars(select(models.Patient.record_number))) == ["A-1", "D-4"]


@pytest.mark.parametrize(("content", "problem"), [
    (b"PK\x03\x04 cut short", "not a zip archive"),
    (b'{"format": "exam-record/1"}', "not a zip archive"),
])
def test_a_zip_that_is_not_a_zip_is_refused(ctx: AppContext, tmp_path: Path, content: bytes, problem: str) -> None:
    archive = tmp_path / "clinic.zip"
    archive.write_bytes(content)
    with pytest.raises(InvalidInput, match=f"^{archive}: {problem}$"):
        list(import_archive(ctx, archive))
    [outcome] = list(import_paths(ctx, [archive]))
    assert outcome == ImportOutcome(str(archive), refusal=f"{archive}: {problem}")


def test_an_archive_without_record_files_is_refused(ctx: AppContext, tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "empty.zip", "w") as packed:
        packed.writestr("notes.txt", "nothing")
    (tmp_path / "folder").mkdir()
    with pytest.raises(InvalidInput, match=r"no \.json record file in the archive"):
        list(import_archive(ctx, tmp_path / "empty.zip"))
    with pytest.raises(InvalidInput, match=r"no \.json record file in the folder"):
        list(import_archive(ctx, tmp_path / "folder"))


def test_files_folders_and_zips_import_together(ctx: AppContext, tmp_path: Path) -> None:
    single = write(tmp_path / "single.json", example(patient={"record_number": "S-1"}))
    folder = tmp_path / "folder"
    folder.mkdir()
    write(folder / "F-1.json", example(patient={"record_number": "F-1"}))
    write(folder / ".hidden.json", {"not": "read"})
    with zipfile.ZipFile(tmp_path / "z.zip", "w") as packed:
        packed.writestr("nested/Z-1.json", json.dumps(example(patient={"record_number": "Z-1"})))
    outcomes = list(import_paths(ctx, [single, folder, tmp_path / "z.zip"]))
    assert [(o.source, o.result.record_number if o.result else o.refusal) for o in outcomes] == [
        (str(single), "S-1"), (str(folder / "F-1.json"), "F-1"), (f"{tmp_path / 'z.zip'}/nested/Z-1.json", "Z-1")]


def test_file_names_are_safe_distinct_and_stable() -> None:
    numbers = ["A-1001", "a-1001", "A/1", "A_1", "../../etc/passwd", "CON", "con.json", "Ré-7", " ", ".hidden",
               "trailing.", "x" * 200]
    names = file_names(numbers)
    assert names == file_names(reversed(numbers))
    assert len(set(names.values())) == len({n.casefold() for n in names.values()}) == len(numbers)
    assert names["A-1001"] == "A-1001.json" and names["A_1"] == "A_1.json"
    for number, name in names.items():
        assert "/" not in name and "\\" not in name and not name.startswith(".") and name.isascii(), number
        assert len(name) <= 100
    assert names["a-1001"] != "a-1001.json"  # clashes with A-1001 on a case-blind file system
    assert names["CON"] != "CON.json"


def test_unusual_record_numbers_round_trip_through_an_archive(ctx: AppContext, tmp_path: Path) -> None:
    numbers = ["A-1001", "A/1", "Ré-7", "CON"]
    for number in numbers:
        [outcome] = import_paths(ctx, [write(tmp_path / "in.json", example(patient={"record_number": number}))])
        assert outcome.result is not None
    # A record number that differs only by case is the same patient, never a second one.
    [again] = import_paths(ctx, [write(tmp_path / "in.json", example(patient={"record_number": "a-1001"}))])
    assert again.result is not None and not again.result.patient_created
    write_clinic_files(ctx, JSON, tmp_path / "clinic.zip")
    with zipfile.ZipFile(tmp_path / "clinic.zip") as packed:
        inside = sorted(json.loads(packed.read(i))["patient"]["record_number"] for i in packed.infolist())
    assert inside == sorted(numbers)


def test_an_export_folder_must_be_new_or_empty(ctx: AppContext, tmp_path: Path) -> None:
    fill_demo_clinic(ctx, 1, seed=1, now=NOW)
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "keep.txt").write_text("mine")
    with pytest.raises(InvalidInput, match="the folder is not empty"):
        write_clinic_files(ctx, JSON, tmp_path / "used")
    assert _files(tmp_path / "used") == {"keep.txt": b"mine"}
    with pytest.raises(InvalidInput, match="whole clinic as files is json or fhir"):
        write_clinic_files(ctx, CSV, tmp_path / "out")


def test_exports_need_the_export_permission_and_are_audited(ctx: AppContext) -> None:
    fill_demo_clinic(ctx, 1, seed=1, now=NOW)
    front_desk = account(ctx.db, "fd.test", "front_desk", "Robin Lee")
    with pytest.raises(NotPermitted, match="may not export"):
        export_patient(front_desk, "D-0100001", JSON)
    export_patient(ctx, "D-0100001", CSV)
    with ctx.db.session() as session:
        events = session.execute(select(models.AuditEvent.entity_id, models.AuditEvent.detail)
                                 .where(models.AuditEvent.action == "records_exported")).all()
    assert [(e, d) for e, d in events] == [("D-0100001", {"format": "csv", "patients": 1})]
