"""Specimen letters and safety-net sheets built from real clinical objects: visits made by hand and
assessed by the engine (never a made-up assessment). The tests, the benchmark and the pictures in
docs/letters use them; a clinic can print one to review the layout.

    python -m exam_app.report.specimens OUT_DIR    # writes one PDF per specimen
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from exam_app.clinical.assess import assess_visits
from exam_app.clinical.doctor import DoctorNote, Investigation
from exam_app.clinical.isncsci import anal_key, entry_key, isncsci_tables, with_remaining_normal
from exam_app.clinical.next_examination import (
    DoctorReview,
    follow_up_findings,
    in_force,
    patient_tier,
    plan_next_examination,
    plans_after,
    timeliness,
)
from exam_app.clinical.normal_findings import normal_examination
from exam_app.clinical.record import Patient, TensionSign, Visit
from exam_app.clinical.window import window_length, window_status
from exam_app.report.referral import (
    FollowUp,
    LemsPoint,
    Letterhead,
    ReferralContent,
    ReferralOptions,
    Signatory,
    latest_worksheet,
    render_referral,
)
from exam_app.report.safety_net import SafetyNetContent, found_for_patient, render_safety_net
from exam_app.tables import VisitStatus

CLINIC = Letterhead(
    clinic_name="Riverside Spine and Nerve Clinic",
    address="12 Harbour Road\nPortsmouth PO1 3AX",
    phone="+44 23 9200 0000",
)
ZONE = timezone(timedelta(hours=1))
RECIPIENT = "On-call spinal surgeon, City Hospital"


def normal_visit(at: datetime, examiner: str = "pt.smith", **changes: object) -> Visit:
    """Every item examined and normal, every red-flag question answered no."""
    visit = normal_examination(Visit(examined_at=at, examiner=examiner, asked=frozenset({"symptoms"})))
    return replace(visit, **changes)  # type: ignore[arg-type]


def _with(visit: Visit, motor: dict[str, dict[str, str]] | None = None,
          sensory: dict[str, dict[str, str]] | None = None, reflexes: dict[str, dict[str, str]] | None = None,
          **changes: object) -> Visit:
    """The visit with some grades changed (`sensory` sets both modalities)."""
    new_motor = {item: dict(sides) for item, sides in visit.motor.items()}
    for item, sides in (motor or {}).items():
        new_motor[item].update(sides)
    light_touch = {level: dict(sides) for level, sides in visit.light_touch.items()}
    pin_prick = {level: dict(sides) for level, sides in visit.pin_prick.items()}
    for level, sides in (sensory or {}).items():
        light_touch[level].update(sides)
        pin_prick[level].update(sides)
    new_reflexes = {item: dict(sides) for item, sides in visit.reflexes.items()}
    for item, sides in (reflexes or {}).items():
        new_reflexes[item].update(sides)
    return replace(visit, motor=new_motor, light_touch=light_touch, pin_prick=pin_prick, reflexes=new_reflexes,
                   **changes)  # type: ignore[arg-type]


def content_for(
    patient: Patient,
    visits: Sequence[Visit],
    issued_at: datetime,
    doctor: DoctorNote | None = None,
    visit_status: str = VisitStatus.SIGNED,
    letterhead: Letterhead = CLINIC,
) -> ReferralContent:
    """The letter's content for the last of `visits`, as the referral service fills it in."""
    assessments = assess_visits(visits)
    last = assessments[-1]
    ordered = [a.visit for a in assessments]
    window_now = window_status(last.window.onset, window_length(), issued_at)
    reviews = [DoctorReview(doctor.next_review, last.examined_at)] if doctor and doctor.next_review else []
    plans = plans_after(assessments, reviews, zone=ZONE)
    follow_up = FollowUp(in_force(plans[-1], issued_at),
                         tuple(timeliness(plans, [a.examined_at for a in assessments])[:-1]))
    signer = "Dr A. Okafor"
    return ReferralContent(
        letterhead=letterhead,
        issued_at=issued_at,
        recipient=RECIPIENT,
        signatory=Signatory("Dr A. Okafor", "doctor", "GMC 7012345", "+44 20 7946 0400", "a.okafor@riverside.example"),
        printed_by="Robin Lee (front desk)",
        patient=patient,
        visit=last.visit,
        visit_status=visit_status,
        previous=ordered[-2] if len(ordered) > 1 else None,
        isncsci_before=latest_worksheet(ordered[:-1]),
        assessment=last,
        window_now=window_now,
        lems_history=tuple(LemsPoint(a.examined_at, a.lems.left, a.lems.right) for a in assessments),
        examiner=last.visit.examiner or "unknown",
        signer=signer,
        signed_at=last.visit.examined_at + timedelta(minutes=40),
        doctor=doctor,
        follow_up=follow_up,
    )


