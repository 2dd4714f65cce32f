"""One visit's examination read into typed values (spec section 1), once, for all the rules.

The record keeps what the examiner wrote (`"4-"`, `"NT*"`); the rules need base grades, tags and
sides. Reading a visit here checks every value against the vocabulary, so a rule never meets a
value it does not know. The mappings keep the record's order; lists shown to the clinician are put
in examination order where they are made (`clinical_order`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from itertools import product
from typing import Generic, NamedTuple, TypeVar

from exam_app.clinical.grades import (
    MotorGrade,
    SensoryScore,
    is_motor_grade,
    is_sensory_score,
    parse_motor_grade,
    parse_sensory_score,
)
from exam_app.clinical.record import TensionSign, Visit
from exam_app.clinical.vocabulary import SIDES, vocabulary


class Examination(NamedTuple):
    """The findings of one visit. A key that is absent was not examined at that visit.

    A named tuple rather than a dataclass: one is made per visit on every keystroke of a draft.
    """

    examined_at: datetime
    motor: dict[tuple[str, str], MotorGrade]  # (motor item, side)
    sensory: dict[tuple[str, str, str], SensoryScore]  # (modality, level, side)
    reflexes: dict[tuple[str, str], int | None]  # (reflex, side) -> NINDS grade, None for NT
    plantar_response: dict[str, str]  # side -> flexor / extensor / silent / NT
    ankle_clonus_beats: dict[str, int]  # side -> beats
    tension_signs: dict[tuple[str, str], TensionSign]  # (sign, side)
    gait: dict[tuple[str, str], str]  # (gait item, side)
    anal: dict[str, str]  # vac / dap -> yes / no / NT
    red_flags: tuple[str, ...]
    # The values the rules of section 3 read: graded, untagged and not NT. A tagged value is not
    # the nerve lesion's doing, so it is never a deficit, a fall, an onset or a trigger.
    graded_motor: dict[tuple[str, str], MotorGrade]
    graded_sensory: dict[tuple[str, str, str], SensoryScore]


_T = TypeVar("_T")


@dataclass(frozen=True)
class _Table(Generic[_T]):
    """Every text an item may hold, read once into its value (a grade, a reflex grade, a result)."""

    values: dict[str, _T]
    what: str  # "motor grade", for the message when a text is not one
    keys: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)  # item -> side -> key
    accepted: frozenset[object] = frozenset()  # the texts, and None for a side not given
    usable: frozenset[str] = frozenset()  # the texts graded, untagged and not NT

    @staticmethod
    def of(values: dict[str, _T], what: str, items: Iterable[str], usable: frozenset[str] = frozenset()) -> _Table[_T]:
        # One key object per item and side, shared by every visit: dictionaries that meet the same
        # key object again compare it by identity, which keeps a long record fast.
        keys = {item: {side: (item, side) for side in SIDES} for item in items}
        return _Table(values, what, keys, frozenset([*values, None]), usable)


@dataclass(frozen=True)
class _Ids:
    motor: frozenset[str]
    levels: frozenset[str]
    modalities: tuple[str, ...]
    reflexes: frozenset[str]
    tension_signs: frozenset[str]
    gait_items: frozenset[str]
    red_flags: frozenset[str]
    motor_grades: _Table[MotorGrade]  # every text the grammar allows, read once
    sensory_scores: _Table[SensoryScore]
    reflex_grades: _Table[int | None]
    plantar_responses: frozenset[str]
    tension_results: frozenset[str]
    gait_results: _Table[str]
    anal_results: frozenset[str]
    sensory_keys: dict[str, dict[str, dict[str, tuple[str, str, str]]]]  # modality -> level -> side -> key


_TAGS = ("", "*", "**")


@cache
def _ids() -> _Ids:
    vocab = vocabulary()
    motor_texts = ["".join(parts) for parts in product("012345", ("", "+", "-"), _TAGS)]
    sensory_texts = ["".join(parts) for parts in product("012", _TAGS)]
    not_testable = [f"NT{tag}" for tag in _TAGS]
    motor_grades = {text: parse_motor_grade(text) for text in motor_texts + not_testable if is_motor_grade(text)}
    sensory_scores = {
        text: parse_sensory_score(text) for text in sensory_texts + not_testable if is_sensory_score(text)
    }
    motor_ids = [m.id for m in vocab.motor_items]
    level_ids = [level.id for level in vocab.sensory_levels]
    modality_ids = [m.id for m in vocab.sensory_modalities]
    reflex_ids = [r.id for r in vocab.reflexes]
    gait_ids = [g.id for g in vocab.gait_items]
    return _Ids(
        motor=frozenset(motor_ids),
        levels=frozenset(level_ids),
        modalities=tuple(modality_ids),
        reflexes=frozenset(reflex_ids),
        tension_signs=frozenset(t.id for t in vocab.tension_signs),
        gait_items=frozenset(gait_ids),
        red_flags=frozenset(f.id for f in vocab.red_flags),
        motor_grades=_Table.of(
            motor_grades, "motor grade", motor_ids, frozenset(t for t, g in motor_grades.items() if g.usable)
        ),
        sensory_scores=_Table.of(
            sensory_scores, "sensory score", (), frozenset(t for t, s in sensory_scores.items() if s.usable)
        ),
        reflex_grades=_Table.of(
            {g: (None if g == "NT" else int(g)) for g in vocab.reflex_grades}, "reflex grade", reflex_ids
        ),
        plantar_responses=frozenset(vocab.plantar_responses),
        tension_results=frozenset(vocab.tension_results),
        gait_results=_Table.of({g: g for g in vocab.gait_results}, "gait result", gait_ids),
        sensory_keys={
            modality: {level: {side: (modality, level, side) for side in SIDES} for level in level_ids}
            for modality in modality_ids
        },
        anal_results=frozenset(vocab.anal_results),
    )


_SIDE_SET = frozenset(SIDES)


def read_examination(visit: Visit) -> Examination:
    """The visit's findings as typed values; raises ValueError naming the first value that is wrong."""
    _check_aware(visit.examined_at, "examined_at")
    if visit.weakness_onset is not None:
        _check_aware(visit.weakness_onset, "weakness_onset")
    ids = _ids()
    _check_known(visit.red_flags, ids.red_flags, "red_flags")
    motor, all_motor_usable = _sided(visit.motor, ids.motor, "motor", ids.motor_grades)
    sensory, all_sensory_usable = _sensory(visit, ids)
    # Usually every value is graded, untagged and not NT: then the graded values are all of them.
    usable_motor, usable_sensory = ids.motor_grades.usable, ids.sensory_scores.usable
    graded_motor = (
        motor if all_motor_usable else {key: grade for key, grade in motor.items() if grade.text in usable_motor}
    )
    graded_sensory = (
        sensory if all_sensory_usable else {key: s for key, s in sensory.items() if s.text in usable_sensory}
    )
    return Examination(
        examined_at=visit.examined_at,
        motor=motor,
        sensory=sensory,
        reflexes=_sided(visit.reflexes, ids.reflexes, "reflexes", ids.reflex_grades)[0],
        plantar_response=_one_per_side(visit.plantar_response, "plantar_response", ids.plantar_responses),
        ankle_clonus_beats=_clonus(visit.ankle_clonus_beats),
        tension_signs=_tension_signs(visit.tension_signs, ids),
        gait=_sided(visit.gait, ids.gait_items, "gait", ids.gait_results)[0],
        anal=_anal(visit, ids.anal_results),
        red_flags=tuple(visit.red_flags),
        graded_motor=graded_motor,
        graded_sensory=graded_sensory,
    )


