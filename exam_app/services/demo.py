"""A reproducible synthetic clinic for demonstration and testing: `exam-app demo`.

Each patient follows one clinical scenario (normal, single-root lesions, peripheral-nerve lesions,
cauda equina, cord, several roots, worsening inside the window period and after it, red flags).
The same count and seed give the same patients and findings; times are placed relative to the hour
the demo is made, so the window-period worklist has open windows to show.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, insert, select

from exam_app.clinical.assess import assess_visits
from exam_app.clinical.normal_findings import normal_examination
from exam_app.clinical.record import History, Patient, TensionSign, Visit
from exam_app.clinical.vocabulary import SIDES
from exam_app.services.accounts import NewAccount, add_account, create_first_administrator
from exam_app.services.as_signed import SIGNED, summary
from exam_app.services.context import AppContext, InvalidInput
from exam_app.services.next_examination import intervals_in, plan_values, plan_without_reviews
from exam_app.services.startup import open_clinic
from exam_app.services.worklist import status_values
from exam_app.store import models
from exam_app.store.audit_trail import content_hash
from exam_app.store.database import insert_many
from exam_app.store.records import FINDING_COLUMNS, finding_rows, patient_values, visit_values
from exam_app.store.repository import audit
from exam_app.tables import VisitStatus

# One account per role; the passwords are the README's, so a newcomer can sign in to the demo.
DEMO_ACCOUNTS = (
    NewAccount("pt.smith", "Sam Smith", "physiotherapist", "physio-demo-2026", "HCPC PH 123456",
               "+44 20 7946 0322", "sam.smith@riverside.example"),
    NewAccount("dr.jones", "Dr Alex Jones", "doctor", "doctor-demo-2026", "GMC 7654321", "+44 20 7946 0323",
               "alex.jones@riverside.example"),
    NewAccount("fd.lee", "Robin Lee", "front_desk", "desk-demo-2026", None, "+44 20 7946 0321"),
    NewAccount("admin", "Clinic administrator", "admin", "admin-demo-2026"),
)
DEMO_PASSWORDS = {account.username: account.password for account in DEMO_ACCOUNTS}
DEMO_SETTING = "demo_clinic"
_T = TypeVar("_T")

DEMO_LETTERHEAD = {
    "clinic_name": "Riverside Spine and Physiotherapy Clinic",
    "address": "12 Riverside Walk\nKingsbridge KB1 4RT",
    "phone": "+44 20 7946 0321",
    "logo": None,
}

_NAMES = (
    ("Doe", "Jane", "female"), ("Müller", "Zoë", "female"), ("Núñez", "José", "male"),
    ("O'Brien", "Siobhán", "female"), ("Sharma", "अनन्या", "female"), ("Nguyễn", "Văn An", "male"),
    ("Kowalski", "Łukasz", "male"), ("Haddad", "ليلى", "female"), ("Okafor", "Chidi", "male"),
    ("Johansson", "Åsa", "female"), ("Petrov", "Дмитрий", "male"), ("García", "María José", "female"),
    ("Smith", "John", "male"), ("Dubois", "Amélie", "female"), ("Rossi", "Marco", "male"),
    ("Tanaka", "Hiro", "male"), ("Brown", "Olivia", "female"), ("Wilson", "Noah", "male"),
)


@dataclass(frozen=True)
class DemoSummary:
    patients: int
    visits: int
    users: int


# ------------------------------------------------------------------ findings


@dataclass
class _Exam:
    """A full examination being written, starting from normal findings."""

    motor: dict[str, dict[str, str]] = field(default_factory=dict)
    light_touch: dict[str, dict[str, str]] = field(default_factory=dict)
    pin_prick: dict[str, dict[str, str]] = field(default_factory=dict)
    reflexes: dict[str, dict[str, str]] = field(default_factory=dict)
    plantar: dict[str, str] = field(default_factory=lambda: {"left": "flexor", "right": "flexor"})
    clonus: dict[str, int] = field(default_factory=lambda: {"left": 0, "right": 0})
    tension: dict[str, dict[str, TensionSign]] = field(default_factory=dict)
    gait: dict[str, dict[str, str]] = field(default_factory=dict)
    vac: str = "yes"
    dap: str = "yes"
    red_flags: tuple[str, ...] = ()
    symptoms: tuple[str, ...] = ()

    @classmethod
    def normal(cls) -> _Exam:
        normal = normal_examination(Visit(examined_at=datetime(2000, 1, 1, tzinfo=UTC)), answer_red_flags=False)
        return cls(motor=normal.motor, light_touch=normal.light_touch, pin_prick=normal.pin_prick,
                   reflexes=normal.reflexes, tension=normal.tension_signs, gait=normal.gait)

    def weak(self, side: str, **grades: str) -> _Exam:
        for item, grade in grades.items():
            self.motor[item][side] = grade
        return self

    def numb(self, side: str, *levels: str, score: str = "1") -> _Exam:
        for level in levels:
            self.light_touch[level][side] = score
            self.pin_prick[level][side] = score
        return self

    def visit(self, at: datetime, examiner: str, onset: datetime | None, notes: str | None = None) -> Visit:
        """A signed demo visit is a complete examination: every red flag not said yes is answered no."""
        return normal_examination(Visit(
            examined_at=at, examiner=examiner, weakness_onset=onset,
            symptoms=self.symptoms, red_flags=self.red_flags,
            motor=_copied(self.motor), light_touch=_copied(self.light_touch),
            pin_prick=_copied(self.pin_prick), reflexes=_copied(self.reflexes),
            plantar_response=dict(self.plantar), ankle_clonus_beats=dict(self.clonus),
            tension_signs=_copied(self.tension), gait=_copied(self.gait),
            vac=self.vac, dap=self.dap, notes=notes,
            history=History(onset_character="sudden" if onset else None),
            asked=frozenset({"symptoms", "red_flags"}),
        ))


def _copied(values: dict[str, dict[str, _T]]) -> dict[str, dict[str, _T]]:
    """A copy of findings by item and side (the values themselves are immutable)."""
    return {item: dict(sides) for item, sides in values.items()}


# ------------------------------------------------------------------ scenarios

_Scenario = Callable[[datetime, random.Random], list[Visit]]
_PT = "pt.smith"


def _normal(now: datetime, rng: random.Random) -> list[Visit]:
    exam = _Exam.normal()
    exam.symptoms = ("low_back_pain",)
    return [exam.visit(now - timedelta(days=20 + rng.randint(0, 10)), _PT, None, "Mechanical back pain, no deficit.")]


def _l5_radiculopathy(now: datetime, rng: random.Random) -> list[Visit]:
    side = rng.choice(SIDES)
    onset = now - timedelta(hours=30)
    exam = _Exam.normal().weak(side, great_toe_extension="3", hip_abduction="4", ankle_inversion="4",
                               ankle_dorsiflexion="4")
    exam.numb(side, "L5")
    exam.tension["straight_leg_raise"][side] = TensionSign("positive", 40)
    exam.gait["heel_walk"][side] = "impaired"
    exam.symptoms = ("low_back_pain", "shooting_pain", "difficulty_lifting_foot")
    first = exam.visit(now - timedelta(hours=24), _PT, onset)
    second = exam.visit(now - timedelta(hours=2), _PT, None, "Unchanged since yesterday.")
    return [first, second]


def _progression_within_window(now: datetime, rng: random.Random) -> list[Visit]:
    side = rng.choice(SIDES)
    onset = now - timedelta(hours=44)
    exam = _Exam.normal().weak(side, ankle_dorsiflexion="4", great_toe_extension="4", hip_abduction="4")
    exam.numb(side, "L5")
    exam.symptoms = ("shooting_pain", "difficulty_lifting_foot")
    first = exam.visit(now - timedelta(hours=40), _PT, onset)
    exam.weak(side, ankle_dorsiflexion="2", great_toe_extension="2", ankle_inversion="4")
    exam.numb(side, "L5", score="0")
    second = exam.visit(now - timedelta(hours=3), _PT, None, "Foot drop worse today.")
    return [first, second]


def _progression_after_window(now: datetime, rng: random.Random) -> list[Visit]:
    side = rng.choice(SIDES)
    onset = now - timedelta(days=12)
    exam = _Exam.normal().weak(side, ankle_plantarflexion="4", hip_extension="4")
    exam.reflexes["achilles"][side] = "1"
    exam.numb(side, "S1")
    first = exam.visit(now - timedelta(days=10), _PT, onset)
    exam.weak(side, ankle_plantarflexion="3")
    exam.reflexes["achilles"][side] = "0"
    second = exam.visit(now - timedelta(days=5), _PT, None)
    return [first, second]


def _s1_radiculopathy(now: datetime, rng: random.Random) -> list[Visit]:
    side = rng.choice(SIDES)
    exam = _Exam.normal().weak(side, ankle_plantarflexion="4", hip_extension="4+")
    exam.reflexes["achilles"][side] = "0"
    exam.numb(side, "S1")
    exam.gait["toe_walk"][side] = "impaired"
    exam.tension["straight_leg_raise"][side] = TensionSign("positive", 50)
    exam.symptoms = ("low_back_pain", "shooting_pain")
    return [exam.visit(now - timedelta(days=6), _PT, now - timedelta(days=9))]


def _l4_radiculopathy(now: datetime, rng: random.Random) -> list[Visit]:
    side = rng.choice(SIDES)
    exam = _Exam.normal().weak(side, knee_extension="4", ankle_dorsiflexion="4", hip_adduction="4")
    exam.reflexes["patellar"][side] = "1"
    exam.numb(side, "L4")
    exam.tension["femoral_stretch"][side] = TensionSign("positive")
    exam.symptoms = ("knee_buckling", "numbness")
    onset = now - timedelta(days=16)
    return [exam.visit(now - timedelta(days=15), _PT, onset), exam.visit(now - timedelta(days=8), _PT, None)]


def _peroneal(now: datetime, rng: random.Random) -> list[Visit]:
    side = rng.choice(SIDES)
    exam = _Exam.normal().weak(side, ankle_dorsiflexion="3", great_toe_extension="3", ankle_eversion="4")
    exam.numb(side, "L5")
    exam.symptoms = ("difficulty_lifting_foot",)
    return [exam.visit(now - timedelta(days=4), _PT, now - timedelta(days=5), "Sits with legs crossed.")]


def _femoral(now: datetime, rng: random.Random) -> list[Visit]:
    side = rng.choice(SIDES)
    exam = _Exam.normal().weak(side, knee_extension="3", hip_flexion="4")
    exam.reflexes["patellar"][side] = "0"
    exam.numb(side, "L3")
    exam.symptoms = ("knee_buckling",)
    return [exam.visit(now - timedelta(days=18), _PT, now - timedelta(days=21), "After hip surgery.")]


def _sciatic(now: datetime, rng: random.Random) -> list[Visit]:
    side = rng.choice(SIDES)
    exam = _Exam.normal().weak(side, knee_flexion="4", ankle_dorsiflexion="3", ankle_plantarflexion="4")
    exam.numb(side, "L5", "S1")
    return [exam.visit(now - timedelta(days=25), _PT, now - timedelta(days=27), "Gluteal injection.")]


def _cauda_equina(now: datetime, rng: random.Random) -> list[Visit]:
    exam = _Exam.normal().weak("left", ankle_plantarflexion="4").weak("right", ankle_plantarflexion="4")
    exam.numb("left", "S3", "S4_5", score="0")
    exam.numb("right", "S3", "S4_5", score="0")
    exam.vac = "no"
    exam.red_flags = ("bladder_dysfunction", "saddle_numbness", "bilateral_leg_symptoms")
    exam.symptoms = ("low_back_pain", "numbness", "shooting_pain")
    return [exam.visit(now - timedelta(hours=5), _PT, now - timedelta(hours=20))]


def _cord(now: datetime, rng: random.Random) -> list[Visit]:
    exam = _Exam.normal().weak("left", hip_flexion="4", knee_flexion="4").weak("right", hip_flexion="4")
    exam.plantar = {"left": "extensor", "right": "extensor"}
    exam.clonus = {"left": 5, "right": 3}
    exam.reflexes["patellar"] = {"left": "4", "right": "4"}
    exam.symptoms = ("stiffness", "heavy_legs", "balance_problems")
    exam.red_flags = ("unexplained_falls",)
    return [exam.visit(now - timedelta(days=2), _PT, now - timedelta(days=30))]


def _multiradicular(now: datetime, rng: random.Random) -> list[Visit]:
    exam = _Exam.normal().weak("left", knee_extension="4", great_toe_extension="4").weak(
        "right", ankle_plantarflexion="4")
    exam.numb("left", "L3", "L5")
    exam.symptoms = ("heavy_legs", "numbness")
    return [exam.visit(now - timedelta(days=9), _PT, now - timedelta(days=40))]


def _stroke_flag(now: datetime, rng: random.Random) -> list[Visit]:
    exam = _Exam.normal().weak("right", hip_flexion="3", knee_extension="3", ankle_dorsiflexion="3")
    exam.red_flags = ("stroke_signs",)
    exam.symptoms = ("paralysis",)
    return [exam.visit(now - timedelta(hours=1), _PT, now - timedelta(hours=2), "Sent to emergency department.")]


def _systemic_flag(now: datetime, rng: random.Random) -> list[Visit]:
    exam = _Exam.normal().weak(rng.choice(SIDES), great_toe_extension="4+")
    exam.red_flags = ("cancer_history", "night_pain")
    exam.symptoms = ("low_back_pain",)
    return [exam.visit(now - timedelta(days=3), _PT, now - timedelta(days=6))]


def _recovering(now: datetime, rng: random.Random) -> list[Visit]:
    side = rng.choice(SIDES)
    onset = now - timedelta(days=60)
    exam = _Exam.normal().weak(side, great_toe_extension="2", ankle_dorsiflexion="3")
    exam.numb(side, "L5")
    visits = [exam.visit(onset + timedelta(days=1), _PT, onset)]
    for week, (toe, ankle) in enumerate((("3", "3"), ("3", "4-"), ("4-", "4"), ("4", "4+"), ("4+", "5")), 1):
        exam.weak(side, great_toe_extension=toe, ankle_dorsiflexion=ankle)
        visits.append(exam.visit(onset + timedelta(days=1 + 7 * week), _PT, None))
    return visits


SCENARIOS: tuple[_Scenario, ...] = (
    _progression_within_window, _l5_radiculopathy, _cauda_equina, _normal, _progression_after_window,
    _s1_radiculopathy, _l4_radiculopathy, _peroneal, _femoral, _sciatic, _cord, _multiradicular,
    _stroke_flag, _systemic_flag, _recovering,
)


# ------------------------------------------------------------------ filling the database


def demo_patients(count: int, seed: int, now: datetime) -> list[tuple[Patient, list[Visit]]]:
    """The synthetic patients and their visits, without touching a database."""
    return list(_demo_patients(count, seed, now))


def _demo_patients(count: int, seed: int, now: datetime) -> Iterator[tuple[Patient, list[Visit]]]:
    rng = random.Random(seed)
    now = now.replace(minute=0, second=0, microsecond=0)
    for index in range(count):
        family, given, sex = _NAMES[index % len(_NAMES)]
        born = date(1940, 1, 1) + timedelta(days=rng.randint(0, 365 * 60))
        patient = Patient(
            record_number=f"D-{seed:02d}{index + 1:05d}",
            family_name=family, given_name=given, birth_date=born, sex=sex,
            contact=f"+44 20 7946 {rng.randint(0, 9999):04d}", referring_clinician="Dr P. Grant (GP)",
        )
        scenario = SCENARIOS[index % len(SCENARIOS)]
        yield patient, scenario(now - timedelta(minutes=rng.randint(0, 50)), rng)


# Patients written per transaction. Each batch is committed with its own `demo_filled` event (the
# fingerprints of its visits), so an interrupted demo keeps whole patients with their audit trail,
# and running it again with the same count and seed adds the patients still missing.
BATCH = 2_000


def fill_demo_clinic(ctx: AppContext, count: int, seed: int, now: datetime | None = None,
                     progress: Callable[[int, int], None] | None = None) -> DemoSummary:
    """Add the demo users (if missing) and `count` demo patients (those not stored yet).

    Written in bulk, `BATCH` patients a transaction: an interruption leaves whole patients (each with
    its visits, status and signing event) and the same command resumes. `progress(done, count)` is
    called after each batch.
    """
    ctx.require("import")
    _refuse_a_real_clinic(ctx)
    users_added = _add_demo_users(ctx)
    if not ctx.setting("letterhead"):
        ctx.set_setting("letterhead", DEMO_LETTERHEAD)
    moment = (now or datetime.now(UTC)).astimezone()
    with ctx.db.session() as session:
        examiner = session.scalar(select(models.User.id).where(models.User.username == _PT)) or ctx.user.id
        stored = set(session.scalars(select(models.Patient.record_number)))
        intervals = intervals_in(session)
    patients = visits = 0
    batch: list[tuple[Patient, list[Visit]]] = []
    for done, (patient, patient_visits) in enumerate(_demo_patients(count, seed, moment), 1):
        if patient.record_number not in stored:
            batch.append((patient, patient_visits))
        if len(batch) == BATCH or (done == count and batch):
            visits += _write_batch(ctx, batch, examiner, intervals, seed)
            patients += len(batch)
            batch = []
        if progress is not None and (done % BATCH == 0 or done == count):
            progress(done, count)
    return DemoSummary(patients, visits, users_added)


def _write_batch(ctx: AppContext, batch: list[tuple[Patient, list[Visit]]], examiner: int,
                 intervals: dict[str, int], seed: int) -> int:
    """Insert the patients, their signed visits with findings and status rows, and the event that
    fingerprints the visits, in one transaction. Returns how many visits."""
    days = ctx.window_days
    with ctx.db.session(write=True) as session:
        tables = models.Base.metadata.tables
        connection = session.connection()
        patients = tables["patients"]
        patient_ids = connection.execute(
            insert(patients).returning(patients.c.id, sort_by_parameter_order=True),
            [patient_values(patient) for patient, _ in batch]).scalars().all()
        visit_rows: list[dict[str, Any]] = []
        answers = []
        for patient_id, (_, patient_visits) in zip(patient_ids, batch, strict=True):
            assessments = assess_visits(patient_visits, days)
            answers.append(assessments)
            for visit, assessment in zip(patient_visits, assessments, strict=True):
                visit_rows.append(visit_values(visit) | {
                    "patient_id": patient_id, "status": VisitStatus.SIGNED, "created_by_id": examiner,
                    "signed_by_id": examiner, "signed_at": visit.examined_at,
                    "signed_assessment": summary(assessment, days, SIGNED)})
        visits = tables["visits"]
        visit_ids = iter(connection.execute(
            insert(visits).returning(visits.c.id, sort_by_parameter_order=True), visit_rows).scalars().all())
        findings: list[tuple[Any, ...]] = []
        statuses: list[dict[str, Any]] = []
        fingerprints: dict[str, str] = {}
        for patient_id, (_, patient_visits), assessments in zip(patient_ids, batch, answers, strict=True):
            visit_id = 0
            for visit in patient_visits:
                visit_id = next(visit_ids)
                findings += [(visit_id, *row) for row in finding_rows(visit)]
                fingerprints[str(visit_id)] = content_hash(patient_id, visit)
            statuses.append({"patient_id": patient_id} | status_values(assessments, visit_id, days)
                            | plan_values(plan_without_reviews(assessments, intervals)))
        insert_many(session, tables["findings"], ("visit_id", *FINDING_COLUMNS), findings)
        connection.execute(insert(tables["patient_status"]), statuses)
        audit(session, ctx.user.id, "demo_filled", "clinic", None,
              {"patients": len(batch), "visits_added": len(visit_rows), "seed": seed, "visits": fingerprints})
    return len(visit_rows)


def _add_demo_users(ctx: AppContext) -> int:
    with ctx.db.session() as session:
        existing = set(session.scalars(select(models.User.username)))
    missing = [account for account in DEMO_ACCOUNTS if account.username not in existing]
    for account in missing:
        add_account(ctx, account)
    return len(missing)


def _refuse_a_real_clinic(ctx: AppContext) -> None:
    """The demo fills an empty clinic, or adds to its own demo; never mixes with real patients."""
    if patient_count(ctx) and ctx.setting(DEMO_SETTING) is None:
        raise InvalidInput("demo: this clinic holds patients the demo did not make; the demo fills only an empty "
                           "database (or its own demo clinic)")
    if ctx.setting(DEMO_SETTING) is None:
        ctx.set_setting(DEMO_SETTING, True)


def demo_clinic_context(data_dir: Path | None = None, url: str | None = None, username: str = "dr.jones",
                        patients: int = 24, seed: int = 1, now: datetime | None = None) -> AppContext:
    """A demo clinic made (or opened) as its administrator, then signed in as `username` (tools, benchmarks)."""
    clinic = open_clinic(data_dir, url)
    if not clinic.has_accounts:
        admin = next(a for a in DEMO_ACCOUNTS if a.username == "admin")
        create_first_administrator(clinic.db, admin)
    fill_demo_clinic(clinic.sign_in("admin", DEMO_PASSWORDS["admin"]), patients, seed, now)
    return clinic.sign_in(username, DEMO_PASSWORDS[username])


def patient_count(ctx: AppContext) -> int:
    with ctx.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(models.Patient)) or 0)
