"""Records that travel: one patient or the whole clinic as exam-record JSON, FHIR R4 or CSV, and the
import of record files, folders and zip archives of them.

Exports carry the signed (and amended) visits, never drafts. The whole clinic in exam-record JSON
(or FHIR) is a folder or a `.zip` of one file per patient, named by record number; importing that
folder or zip gives the same clinic back, each patient's file stored whole or not at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlalchemy import select

from exam_app.clinical.record import ExamRecord
from exam_app.interop.chart import Chart, ChartVisit, IssuedLetterCopy
from exam_app.interop.csv_export import csv_text, write_csv
from exam_app.interop.exam_record import RecordError, dumps_exam_record, read_exam_record
from exam_app.interop.fhir import fhir_bundle
from exam_app.services.context import AppContext, InvalidInput, ServiceError, require_patient
from exam_app.services.records import ImportResult, import_file, import_record
from exam_app.store import models
from exam_app.store.audit_trail import altered_visits
from exam_app.store.records import patient_from_row, visit_from_row
from exam_app.store.repository import audit, signed_visits

JSON, FHIR, CSV = "json", "fhir", "csv"
FORMATS = (JSON, FHIR, CSV)
FORMAT_NAMES = {JSON: "exam-record JSON", FHIR: "FHIR R4 bundles", CSV: "CSV"}

# A record file is a few hundred kilobytes at most; anything far larger in an archive is not one.
MAX_MEMBER_BYTES = 64 * 1024 * 1024
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the same clinic gives the same archive, byte for byte


# ------------------------------------------------------------------ reading charts


def load_chart(ctx: AppContext, record_number: str) -> Chart:
    """One patient's signed visits, their status and the letters issued from them."""
    ctx.require("export")
    window_days = ctx.window_days
    with ctx.db.session() as session:
        patient = require_patient(session, record_number, with_visits=True)
        signed = signed_visits(patient)
        altered = altered_visits(session, patient.record_number, signed)
        if altered:  # what would leave the clinic is not what was signed: say so, export nothing
            named = ", ".join(f"{v.id} ({v.examined_at:%Y-%m-%d %H:%M} UTC)" for v in altered)
            raise ServiceError(f"{patient.record_number}: visit {named} was changed outside the app after it was "
                               "signed: the record is not exported (run `exam-app audit verify`)")
        by_id = {v.id: v for v in signed}
        letters: list[IssuedLetterCopy] = []
        if by_id:
            rows = session.execute(
                select(models.ReferralLetter, models.User.display_name)
                .join(models.User, models.User.id == models.ReferralLetter.issued_by_id)
                .where(models.ReferralLetter.visit_id.in_(by_id))
                .order_by(models.ReferralLetter.issued_at, models.ReferralLetter.id)).all()
            for letter, issuer in rows:
                visit = by_id[letter.visit_id]
                letters.append(IssuedLetterCopy(
                    models.in_offset(visit.examined_at, visit.examined_at_offset), letter.issued_at, issuer,
                    letter.recipient, letter.sha256, letter.pdf))
        return Chart(
            patient_from_row(patient),
            tuple(ChartVisit(visit_from_row(v), v.status, v.signed_at) for v in signed),
            tuple(letters),
            window_days,
        )


def record_numbers(ctx: AppContext) -> list[str]:
    """Every patient's record number, in order."""
    ctx.require("export")
    with ctx.db.session() as session:
        return sorted(session.scalars(select(models.Patient.record_number)))


def clinic_charts(ctx: AppContext) -> Iterator[Chart]:
    """Every patient's chart, one at a time (a large clinic is never held in memory whole)."""
    for record_number in record_numbers(ctx):
        yield load_chart(ctx, record_number)


# ------------------------------------------------------------------ one patient


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InvalidInput(f"format: {fmt!r} is not one of {', '.join(FORMATS)}")


def chart_text(chart: Chart, fmt: str) -> str:
    """The chart written in one of the formats."""
    _check_format(fmt)
    if fmt == JSON:
        return dumps_exam_record(chart.record)
    if fmt == FHIR:
        return json.dumps(fhir_bundle(chart), ensure_ascii=False, indent=2) + "\n"
    return csv_text(chart)


def export_patient(ctx: AppContext, record_number: str, fmt: str) -> str:
    """One patient's record as exam-record JSON, a FHIR bundle or CSV."""
    _check_format(fmt)
    text = chart_text(load_chart(ctx, record_number), fmt)
    _note_export(ctx, "patient", record_number, fmt, 1)
    return text


