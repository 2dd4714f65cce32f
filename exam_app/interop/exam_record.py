"""The exam-record JSON file, format `exam-record/1` (spec section 2): strict reading and writing.

Reading refuses the whole file at the first error, with one line `PATH: what is wrong` (`$` is the
whole document). Writing produces what reading accepts, so an export imports back unchanged.

Beyond the spec's keys the app reads and writes these optional ones:
- `patient.contact`, `patient.referring_clinician` (strings);
- `visit.incomplete_reason` (string): the visit was signed as incomplete, and why;
- `visit.history`: `onset_character` (sudden/gradual), `legs_affected` (left/right/both),
  `recent_injury`, `diabetes` (booleans), `medications` (list of ids from resources), `alcohol_use`
  (none/moderate/heavy);
- `visit.isncsci`: the ISNCSCI 2019 worksheet of the visit, an object in the flat layout of the
  published cases (`c5RightMotor`: `"4*"`, `s4_5LeftPrick`: `"NT"`, `analContraction`: `"No"`,
  `rightLowestNonKeyMuscleWithMotorFunction`: `"C6"`); a box left out was not recorded yet.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from exam_app.clinical.grades import is_motor_grade, is_sensory_score
from exam_app.clinical.isncsci import entry_problem
from exam_app.clinical.plausibility import birth_date_problem, examined_at_problem, limits, onset_problem
from exam_app.clinical.record import ExamRecord, History, Patient, TensionSign, Visit
from exam_app.clinical.vocabulary import SIDES, vocabulary
from exam_app.tables import history

FORMAT = "exam-record/1"

# Offsets run from -14:00 to +14:00 on Earth: HH at most 14, MM at most 59.
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-](0\d|1[0-4]):[0-5]\d)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

_PATIENT_KEYS = ("record_number", "family_name", "given_name", "birth_date", "sex", "contact",
                 "referring_clinician")
_VISIT_KEYS = ("examined_at", "examiner", "weakness_onset", "symptoms", "red_flags", "motor",
               "light_touch", "pin_prick", "reflexes", "plantar_response", "ankle_clonus_beats",
               "tension_signs", "gait", "vac", "dap", "notes", "history", "incomplete_reason", "isncsci")
_HISTORY_KEYS = ("onset_character", "legs_affected", "recent_injury", "diabetes", "medications",
                 "alcohol_use")
_ONSET_CHARACTERS = ("sudden", "gradual")
_LEGS = ("left", "right", "both")
_ALCOHOL = ("none", "moderate", "heavy")
_ANY_OFFSET = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?([+-]\d{2}:\d{2})")
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")
# What the database columns hold; longer text is refused rather than cut.
_MAX_LENGTH = {"record_number": 64, "family_name": 200, "given_name": 200, "referring_clinician": 200,
               "examiner": 200}
# The deepest a valid record nests is six levels; anything far deeper is not a record.
_MAX_DEPTH = 64
# A JSON string that holds an escaped UTF-16 surrogate, which may be alone (not valid Unicode).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
# A bare NaN or Infinity (Python's json reads them; JSON has no such thing), skipping strings.
_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


class RecordError(ValueError):
    """A record file that breaks the format; `str()` is the one-line message for the user."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class _Object(dict[str, Any]):
    """A JSON object that remembers the first key it was given twice."""

    repeated_key: str | None = None