def _check_aware(moment: datetime, name: str) -> None:
    # Comparing visits across offsets is only sound with aware times; the importer attaches the
    # clinic's zone to times written without one.
    if moment.utcoffset() is None:
        raise ValueError(f"{name}: {moment.isoformat()} has no time zone")


def _check_known(given: Iterable[str], known: frozenset[str], path: str) -> None:
    if not known.issuperset(given):
        unknown = next(value for value in given if value not in known)
        raise ValueError(f"{path}: unknown id {unknown!r}")


def _sided(
    given: Mapping[str, Mapping[str, str]],
    known: frozenset[str],
    path: str,
    table: _Table[_T],
) -> tuple[dict[tuple[str, str], _T], bool]:
    """(item, side) -> the value `table` reads for the text given (None: a side not examined), and
    whether every value given is usable (graded, untagged, not NT)."""
    accepted, values, usable, keys = table.accepted, table.values, table.usable, table.keys
    read: dict[tuple[str, str], _T] = {}
    all_usable = True
    try:
        for item, sides in given.items():
            # Set checks per item at C speed; the offending value is looked for only on failure.
            if item not in known or not _SIDE_SET.issuperset(sides) or not accepted.issuperset(sides.values()):
                raise ValueError(_first_error(given, known, path, table))
            all_usable = all_usable and usable.issuperset(sides.values())
            item_keys = keys[item]
            for side, text in sides.items():
                if text is not None:
                    read[item_keys[side]] = values[text]
    except TypeError:  # an unhashable value, such as a list where a grade should be
        raise ValueError(_first_error(given, known, path, table)) from None
    return read, all_usable


