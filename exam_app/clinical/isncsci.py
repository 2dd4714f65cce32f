"""ISNCSCI 2019: classification of one worksheet of the International Standards for Neurological
Classification of Spinal Cord Injury (2019 revision).

From the worksheet (light touch, pin prick and key-muscle motor scores per side and level, voluntary
anal contraction (VAC), deep anal pressure (DAP), the lowest non-key muscle with motor function) it
computes the motor and sensory totals, the sensory and motor levels of each side, the neurological
level of injury (NLI), complete or incomplete, the AIS grade and the zones of partial preservation
(ZPP). The tables are `resources/isncsci.json`; `docs/rules.md` explains the rules for clinicians.

Conventions of the 2019 worksheet, as in the published known-answer cases:

- Scores: motor 0-5, sensory 0-2, `NT` not testable. `*` after a score (`0*`, `NT*`): impaired by a
  condition other than the spinal cord injury, not considered normal for classification. `**`
  (`4**`, `NT**`): the same, but the examiner considers it normal for classification.
- A result is the set of its possible answers, in level order (`C5,C6`: either, the worksheet cannot
  tell which), `INT` intact, `NA` not applicable (a ZPP when there is sacral sparing), `ND` a total
  that cannot be computed. A `*` on an answer: it rests on a tagged score.

The rules follow the reference algorithm that produced the 128 published cases
(praxis-isncsci/algorithm), step by step, because the `*` and possibility sets of the published
answers come from its exact order of checks; `tests/clinical/test_isncsci_classification.py` holds
every case. Pure Python: no Qt, no database.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal, NamedTuple, NewType, TypeVar, cast

from exam_app.paths import resource_path

MotorScore = NewType("MotorScore", str)
SensoryScore = NewType("SensoryScore", str)
AnalFinding = Literal["Yes", "No", "NT"]

INTACT = "INT"
NOT_APPLICABLE = "NA"
NOT_DETERMINABLE = "ND"

Total = int | None  # None: not determinable ("ND"), a score of the group is NT


# ---------------------------------------------------------------- tables


@dataclass(frozen=True)
class IsncsciTables:
    levels: tuple[str, ...]  # the examined dermatomes, C2 ... S4_5
    key_muscles: tuple[tuple[str, str], ...]  # (level, muscle), C5 ... T1 then L2 ... S1
    motor_scores: frozenset[str]
    sensory_scores: frozenset[str]
    anal_findings: tuple[str, ...]
    non_key_muscle_levels: tuple[str, ...]
    sides: tuple[tuple[str, str], ...]  # ("right", "Right"), ("left", "Left"): the side as written in keys
    file_words: Mapping[str, str]  # how the flat worksheet file names each kind of input
    ignored_keys: frozenset[str]
    result_keys: tuple[str, ...]

    @property
    def key_muscle_levels(self) -> tuple[str, ...]:
        return tuple(level for level, _ in self.key_muscles)


@cache
def isncsci_tables() -> IsncsciTables:
    raw = json.loads(resource_path("isncsci.json").read_text(encoding="utf-8"))
    levels = tuple(raw["levels"])
    non_key = raw["non_key_muscle_levels"]
    file = raw["worksheet_file"]
    return IsncsciTables(
        levels=levels,
        key_muscles=tuple((m["level"], m["muscle"]) for m in raw["key_muscles"]),
        motor_scores=frozenset(raw["motor_scores"]),
        sensory_scores=frozenset(raw["sensory_scores"]),
        anal_findings=tuple(raw["anal_findings"]),
        non_key_muscle_levels=levels[levels.index(non_key["first"]): levels.index(non_key["last"]) + 1],
        sides=tuple(file["sides"].items()),
        file_words={**file["kinds"], "vac": file["vac"], "dap": file["dap"],
                    "lowest_non_key_muscle": file["lowest_non_key_muscle"]},
        ignored_keys=frozenset(file["ignored"]) | frozenset(raw["results"]),
        result_keys=tuple(raw["results"]),
    )


# ---------------------------------------------------------------- the worksheet


@dataclass(frozen=True, slots=True)
class SideExam:
    """One side of the worksheet."""

    light_touch: tuple[SensoryScore, ...]  # one per dermatome, in the order of `levels` (C2 ... S4_5)
    pin_prick: tuple[SensoryScore, ...]
    motor: tuple[MotorScore, ...]  # one per key muscle, C5 ... T1 then L2 ... S1
    lowest_non_key_muscle: str | None = None  # the level of the lowest non-key muscle with motor function

    def light_touch_at(self, level: str) -> SensoryScore:
        return self.light_touch[isncsci_tables().levels.index(level)]

    def pin_prick_at(self, level: str) -> SensoryScore:
        return self.pin_prick[isncsci_tables().levels.index(level)]

    def motor_at(self, level: str) -> MotorScore:
        return self.motor[isncsci_tables().key_muscle_levels.index(level)]


@dataclass(frozen=True, slots=True)
class Worksheet:
    right: SideExam
    left: SideExam
    vac: AnalFinding  # voluntary anal contraction
    dap: AnalFinding  # deep anal pressure


def read_motor_score(text: object) -> MotorScore:
    """`"4**"` -> the score; anything the 2019 worksheet does not allow raises ValueError, never 0."""
    if isinstance(text, str) and text in isncsci_tables().motor_scores:
        return MotorScore(text)
    raise ValueError(f"{json.dumps(text)} is not a motor score (0-5 or NT; * or ** after 0-4 or NT)")


def read_sensory_score(text: object) -> SensoryScore:
    if isinstance(text, str) and text in isncsci_tables().sensory_scores:
        return SensoryScore(text)
    raise ValueError(f"{json.dumps(text)} is not a sensory score (0-2 or NT; * or ** after 0, 1 or NT)")


def read_anal_finding(text: object) -> AnalFinding:
    if isinstance(text, str) and text in isncsci_tables().anal_findings:
        return cast(AnalFinding, text)
    raise ValueError(f"{json.dumps(text)} is not Yes, No or NT")


def read_non_key_muscle(text: object) -> str:
    tables = isncsci_tables()
    if isinstance(text, str) and text in tables.non_key_muscle_levels:
        return text
    first, last = tables.non_key_muscle_levels[0], tables.non_key_muscle_levels[-1]
    raise ValueError(f"{json.dumps(text)} is not a level from {first} to {last}")


class _FileLayout(NamedTuple):
    """The keys of the flat worksheet file (`c5RightMotor`, `s4_5LeftPrick`, `analContraction`, ...)."""

    sides: tuple[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...], str], ...]
    # per side: (right/left, light-touch keys, pin-prick keys, motor keys, lowest non-key muscle key)
    vac: str
    dap: str
    required: tuple[str, ...]  # in the order of the worksheet
    optional: frozenset[str]


@cache
def _file_layout() -> _FileLayout:
    tables = isncsci_tables()
    words = tables.file_words
    sides = tuple(
        (name,
         tuple(f"{level.lower()}{side}{words['light_touch']}" for level in tables.levels),
         tuple(f"{level.lower()}{side}{words['pin_prick']}" for level in tables.levels),
         tuple(f"{level.lower()}{side}{words['motor']}" for level in tables.key_muscle_levels),
         f"{side.lower()}{words['lowest_non_key_muscle']}")
        for name, side in tables.sides
    )
    required: list[str] = []
    for level in tables.levels:
        stem = level.lower()
        for _, side in tables.sides:
            required += [f"{stem}{side}{words['light_touch']}", f"{stem}{side}{words['pin_prick']}"]
        if level in tables.key_muscle_levels:
            required += [f"{stem}{side}{words['motor']}" for _, side in tables.sides]
    required += [words["vac"], words["dap"]]
    return _FileLayout(sides, words["vac"], words["dap"], tuple(required),
                       frozenset(non_key for *_, non_key in sides))


def worksheet_keys() -> tuple[tuple[str, ...], frozenset[str]]:
    """The keys of the flat worksheet file: (required, in worksheet order; optional)."""
    layout = _file_layout()
    return layout.required, layout.optional


def worksheet_from_fields(fields: Mapping[str, object]) -> Worksheet:
    """Read the flat worksheet of the published cases (`c5RightMotor`, `s4_5LeftPrick`, ...).

    Every score and both anal findings, nothing else; the lowest non-key muscles may be left out.
    Raises ValueError whose message starts with the key at fault.
    """
    layout = _file_layout()
    known = frozenset(layout.required) | layout.optional
    for key in fields:
        if key not in known:
            raise ValueError(f"{key}: not an input of the ISNCSCI worksheet")
    for key in layout.required:
        if key not in fields:
            raise ValueError(f"{key}: missing")
    sides = {
        name: SideExam(
            light_touch=tuple(_field(fields, key, read_sensory_score) for key in touch_keys),
            pin_prick=tuple(_field(fields, key, read_sensory_score) for key in prick_keys),
            motor=tuple(_field(fields, key, read_motor_score) for key in motor_keys),
            lowest_non_key_muscle=_field(fields, non_key, read_non_key_muscle) if non_key in fields else None,
        )
        for name, touch_keys, prick_keys, motor_keys, non_key in layout.sides
    }
    return Worksheet(right=sides["right"], left=sides["left"],
                     vac=_field(fields, layout.vac, read_anal_finding),
                     dap=_field(fields, layout.dap, read_anal_finding))


_T = TypeVar("_T")


def _field(fields: Mapping[str, object], key: str, reader: Callable[[object], _T]) -> _T:
    try:
        return reader(fields[key])
    except ValueError as error:
        raise ValueError(f"{key}: {error}") from None


# ---------------------------------------------------------------- the result


class Possibility(NamedTuple):
    """One possible answer: a level (`C5`), `INT`, `NA`, an AIS grade, `C` or `I`."""

    value: str
    starred: bool = False  # rests on a score tagged as impaired by a condition other than the injury

    def __str__(self) -> str:
        return f"{self.value}*" if self.starred else self.value


Possibilities = tuple[Possibility, ...]  # the possible answers, in level (or grade) order


@dataclass(frozen=True, slots=True)
class SideTotals:
    upper_motor: Total  # the five key muscles C5-T1
    lower_motor: Total  # the five key muscles L2-S1
    motor: Total
    light_touch: Total
    pin_prick: Total


@dataclass(frozen=True, slots=True)
class IsncsciClassification:
    right_totals: SideTotals
    left_totals: SideTotals
    upper_motor_total: Total
    lower_motor_total: Total
    light_touch_total: Total
    pin_prick_total: Total
    right_sensory_level: Possibilities
    left_sensory_level: Possibilities
    right_motor_level: Possibilities
    left_motor_level: Possibilities
    neurological_level: Possibilities
    injury_complete: Possibilities  # C complete, I incomplete
    ais: Possibilities  # AIS grade, A ... E
    right_sensory_zpp: Possibilities
    left_sensory_zpp: Possibilities
    right_motor_zpp: Possibilities
    left_motor_zpp: Possibilities


def totals_json(result: IsncsciClassification) -> dict[str, str]:
    """The 25 results as the published cases write them: strings, `ND`, `C5,C6*`, `NA`, `INT`."""
    right, left = result.right_totals, result.left_totals
    values: dict[str, Total | Possibilities] = {
        "rightUpperMotorTotal": right.upper_motor,
        "leftUpperMotorTotal": left.upper_motor,
        "rightLowerMotorTotal": right.lower_motor,
        "leftLowerMotorTotal": left.lower_motor,
        "rightTouchTotal": right.light_touch,
        "leftTouchTotal": left.light_touch,
        "rightPrickTotal": right.pin_prick,
        "leftPrickTotal": left.pin_prick,
        "rightMotorTotal": right.motor,
        "leftMotorTotal": left.motor,
        "upperMotorTotal": result.upper_motor_total,
        "lowerMotorTotal": result.lower_motor_total,
        "touchTotal": result.light_touch_total,
        "prickTotal": result.pin_prick_total,
        "rightSensory": result.right_sensory_level,
        "leftSensory": result.left_sensory_level,
        "rightMotor": result.right_motor_level,
        "leftMotor": result.left_motor_level,
        "neurologicalLevelOfInjury": result.neurological_level,
        "rightSensoryZpp": result.right_sensory_zpp,
        "leftSensoryZpp": result.left_sensory_zpp,
        "rightMotorZpp": result.right_motor_zpp,
        "leftMotorZpp": result.left_motor_zpp,
        "asiaImpairmentScale": result.ais,
        "injuryComplete": result.injury_complete,
    }
    return {key: _written(values[key]) for key in isncsci_tables().result_keys}


def _written(value: Total | Possibilities) -> str:
    if value is None:
        return NOT_DETERMINABLE
    if isinstance(value, int):
        return str(value)
    return ",".join(map(str, value))


# ---------------------------------------------------------------- classes of scores the rules ask about
#
# Named sets rather than arithmetic on the digits: the rules treat "*" and "**" differently at
# every step, and a reviewer can read each class against the worksheet's conventions.

# Sensory scores
_SENSATION_ALTERED = frozenset({"0", "1", "0*", "1*"})  # impaired, and not to be taken as normal
_SENSATION_IMPAIRED_BUT_NORMAL = frozenset({"0**", "1**"})  # impaired for another reason, considered normal
_SENSATION_MAY_BE_ABSENT = frozenset({"0", "NT", "0*", "NT*"})
_SENSATION_NOT_TESTED = frozenset({"NT", "NT*"})
_SENSATION_TAGGED_SCORE = frozenset({"0*", "1*", "0**", "1**"})  # a score (not NT) with a tag
_SENSATION_COUNTS_AS_NORMAL = frozenset({"2", "0**", "1**", "NT**"})

# Motor scores
_WEAK = frozenset({"0", "1", "2"})  # below antigravity (grade 3), untagged
_COUNTS_AS_NORMAL = frozenset({"5", "0**", "1**", "2**", "3**", "4**", "NT**"})
_MAY_BE_NORMAL = _COUNTS_AS_NORMAL | {"NT"}
_TAGGED_MAY_BE_WEAK = frozenset({"0*", "1*", "2*", "NT*"})  # tagged, not considered normal, may be below 3
_WEAK_BUT_NORMAL = frozenset({"0**", "1**", "2**"})  # below 3 for another reason, considered normal
_STRONG_BUT_NORMAL = frozenset({"3**", "4**", "NT**"})
_TAGGED_BUT_NORMAL = _WEAK_BUT_NORMAL | _STRONG_BUT_NORMAL
_MAY_BE_WEAK_UNSURE = frozenset({"0*", "1*", "2*", "NT", "NT*"})
_MAY_BE_WEAK = _WEAK | _MAY_BE_WEAK_UNSURE
_MAY_BE_PARALYSED = frozenset({"0", "NT", "NT*", "0*"})
_ZERO_TAGGED = frozenset({"0*", "0**"})
# Counted for AIS C (more than half of the key muscles below the NLI below grade 3): sure, unsure.
_COUNTS_WEAK_FOR_C = frozenset({"0", "1", "2", "NT", "NT*"})
_COUNTS_WEAK_FOR_C_UNSURE = frozenset({"0*", "1*", "2*"})
# Counted for AIS D (at least half at grade 3 or more): every score but 0-2; these ones unsure.
_COUNTS_STRONG_FOR_D_UNSURE = frozenset({"0*", "1*", "2*", "0**", "1**", "2**"})
# Motor ZPP: a muscle that shows function (stops the search) or whose function is unknown.
_SHOWS_FUNCTION = frozenset({"1", "2", "3", "4", "5", "1*", "2*", "3*", "4*",
                             "0**", "1**", "2**", "3**", "4**", "NT**"})
_FUNCTION_UNKNOWN = frozenset({"NT", "NT*", "0*"})

_NOT_TESTABLE = frozenset({"NT", "NT*", "NT**"})
_SCORE_POINTS = {text: int(text.rstrip("*")) for text in ("0", "1", "2", "3", "4", "5", "0*", "1*", "2*", "3*", "4*",
                                                          "0**", "1**", "2**", "3**", "4**")}
_UNTAGGED = {text: text.rstrip("*") for text in (*_SCORE_POINTS, *_NOT_TESTABLE)}


# ---------------------------------------------------------------- the ladder of levels

# How the motor level and the NLI check each level above S4_5.
_SENSORY, _BEFORE_KEY_MUSCLES, _KEY_MUSCLE, _LAST_KEY_MUSCLE = range(4)


class _Ladder:
    """Positions C1 (never examined, read as normal) then C2 ... S4_5, and where the key muscles are."""

    def __init__(self, tables: IsncsciTables) -> None:
        self.names = ("C1", *tables.levels)
        self.position = {name: p for p, name in enumerate(self.names)}
        self.last = len(self.names) - 1  # S4_5
        self.key_positions = tuple(self.position[level] for level in tables.key_muscle_levels)
        keys = frozenset(self.key_positions)
        # Blocks of consecutive key muscles: (first, last) = (C5, T1) and (L2, S1).
        blocks: list[tuple[int, int]] = []
        for p in self.key_positions:
            if blocks and blocks[-1][1] == p - 1:
                blocks[-1] = (blocks[-1][0], p)
            else:
                blocks.append((p, p))
        self.blocks = tuple(blocks)
        first, last = blocks[0]
        self.upper_limb_key_muscles = last - first + 1  # the first block, C5-T1; then the lower limb's
        self.block_of = {p: block for block in blocks for p in range(block[0], block[1] + 1)}
        firsts = {first for first, _ in blocks}
        lasts = {last for _, last in blocks}
        self.kind = tuple(
            _BEFORE_KEY_MUSCLES if p + 1 in firsts
            else _LAST_KEY_MUSCLE if p in lasts
            else _KEY_MUSCLE if p in keys
            else _SENSORY
            for p in range(self.last)
        )
        # Index (into key_positions) of the first key muscle at or below each position; past S1: none.
        self._first_key = tuple(
            next((k for k, kp in enumerate(self.key_positions) if kp >= p), len(self.key_positions))
            for p in range(len(self.names))
        )
        self.at = tuple((Possibility(name), Possibility(name, True)) for name in self.names)
        self.intact = (Possibility(INTACT), Possibility(INTACT, True))

    def first_key_muscle_from(self, p: int) -> int:
        return self._first_key[min(p, self.last)]


@cache
def _ladder() -> _Ladder:
    return _Ladder(isncsci_tables())


class _Side(NamedTuple):
    """One side read along the ladder, for the rules."""

    touch: tuple[str, ...]  # by position; C1 reads 2
    prick: tuple[str, ...]
    motor: tuple[str | None, ...]  # by position; None where the level has no key muscle
    non_key: int | None  # position of the lowest non-key muscle with motor function, at a key-muscle level
    first_not_normal: int  # the first dermatome whose light touch or pin prick is not 2 (past S4_5: none)
    first_tagged: int  # the first level with a tagged score (past S4_5: none)


def _side_along_ladder(side: SideExam) -> _Side:
    g = _ladder()
    motor: list[str | None] = [None] * len(g.names)
    for p, score in zip(g.key_positions, side.motor, strict=True):
        motor[p] = score
    non_key = g.position.get(side.lowest_non_key_muscle or "")
    touch, prick = ("2", *side.light_touch), ("2", *side.pin_prick)
    return _Side(touch, prick, tuple(motor), non_key if non_key in g.block_of else None,
                 _first_not_normal(side.light_touch, side.pin_prick), _first_tagged(touch, prick, motor))


def _first_not_normal(touch: tuple[str, ...], prick: tuple[str, ...]) -> int:
    for p, (t, k) in enumerate(zip(touch, prick, strict=True), start=1):
        if t != "2" or k != "2":
            return p
    return len(touch) + 1


def _first_tagged(touch: tuple[str, ...], prick: tuple[str, ...], motor: list[str | None]) -> int:
    if "*" not in "".join(touch) + "".join(prick) + "".join(m for m in motor if m is not None):
        return len(touch)
    for p, (t, k, m) in enumerate(zip(touch, prick, motor, strict=True)):
        if "*" in t or "*" in k or (m is not None and "*" in m):
            return p
    return len(touch)


def _without_tags(side: _Side) -> _Side:
    """The side as if no score carried a tag: `0*` and `0**` read 0, `NT**` reads NT."""
    touch = tuple(_UNTAGGED[v] for v in side.touch)
    prick = tuple(_UNTAGGED[v] for v in side.prick)
    return side._replace(touch=touch, prick=prick, motor=tuple(None if v is None else _UNTAGGED[v] for v in side.motor),
                         first_not_normal=_first_not_normal(touch[1:], prick[1:]), first_tagged=len(touch))


class _Step(NamedTuple):
    go_on: bool  # the level below may still be normal: keep walking down
    level: Possibility | None  # this level is a possible answer
    tagged: bool  # the walk has passed a tagged score: the answers from here on take a `*`


_GO_ON = (_Step(True, None, False), _Step(True, None, True))  # indexed by `tagged`


# ---------------------------------------------------------------- sensory and motor levels


def _sensory_step(side: _Side, p: int, tagged: bool) -> _Step:
    """Level p is the sensory level if the dermatome below it is not normal."""
    below = p + 1
    touch, prick = side.touch[below], side.prick[below]
    if touch == "2" and prick == "2":
        return _GO_ON[tagged]
    here = _ladder().at[p]
    if touch in _SENSATION_ALTERED or prick in _SENSATION_ALTERED:
        return _Step(False, here[tagged], tagged)
    if touch == "NT*" or prick == "NT*":
        return _Step(False, here[True], True)
    if touch == "NT" or prick == "NT":
        # Not testable below: this level may be the answer, and so may the ones further down.
        impaired_but_normal = touch in _SENSATION_IMPAIRED_BUT_NORMAL or prick in _SENSATION_IMPAIRED_BUT_NORMAL
        return _Step(True, here[tagged], tagged or impaired_but_normal)
    return _GO_ON[True]  # normal, though only by the examiner's "**"


def _sensory_level(side: _Side) -> Possibilities:
    g = _ladder()
    found: list[Possibility] = []
    tagged = False
    # Down to the first dermatome not scored 2 and 2, every step goes on and changes nothing.
    for p in range(side.first_not_normal - 1, g.last):
        step = _sensory_step(side, p, tagged)
        tagged = tagged or step.tagged
        if step.level:
            found.append(step.level)
        if not step.go_on:
            return tuple(found)
    found.append(g.intact[tagged])
    return tuple(found)


def _before_key_muscles_step(side: _Side, p: int, tagged: bool) -> _Step:
    """C4 (and L1): the level is the motor level if the first key muscle below it may be weak."""
    below = side.motor[p + 1]
    return _Step(below not in _WEAK,
                 _ladder().at[p][tagged] if below in _MAY_BE_WEAK else None,
                 tagged or below in _WEAK_BUT_NORMAL)


def _key_muscle_step(side: _Side, p: int, below_p: int, tagged: bool) -> _Step:
    """A key muscle (at least 3 here, or the walk would have stopped above) and the next one below."""
    muscle, below = side.motor[p], side.motor[below_p]
    go_on = muscle in _MAY_BE_NORMAL and below not in _WEAK
    level = None
    if not (muscle in _COUNTS_AS_NORMAL and below not in _MAY_BE_WEAK):
        starred = muscle in _TAGGED_MAY_BE_WEAK or (muscle in _WEAK_BUT_NORMAL and below in _MAY_BE_WEAK_UNSURE)
        level = _ladder().at[p][starred or tagged]
    if muscle in _TAGGED_MAY_BE_WEAK:
        tagged = True
    elif muscle in _TAGGED_BUT_NORMAL:
        tagged = tagged or below not in _WEAK
    elif muscle == "5":
        tagged = tagged or below in _WEAK_BUT_NORMAL
    return _Step(go_on, level, tagged)


def _last_key_muscle_step(side: _Side, p: int, tagged: bool) -> _Step:
    """T1 (and S1): no key muscle below, so the dermatomes of the block and the one below decide."""
    first, last = _ladder().block_of[p]
    sensation_go_on, sensation_named, sensation_tagged = True, False, False
    for q in range(first - 1, last + 1):
        step = _sensory_step(side, q, False)
        sensation_go_on = sensation_go_on and step.go_on
        sensation_named = sensation_named or step.level is not None
        sensation_tagged = sensation_tagged or step.tagged
    muscle = side.motor[p]
    level = None
    if muscle == "NT" or not (muscle in _COUNTS_AS_NORMAL and sensation_go_on and not sensation_named):
        starred = muscle in _TAGGED_MAY_BE_WEAK or (
            muscle in _WEAK_BUT_NORMAL and (sensation_named or not sensation_go_on))
        level = _ladder().at[p][starred or tagged]
    if (muscle in _TAGGED_MAY_BE_WEAK or muscle in _WEAK_BUT_NORMAL
            or (muscle in _STRONG_BUT_NORMAL and sensation_go_on)
            or (muscle in ("5", "NT") and sensation_go_on and sensation_tagged and not sensation_named)):
        tagged = True
    return _Step(muscle in _MAY_BE_NORMAL and sensation_go_on, level, tagged)


def _motor_level(side: _Side, vac: AnalFinding) -> Possibilities:
    """Walk down from C1: sensation where there is no key muscle, the key muscles where there are."""
    g = _ladder()
    found: list[Possibility] = []
    tagged = False
    for p in range(g.last):
        kind = g.kind[p]
        if kind == _SENSORY:
            if p + 1 < side.first_not_normal:
                continue  # sensation normal below: nothing to note, walk on
            step = _sensory_step(side, p, tagged)
        elif kind == _BEFORE_KEY_MUSCLES:
            step = _before_key_muscles_step(side, p, tagged)
        elif kind == _KEY_MUSCLE:
            step = _key_muscle_step(side, p, p + 1, tagged)
        else:
            step = _last_key_muscle_step(side, p, tagged)
        tagged = tagged or step.tagged
        if step.level:
            found.append(step.level)
        if not step.go_on:
            return tuple(found)
    # Normal down to S3: voluntary anal contraction tells whether the motor level is S3 or intact.
    s3 = g.at[g.last - 1][tagged]
    has_s3 = any(answer.value == s3.value for answer in found)
    if vac == "No":
        return tuple(found) if has_s3 else (*found, s3)
    if vac == "NT":
        return (*found, g.intact[tagged]) if has_s3 else (*found, s3, g.intact[tagged])
    return (*found, g.intact[tagged])


# ---------------------------------------------------------------- neurological level of injury


def _neurological_level(right: _Side, left: _Side) -> Possibilities:
    """The lowest level where sensation and (in the key-muscle blocks) motor function are normal on both sides."""
    g = _ladder()
    found: list[Possibility] = []
    tagged = False
    normal_above = min(left.first_not_normal, right.first_not_normal)
    for p in range(g.last):
        kind = g.kind[p]
        if kind == _SENSORY and p + 1 < normal_above:
            continue  # sensation normal below on both sides: nothing to note, walk on
        here = g.at[p]
        left_step = _sensory_step(left, p, tagged)
        right_step = _sensory_step(right, p, tagged)
        level = None
        if left_step.level or right_step.level:
            both_starred = bool(left_step.level and right_step.level
                                and left_step.level.starred and right_step.level.starred)
            level = here[both_starred or tagged]
        go_on = left_step.go_on and right_step.go_on
        step_tagged = tagged or left_step.tagged or right_step.tagged
        if kind != _SENSORY:
            if kind == _BEFORE_KEY_MUSCLES:
                left_motor = _before_key_muscles_step(left, p, tagged)
                right_motor = _before_key_muscles_step(right, p, tagged)
            else:
                below = p if kind == _LAST_KEY_MUSCLE else p + 1
                left_motor = _key_muscle_step(left, p, below, tagged)
                right_motor = _key_muscle_step(right, p, below, tagged)
            if left_motor.level or right_motor.level or level:
                starred = bool(left_motor.level and right_motor.level
                               and (left_motor.level.starred or right_motor.level.starred))
                level = here[starred or tagged]
            if go_on:
                go_on = left_motor.go_on and right_motor.go_on
                step_tagged = step_tagged or left_motor.tagged or right_motor.tagged
        tagged = step_tagged
        if level:
            found.append(level)
        if not go_on:
            return tuple(found)
    found.append(g.intact[tagged])
    return tuple(found)


# ---------------------------------------------------------------- complete or incomplete, AIS grade

_COMPLETE = Possibility("C")
_COMPLETE_TAGGED = Possibility("C", True)
_INCOMPLETE = Possibility("I")
_INCOMPLETE_TAGGED = Possibility("I", True)


def _sacral_sensation(right: _Side, left: _Side) -> tuple[str, str, str, str]:
    last = _ladder().last
    return right.touch[last], right.prick[last], left.touch[last], left.prick[last]


def _injury_complete(worksheet: Worksheet, sacral: tuple[str, ...]) -> Possibilities:
    """Complete: no sacral sparing (no VAC, no DAP, no S4-5 sensation); otherwise incomplete."""
    if worksheet.vac == "No" and worksheet.dap == "No":
        if all(v == "0" for v in sacral):
            return (_COMPLETE,)
        if all(v in ("0", "0*") for v in sacral):
            return (_COMPLETE_TAGGED, _INCOMPLETE_TAGGED)
        if all(v in ("0", "0**") for v in sacral):
            return (_INCOMPLETE_TAGGED,)
    if worksheet.vac != "Yes" and worksheet.dap != "Yes" and all(v in _SENSATION_MAY_BE_ABSENT for v in sacral):
        return (_COMPLETE, _INCOMPLETE)
    return (_INCOMPLETE,)


class _Check(NamedTuple):
    holds: bool
    tagged: bool


_NO = _Check(False, False)


def _sacral_sensation_may_be_preserved(worksheet: Worksheet, sacral: tuple[str, ...]) -> _Check:
    return _Check(worksheet.dap != "No" or any(v != "0" for v in sacral),
                  worksheet.dap == "No" and any(v != "0" for v in sacral)
                  and all(v in ("0", "0*", "0**") for v in sacral))


def _start_below_motor_level(answer: Possibility) -> int:
    """First key muscle more than three levels below this motor level (none below INT)."""
    g = _ladder()
    p = g.last if answer.value == INTACT else g.position[answer.value] + 4
    return g.first_key_muscle_from(p)


def _may_have_no_motor_function_below(side: _Side, motor_level: Possibilities) -> _Check:
    """AIS B: no key muscle (or the non-key muscle) more than three levels below the motor level works."""
    g = _ladder()
    tagged = False
    for answer in motor_level:
        for k in range(_start_below_motor_level(answer), len(g.key_positions)):
            p = g.key_positions[k]
            score = side.motor[p]
            if score in _ZERO_TAGGED:
                tagged = True
            if score not in _MAY_BE_PARALYSED or p == side.non_key:
                break
        else:
            return _Check(True, tagged)
    return _NO


def _may_have_motor_function_below(side: _Side, motor_level: Possibilities) -> _Check:
    """Motor incomplete through sensory sparing: some muscle more than three levels below may work."""
    g = _ladder()
    for answer in motor_level:
        for k in range(_start_below_motor_level(answer), len(g.key_positions)):
            p = g.key_positions[k]
            score = side.motor[p]
            if score != "0" or p == side.non_key:
                return _Check(True, score == "0**")
    return _NO


def _key_muscles_below(level: Possibility) -> range:
    g = _ladder()
    p = g.last if level.value == INTACT else g.position[level.value]
    return range(g.first_key_muscle_from(p + 1), len(g.key_positions))


def _most_key_muscles_below_may_be_weak(right: _Side, left: _Side, nli: Possibilities) -> _Check:
    """AIS C: more than half of the key muscles below the NLI (both sides) may be graded below 3."""
    g = _ladder()
    for level in nli:
        below = _key_muscles_below(level)
        half = len(below)
        sure = unsure = 0
        for k in below:
            p = g.key_positions[k]
            for score in (left.motor[p], right.motor[p]):
                if score in _COUNTS_WEAK_FOR_C:
                    sure += 1
                elif score in _COUNTS_WEAK_FOR_C_UNSURE:
                    unsure += 1
        if sure > half:
            return _Check(True, False)
        if sure + unsure > half:
            return _Check(True, True)
    return _NO


def _half_key_muscles_below_may_be_strong(right: _Side, left: _Side, nli: Possibilities) -> _Check:
    """AIS D: at least half of the key muscles below the NLI (both sides) may be graded 3 or more."""
    g = _ladder()
    holds = False
    for level in nli:
        if level.value == INTACT:
            break
        below = _key_muscles_below(level)
        half = len(below)
        if half == 0:
            return _Check(True, False)
        strong = unsure = 0
        for k in below:
            p = g.key_positions[k]
            for score in (left.motor[p], right.motor[p]):
                if score not in _WEAK:
                    strong += 1
                    unsure += score in _COUNTS_STRONG_FOR_D_UNSURE
        if strong - unsure >= half:
            return _Check(True, False)
        holds = holds or strong >= half
    return _Check(holds, holds)


def _ais_grade(worksheet: Worksheet, right: _Side, left: _Side, sacral: tuple[str, ...],
               complete: Possibilities, right_motor: Possibilities, left_motor: Possibilities,
               nli: Possibilities) -> Possibilities:
    vac = worksheet.vac
    intact = next((answer for answer in nli if answer.value == INTACT), None)
    if vac == "Yes" and len(nli) == 1 and intact is not None:
        return (Possibility("E", intact.starred),)
    grades: list[Possibility] = []
    if any(answer.value == "C" for answer in complete):
        grades.append(Possibility("A", any(answer.starred for answer in complete)))
    # B: sensory incomplete, motor complete.
    sensation = _sacral_sensation_may_be_preserved(worksheet, sacral)
    right_none = _may_have_no_motor_function_below(right, right_motor)
    left_none = _may_have_no_motor_function_below(left, left_motor)
    if sensation.holds and vac != "Yes" and right_none.holds and left_none.holds:
        grades.append(Possibility("B", sensation.tagged or (
            vac == "No" and (right_none.tagged or left_none.tagged))))
    # C and D: motor incomplete, through VAC or through sensory sparing with motor function far below.
    motor_incomplete = _NO
    if vac != "No":
        motor_incomplete = _Check(True, False)
    elif sensation.holds:
        right_some = _may_have_motor_function_below(right, right_motor)
        left_some = _may_have_motor_function_below(left, left_motor)
        if right_some.holds or left_some.holds:
            motor_incomplete = _Check(True, right_some.tagged or left_some.tagged)
    if motor_incomplete.holds:
        grade_c = _most_key_muscles_below_may_be_weak(right, left, nli)
        if grade_c.holds:
            # Without the tags, would C still be possible? If not, C rests on a tagged score.
            if right.first_tagged == left.first_tagged == len(right.touch):
                plain_c = grade_c
            else:
                plain_right, plain_left = _without_tags(right), _without_tags(left)
                plain_c = _most_key_muscles_below_may_be_weak(
                    plain_right, plain_left, _neurological_level(plain_right, plain_left))
            grades.append(Possibility("C", grade_c.tagged or motor_incomplete.tagged or not plain_c.holds))
        grade_d = _half_key_muscles_below_may_be_strong(right, left, nli)
        if grade_d.holds:
            grades.append(Possibility("D", grade_d.tagged or motor_incomplete.tagged))
    if vac != "No" and intact is not None:
        grades.append(Possibility("E", intact.starred))
    return tuple(grades)


# ---------------------------------------------------------------- zones of partial preservation

_NA = Possibility(NOT_APPLICABLE)


def _zpp_sensory_step(side: _Side, p: int, tagged: bool) -> _Step:
    touch, prick = side.touch[p], side.prick[p]
    if touch == "0" and prick == "0":
        return _Step(True, None, tagged)
    here = _ladder().at[p]
    if touch not in _SENSATION_MAY_BE_ABSENT or prick not in _SENSATION_MAY_BE_ABSENT:
        return _Step(False, here[tagged], tagged)  # sensation here: the zone ends at this level
    if touch in _SENSATION_NOT_TESTED or prick in _SENSATION_NOT_TESTED:
        return _Step(True, here[tagged], tagged)
    return _Step(True, here[True], True)  # absent but tagged (0*): may be the end of the zone


def _sensory_zpp(side: _Side, dap: AnalFinding) -> Possibilities:
    """The lowest dermatome with some sensation, when sacral sensation (S4-5, DAP) may be absent."""
    g = _ladder()
    if dap == "Yes" or side.touch[g.last] not in _SENSATION_MAY_BE_ABSENT \
            or side.prick[g.last] not in _SENSATION_MAY_BE_ABSENT:
        return (_NA,)
    sacral = _zpp_sensory_step(side, g.last, False)
    applicable = (_NA,) if dap == "NT" or not sacral.go_on or sacral.level is not None else ()
    found: list[Possibility] = []
    tagged = False
    for p in range(g.last - 1, 0, -1):
        if side.touch[p] == "0" and side.prick[p] == "0":
            continue  # no sensation: the zone goes on up
        step = _zpp_sensory_step(side, p, tagged)
        tagged = tagged or step.tagged
        if step.level:
            found.append(step.level)
        if not step.go_on:
            break
    else:
        found.append(g.at[0][False])  # no sensation below C1
    return (*applicable, *reversed(found))


def _motor_zpp(side: _Side, vac: AnalFinding, ais: Possibilities, motor_level: Possibilities) -> Possibilities:
    """The lowest level with some motor function below the motor level, when VAC may be absent."""
    if vac == "Yes":
        return (_NA,)
    g = _ladder()
    named = {answer.value for answer in motor_level}
    top = g.position[motor_level[0].value]
    lowest = motor_level[-1].value
    if named & {"S2", "S3", INTACT}:
        bottom = g.last - 1 if lowest == INTACT else g.position[lowest]
    else:
        bottom = g.key_positions[-1]
    star = _MotorZppStar(side, top, bottom)
    # With AIS C the lowest non-key muscle may be what made the injury motor incomplete: when it lies
    # more than three levels below a level, it stands in for that level.
    non_key = side.non_key if any(grade.value == "C" for grade in ais) else None
    zpp: list[Possibility] = []
    add_non_key = non_key_added = False
    for p in range(bottom, top - 1, -1):
        replaced = non_key is not None and non_key - p > 3
        score = side.motor[p]
        if score is None:
            if g.names[p] in named:
                if replaced:
                    add_non_key = True
                else:
                    zpp.append(g.at[p][star.at(p)])
            continue
        if score in _SHOWS_FUNCTION or score in _FUNCTION_UNKNOWN:
            if replaced:
                add_non_key = True
            else:
                zpp.append(g.at[p][star.at(p)])
                non_key_added = non_key_added or p == side.non_key
            if score in _SHOWS_FUNCTION:
                break
    if add_non_key and not non_key_added and side.non_key is not None:
        zpp.append(g.at[side.non_key][False])
    zpp.sort(key=lambda answer: g.position[answer.value])
    return (_NA, *zpp) if vac == "NT" else tuple(zpp)


class _MotorZppStar:
    """Whether a level named in the motor ZPP takes a `*`: it rests on a tagged score.

    A key-muscle level does when its muscle is a tagged 0 (`0*`, `0**`). A level without a key
    muscle does when its own sensory score is tagged, or when it lies between the first tagged score
    and the end of the run of fully normal key-muscle levels that follows the top of the motor level.
    """

    def __init__(self, side: _Side, top: int, bottom: int) -> None:
        self.side = side
        self.first_tagged = side.first_tagged if side.first_tagged <= bottom else None
        if self.first_tagged is None:
            return
        self.end_of_normal_run = bottom
        for p in range(top + 1, bottom + 1):
            motor = side.motor[p]
            if not (side.touch[p] in _SENSATION_COUNTS_AS_NORMAL and side.prick[p] in _SENSATION_COUNTS_AS_NORMAL
                    and motor is not None and motor in _COUNTS_AS_NORMAL):
                self.end_of_normal_run = p - 1
                break

    def at(self, p: int) -> bool:
        if self.first_tagged is None:
            return False
        motor = self.side.motor[p]
        if motor is not None:
            return motor in _ZERO_TAGGED
        if self.side.touch[p] in _SENSATION_TAGGED_SCORE or self.side.prick[p] in _SENSATION_TAGGED_SCORE:
            return True
        return self.first_tagged <= p <= self.end_of_normal_run


# ---------------------------------------------------------------- totals


def _total(scores: tuple[str, ...]) -> Total:
    """The sum of the scores, a tag changing nothing; not determinable when one is NT."""
    if not _NOT_TESTABLE.isdisjoint(scores):
        return None
    return sum(map(_SCORE_POINTS.__getitem__, scores))


def _sum(a: Total, b: Total) -> Total:
    return None if a is None or b is None else a + b


def _side_totals(side: SideExam) -> SideTotals:
    upper_limb = _ladder().upper_limb_key_muscles
    upper_total, lower_total = _total(side.motor[:upper_limb]), _total(side.motor[upper_limb:])
    return SideTotals(upper_total, lower_total, _sum(upper_total, lower_total),
                      _total(side.light_touch), _total(side.pin_prick))


# ---------------------------------------------------------------- classification


def classify(worksheet: Worksheet) -> IsncsciClassification:
    """The ISNCSCI 2019 classification of one worksheet."""
    right, left = _side_along_ladder(worksheet.right), _side_along_ladder(worksheet.left)
    right_totals, left_totals = _side_totals(worksheet.right), _side_totals(worksheet.left)
    right_motor, left_motor = _motor_level(right, worksheet.vac), _motor_level(left, worksheet.vac)
    nli = _neurological_level(right, left)
    sacral = _sacral_sensation(right, left)
    complete = _injury_complete(worksheet, sacral)
    ais = _ais_grade(worksheet, right, left, sacral, complete, right_motor, left_motor, nli)
    return IsncsciClassification(
        right_totals=right_totals,
        left_totals=left_totals,
        upper_motor_total=_sum(right_totals.upper_motor, left_totals.upper_motor),
        lower_motor_total=_sum(right_totals.lower_motor, left_totals.lower_motor),
        light_touch_total=_sum(right_totals.light_touch, left_totals.light_touch),
        pin_prick_total=_sum(right_totals.pin_prick, left_totals.pin_prick),
        right_sensory_level=_sensory_level(right),
        left_sensory_level=_sensory_level(left),
        right_motor_level=right_motor,
        left_motor_level=left_motor,
        neurological_level=nli,
        injury_complete=complete,
        ais=ais,
        right_sensory_zpp=_sensory_zpp(right, worksheet.dap),
        left_sensory_zpp=_sensory_zpp(left, worksheet.dap),
        right_motor_zpp=_motor_zpp(right, worksheet.vac, ais, right_motor),
        left_motor_zpp=_motor_zpp(left, worksheet.vac, ais, left_motor),
    )


# ---------------------------------------------------------------- a worksheet being recorded
#
# A visit holds its worksheet as the flat layout's entries (`c5RightMotor` -> "4*"), so a draft can
# hold a worksheet half typed; it is classified once every box is recorded (NT when not testable).

WorksheetEntries = dict[str, str]


def entry_key(level: str, side: str, kind: str) -> str:
    """The flat layout's key of one box: ("C5", "right", "motor") -> "c5RightMotor"."""
    tables = isncsci_tables()
    return f"{level.lower()}{dict(tables.sides)[side]}{tables.file_words[kind]}"


