"""The safety-net sheet: one A4 page handed to the patient after a signed visit.

In plain words: what was found today, when the next examination is, when the window period closes,
and when to call the emergency number at once or the clinic the same day (the red-flag questions of
the emergency and same-day tiers, written for a patient). Every word is data in
`resources/safety_net.json`, for the clinic to review.

`render_safety_net` takes plain data and returns PDF bytes, in the letter's fonts and colours. Like
the letter it reads no clock, so the same content gives the same bytes; the page never runs onto a
second one (a long list is set smaller rather than cut).
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import cache
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer, Table

from exam_app.clinical.deficits import abnormal_sensations, reduced_reflexes, upper_motor_neuron_signs, weak_muscles
from exam_app.clinical.examination import read_examination
from exam_app.clinical.next_examination import DOCTOR_REVIEW, NOT_DUE, WINDOW_END, NextExamination
from exam_app.clinical.record import Patient, Visit
from exam_app.clinical.vocabulary import vocabulary
from exam_app.clinical.window import WindowStatus
from exam_app.paths import resource_path
from exam_app.report.fonts import register_fonts
from exam_app.report.referral import Letterhead
from exam_app.report.styles import ALERT, ALERT_FILL, INK, MUTED, URGENCY_COLOURS, bold, para, table_style, text
from exam_app.wording import long_day

_MARGIN_X = 18 * mm
_MARGIN_Y = 15 * mm
_PAGE_WIDTH, _PAGE_HEIGHT = A4
_WIDTH = _PAGE_WIDTH - 2 * _MARGIN_X
_HEIGHT = _PAGE_HEIGHT - 2 * _MARGIN_Y
_SAME_DAY = URGENCY_COLOURS["same_day"]
_SAME_DAY_FILL = HexColor("#fdf3ec")
_NEXT_FILL = HexColor("#eef1f4")
# Larger than the letter's 9.5: the reader is a patient, perhaps without glasses. Smaller sizes only
# when the findings would not fit on the page otherwise.
_SIZES = (10.5, 10.0, 9.5, 9.0, 8.5)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


@cache
def safety_net_words() -> dict[str, Any]:
    """`resources/safety_net.json`, loaded once (treat as read-only)."""
    words: dict[str, Any] = json.loads(resource_path("safety_net.json").read_text(encoding="utf-8"))
    return words


def emergency_number() -> str:
    return str(safety_net_words()["emergency_number"])


def act_if(flag_id: str) -> str:
    """The patient's words for a red flag to act on."""
    return str(safety_net_words()["red_flags"][flag_id]["act_if"])


def listed_red_flags(tier: str) -> tuple[str, ...]:
    """The red flags of a tier, in the order of the vocabulary, as the sheet lists them."""
    return tuple(f.id for f in vocabulary().red_flags if f.tier == tier)


def found_for_patient(visit: Visit) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...], bool]:
    """What the sheet tells the patient was found: the weak muscles and the abnormal sensory levels
    (each level once, whatever the modality) by side and in examination order, and whether any other
    test (a reflex, an upper-motor-neuron sign, the anal examination) was abnormal."""
    exam = read_examination(visit)
    weak = tuple((d.side, d.item) for d in sorted(weak_muscles(exam), key=lambda d: d.rank))
    numb: list[tuple[str, str]] = []
    for deficit in sorted(abnormal_sensations(exam), key=lambda d: d.rank):
        if (deficit.side, deficit.item) not in numb:
            numb.append((deficit.side, deficit.item))
    other = bool(reduced_reflexes(exam) or upper_motor_neuron_signs(exam) or "no" in (visit.vac, visit.dap))
    return weak, tuple(numb), other


@dataclass(frozen=True)
class SafetyNetContent:
    letterhead: Letterhead
    patient: Patient
    examined_at: datetime  # the signed visit
    examiner: str
    signer: str | None
    issued_at: datetime  # aware; the sheet is written in its zone
    issued_by: str
    weak: tuple[tuple[str, str], ...]  # (side, movement id) of the weak muscles, in examination order
    numb: tuple[tuple[str, str], ...]  # (side, level id) of the abnormal sensations
    other_changes: bool  # reduced reflexes, upper-motor-neuron signs or anal findings
    worse_since: datetime | None  # the previous visit, when this one is worse
    red_flags: tuple[str, ...]  # answered yes at this visit
    incomplete: bool  # signed as incomplete
    plan: NextExamination  # the next examination, as it stands when the sheet is issued
    window: WindowStatus  # measured when the sheet is issued
    booked_for: datetime | None = None  # an appointment the front desk has booked


