"""The visit being recorded: one owner of its findings, autosave, live assessment and signing.

The pages of the visit editor only call the `set_*` methods and listen to `changed`; nothing else
writes the visit. Autosave runs `AUTOSAVE_MS` after the last change, so a crash loses at most that.

Every write of the visit (autosave, signing, an amendment) runs off the GUI thread, one after the
other, so the window never waits for the database. When the database cannot take the draft (another
workstation writing, a full disk, a read-only or damaged database) the findings stay on screen, the
editor says why, and the save is tried again every `RETRY_MS` until it is stored.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from exam_app.clinical.assess import VisitAssessment
from exam_app.clinical.completeness import MissingItem, missing_items
from exam_app.clinical.plausibility import examined_at_problem, onset_problem
from exam_app.clinical.record import History, TensionSign, Visit
from exam_app.clinical.vocabulary import RedFlag, vocabulary
from exam_app.clinical.window import WindowStatus
from exam_app.gui.background import run_in_background
from exam_app.services.as_signed import differences, summary
from exam_app.services.assessment import DraftAssessor
from exam_app.services.context import AppContext, ServiceError
from exam_app.services.visits import OpenVisit, amend_visit, save_draft, sign_visit
from exam_app.store.faults import DatabaseBusy, StorageFault
from exam_app.tables import SIGNED_STATUSES, VisitStatus

AUTOSAVE_MS = 1500
RETRY_MS = 5000  # a draft the database could not take is tried again this often
AMENDING = "amending"  # a signed visit being corrected: saved, with its reason, in one step
SIGNING = "signing"  # the signature (or amendment) is on its way to the database: nothing is edited


def not_saved_words(fault: StorageFault) -> str:
    """What the editor says while a draft waits for the database."""
    if isinstance(fault, DatabaseBusy):
        return "Another workstation is writing; retrying. The findings are kept on screen."
    return (f"Not saved: {fault}. The findings are kept on screen and saved again every "
            f"{RETRY_MS // 1000} s.")


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


class SideDraft(Protocol):
    """Another draft that belongs to the visit (the doctor's note), saved by the same autosave and the
    same queue of writes, so that locking, closing and signing wait for it too."""

    @property
    def dirty(self) -> bool:
        """Something typed is not stored yet."""

    def save_work(self) -> Callable[[], Any]:
        """On the GUI thread when its turn comes: what is on screen now, as the work for the background."""

    def stored(self, result: Any) -> None:
        """The work returned `result` (back on the GUI thread)."""


class VisitController(QObject):
    changed = Signal()
    assessed = Signal(object)  # VisitAssessment
    saved = Signal(object)  # datetime of the save
    save_failed = Signal(str)  # refused for good (e.g. saved on another workstation): the user must act
    save_waiting = Signal(str)  # the database could not take it now: kept on screen and retried
    saving = Signal()  # a save went to the database
    sign_refused = Signal(str)  # the signature or amendment was not stored, and why
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
        self.signed_assessment = opened.signed_assessment  # the engine's answer it was signed with
        self.assessor = assessor
        self.dirty = False
        self._status_before_amendment = opened.status
        self.last_saved: datetime | None = None
        self._assessment: VisitAssessment | None = None
        # Values on screen that were refused (e.g. an angle of 400°): the visit cannot be signed while
        # the screen shows something that was not taken. Keyed by the input's accessible name.
        self.input_problems: dict[str, str] = {}
        self._autosave = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save)
        self._retry = QTimer(self, singleShot=True, interval=RETRY_MS)
        self._retry.timeout.connect(self.save)
        # Writes waiting their turn: each is (start, done, failed); `start` runs on the GUI thread when
        # its turn comes and returns the work for the background (so it takes the version then).
        self._writes: deque[tuple[Callable[[], Callable[[], Any]], Callable[[Any], None],
                                  Callable[[Exception], None]]] = deque()
        self._writing = False
        self._save_queued = False
        self._saving_visit: Visit | None = None
        self._when_saved: list[Callable[[str | None], None]] = []
        self._side_drafts: list[SideDraft] = []
        self._side_queued: list[SideDraft] = []
        self.problem: str | None = None  # why the last save did not store the draft, until one does

    # ---------------------------------------------------------------- reading

    @property
    def read_only(self) -> bool:
        return self.status not in (VisitStatus.DRAFT, AMENDING)

    @property
    def unsaved(self) -> bool:
        """Something on screen is not in the database yet (or is on its way)."""
        return ((self.dirty and not self.read_only and not self.amending) or self._writing or bool(self._writes)
                or any(draft.dirty for draft in self._side_drafts))

    @property
    def amending(self) -> bool:
        return self.status == AMENDING

    def assessment(self) -> VisitAssessment:
        if self._assessment is None:
            self._assessment = self.assessor.assess(self.visit)
        return self._assessment

    def changed_since_signing(self) -> tuple[str, ...]:
        """How the engine's answer now differs from the one the visit was signed with (read-only visits)."""
        if not self.read_only or not self.signed_assessment:
            return ()
        return differences(self.signed_assessment, summary(self.assessment(), self.assessor.window_days, "now"))

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

    def set_isncsci(self, entries: dict[str, str] | None) -> None:
        """The whole ISNCSCI worksheet at once (a typed box and the boxes it copied down); None or
        nothing in it: no worksheet at this visit."""
        self._update(isncsci=dict(entries) if entries else None)

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

    def _write(self, start: Callable[[], Callable[[], Any]], done: Callable[[Any], None],
               failed: Callable[[Exception], None]) -> None:
        self._writes.append((start, done, failed))
        self._next_write()

    def _next_write(self) -> None:
        if self._writing or not self._writes:
            return
        start, done, failed = self._writes.popleft()
        self._writing = True
        work = start()

        def finished(result: Any) -> None:
            self._writing = False
            done(result)
            self._next_write()

        def broke(error: Exception) -> None:
            self._writing = False
            failed(error)
            self._next_write()

        run_in_background(work, finished, broke, self)

    def attach(self, draft: SideDraft) -> None:
        """Save `draft` with the visit from now on (until `detach`)."""
        self._side_drafts.append(draft)

    def detach(self, draft: SideDraft) -> None:
        self._side_drafts = [d for d in self._side_drafts if d is not draft]

    def side_draft_changed(self) -> None:
        """An attached draft was typed in: saved `AUTOSAVE_MS` after the last change, like the visit."""
        self._autosave.start()

    def submit(self, start: Callable[[], Callable[[], Any]], done: Callable[[Any], None],
               failed: Callable[[Exception], None]) -> None:
        """Another write of this visit (e.g. signing the doctor's note), in turn after those on their way;
        `start` runs on the GUI thread when its turn comes and returns the work for the background."""
        self._write(start, done, failed)

    def save(self) -> None:
        """Store the draft and the attached drafts now, off the GUI thread (`saved`, `save_waiting` or
        `save_failed` follows)."""
        self._autosave.stop()
        self._retry.stop()
        if not (self.read_only or self.amending) and self.dirty and not self._save_queued:
            self._save_queued = True
            self.saving.emit()

            def start() -> Callable[[], Any]:
                self._save_queued = False
                visit, version = self.visit, self.version
                self._saving_visit = visit
                return lambda: save_draft(self.ctx, self.visit_id, visit, version)

            self._write(start, self._draft_saved, self._draft_not_saved)
        for draft in self._side_drafts:
            if draft.dirty and draft not in self._side_queued:
                self._side_queued.append(draft)
                self._write(self._side_start(draft), self._side_stored(draft), self._draft_not_saved)
        self._settle()

    def _side_start(self, draft: SideDraft) -> Callable[[], Callable[[], Any]]:
        def start() -> Callable[[], Any]:
            self._side_queued.remove(draft)
            return draft.save_work()
        return start

    def _side_stored(self, draft: SideDraft) -> Callable[[Any], None]:
        def stored(result: Any) -> None:
            draft.stored(result)
            if not self.dirty:
                self.problem = None
            self._settle()
        return stored

    def _draft_saved(self, version: int) -> None:
        self.version = version
        if self.visit is self._saving_visit:  # nothing typed while it was on its way
            self.dirty = False
        self.problem = None
        self.last_saved = datetime.now().astimezone()
        self.saved.emit(self.last_saved)
        self._settle()

    def _draft_not_saved(self, error: Exception) -> None:
        if isinstance(error, StorageFault):
            self.problem = not_saved_words(error)
            self._retry.start()
            self.save_waiting.emit(self.problem)
        elif isinstance(error, ServiceError):
            self.problem = str(error)
            self.save_failed.emit(self.problem)
        else:
            raise error  # a fault of the app: the application's error hook logs it and says so
        self._settle()

    def when_saved(self, then: Callable[[str | None], None]) -> None:
        """Call `then(None)` once everything on screen is stored, or `then(why)` when a save fails."""
        self._when_saved.append(then)
        if self.unsaved and not self._writing and not self._writes:
            self.save()
        else:
            self._settle()

    def _settle(self) -> None:
        if self._writing or self._writes or not self._when_saved:
            return
        problem = self.problem if self.unsaved else None
        waiting, self._when_saved = self._when_saved, []
        for then in waiting:
            then(problem)

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
        """Store the correction with its reason, off the GUI thread: `visit_signed` follows, or
        `sign_refused` (e.g. no reason) and the correction stays on screen."""
        if self.input_problems:
            raise ServiceError(f"a value on screen was refused: {next(iter(self.input_problems.values()))}")
        visit = self.visit
        self.status = SIGNING

        def start() -> Callable[[], Any]:
            version = self.version
            return lambda: amend_visit(self.ctx, self.visit_id, visit, version, reason)

        def done(version: int) -> None:
            self.version, self.status, self.dirty = version, VisitStatus.AMENDED, False
            self.visit_signed.emit()

        self._write(start, done, lambda error: self._not_signed(error, AMENDING))

    def sign(self, incomplete_reason: str | None = None) -> None:
        """Sign the visit as it is on screen (as incomplete, with the reason, when one is given), off the
        GUI thread: `visit_signed` follows, or `sign_refused` with the reason and the visit stays a draft.

        Raises ServiceError at once for a value on screen that was refused; the other rules are the
        services'.
        """
        if self.input_problems:
            raise ServiceError(f"a value on screen was refused: {next(iter(self.input_problems.values()))}")
        self._autosave.stop()
        self._retry.stop()
        visit = replace(self.visit, incomplete_reason=incomplete_reason)
        self.status = SIGNING

        def start() -> Callable[[], Any]:
            version = self.version  # after any save still on its way
            return lambda: sign_visit(self.ctx, self.visit_id, visit, version)

        def done(version: int) -> None:
            self.version, self.visit, self.status, self.dirty = version, visit, VisitStatus.SIGNED, False
            self.problem = None
            self.visit_signed.emit()

        self._write(start, done, lambda error: self._not_signed(error, VisitStatus.DRAFT))

    def _not_signed(self, error: Exception, back_to: str) -> None:
        if not isinstance(error, (ServiceError, StorageFault)):
            self.status = back_to
            raise error
        self.status = back_to
        if back_to == VisitStatus.DRAFT and self.dirty:
            self._retry.start()  # the draft itself is still saved as soon as the database lets it
        self.changed.emit()
        self.sign_refused.emit(str(error))