def jane_doe(**changes: object) -> Patient:
    patient = Patient("A-1001", family_name="Doe", given_name="Jane", birth_date=date(1969, 4, 2), sex="female")
    return replace(patient, **changes)  # type: ignore[arg-type]


def normal(patient: Patient | None = None) -> ReferralContent:
    """One visit, everything normal: routine."""
    at = datetime(2026, 11, 2, 9, 30, tzinfo=ZONE)
    visit = normal_visit(at, symptoms=("low_back_pain",), notes="Back pain for two weeks, no weakness found.")
    return content_for(patient or jane_doe(), [visit], at + timedelta(hours=2))


def l5_radiculopathy(patient: Patient | None = None) -> ReferralContent:
    """One visit, five days after onset: weak great-toe extension, hip abduction and ankle inversion,
    L5 sensory loss, a reduced medial hamstring reflex, a positive straight leg raise."""
    at = datetime(2026, 11, 6, 10, 15, tzinfo=ZONE)
    visit = _with(
        normal_visit(at, symptoms=("low_back_pain", "shooting_pain", "difficulty_lifting_foot", "numbness")),
        motor={"great_toe_extension": {"left": "3"}, "hip_abduction": {"left": "4"},
               "ankle_inversion": {"left": "4"}, "ankle_dorsiflexion": {"left": "4+"}},
        sensory={"L5": {"left": "1"}},
        reflexes={"medial_hamstring": {"left": "1"}},
        weakness_onset=at - timedelta(days=5, hours=3),
        tension_signs={"straight_leg_raise": {"left": TensionSign("positive", 40), "right": TensionSign("negative")},
                       "crossed_straight_leg_raise": {"left": TensionSign("negative"),
                                                      "right": TensionSign("negative")},
                       "femoral_stretch": {"left": TensionSign("negative"), "right": TensionSign("negative")}},
        gait={"heel_walk": {"left": "impaired", "right": "normal"}, "toe_walk": {"left": "normal", "right": "normal"}},
    )
    return content_for(patient or jane_doe(), [visit], at + timedelta(hours=1))


def doctor_note(signed_at: datetime) -> DoctorNote:
    return DoctorNote(
        level="root_compression",
        causes=("disc_protrusion", "sciatica"),
        impression="Left L5 radiculopathy, progressing over two days despite analgesia; "
                   "likely L4/5 disc protrusion. No sphincter involvement.",
        investigations=(
            Investigation("mri_lumbosacral", detail="urgent, sagittal and axial T2"),
            Investigation("blood_tests", detail="FBC, CRP, HbA1c", result="normal; HbA1c 38 mmol/mol",
                          result_at=signed_at - timedelta(hours=3)),
        ),
        plans=("surgical_opinion", "physiotherapy"),
        plan_text="Referred today for a surgical opinion while the window is open. Analgesia continued.",
        next_review=(signed_at + timedelta(days=7)).date(),
        surgical_consent=True,
        signed_by="Dr A. Okafor",
        signed_at=signed_at,
    )