def non_key_muscle_key(side: str) -> str:
    tables = isncsci_tables()
    return f"{side}{tables.file_words['lowest_non_key_muscle']}"


def anal_key(finding: Literal["vac", "dap"]) -> str:
    return isncsci_tables().file_words[finding]


def entry_problem(key: str, value: object) -> str | None:
    """What is wrong with one box of a worksheet being recorded (None: it may be stored)."""
    layout = _file_layout()
    if value == "" or value is None:
        return "empty"
    reader: Callable[[object], object]
    if key in (layout.vac, layout.dap):
        reader = read_anal_finding
    elif key in layout.optional:
        reader = read_non_key_muscle
    elif key in layout.required:
        reader = read_motor_score if key.endswith(isncsci_tables().file_words["motor"]) else read_sensory_score
    else:
        return "not an input of the ISNCSCI worksheet"
    try:
        reader(value)
    except ValueError as error:
        return str(error)
    return None


def missing_entries(entries: Mapping[str, str]) -> tuple[str, ...]:
    """The boxes of the worksheet not recorded yet, in worksheet order (the non-key muscles may stay empty)."""
    return tuple(key for key in _file_layout().required if not entries.get(key))


def recorded_worksheet(entries: Mapping[str, str]) -> Worksheet | None:
    """The worksheet once every box is recorded; None while some are empty."""
    if missing_entries(entries):
        return None
    return worksheet_from_fields({key: value for key, value in entries.items() if value})


