"""The visit being recorded: one owner of its findings, autosave, live assessment and signing.

The pages of the visit editor only call the `set_*` methods and listen to `changed`; nothing else
writes the visit. Autosave runs `AUTOSAVE_MS` after the last change, so a crash loses at most that.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from PySide6.QtCore import QObject, QTimer, Signal

from exam_app.clinical.assess import VisitAssessment
from exam_app.clinical.completeness import MissingItem, missing_items
from exam_app.clinical.plausibility import examined_at_problem, onset_problem
from exam_app.clinical.record import History, TensionSign, Visit
from exam_app.clinical.vocabulary import RedFlag, vocabulary
from exam_app.clinical.window import WindowStatus
from exam_app.services.assessment import DraftAssessor
from exam_app.services.context import AppContext, ServiceError
from exam_app.services.visits import OpenVisit, amend_visit, save_draft, sign_visit
from exam_app.tables import SIGNED_STATUSES, VisitStatus

AUTOSAVE_MS = 1500
AMENDING = "amending"  # a signed visit being corrected: saved, with its reason, in one step


def _set_sided(values: dict[str, dict[str, str]], item: str, side: str, value: str) -> dict[str, dict[str, str]]:
    """A copy of item -> side -> value with one value set ("" clears it)."""
    updated = {key: dict(sides) for key, sides in values.items()}
    sides = updated.setdefault(item, {})
    if value:
        sides[side] = value
    else:
        sides.pop(side, None)
        if not sides:
            del updated[item]
    return updated


class VisitController(QObject):
    changed = Signal()
    assessed = Signal(object)  # VisitAssessment
    saved = Signal(object)  # datetime of the save
    save_failed = Signal(str)
    emergency_raised = Signal(list)  # the emergency red flags answered yes
    visit_signed = Signal()
    input_problems_changed = Signal()

    def __init__(self, ctx: AppContext, opened: OpenVisit, assessor: DraftAssessor,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.visit_id = opened.visit_id
        self.record_number = opened.record_number
        self.patient_name = opened.patient_name
        self.birth_date: date | None = opened.birth_date
        self.altered = opened.altered
        self.status = opened.status
        self.version = opened.version
        self.visit = opened.visit
        self.assessor = assessor
        self.dirty = False
        self._status_before_amendment = opened.status
        self.last_saved: datetime | None = None
        self._assessment: VisitAssessment | None = None
        # Values on screen that were refused (e.g. an angle of 400°): the visit cannot be signed while
        # the screen shows something that was not taken. Keyed by the input's accessible name.
        self.input_problems: dict[str, str] = {}
        self._autosave = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save_now)

    # ---------------------------------------------------------------- reading

    @property
    def read_only(self) -> bool:
        return self.status not in (VisitStatus.DRAFT, AMENDING)

    @property
    def amending(self) -> bool:
        return self.status == AMENDING

    def assessment(self) -> VisitAssessment:
        if self._assessment is None:
            self._assessment = self.assessor.assess(self.visit)
        return self._assessment

    def window_now(self, now: datetime) -> WindowStatus:
        return self.assessor.window_now(self.assessment(), now)

    def previous_visit(self) -> Visit | None:
        return self.assessor.previous(self.visit)

    def red_flag_answer(self, flag_id: str) -> bool | None:
        if flag_id in self.visit.red_flags:
            return True
        if flag_id in self.visit.red_flags_no:
            return False
        return None

    def unanswered_red_flags(self) -> list[RedFlag]:
        return [f for f in vocabulary().red_flags if self.red_flag_answer(f.id) is None]

    def missing(self) -> list[MissingItem]:
        """What is not recorded yet, page by page (a complete examination records everything)."""
        return missing_items(self.visit)

    def time_problems(self, now: datetime) -> dict[str, str]:
        """"examined_at" / "onset" -> what is wrong with that time, for the page to show beside it."""
        problems = {}
        problem = examined_at_problem(self.visit.examined_at, now, self.birth_date)
        if problem is not None:
            problems["examined_at"] = problem
        if self.visit.weakness_onset is not None:
            problem = onset_problem(self.visit.weakness_onset, self.visit.examined_at, self.birth_date)
            if problem is not None:
                problems["onset"] = problem
        return problems

    def set_input_problem(self, name: str, problem: str) -> None:
        """An input reports a value it refused ("" once it holds an accepted value again)."""
        if problem:
            self.input_problems[name] = problem
        else:
            self.input_problems.pop(name, None)
        self.input_problems_changed.emit()

    # ---------------------------------------------------------------- writing

    def _update(self, **fields: object) -> None:
        if self.read_only:
            return
        self.visit = replace(self.visit, **fields)  # type: ignore[arg-type]
        self.dirty = True
        self._assessment = None
        self._autosave.start()
        self.changed.emit()
        self.assessed.emit(self.assessment())

    def set_motor(self, item: str, side: str, grade: str) -> None:
        self._update(motor=_set_sided(self.visit.motor, item, side, grade))

    def set_sensory(self, modality: str, level: str, side: str, score: str) -> None:
        self._update(**{modality: _set_sided(self.visit.sensory(modality), level, side, score)})

    def set_reflex(self, reflex: str, side: str, grade: str) -> None:
        self._update(reflexes=_set_sided(self.visit.reflexes, reflex, side, grade))

    def set_gait(self, item: str, side: str, result: str) -> None:
        self._update(gait=_set_sided(self.visit.gait, item, side, result))

    def set_plantar(self, side: str, response: str) -> None:
        responses = dict(self.visit.plantar_response)
        if response:
            responses[side] = response
        else:
            responses.pop(side, None)
        self._update(plantar_response=responses)

    def set_clonus(self, side: str, beats: int | None) -> None:
        counts = dict(self.visit.ankle_clonus_beats)
        if beats is None:
            counts.pop(side, None)
        else:
            counts[side] = beats
        self._update(ankle_clonus_beats=counts)

    def set_tension(self, sign: str, side: str, result: str, angle: int | None = None) -> None:
        signs = {key: dict(sides) for key, sides in self.visit.tension_signs.items()}
        sides = signs.setdefault(sign, {})
        if result:
            sides[side] = TensionSign(result, angle if result == "positive" else None)
        else:
            sides.pop(side, None)
            if not sides:
                del signs[sign]
        self._update(tension_signs=signs)

    def set_anal(self, item: str, answer: str) -> None:
        self._update(**{item: answer or None})

    def set_red_flag(self, flag_id: str, answer: bool | None) -> None:
        yes = [f for f in self.visit.red_flags if f != flag_id]
        no = [f for f in self.visit.red_flags_no if f != flag_id]
        if answer is True:
            yes.append(flag_id)
        elif answer is False:
            no.append(flag_id)
        was_yes = flag_id in self.visit.red_flags
        self._update(red_flags=tuple(yes), red_flags_no=tuple(no))
        flag = vocabulary().red_flag(flag_id)
        if answer is True and not was_yes and flag.tier == "emergency":
            self.emergency_raised.emit(self.emergency_flags())

    def answer_remaining_red_flags_no(self) -> None:
        remaining = [f.id for f in self.unanswered_red_flags()]
        if remaining:
            self._update(red_flags_no=(*self.visit.red_flags_no, *remaining))

    def emergency_flags(self) -> list[RedFlag]:
        return [f for f in (vocabulary().red_flag(i) for i in self.visit.red_flags) if f.tier == "emergency"]

    def set_symptom(self, symptom_id: str, present: bool) -> None:
        others = tuple(s for s in self.visit.symptoms if s != symptom_id)
        self._update(symptoms=(*others, symptom_id) if present else others)

    def set_onset(self, onset: datetime | None) -> None:
        self._update(weakness_onset=onset)

    def set_examined_at(self, moment: datetime) -> None:
        self._update(examined_at=moment)

    def set_history(self, **fields: object) -> None:
        self._update(history=replace(self.visit.history or History(), **fields))  # type: ignore[arg-type]

    def set_notes(self, text: str) -> None:
        self._update(notes=text or None)

    def set_incomplete_reason(self, reason: str | None) -> None:
        self._update(incomplete_reason=reason)

    def apply(self, visit: Visit) -> None:
        """Replace the whole visit at once (e.g. "all remaining normal" on a page)."""
        fields = {name: getattr(visit, name) for name in Visit.__dataclass_fields__}
        self._update(**fields)

    # ---------------------------------------------------------------- saving

    def save_now(self) -> bool:
        """Store the draft now; False (and `save_failed`) if the store refused."""
        self._autosave.stop()
        if self.read_only or self.amending or not self.dirty:
            return True
        try:
            self.version = save_draft(self.ctx, self.visit_id, self.visit, self.version)
        except ServiceError as error:
            self.save_failed.emit(str(error))
            return False
        self.dirty = False
        self.last_saved = datetime.now().astimezone()
        self.saved.emit(self.last_saved)
        return True

    def begin_amendment(self) -> None:
        """Open a signed visit for correction (the original is kept when the amendment is saved)."""
        if self.status not in SIGNED_STATUSES:
            raise ServiceError("only a signed visit is amended; a draft is edited directly")
        self.ctx.require("amend_visit")
        self._status_before_amendment = self.status
        self.status = AMENDING
        self.changed.emit()

    def cancel_amendment(self, original: Visit) -> None:
        self.visit = original
        self.status = self._status_before_amendment
        self.dirty = False
        self._assessment = None
        self.changed.emit()
        self.assessed.emit(self.assessment())

    def save_amendment(self, reason: str) -> None:
        """Store the correction with its reason; raises ServiceError (e.g. no reason) and keeps editing."""
        if self.input_problems:
            raise ServiceError(f"a value on screen was refused: {next(iter(self.input_problems.values()))}")
        self.version = amend_visit(self.ctx, self.visit_id, self.visit, self.version, reason)
        self.status = VisitStatus.AMENDED
        self.dirty = False
        self.visit_signed.emit()

    def sign(self, incomplete_reason: str | None = None) -> None:
        """Sign the visit as it is on screen (as incomplete, with the reason, when one is given).

        Raises ServiceError with the reason when it cannot be signed: the rules are the services'.
        """
        if self.input_problems:
            raise ServiceError(f"a value on screen was refused: {next(iter(self.input_problems.values()))}")
        self._autosave.stop()
        visit = replace(self.visit, incomplete_reason=incomplete_reason)
        self.version = sign_visit(self.ctx, self.visit_id, visit, self.version)
        self.visit = visit
        self.status = VisitStatus.SIGNED
        self.dirty = False
        self.visit_signed.emit()