def render_safety_net(content: SafetyNetContent) -> bytes:
    """The sheet as PDF bytes: one A4 page. A story too long for the page (many findings) is set in
    a smaller type, step by step, rather than run onto a second sheet or cut."""
    if content.issued_at.tzinfo is None:
        raise ValueError("issued_at must be time-zone aware")
    register_fonts()
    for size in _SIZES:
        pdf, pages = _build(_Sheet(content, size))
        if pages == 1:
            break
    return pdf


def _build(sheet: _Sheet) -> tuple[bytes, int]:
    content = sheet.content
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer, pagesize=A4, leftMargin=_MARGIN_X, rightMargin=_MARGIN_X, topMargin=_MARGIN_Y,
        bottomMargin=_MARGIN_Y,
        title=f"Safety-net sheet: {content.patient.display_name}, {content.patient.record_number}",
        author=content.issued_by, subject=f"Issued {content.issued_at.isoformat()}", creator="exam-app", invariant=1)
    frame = Frame(_MARGIN_X, _MARGIN_Y, _WIDTH, _HEIGHT, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0, id="sheet")
    document.addPageTemplates([PageTemplate(id="sheet", frames=[frame])])
    document.build(sheet.story())
    return buffer.getvalue(), int(document.page)


class _Sheet:
    def __init__(self, content: SafetyNetContent, size: float) -> None:
        self.content = content
        self.size = size
        self.leading = round(size * 4 / 3, 1)
        self.words = safety_net_words()
        self.zone: tzinfo | None = content.issued_at.tzinfo

    # ------------------------------------------------------------------ words

    def when(self, at: datetime) -> str:
        """'Sunday 22 November 2026 at 09:30' in the sheet's zone."""
        local = at.astimezone(self.zone)
        return f"{self.day(local.date())} at {local:%H:%M}"

    @staticmethod
    def day(on: date) -> str:
        return f"{_WEEKDAYS[on.weekday()]} {on.day} {_MONTHS[on.month - 1]} {on.year}"

    def body(self, markup: str, **overrides: object) -> Paragraph:
        return para(markup, "body", fontSize=self.size, leading=self.leading, **overrides)

    def bullets(self, items: Sequence[str]) -> list[Flowable]:
        style = para("", "bullet", fontSize=self.size, leading=self.leading, leftIndent=14, spaceAfter=2).style
        return [Paragraph(text(item), style, bulletText="•") for item in items]

    def heading(self, words: str, colour: Any = INK) -> Paragraph:
        return para(bold(words), "body", fontSize=self.size + 2, leading=self.leading + 2.5, textColor=colour,
                    spaceAfter=3)

    # ------------------------------------------------------------------ the page

    def story(self) -> list[Flowable]:
        flow: list[Flowable] = []
        flow += self.letterhead()
        flow += self.found()
        flow += [Spacer(1, 7), self.next_examination(), Spacer(1, 6)]
        flow += self.window()
        flow += [Spacer(1, 7), self.emergency(), Spacer(1, 7), self.same_day(), Spacer(1, 7)]
        flow += self.footer()
        return flow

    def letterhead(self) -> list[Flowable]:
        content, words = self.content, self.words
        head = content.letterhead
        address = [line.strip() for line in head.address.splitlines() if line.strip()]
        left = [para(text(head.clinic_name), "clinic"), para(text(", ".join(address)), "address")]
        right = [para(bold(f"Phone {head.phone}"), "body", fontSize=12, leading=15, alignment=2)] if head.phone else []
        top = Table([[left, right]], colWidths=[_WIDTH * 0.62, _WIDTH * 0.38], hAlign="LEFT")
        top.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                  ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                                  ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
        patient = content.patient
        line = (words["patient_line"].format(name=patient.display_name, born=long_day(patient.birth_date),
                                             record_number=patient.record_number)
                if patient.birth_date else words["patient_line_no_birth"].format(
                    name=patient.display_name, record_number=patient.record_number))
        examined = words["examined_line"].format(when=self.when(content.examined_at), examiner=content.examiner)
        return [top, Spacer(1, 8), para(bold(words["title"]), "body", fontSize=16, leading=20, spaceAfter=4),
                self.body(text(line)), self.body(text(examined), textColor=MUTED)]

    def found(self) -> list[Flowable]:
        content, words = self.content, self.words
        found = words["found"]
        lines = []
        for key, found_on, names, joiner in (("weak", content.weak, words["movements"], ", "),
                                             ("numb", content.numb, words["areas"], "; ")):
            for side, items in _by_side(found_on):
                lines.append(found[key].format(side=words["sides"][side], **{
                    "movements" if key == "weak" else "areas": joiner.join(names[item] for item in items)}))
        if not content.weak and not content.numb:
            lines.append(found["normal"])
        if content.other_changes:
            lines.append(found["other"])
        if content.worse_since is not None:
            lines.append(found["worse"].format(day=self.day(content.worse_since.astimezone(self.zone).date())))
        if content.red_flags:
            told = [words["red_flags"][flag]["told"] for flag in content.red_flags]
            lines.append(found["told"].format(flags="; ".join(told)))
        if content.incomplete:
            lines.append(found["incomplete"])
        return [Spacer(1, 6), self.heading(found["heading"]), *self.bullets(lines)]

    def next_examination(self) -> Flowable:
        content, words = self.content, self.words["next"]
        plan = content.plan
        if plan.due is None or plan.basis == NOT_DUE:
            when, why = words["none"], words["none_why"]
        elif plan.basis == DOCTOR_REVIEW and plan.review_on is not None:
            local = plan.due.astimezone(self.zone)
            when = words["doctor_review"].format(day=self.day(plan.review_on), time=f"{local:%H:%M}")
            why = words["doctor_review_why"]
        elif plan.interval_hours == 0 or plan.due <= content.issued_at:
            when, why = words["at_once"], words["at_once_why"]
        elif plan.basis == WINDOW_END:
            when, why = words["window_end"].format(when=self.when(plan.due)), words["window_end_why"]
        else:
            when = words["window_interval"].format(when=self.when(plan.due))
            why = words["window_interval_why"].format(hours=plan.interval_hours)
        inner: list[Flowable] = [self.heading(words["heading"]),
                                 para(bold(when), "body", fontSize=15, leading=19, spaceAfter=3),
                                 self.body(text(why))]
        if content.booked_for is not None:
            inner.append(self.body(bold(words["booked"].format(when=self.when(content.booked_for)))))
        if plan.due is not None:
            inner.append(self.body(text(words["even_if_better"])))
        return _box(inner, INK, _NEXT_FILL, 1.2)

    def window(self) -> list[Flowable]:
        words = self.words["window"]
        window = self.content.window
        if window.ends is None:
            sentence = words["unknown"]
        elif window.within:
            sentence = words["open"].format(when=self.when(window.ends))
        else:
            sentence = words["closed"].format(when=self.when(window.ends))
        return [self.heading(words["heading"]), self.body(text(sentence))]

    def emergency(self) -> Flowable:
        words = self.words["emergency"]
        number = emergency_number()
        inner: list[Flowable] = [self.heading(words["heading"].format(number=number) + ":", ALERT)]
        inner += self.bullets([act_if(flag) for flag in listed_red_flags("emergency")])
        inner.append(self.body(bold(words["after"])))
        return _box(inner, ALERT, ALERT_FILL, 1.6)

    def same_day(self) -> Flowable:
        words = self.words["same_day"]
        phone = self.content.letterhead.phone
        heading = words["heading"].format(phone=phone) if phone else words["heading_no_phone"]
        inner: list[Flowable] = [self.heading(heading + ":", _SAME_DAY)]
        inner += self.bullets([*(act_if(flag) for flag in listed_red_flags("same_day")), *self.words["same_day_also"]])
        inner.append(self.body(bold(words["after"])))
        return _box(inner, _SAME_DAY, _SAME_DAY_FILL, 1.4)

    def footer(self) -> list[Flowable]:
        content, words = self.content, self.words
        signed = words["footer_signed"].format(signer=content.signer) if content.signer else ""
        footer = words["footer"].format(examined=self.when(content.examined_at), signed=signed,
                                        issued=self.when(content.issued_at), issuer=content.issued_by)
        planned = words["planned_from"].format(reasons="; ".join(content.plan.reasons))
        return [para(text(footer), "small", fontSize=8.5, leading=11),
                para(text(planned), "small", fontSize=7.5, leading=9.5, spaceBefore=2)]


def _by_side(found: Sequence[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """The items of each side; one line for both legs when both sides have the same items."""
    left = [item for side, item in found if side == "left"]
    right = [item for side, item in found if side == "right"]
    if left and left == right:
        return [("both", left)]
    return [(side, items) for side, items in (("left", left), ("right", right)) if items]


def _box(inner: list[Flowable], colour: Any, fill: Any, line: float) -> Table:
    box = Table([[inner]], colWidths=[_WIDTH], hAlign="LEFT")
    box.setStyle(table_style([("BOX", (0, 0), (-1, -1), line, colour), ("BACKGROUND", (0, 0), (-1, -1), fill),
                              ("LEFTPADDING", (0, 0), (-1, -1), 10), ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                              ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 7)]))
    return box


__all__ = ["SafetyNetContent", "act_if", "emergency_number", "found_for_patient", "listed_red_flags",
           "render_safety_net", "safety_net_words"]