def progression(patient: Patient | None = None, doctor: bool = True) -> ReferralContent:
    """Two visits within three days of onset, the second clearly worse: the headline alert."""
    onset = datetime(2026, 11, 19, 9, 12, tzinfo=ZONE)
    first = _with(
        normal_visit(onset + timedelta(hours=4), symptoms=("low_back_pain", "shooting_pain")),
        motor={"ankle_dorsiflexion": {"left": "4"}, "great_toe_extension": {"left": "4"}},
        sensory={"L5": {"left": "1"}},
        weakness_onset=onset,
    )
    second = _with(
        normal_visit(onset + timedelta(days=1, hours=17), examiner="pt.jones",
                     symptoms=("low_back_pain", "shooting_pain", "difficulty_lifting_foot", "numbness")),
        motor={"ankle_dorsiflexion": {"left": "2"}, "great_toe_extension": {"left": "2"},
               "ankle_inversion": {"left": "4"}, "hip_abduction": {"left": "4+"}},
        sensory={"L5": {"left": "0"}},
        gait={"heel_walk": {"left": "unable", "right": "normal"}, "toe_walk": {"left": "normal", "right": "normal"}},
    )
    issued = second.examined_at + timedelta(hours=6, minutes=30)
    note = doctor_note(issued - timedelta(minutes=30)) if doctor else None
    return content_for(patient or jane_doe(), [first, second], issued, doctor=note)


def isncsci_below(level: str, sensation: str, motor: str) -> dict[str, str]:
    """An ISNCSCI worksheet: both sides' light touch and pin prick `sensation` and key muscles `motor`
    from `level` down, S4-5 light touch 1 and deep anal pressure kept, no voluntary anal contraction;
    the rest normal."""
    tables = isncsci_tables()
    entries = {}
    for side in ("right", "left"):
        for dermatome in tables.levels[tables.levels.index(level):]:
            for kind in ("light_touch", "pin_prick"):
                entries[entry_key(dermatome, side, kind)] = sensation
            if dermatome in tables.key_muscle_levels:
                entries[entry_key(dermatome, side, "motor")] = motor
        entries[entry_key("S4_5", side, "light_touch")] = "1"
    return with_remaining_normal({**entries, anal_key("vac"): "No", anal_key("dap"): "Yes"})


def cord_compression(patient: Patient | None = None) -> ReferralContent:
    """Two visits with an ISNCSCI worksheet, the second worse: AIS D → C, the level up from T10 to T8."""
    onset = datetime(2026, 11, 19, 9, 12, tzinfo=ZONE)
    weak = {m: {"left": "3", "right": "3"} for m in ("hip_flexion", "knee_extension", "ankle_dorsiflexion",
                                                      "great_toe_extension", "ankle_plantarflexion")}
    first = _with(normal_visit(onset + timedelta(hours=5), symptoms=("low_back_pain",)), motor=weak,
                  weakness_onset=onset, isncsci=isncsci_below("T11", "1", "3"))
    weaker = {m: {"left": "2", "right": "2"} for m in weak}
    second = _with(normal_visit(onset + timedelta(days=1, hours=3), examiner="pt.jones"), motor=weaker,
                   isncsci=isncsci_below("T9", "1", "2"))
    issued = second.examined_at + timedelta(hours=2)
    return content_for(patient or jane_doe(), [first, second], issued)


def long_history(patient: Patient | None = None) -> ReferralContent:
    """Ten visits over six weeks: onset, worsening inside the window, slow recovery, then a relapse.
    Full findings, trend, body chart and doctor's note: the benchmark's letter."""
    onset = datetime(2026, 9, 1, 7, 0, tzinfo=ZONE)
    courses = [  # (days after onset, great-toe extension, ankle dorsiflexion, L5 score, Achilles)
        (0.2, "4", "4+", "1", "2"), (1.1, "3", "4", "1", "2"), (2.0, "2", "3", "0", "1"), (6, "2", "3", "0", "1"),
        (10, "3", "4-", "1", "1"), (16, "3", "4", "1", "2"), (22, "4-", "4", "1", "2"), (29, "4", "4+", "1", "2"),
        (36, "4", "4+", "2", "2"), (43, "3", "4-", "1", "2"),
    ]
    visits = []
    for number, (after, toe, dorsiflexion, l5, achilles) in enumerate(courses):
        visit = _with(
            normal_visit(onset + timedelta(days=after), examiner=("pt.smith", "pt.jones")[number % 2],
                         symptoms=("low_back_pain", "shooting_pain", "difficulty_lifting_foot")),
            motor={"great_toe_extension": {"left": toe}, "ankle_dorsiflexion": {"left": dorsiflexion}},
            sensory={"L5": {"left": l5}, "S1": {"left": "2" if l5 == "2" else "1"}},
            reflexes={"achilles": {"left": achilles}},
            weakness_onset=onset if number == 0 else None,
            tension_signs={"straight_leg_raise": {"left": TensionSign("positive", 35 + number * 3),
                                                  "right": TensionSign("negative")}},
        )
        visits.append(visit)
    issued = visits[-1].examined_at + timedelta(hours=2)
    return content_for(patient or jane_doe(), visits, issued, doctor=doctor_note(issued - timedelta(hours=1)))