def with_remaining_normal(entries: Mapping[str, str]) -> WorksheetEntries:
    """The boxes not recorded yet as normal (sensation 2, key muscle 5, VAC and DAP present); a box
    already recorded is never changed."""
    layout = _file_layout()
    normal = {"motor": "5", "sensory": "2", "anal": "Yes"}
    motor_word = isncsci_tables().file_words["motor"]
    filled = dict(entries)
    for key in layout.required:
        if not filled.get(key):
            kind = "anal" if key in (layout.vac, layout.dap) else "motor" if key.endswith(motor_word) else "sensory"
            filled[key] = normal[kind]
    return filled


_KIND_WORDS = {"light_touch": "light touch", "pin_prick": "pin prick", "motor": "key muscle"}


@cache
def entry_labels() -> dict[str, str]:
    """Each box of the worksheet in words, for messages: "c2RightPrick" -> "right C2 pin prick"."""
    tables = isncsci_tables()
    labels: dict[str, str] = {}
    for side, _ in tables.sides:
        for kind, levels in (("light_touch", tables.levels), ("pin_prick", tables.levels),
                             ("motor", tables.key_muscle_levels)):
            for level in levels:
                labels[entry_key(level, side, kind)] = f"{side} {level.replace('_', '-')} {_KIND_WORDS[kind]}"
        labels[non_key_muscle_key(side)] = f"{side} lowest non-key muscle with motor function"
    labels[anal_key("vac")] = "voluntary anal contraction (VAC)"
    labels[anal_key("dap")] = "deep anal pressure (DAP)"
    return labels