def save_fhir_bundle(ctx: AppContext, record_number: str, path: Path) -> Path:
    """Write the patient's FHIR bundle to `path` (the screens' "Save as FHIR", whose file dialog has
    asked before replacing a file; never the database or a backup)."""
    from exam_app.services.outputs import check_output

    check_output(ctx, path, force=True, option="Save as")
    write_text(path, export_patient(ctx, record_number, FHIR))
    return path


def write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        raise InvalidInput(f"{path}: cannot write ({error.strerror})") from None


def _note_export(ctx: AppContext, entity: str, entity_id: str | None, fmt: str, patients: int) -> None:
    """Records leaving the app are noted in the audit trail: who, when, which format, how many."""
    with ctx.db.session(write=True) as session:
        audit(session, ctx.user.id, "records_exported", entity, entity_id, {"format": fmt, "patients": patients})


# ------------------------------------------------------------------ the whole clinic


@dataclass(frozen=True)
class ClinicExport:
    out: Path
    fmt: str
    patients: int


def write_clinic_csv(ctx: AppContext, stream: TextIO) -> int:
    """Every patient's rows under one header; returns the number of patients."""
    count = 0

    def counted() -> Iterator[Chart]:
        nonlocal count
        for chart in clinic_charts(ctx):
            count += 1
            yield chart

    write_csv(counted(), stream)
    _note_export(ctx, "clinic", None, CSV, count)
    return count


_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
# Names Windows keeps for devices, whatever the extension.
_DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                           *(f"lpt{i}" for i in range(10))})


def file_names(numbers: Iterable[str], suffix: str = ".json") -> dict[str, str]:
    """A safe, distinct file name for each record number, the same every time.

    A record number that is already a plain name (letters, digits, `.`, `_`, `-`) is the name; any
    other, or one that would clash with a name already given on a case-blind file system, is
    cleaned and followed by a short hash of the record number, so two patients never share a file.
    """
    names: dict[str, str] = {}
    taken: set[str] = set()
    for number in sorted(set(numbers)):
        stem = number
        plain = (_PLAIN_NAME.fullmatch(number) is not None and not number.endswith(".")
                 and number.split(".")[0].lower() not in _DEVICE_NAMES)
        if not plain or stem.casefold() in taken:
            cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", number).strip("._-")[:60] or "patient"
            stem = f"{cleaned}-{hashlib.sha256(number.encode('utf-8')).hexdigest()[:12]}"
        taken.add(stem.casefold())
        names[number] = stem + suffix
    return names


def write_clinic_files(ctx: AppContext, fmt: str, out: Path) -> ClinicExport:
    """One file per patient (exam-record JSON or FHIR bundle) in a folder, or in `out` if it ends in `.zip`.

    A folder must be new or empty, so an export never mixes with other files; a zip is written
    whole to a temporary file first and then put in place.
    """
    if fmt not in (JSON, FHIR):
        raise InvalidInput(f"format: the whole clinic as files is {JSON} or {FHIR}, not {fmt!r}")
    numbers = record_numbers(ctx)
    names = file_names(numbers)
    files = ((names[number], chart_text(load_chart(ctx, number), fmt)) for number in numbers)
    if out.suffix.lower() == ".zip":
        _write_zip(out, files)
    else:
        _write_folder(out, files)
    _note_export(ctx, "clinic", None, fmt, len(numbers))
    return ClinicExport(out, fmt, len(numbers))


def _write_folder(out: Path, files: Iterable[tuple[str, str]]) -> None:
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"{out}: is a file, not a folder (name a new or empty folder, or a .zip file)")
    try:
        if out.is_dir() and any(out.iterdir()):
            raise InvalidInput(f"{out}: the folder is not empty (name a new or empty folder, or a .zip file)")
        out.mkdir(parents=True, exist_ok=True)
        for name, text in files:
            (out / name).write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        raise InvalidInput(f"{out}: cannot write ({error.strerror})") from None


def _write_zip(out: Path, files: Iterable[tuple[str, str]]) -> None:
    if out.is_dir():
        raise InvalidInput(f"{out}: is a folder, not a .zip file")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    except OSError as error:
        raise InvalidInput(f"{out}: cannot write ({error.strerror})") from None
    try:
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w") as archive:
            for name, text in files:
                member = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
                member.compress_type = zipfile.ZIP_DEFLATED
                member.external_attr = 0o644 << 16
                archive.writestr(member, text.encode("utf-8"))
        os.replace(temporary, out)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise InvalidInput(f"{out}: cannot write ({error.strerror})") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------ importing