def _object_pairs(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object()
    for key, value in pairs:
        if key in obj and obj.repeated_key is None:
            obj.repeated_key = key
        obj[key] = value
    return obj


class _NotJsonConstant(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NotJsonConstant(name)


def _line_and_column(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"line {line} column {offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def _constant_position(text: str) -> str:
    for match in _CONSTANT.finditer(text):
        if match.group(1):
            return f"{match.group(1)} is not allowed in JSON at {_line_and_column(text, match.start(1))}"
    return "NaN or Infinity is not allowed in JSON"  # pragma: no cover - the parser found one


def _first_unpaired_surrogate(document: Any) -> str | None:
    """The path of the first key or string holding a lone surrogate, which no file may store."""
    pending: list[tuple[str, Any]] = [("$", document)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            if _has_lone_surrogate(value):
                return path
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                step = _step(path, key)
                if _has_lone_surrogate(key):
                    return path
                pending.append((step, item))
        elif isinstance(value, list):
            pending.extend((f"{path}[{index}]", item) for index, item in reversed(list(enumerate(value))))
    return None


def _step(path: str, key: str) -> str:
    return key if path == "$" else f"{path}.{key}"


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


# ---------------------------------------------------------------- reading


def read_exam_record(text: str, clinic_zone: tzinfo | None = None, now: datetime | None = None) -> ExamRecord:
    """Parse and validate one record file. Raises `RecordError` naming the first problem.

    `clinic_zone` places times written without an offset (default: this machine's zone); `now`
    is the workstation's clock, for the checks of plausible times (default: the time now).
    """
    return _Reader(clinic_zone, now or datetime.now(UTC)).record(parse_json(text))


def parse_json(text: str) -> Any:
    """The JSON document; RecordError at `$` with the line and column of what is not JSON."""
    try:
        document = json.loads(text, object_pairs_hook=_object_pairs, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise RecordError("$", f"not JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    except _NotJsonConstant:
        raise RecordError("$", f"not JSON: {_constant_position(text)}") from None
    except RecursionError:
        raise RecordError("$", "not an exam record: nested far too deeply") from None
    if _SURROGATE_ESCAPE.search(text) or _has_lone_surrogate(text):
        path = _first_unpaired_surrogate(document)
        if path is not None:
            raise RecordError(path, "holds an escaped lone surrogate (\\uD800–\\uDFFF), which is not text")
    return document


class _Step:
    """`with reader._at(step):` the path of what is read inside names `step` (a plain class: a
    generator-based context costs more than reading a grade, and a file holds a hundred thousand)."""

    __slots__ = ("_path", "_step")

    def __init__(self, path: list[str], step: str) -> None:
        self._path, self._step = path, step

    def __enter__(self) -> None:
        self._path.append(self._step)

    def __exit__(self, *_: object) -> None:
        self._path.pop()


class _Reader:
    def __init__(self, clinic_zone: tzinfo | None, now: datetime) -> None:
        self._zone = clinic_zone
        self._now = now
        self._today = now.astimezone().date()
        self._path: list[str] = []
        self._vocab = vocabulary()

    # -- paths and errors

    def _at(self, step: str) -> _Step:
        return _Step(self._path, step)

    def _where(self, step: str | None = None) -> str:
        path = "$"
        for part in [*self._path, *([step] if step is not None else [])]:
            if part.startswith("["):
                path = f"{path}{part}"
            elif _PLAIN_KEY.fullmatch(part):
                path = f"{path}.{part}"
            else:  # a key as the file wrote it, escaped so that the message stays one printable line
                path = f"{path}[{json.dumps(part)}]"
        return path.removeprefix("$.") if path.startswith("$.") else path

    def _fail(self, problem: str, step: str | None = None) -> RecordError:
        return RecordError(self._where(step), problem)

    # -- generic checks

    def _object(self, value: Any, allowed: tuple[str, ...] | None, what: str) -> _Object:
        if not isinstance(value, dict):
            raise self._fail(f"{_show(value)} is not {what} (expected a JSON object)")
        assert isinstance(value, _Object)
        if value.repeated_key is not None:
            raise self._fail("key given twice", value.repeated_key)
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    raise self._fail("unknown key", key)
        return value

    def _string(self, value: Any, what: str = "a string") -> str:
        if not isinstance(value, str):
            raise self._fail(f"{_show(value)} is not {what}")
        if "\x00" in value:
            raise self._fail("holds a NUL character, which is not text")
        return value

    def _optional_text(self, obj: _Object, key: str) -> str | None:
        value = obj.get(key)
        if value is None:
            return None
        with self._at(key):
            text = self._string(value)
            longest = _MAX_LENGTH.get(key)
            if longest is not None and len(text) > longest:
                raise self._fail(f"is {len(text)} characters long (at most {longest})")
            return text

    def _choice(self, value: Any, choices: tuple[str, ...], what: str) -> str:
        if not isinstance(value, str) or value not in choices:
            raise self._fail(f"{_show(value)} is not {what} (one of {', '.join(choices)})")
        return value

    def _id_list(self, value: Any, known: tuple[str, ...], what: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self._fail(f"{_show(value)} is not a list of {what} ids")
        seen: list[str] = []
        for index, item in enumerate(value):
            with self._at(f"[{index}]"):
                if not isinstance(item, str) or item not in known:
                    raise self._fail(f"{_show(item)} is not a known {what}")
                if item in seen:
                    raise self._fail(f"{_show(item)} is listed twice")
                seen.append(item)
        return tuple(seen)

    def _boolean(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise self._fail(f"{_show(value)} is not true or false")
        return value

    def _integer(self, value: Any, low: int, high: int, what: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(f"{_show(value)} is not {what} (a whole number)")
        if value < low or value > high:
            raise self._fail(f"{_show(value)} is out of range for {what} ({low} to {high})")
        return value

    def _time(self, value: Any) -> datetime:
        offset = _ANY_OFFSET.fullmatch(value) if isinstance(value, str) else None
        if offset is not None and not _TIME.fullmatch(value):
            raise self._fail(f"{_show(value)}: the offset {offset.group(1)} is not ±HH:MM with HH at most 14 "
                             "and MM at most 59")
        if not isinstance(value, str) or not _TIME.fullmatch(value):
            raise self._fail(f"{_show(value)} is not a time (YYYY-MM-DDTHH:MM[:SS] with optional Z or ±HH:MM)")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise self._fail(f"{_show(value)} is not a valid time") from None
        if moment.tzinfo is None:
            try:
                moment = moment.replace(tzinfo=self._zone) if self._zone is not None else moment.astimezone()
            except (OverflowError, ValueError):  # years 1 and 9999 have no local time on every clock
                raise self._fail(f"{_show(value)} is not a plausible time") from None
        return moment

    def _date(self, value: Any) -> date:
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            raise self._fail(f"{_show(value)} is not a date (YYYY-MM-DD)")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self._fail(f"{_show(value)} is not a valid date") from None

    def _sided(self, value: Any, read_side: Callable[[Any], Any], what: str) -> dict[str, Any]:
        obj = self._object(value, SIDES, f"{what} by side")
        sides: dict[str, Any] = {}
        path = self._path
        for side in SIDES:
            given = obj.get(side)
            if given is not None:
                path.append(side)  # `with self._at(side)`, spelt out: a file holds a hundred thousand values
                try:
                    sides[side] = read_side(given)
                finally:
                    path.pop()
        return sides

    def _items(self, value: Any, known: tuple[str, ...], what: str,
               read_side: Callable[[Any], Any]) -> dict[str, dict[str, Any]]:
        obj = self._object(value, None, f"a set of {what}s")
        items: dict[str, dict[str, Any]] = {}
        for key, sides in obj.items():
            if key not in known:
                raise self._fail(f"unknown {what} id", key)
            if sides is None:
                continue
            with self._at(key):
                graded = self._sided(sides, read_side, what)
            if graded:
                items[key] = graded
        return items

    # -- the document

    def record(self, document: Any) -> ExamRecord:
        """The record of a document parsed for this reader alone: its visits' JSON is let go as they are read."""
        top = self._object(document, ("format", "patient", "visits"), "an exam record")
        if top.get("format") != FORMAT:
            if "format" not in top:
                raise self._fail("required key missing", "format")
            raise self._fail(f"{_show(top['format'])} is not the format {_show(FORMAT)}", "format")
        if top.get("patient") is None:
            raise self._fail("required key missing", "patient")
        with self._at("patient"):
            patient = self.patient(top["patient"])
        if top.get("visits") is None:
            raise self._fail("required key missing", "visits")
        if not isinstance(top["visits"], list):
            raise self._fail(f"{_show(top['visits'])} is not a list of visits", "visits")
        visits: list[Visit] = []
        first_at: dict[datetime, int] = {}
        raws: list[Any] = top["visits"]
        for index, raw in enumerate(raws):
            # Each visit's JSON let go once read (the document is this reader's): a large file's visits
            # are not held twice, as JSON and as visits.
            raws[index] = None
            with self._at("visits"), self._at(f"[{index}]"):
                visit = self.visit(raw, patient)
                if visit.examined_at in first_at:
                    raise self._fail(
                        f"same instant as visits[{first_at[visit.examined_at]}] (two visits cannot share a time)",
                        "examined_at",
                    )
            first_at[visit.examined_at] = index
            visits.append(visit)
        return ExamRecord(patient, visits)

    def patient(self, value: Any) -> Patient:
        obj = self._object(value, _PATIENT_KEYS, "a patient")
        if obj.get("record_number") is None:
            raise self._fail("required key missing", "record_number")
        with self._at("record_number"):
            record_number = self._string(obj["record_number"])
            if not record_number.strip():
                raise self._fail("is blank (a record number is required)")
            if len(record_number.strip()) > _MAX_LENGTH["record_number"]:
                raise self._fail(f"is {len(record_number.strip())} characters long "
                                 f"(at most {_MAX_LENGTH['record_number']})")
        birth_date = None
        if obj.get("birth_date") is not None:
            with self._at("birth_date"):
                birth_date = self._date(obj["birth_date"])
                problem = birth_date_problem(birth_date, self._today)
                if problem is not None:
                    raise self._fail(problem)
        sex = None
        if obj.get("sex") is not None:
            with self._at("sex"):
                sex = self._choice(obj["sex"], self._vocab.sexes, "a sex")
        return Patient(
            record_number=record_number.strip(),
            family_name=self._optional_text(obj, "family_name"),
            given_name=self._optional_text(obj, "given_name"),
            birth_date=birth_date,
            sex=sex,
            contact=self._optional_text(obj, "contact"),
            referring_clinician=self._optional_text(obj, "referring_clinician"),
        )

    def visit(self, value: Any, patient: Patient) -> Visit:
        obj = self._object(value, _VISIT_KEYS, "a visit")
        vocab = self._vocab
        if obj.get("examined_at") is None:
            raise self._fail("required key missing", "examined_at")
        with self._at("examined_at"):
            examined_at = self._time(obj["examined_at"])
            problem = examined_at_problem(examined_at, self._now, patient.birth_date)
            if problem is not None:
                raise self._fail(problem)
        visit = Visit(examined_at=examined_at, examiner=self._optional_text(obj, "examiner"))
        if obj.get("weakness_onset") is not None:
            with self._at("weakness_onset"):
                onset = self._time(obj["weakness_onset"])
                problem = onset_problem(onset, examined_at, patient.birth_date)
                if problem is not None:
                    raise self._fail(problem)
            visit.weakness_onset = onset
        for key in obj:
            if obj[key] is None or key in ("examined_at", "examiner", "weakness_onset"):
                continue
            with self._at(key):
                self._visit_part(visit, key, obj[key], vocab)
        return visit

    def _visit_part(self, visit: Visit, key: str, value: Any, vocab: Any) -> None:
        motor_ids = tuple(m.id for m in vocab.motor_items)
        level_ids = tuple(level.id for level in vocab.sensory_levels)
        if key == "symptoms":
            visit.symptoms = self._id_list(value, tuple(s.id for s in vocab.symptoms), "symptom")
            visit.asked |= {key}
        elif key == "red_flags":
            visit.red_flags = self._id_list(value, tuple(f.id for f in vocab.red_flags), "red flag")
            # Every question is asked at every visit: a list given is the yes answers, the rest were no.
            visit.red_flags_no = tuple(f.id for f in vocab.red_flags if f.id not in visit.red_flags)
            visit.asked |= {key}
        elif key == "motor":
            visit.motor = self._items(value, motor_ids, "motor item", self._motor_grade)
        elif key in ("light_touch", "pin_prick"):
            scores = self._items(value, level_ids, "sensory level", self._sensory_score)
            setattr(visit, key, scores)
        elif key == "reflexes":
            visit.reflexes = self._items(
                value, tuple(r.id for r in vocab.reflexes), "reflex",
                lambda v: self._choice(v, vocab.reflex_grades, "a reflex grade"))
        elif key == "plantar_response":
            visit.plantar_response = self._sided(
                value, lambda v: self._choice(v, vocab.plantar_responses, "a plantar response"),
                "plantar response")
        elif key == "ankle_clonus_beats":
            beats = limits().clonus_beats
            visit.ankle_clonus_beats = self._sided(
                value, lambda v: self._integer(v, beats.low, beats.high, "clonus beats"), "clonus beats")
        elif key == "tension_signs":
            visit.tension_signs = self._items(
                value, tuple(t.id for t in vocab.tension_signs), "tension sign", self._tension_sign)
        elif key == "gait":
            visit.gait = self._items(
                value, tuple(g.id for g in vocab.gait_items), "gait item",
                lambda v: self._choice(v, vocab.gait_results, "a gait result"))
        elif key in ("vac", "dap"):
            setattr(visit, key, self._choice(value, vocab.anal_results, f"a {key.upper()} answer"))
        elif key == "notes":
            visit.notes = self._string(value)
        elif key == "incomplete_reason":
            visit.incomplete_reason = self._string(value).strip() or None
        elif key == "history":
            visit.history = self._history(value)
        elif key == "isncsci":
            visit.isncsci = self._isncsci(value)

    def _isncsci(self, value: Any) -> dict[str, str]:
        obj = self._object(value, None, "an ISNCSCI worksheet")
        for key, entry in obj.items():
            problem = entry_problem(key, entry)
            if problem is not None:
                raise self._fail(problem, key)
        return dict(obj)

    def _motor_grade(self, value: Any) -> str:
        if not is_motor_grade(value):
            raise self._fail(f"{_show(value)} is not a motor grade")
        return str(value)

    def _sensory_score(self, value: Any) -> str:
        if not is_sensory_score(value):
            raise self._fail(f"{_show(value)} is not a sensory score")
        return str(value)

    def _tension_sign(self, value: Any) -> TensionSign:
        obj = self._object(value, ("result", "angle"), "a tension sign")
        if obj.get("result") is None:
            raise self._fail("required key missing", "result")
        with self._at("result"):
            result = self._choice(obj["result"], self._vocab.tension_results, "a tension sign result")
        angle = None
        if obj.get("angle") is not None:
            with self._at("angle"):
                degrees = limits().tension_sign_angle
                angle = self._integer(obj["angle"], degrees.low, degrees.high, "an angle in degrees")
        return TensionSign(result, angle)

    def _history(self, value: Any) -> History:
        obj = self._object(value, _HISTORY_KEYS, "a history")
        fields: dict[str, Any] = {}
        for key, choices in (("onset_character", _ONSET_CHARACTERS), ("legs_affected", _LEGS),
                             ("alcohol_use", _ALCOHOL)):
            if obj.get(key) is not None:
                with self._at(key):
                    fields[key] = self._choice(obj[key], choices, key.replace("_", " "))
        for key in ("recent_injury", "diabetes"):
            if obj.get(key) is not None:
                with self._at(key):
                    fields[key] = self._boolean(obj[key])
        if obj.get("medications") is not None:
            with self._at("medications"):
                fields["medications"] = self._id_list(obj["medications"], tuple(m.id for m in history().medications),
                                                     "medication")
        return History(**fields)


def _show(value: Any) -> str:
    """A value as the user wrote it, for a message."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


# ---------------------------------------------------------------- writing


def write_exam_record(record: ExamRecord) -> dict[str, Any]:
    """The record as a JSON-ready document, visits in examined_at order."""
    return {
        "format": FORMAT,
        "patient": patient_document(record.patient),
        "visits": [visit_document(v) for v in record.visits_in_order()],
    }


def dumps_exam_record(record: ExamRecord) -> str:
    return json.dumps(write_exam_record(record), ensure_ascii=False, indent=2) + "\n"


def patient_document(patient: Patient) -> dict[str, Any]:
    doc: dict[str, Any] = {"record_number": patient.record_number}
    for key in ("family_name", "given_name", "birth_date", "sex", "contact", "referring_clinician"):
        value = getattr(patient, key)
        if value is not None:
            doc[key] = value.isoformat() if isinstance(value, date) else value
    return doc


def visit_document(visit: Visit) -> dict[str, Any]:
    doc: dict[str, Any] = {"examined_at": visit.examined_at.isoformat()}
    if visit.examiner is not None:
        doc["examiner"] = visit.examiner
    if visit.weakness_onset is not None:
        doc["weakness_onset"] = visit.weakness_onset.isoformat()
    for key in ("symptoms", "red_flags"):
        answered: tuple[str, ...] = getattr(visit, key)
        if answered or key in visit.asked:
            doc[key] = list(answered)
    for key in ("motor", "light_touch", "pin_prick", "reflexes", "gait"):
        items: dict[str, dict[str, str]] = getattr(visit, key)
        if items:
            doc[key] = {item: dict(sides) for item, sides in items.items() if sides}
    for key in ("plantar_response", "ankle_clonus_beats"):
        if getattr(visit, key):
            doc[key] = dict(getattr(visit, key))
    if visit.tension_signs:
        doc["tension_signs"] = {
            sign: {side: _tension_document(t) for side, t in sides.items()}
            for sign, sides in visit.tension_signs.items() if sides
        }
    for key in ("vac", "dap", "notes", "incomplete_reason"):
        if getattr(visit, key) is not None:
            doc[key] = getattr(visit, key)
    if visit.history is not None:
        history = _history_document(visit.history)
        if history:
            doc["history"] = history
    if visit.isncsci is not None:
        doc["isncsci"] = dict(visit.isncsci)
    return doc


def _tension_document(sign: TensionSign) -> dict[str, Any]:
    doc: dict[str, Any] = {"result": sign.result}
    if sign.angle is not None:
        doc["angle"] = sign.angle
    return doc


def _history_document(history: History) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for key in _HISTORY_KEYS:
        value = getattr(history, key)
        if key == "medications":
            if value:
                doc[key] = list(value)
        elif value is not None:
            doc[key] = value
    return doc