def _first_error(given: Mapping[str, Mapping[str, object]], known: frozenset[str], path: str, table: _Table[_T]) -> str:
    for item, sides in given.items():
        if item not in known:
            return f"{path}: unknown id {item!r}"
        for side, text in sides.items():
            if side not in _SIDE_SET:
                return f"{path}.{item}: unknown id {side!r}"
            if text is not None and (not isinstance(text, str) or text not in table.values):
                return f"{path}.{item}.{side}: {text!r} is not a {table.what}"
    raise AssertionError(f"{path}: no wrong value found")  # pragma: no cover - only called on a failed check


def _sensory(visit: Visit, ids: _Ids) -> tuple[dict[tuple[str, str, str], SensoryScore], bool]:
    table = ids.sensory_scores
    accepted, values, usable = table.accepted, table.values, table.usable
    scores: dict[tuple[str, str, str], SensoryScore] = {}
    all_usable = True
    for modality in ids.modalities:
        given, levels, modality_keys = visit.sensory(modality), ids.levels, ids.sensory_keys[modality]
        try:
            for level, sides in given.items():
                if level not in levels or not _SIDE_SET.issuperset(sides) or not accepted.issuperset(sides.values()):
                    raise ValueError(_first_error(given, levels, modality, table))
                all_usable = all_usable and usable.issuperset(sides.values())
                level_keys = modality_keys[level]
                for side, text in sides.items():
                    if text is not None:
                        scores[level_keys[side]] = values[text]
        except TypeError:
            raise ValueError(_first_error(given, levels, modality, table)) from None
    return scores, all_usable


def _tension_signs(given: Mapping[str, Mapping[str, TensionSign]], ids: _Ids) -> dict[tuple[str, str], TensionSign]:
    signs: dict[tuple[str, str], TensionSign] = {}
    for sign, sides in given.items():
        if sign not in ids.tension_signs:
            raise ValueError(f"tension_signs: unknown id {sign!r}")
        for side, value in sides.items():
            if value is None:
                continue
            if side not in _SIDE_SET:
                raise ValueError(f"tension_signs.{sign}: unknown id {side!r}")
            if value.result not in ids.tension_results:
                raise ValueError(f"tension_signs.{sign}.{side}.result: {value.result!r} is not a tension-sign result")
            signs[sign, side] = value
    return signs


def _one_of(value: str, allowed: frozenset[str], path: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{path}: {value!r} is not one of {sorted(allowed)}")
    return value


def _one_per_side(given: Mapping[str, str], path: str, allowed: frozenset[str]) -> dict[str, str]:
    _check_known(given, _SIDE_SET, path)
    return {side: _one_of(value, allowed, f"{path}.{side}") for side, value in given.items() if value is not None}


def _clonus(given: Mapping[str, int]) -> dict[str, int]:
    _check_known(given, _SIDE_SET, "ankle_clonus_beats")
    for side, value in given.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ValueError(f"ankle_clonus_beats.{side}: {value!r} is not a count of beats")
    return {side: value for side, value in given.items() if value is not None}


def _anal(visit: Visit, allowed: frozenset[str]) -> dict[str, str]:
    anal: dict[str, str] = {}
    for item, value in (("vac", visit.vac), ("dap", visit.dap)):
        if value is not None:
            anal[item] = _one_of(value, allowed, item)
    return anal


@dataclass(frozen=True)
class _Order:
    sides: dict[str, int]
    motor: dict[str, int]
    levels: dict[str, int]
    modalities: dict[str, int]
    reflexes: dict[str, int]
    signs: dict[str, int]  # upper-motor-neuron signs: plantar response, ankle clonus, then reflexes


@cache
def clinical_order() -> _Order:
    """Ranks that put findings in the order the clinician examines: left side first, then the
    vocabulary's order of movements, levels (then light touch before pin prick) and reflexes."""
    vocab = vocabulary()
    return _Order(
        sides={side: rank for rank, side in enumerate(SIDES)},
        motor={m.id: rank for rank, m in enumerate(vocab.motor_items)},
        levels={level.id: rank for rank, level in enumerate(vocab.sensory_levels)},
        modalities={m.id: rank for rank, m in enumerate(vocab.sensory_modalities)},
        reflexes={r.id: rank for rank, r in enumerate(vocab.reflexes)},
        signs={
            sign: rank
            for rank, sign in enumerate(["plantar_response", "ankle_clonus", *(r.id for r in vocab.reflexes)])
        },
    )