@dataclass(frozen=True)
class ImportOutcome:
    """What became of one record file: stored (`result`) or refused (`refusal`, one line)."""

    source: str
    result: ImportResult | None = None
    refusal: str | None = None


def read_record_bytes(data: bytes, source: str) -> ExamRecord:
    """A record file's content read and checked; InvalidInput names `source` and the first problem."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{source}: not UTF-8 text (byte {error.start})") from None
    try:
        return read_exam_record(text)
    except RecordError as error:
        raise InvalidInput(f"{source}: {error}") from None


def import_paths(ctx: AppContext, paths: Iterable[Path], allow_backdated: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> Iterator[ImportOutcome]:
    """Record files, folders of them and zip archives of them, one outcome per record file.

    A file refused leaves the others alone; a folder or archive that cannot be read at all is one
    refusal naming it. `allow_backdated`: see `import_record`; `progress`: the visits written of a
    record file given by itself (see `import_record`).
    """
    for path in paths:
        if path.is_dir() or path.suffix.lower() == ".zip":
            try:
                yield from import_archive(ctx, path, allow_backdated)
            except InvalidInput as error:
                yield ImportOutcome(str(path), refusal=str(error))
            continue
        try:
            yield ImportOutcome(str(path), result=import_file(ctx, path, allow_backdated, progress))
        except InvalidInput as error:
            yield ImportOutcome(str(path), refusal=str(error))


def import_archive(ctx: AppContext, path: Path, allow_backdated: bool = False) -> Iterator[ImportOutcome]:
    """The `.json` record files of a folder or a zip archive, in name order, each stored whole or not at all.

    Raises InvalidInput when the folder or archive itself cannot be read (not a zip, no record file).
    """
    if path.is_dir():
        members = _folder_members(path)
        yield from _import_members(ctx, members, allow_backdated)
        return
    if not path.exists():
        raise InvalidInput(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise InvalidInput(f"{path}: not a zip archive")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise InvalidInput(f"{path}: not a readable zip archive ({error})") from None
    with archive:
        yield from _import_members(ctx, _zip_members(path, archive), allow_backdated)


_Member = tuple[str, Callable[[], bytes]]


def _is_record_name(name: str) -> bool:
    parts = name.split("/")
    hidden = any(part.startswith(".") or part == "__MACOSX" for part in parts)
    return name.lower().endswith(".json") and not hidden


def _folder_members(path: Path) -> list[_Member]:
    try:
        files = sorted(p for p in path.iterdir() if p.is_file() and _is_record_name(p.name))
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read the folder ({error.strerror})") from None
    if not files:
        raise InvalidInput(f"{path}: no .json record file in the folder")

    def reader(file: Path) -> Callable[[], bytes]:
        def read() -> bytes:
            try:
                return file.read_bytes()
            except OSError as error:
                raise InvalidInput(f"{file}: cannot read ({error.strerror})") from None
        return read

    return [(str(file), reader(file)) for file in files]


def _zip_members(path: Path, archive: zipfile.ZipFile) -> list[_Member]:
    infos = sorted((i for i in archive.infolist() if not i.is_dir() and _is_record_name(i.filename)),
                   key=lambda i: i.filename)
    if not infos:
        raise InvalidInput(f"{path}: no .json record file in the archive")

    def reader(info: zipfile.ZipInfo, source: str) -> Callable[[], bytes]:
        def read() -> bytes:
            if info.file_size > MAX_MEMBER_BYTES:
                raise InvalidInput(f"{source}: {info.file_size} bytes is too large for a record file")
            try:
                return archive.read(info)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as error:
                # RuntimeError: an encrypted member; NotImplementedError: an unknown compression.
                raise InvalidInput(f"{source}: damaged or unreadable in the archive ({error})") from None
        return read

    return [(f"{path}/{i.filename}", reader(i, f"{path}/{i.filename}")) for i in infos]


def _import_members(ctx: AppContext, members: list[_Member], allow_backdated: bool) -> Iterator[ImportOutcome]:
    for source, read in members:
        try:
            record = read_record_bytes(read(), source)
            yield ImportOutcome(source, result=import_record(ctx, record, source, allow_backdated))
        except InvalidInput as error:
            yield ImportOutcome(source, refusal=str(error))