def sheet_for(patient: Patient, visits: Sequence[Visit], issued_at: datetime,
              review: DoctorReview | None = None) -> SafetyNetContent:
    """The safety-net sheet of the last of `visits`, as the handout service fills it in."""
    assessments = assess_visits(visits)
    last = assessments[-1]
    plan = plan_next_examination(last.examined_at, patient_tier(assessments), follow_up_findings(last.visit),
                                 last.window, review, None, ZONE)
    weak, numb, other = found_for_patient(last.visit)
    return SafetyNetContent(
        letterhead=CLINIC, patient=patient, examined_at=last.examined_at, examiner="Sam Smith",
        signer="Sam Smith", issued_at=issued_at, issued_by="Robin Lee", weak=weak, numb=numb, other_changes=other,
        worse_since=assessments[-2].examined_at if last.worsening.worsened and len(assessments) > 1 else None,
        red_flags=last.red_flags, incomplete=bool(last.visit.incomplete_reason), plan=in_force(plan, issued_at),
        window=window_status(last.window.onset, window_length(), issued_at))


def sheet_in_window(patient: Patient | None = None) -> SafetyNetContent:
    """Weak great-toe extension and L5 sensory loss a day after onset: urgent, examined again in 12 hours."""
    at = datetime(2026, 11, 20, 10, 30, tzinfo=ZONE)
    visit = _with(normal_visit(at, symptoms=("low_back_pain", "shooting_pain")),
                  motor={"great_toe_extension": {"left": "3"}, "ankle_dorsiflexion": {"left": "4"}},
                  sensory={"L5": {"left": "1"}}, weakness_onset=at - timedelta(hours=26))
    return sheet_for(patient or jane_doe(), [visit], at + timedelta(minutes=25))


def sheet_after_progression(patient: Patient | None = None) -> SafetyNetContent:
    """The progression within the window of the letter specimen: same day, examined again at once."""
    letter = progression(patient, doctor=False)
    visits = [v for v in (letter.previous, letter.visit) if v is not None]
    return sheet_for(letter.patient, visits, letter.visit.examined_at + timedelta(minutes=20))


SHEETS = {
    "safety_net_in_window": sheet_in_window,
    "safety_net_after_progression": sheet_after_progression,
}


SPECIMENS = {
    "normal": normal,
    "l5_radiculopathy": l5_radiculopathy,
    "progression": progression,
    "long_history": long_history,
    "cord_compression": cord_compression,
}


def main(argv: Sequence[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m exam_app.report.specimens OUT_DIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for name, build in SPECIMENS.items():
        path = out / f"{name}.pdf"
        path.write_bytes(render_referral(build()))
        print(path)
    extra = {
        "progression_abnormal_only": render_referral(progression(), ReferralOptions(findings="abnormal")),
        # a name in a right-to-left script, joined letters (with the optional shaping package)
        "l5_radiculopathy_arabic_name": render_referral(
            l5_radiculopathy(jane_doe(given_name="ليلى", family_name="حداد"))),
        "normal_devanagari_name": render_referral(normal(jane_doe(given_name="अनन्या", family_name="गुप्ता"))),
    }
    for name, pdf in extra.items():
        path = out / f"{name}.pdf"
        path.write_bytes(pdf)
        print(path)
    for name, sheet in SHEETS.items():
        path = out / f"{name}.pdf"
        path.write_bytes(render_safety_net(sheet()))
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