# ---------------------------------------------------------------- the findings behind the result


@dataclass(frozen=True)
class WorksheetReading:
    """A worksheet being recorded, read: what is still empty, else its 25 results and the findings
    each statement rests on (decision support: the clinician checks one against the other)."""

    missing: tuple[str, ...]  # the boxes not recorded yet, in worksheet order
    results: dict[str, str] | None  # the 25 results as `totals_json` writes them; None while boxes are empty
    findings: tuple[tuple[str, str], ...] = ()  # (what it is behind, the findings in words)


def read_entries(entries: Mapping[str, str]) -> WorksheetReading:
    missing = missing_entries(entries)
    worksheet = None if missing else recorded_worksheet(entries)
    if worksheet is None:
        return WorksheetReading(missing, None)
    return WorksheetReading((), totals_json(classify(worksheet)), findings_behind(worksheet))


def findings_behind(worksheet: Worksheet) -> tuple[tuple[str, str], ...]:
    """Per side, where sensation first departs from normal and which key muscles are below 5; the
    sacral findings; the lowest non-key muscles with motor function."""
    tables = isncsci_tables()
    found: list[tuple[str, str]] = []
    for side_name, side in (("right", worksheet.right), ("left", worksheet.left)):
        found.append((f"{side_name} sensory level", _sensation_words(side, tables.levels)))
        weak = [f"{level} {score}" for level, score in zip(tables.key_muscle_levels, side.motor, strict=True)
                if score != "5"]
        found.append((f"{side_name} motor level",
                      "key muscles not 5: " + ", ".join(weak) if weak else "every key muscle 5"))
        if side.lowest_non_key_muscle is not None:
            found.append((f"{side_name} lowest non-key muscle", f"motor function down to {side.lowest_non_key_muscle}"))
    sacral = tables.levels[-1]
    found.append(("AIS grade and complete or incomplete",
                  f"{sacral.replace('_', '-')} light touch right {worksheet.right.light_touch[-1]} left "
                  f"{worksheet.left.light_touch[-1]}, pin prick right {worksheet.right.pin_prick[-1]} left "
                  f"{worksheet.left.pin_prick[-1]}; DAP {worksheet.dap}; VAC {worksheet.vac}"))
    return tuple(found)


def _sensation_words(side: SideExam, levels: tuple[str, ...]) -> str:
    for number, level in enumerate(levels):
        touch, prick = side.light_touch[number], side.pin_prick[number]
        if touch != "2" or prick != "2":
            above = f"light touch and pin prick 2 from {levels[0]} to {levels[number - 1]}; " if number else ""
            return f"{above}at {level.replace('_', '-')} light touch {touch}, pin prick {prick}"
    return f"light touch and pin prick 2 from {levels[0]} to {levels[-1].replace('_', '-')}"
