"""The referral letter: a PDF that gets a patient with leg weakness seen in time.

The reason for referral comes first (the urgency tier in words and colour, and the headline
alert "progression within the window period" with the findings that changed and the time left
in the window now), then the window period, the findings of the signed visit, the engine's
interpretation (marked as decision support), the LEMS trend, the doctor's assessment and plan,
and who examined, signed and sent.

`render_referral` takes plain data and returns PDF bytes. It reads no clock: every date comes
from the content, and reportlab's invariant mode fixes the PDF's own date and identifier, so the
same content and options give a byte-identical letter (a re-print is the same letter).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import cache
from typing import Any

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    HRFlowable,
    Image,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)

from exam_app.clinical.assess import VisitAssessment
from exam_app.clinical.compare import isncsci_changes
from exam_app.clinical.doctor import DoctorNote, label
from exam_app.clinical.isncsci import read_entries
from exam_app.clinical.next_examination import NextExamination, Timeliness, basis_label, due_state
from exam_app.clinical.pattern import nerve_labels, pattern_labels
from exam_app.clinical.record import Patient, Visit
from exam_app.clinical.vocabulary import vocabulary
from exam_app.clinical.window import WindowStatus
from exam_app.presentation import isncsci_words, progression_alert, urgency_label
from exam_app.report import findings
from exam_app.report.charts import lems_trend, plottable
from exam_app.report.findings import ABNORMAL, ALL, WIDTH, FindingsContext
from exam_app.report.fonts import register_fonts
from exam_app.report.styles import (
    ALERT,
    ALERT_FILL,
    INK,
    MUTED,
    RULE,
    URGENCY_COLOURS,
    bold,
    coloured,
    grid,
    para,
    table_style,
    text,
)
from exam_app.tables import VisitStatus
from exam_app.wording import day, duration, long_day, moment

DISCLAIMER = "Decision support — computed from the findings above; not a diagnosis"
PROGRESSION = progression_alert()

_MARGIN_X = 20 * mm
_MARGIN_TOP = 18 * mm
_MARGIN_BOTTOM = 20 * mm
_PAGE_WIDTH, _PAGE_HEIGHT = A4


@dataclass(frozen=True)
class Letterhead:
    clinic_name: str
    address: str  # may contain newlines
    phone: str | None = None
    logo: bytes | None = None  # PNG or JPEG bytes; optional


@dataclass(frozen=True)
class LemsPoint:
    examined_at: datetime
    left: int | str  # "ND" when not determinable
    right: int | str


@dataclass(frozen=True)
class ReferralOptions:
    trend_chart: bool = True
    body_chart: bool = True
    findings: str = "all"  # "all" or "abnormal" (only abnormal findings in the findings sections)


@dataclass(frozen=True)
class Signatory:
    """The clinician responsible for the letter, as it is signed."""

    name: str
    role: str  # in words: "doctor", "physiotherapist"
    registration_number: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class FollowUp:
    """The examinations after the referred visit's: the next one planned, and whether the earlier ones
    came by the time planned after the visit before them."""

    planned: NextExamination  # the plan after the referred visit, in force when the letter is issued
    earlier: tuple[Timeliness, ...] = ()  # one per earlier visit, oldest first
    booked_for: datetime | None = None  # an appointment the front desk booked


@dataclass(frozen=True)
class ReferralContent:
    letterhead: Letterhead
    issued_at: datetime  # aware
    recipient: str  # e.g. "On-call spinal surgeon, City Hospital"
    signatory: Signatory  # who signs it: the doctor who signed the note, or the examiner who signed the visit
    printed_by: str  # who issued (printed or saved) it: "Robin Lee (front desk)"
    patient: Patient
    visit: Visit  # the signed visit referred
    visit_status: str  # VisitStatus.SIGNED or VisitStatus.AMENDED
    previous: Visit | None  # the visit before it, for "change since the previous visit"
    assessment: VisitAssessment  # the engine's answer for `visit` (window measured at its examined_at)
    window_now: WindowStatus  # the window measured at issued_at (time left NOW)
    lems_history: tuple[LemsPoint, ...]  # every signed visit of the patient up to this one, in order
    examiner: str  # who examined
    signer: str | None  # who signed the visit
    signed_at: datetime | None
    doctor: DoctorNote | None  # the doctor's impression, investigations and plan, if written
    follow_up: FollowUp | None = None  # the next examination planned, and earlier ones on time or not
    # The latest earlier visit with a complete ISNCSCI worksheet, for the change of the classification.
    isncsci_before: Visit | None = None


def latest_worksheet(earlier: Sequence[Visit]) -> Visit | None:
    """The latest of the earlier visits (in order of examination) with a complete ISNCSCI worksheet."""
    return next((v for v in reversed(earlier) if v.isncsci and read_entries(v.isncsci).results), None)


def render_referral(content: ReferralContent, options: ReferralOptions = ReferralOptions()) -> bytes:
    """The letter as PDF bytes. Same content and options -> byte-identical PDF (use reportlab's invariant mode
    and take every date from the content, never from the clock), so a re-print is the same letter."""
    if options.findings not in (ALL, ABNORMAL):
        raise ValueError(f"findings must be {ALL!r} or {ABNORMAL!r}, not {options.findings!r}")
    if content.issued_at.tzinfo is None:
        raise ValueError("issued_at must be time-zone aware")
    register_fonts()
    _binary_streams()
    letter = _Letter(content, options)
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN_X,
        rightMargin=_MARGIN_X,
        topMargin=_MARGIN_TOP,
        bottomMargin=_MARGIN_BOTTOM,
        title=f"Referral letter: {content.patient.display_name}, {content.patient.record_number}",
        author=content.signatory.name,
        subject=f"Referral of {content.patient.record_number}, issued {content.issued_at.isoformat()}",
        creator="exam-app",
        invariant=1,
    )
    frame = Frame(_MARGIN_X, _MARGIN_BOTTOM, _PAGE_WIDTH - 2 * _MARGIN_X, _PAGE_HEIGHT - _MARGIN_TOP - _MARGIN_BOTTOM,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="text")
    document.addPageTemplates([PageTemplate(id="letter", frames=[frame])])
    document.build(letter.story(), canvasmaker=_numbered_canvas(letter.page_furniture))
    return buffer.getvalue()


@cache
def _binary_streams() -> None:
    """Write the PDF's streams in binary, not ASCII85: a fifth smaller and much faster to write,
    and every PDF reader reads them. reportlab's setting is process-wide; the app writes PDFs only
    here, so it is set once."""
    rl_config.useA85 = 0


# --- page furniture ----------------------------------------------------------------------------


def _numbered_canvas(furniture: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    """A canvas that holds its pages back until the end, to write "Page x of y" on each."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no types
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, page in enumerate(self._pages, start=1):
                self.__dict__.update(page)
                furniture(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


class _Letter:
    def __init__(self, content: ReferralContent, options: ReferralOptions) -> None:
        self.content = content
        self.options = options
        self.zone: tzinfo | None = content.issued_at.tzinfo

    # dates, all in the letter's time zone
    def at(self, when: datetime) -> str:
        return moment(when, self.zone)

    def page_furniture(self, canvas: Canvas, number: int, total: int) -> None:
        """Footer on every page (patient and page x of y); a running header after the first."""
        content = self.content
        patient = content.patient
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        left, right = _MARGIN_X, _PAGE_WIDTH - _MARGIN_X
        y = _MARGIN_BOTTOM - 9 * mm
        canvas.line(left, y + 11, right, y + 11)
        who = f"{patient.display_name} · record number {patient.record_number}"
        if patient.birth_date is not None:
            who += f" · born {day(patient.birth_date)}"
        _draw(canvas, para(text(who), "footer"), left, y, right - left - 80)
        _draw(canvas, para(text(f"Page {number} of {total}"), "footer", alignment=2), right - 80, y, 80)
        printed = f"Printed by {content.printed_by} on {self.at(content.issued_at)}"
        _draw(canvas, para(text(printed), "footer"), left, y - 10, right - left)
        if number > 1:
            head = (f"{content.letterhead.clinic_name} · referral of {patient.display_name}, "
                    f"record number {patient.record_number} · {day(content.issued_at.astimezone(self.zone))}")
            top = _PAGE_HEIGHT - _MARGIN_TOP + 5 * mm
            _draw(canvas, para(text(head), "footer"), left, top, right - left)
            canvas.line(left, top - 3, right, top - 3)
        canvas.restoreState()

    # the story
    def story(self) -> list[Flowable]:
        flow: list[Flowable] = []
        flow += self.heading()
        flow += self.reason()
        flow += self.window()
        flow += self.next_examination()
        flow += self.findings()
        flow += self.interpretation()
        flow += self.isncsci()
        flow += self.trend()
        flow += self.doctor()
        flow += self.sign_off()
        return flow

    def heading(self) -> list[Flowable]:
        content = self.content
        head = content.letterhead
        clinic: list[Flowable] = [para(text(head.clinic_name), "clinic")]
        lines = [line.strip() for line in head.address.splitlines() if line.strip()]
        if head.phone:
            lines.append(f"Phone {head.phone}")
        clinic.append(para("<br/>".join(text(line) for line in lines), "address"))
        logo = _logo(head.logo)
        left: list[Flowable] | Table = clinic
        if logo is not None:
            left = Table([[logo, clinic]], colWidths=[logo.drawWidth + 10, None], hAlign="LEFT")
            left.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                       ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                                       ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        issued = content.issued_at.astimezone(self.zone)
        letterhead = Table([[left, para(text(long_day(issued)), "body", alignment=2)]],
                           colWidths=[WIDTH - 130, 130], hAlign="LEFT")
        letterhead.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                         ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                                         ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        patient = content.patient
        re = [patient.display_name]
        if patient.sex and patient.sex not in ("unknown",):
            re.append(patient.sex)
        if patient.birth_date is not None:
            re.append(f"born {day(patient.birth_date)} (age {_age(patient.birth_date, issued.date())})")
        re.append(f"record number {patient.record_number}")
        visit = content.visit
        opening = (f"Thank you for seeing {patient.display_name}, examined here on {self.at(visit.examined_at)} "
                   f"for weakness of the legs. The reason for referral comes first; the findings of that "
                   f"{content.visit_status} examination and the computed interpretation follow.")
        return [
            letterhead,
            Spacer(1, 5),
            HRFlowable(width="100%", thickness=0.8, color=INK, spaceBefore=2, spaceAfter=10),
            para(f"{coloured(text('To'), MUTED)}  {text(content.recipient)}"),
            Spacer(1, 4),
            para(text("Re: " + ", ".join(re)), "re"),
            para(text("Dear colleague,")),
            Spacer(1, 3),
            para(text(opening)),
        ]

    def reason(self) -> list[Flowable]:
        content = self.content
        assessment = content.assessment
        vocab = vocabulary()
        tier = assessment.urgency
        colour = URGENCY_COLOURS[tier]
        tier_label = urgency_label(tier)
        flow: list[Flowable] = [_section("Reason for referral")]
        urgency = Table(
            [[para(coloured(bold("Urgency: ") + bold(tier_label.upper()), colour), "body", fontSize=12.5,
                   leading=16)]],
            colWidths=[WIDTH], hAlign="LEFT",
        )
        urgency.setStyle(table_style([("LINEBEFORE", (0, 0), (0, -1), 4, colour),
                                      ("LEFTPADDING", (0, 0), (-1, -1), 9), ("TOPPADDING", (0, 0), (-1, -1), 3),
                                      ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        flow.append(urgency)
        flow.append(Spacer(1, 7))
        if assessment.progression_within_window:
            flow.append(self.progression_box())
            flow.append(Spacer(1, 8))
        if assessment.red_flags:
            new = set(assessment.worsening.new_red_flags)
            items = []
            for flag_id in assessment.red_flags:
                flag = vocab.red_flag(flag_id)
                tier_of = urgency_label(flag.tier)
                words = f"{flag.question} — {tier_of}" + (" (new since the previous visit)" if flag_id in new else "")
                items.append(text(words))
            flow.append(para(bold("Red flags answered yes")))
            flow += _bullets(items)
        reasons = list(assessment.urgency_reasons)
        if assessment.progression_within_window:
            # the worse findings are in the box above: not twice
            boxed = {f"worse: {change.finding}" for change in assessment.worsening.changes}
            reasons = [r for r in reasons if r not in boxed]
            if len(reasons) < len(assessment.urgency_reasons):
                reasons.insert(0, "worse since the previous visit: the findings in the box above")
        flow.append(para(bold(f"Why {tier_label}")))
        flow += _bullets([text(reason) for reason in reasons] or [text("no trigger found")])
        return flow

    def progression_box(self) -> Flowable:
        content = self.content
        worsening = content.assessment.worsening
        now = content.window_now
        inner: list[Flowable] = [para(text(PROGRESSION), "alert_title")]
        if now.ends is not None and now.within and now.time_left is not None:
            left = (f"{bold(duration(now.time_left) + ' left')} in the window now "
                    f"{text(f'(it ends {self.at(now.ends)}; letter issued {self.at(content.issued_at)}).')}")
        elif now.ends is not None:
            ago = f", {duration(now.time_left)} before this letter was issued" if now.time_left is not None else ""
            left = bold(f"The window closed at {self.at(now.ends)}") + text(f"{ago}.")
        else:
            left = text("No onset is known now, so the window cannot be measured.")
        inner.append(para(left))
        inner.append(Spacer(1, 3))
        since = f" since {self.at(content.previous.examined_at)}" if content.previous else ""
        inner.append(para(bold(f"Worse{since}:")))
        inner += _bullets([text(change.finding) for change in worsening.changes])
        if worsening.major:
            inner.append(para(bold("Major worsening:") + " " + text("; ".join(worsening.major_findings))))
        box = Table([[inner]], colWidths=[WIDTH], hAlign="LEFT")
        box.setStyle(table_style([("BOX", (0, 0), (-1, -1), 1.6, ALERT), ("BACKGROUND", (0, 0), (-1, -1), ALERT_FILL),
                                  ("LEFTPADDING", (0, 0), (-1, -1), 10), ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                                  ("TOPPADDING", (0, 0), (-1, -1), 7), ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
        return box

    def window(self) -> list[Flowable]:
        content = self.content
        now = content.window_now
        at_visit = content.assessment.window
        flow: list[Flowable] = [_section("Window period")]
        if now.onset is None or now.ends is None:
            flow.append(para(text("No onset is known: the onset of the weakness was not given and no weak muscle "
                                  "has been recorded, so the window period cannot be measured.")))
            return flow
        days = round((now.ends - now.onset).total_seconds() / 86400)
        if now.within and now.time_left is not None:
            state = bold(f"open, {duration(now.time_left)} left")
        else:
            closed = f", {duration(now.time_left)} ago" if now.time_left is not None else ""
            state = bold("closed") + text(closed)
        since = duration(now.time_since_onset) if now.time_since_onset is not None else "—"
        rows = [
            ["Onset", text(self.at(now.onset))],
            ["Time since onset", text(since)],
            ["Window ends", text(f"{self.at(now.ends)} ({days} days after onset)")],
            ["Now", state],
            ["At the examination", text(f"{self.at(content.visit.examined_at)}: "
                                        + ("within the window" if at_visit.within else "after the window closed"))],
        ]
        if content.assessment.window_onset_from:
            rows.append(["Onset from", coloured(text(content.assessment.window_onset_from), MUTED)])
        table = Table([[para(text(k), "cell_head"), para(v, "cell")] for k, v in rows], colWidths=[110, WIDTH - 110],
                      hAlign="LEFT")
        table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                    ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
        flow.append(table)
        flow.append(para(text(f"Measured when this letter was issued, {self.at(content.issued_at)}."), "small",
                         spaceBefore=3))
        return flow

    def next_examination(self) -> list[Flowable]:
        """The next examination planned (and on what it rests), then whether earlier ones came on time."""
        follow_up = self.content.follow_up
        if follow_up is None:
            return []
        issued = self.content.issued_at
        state = due_state(follow_up.planned, issued)
        if state.due is None:
            planned = text("nothing due")
        else:
            assert state.until is not None
            when = f"by {self.at(state.due)}"
            if state.overdue:
                words = f"— overdue {duration(state.until)} when this letter was issued"
                planned = bold(when) + " " + coloured(bold(words), ALERT if state.window_open else INK)
            else:
                planned = bold(when) + text(f" — in {duration(state.until)} from this letter")
        rows = [["Planned", planned],
                ["Based on", coloured(text("; ".join(state.plan.reasons)), MUTED)]]
        if follow_up.booked_for is not None:
            rows.append(["Booked", text(self.at(follow_up.booked_for))])
        table = Table([[para(text(k), "cell_head"), para(v, "cell")] for k, v in rows], colWidths=[110, WIDTH - 110],
                      hAlign="LEFT")
        table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                    ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
        flow: list[Flowable] = [_section("Next examination"), table]
        if not follow_up.earlier:
            return flow
        due = [t for t in follow_up.earlier if t.due is not None]
        if not due:
            flow.append(para(text("No re-examination was due after the earlier visits."), "small", spaceBefore=3))
            return flow
        late = sum(t.on_time is False for t in due)
        header = [para(text(h), "cell_head") for h in ("After the visit of", "Due by", "Based on", "Next examined",
                                                         "On time")]
        body = []
        for item in due:
            examined = self.at(item.examined_at) if item.examined_at else "not yet"
            if item.on_time:
                verdict = text("on time")
            elif item.on_time is False and item.late_by is not None:
                verdict = coloured(bold(f"late by {duration(item.late_by)}"), ALERT)
            else:
                verdict = text("—")
            assert item.due is not None
            body.append([para(text(self.at(item.after_visit)), "cell"), para(text(self.at(item.due)), "cell"),
                         para(text(basis_label(item.basis)), "cell"), para(text(examined), "cell"),
                         para(verdict, "cell")])
        history = Table([header, *body], colWidths=[92, 92, WIDTH - 358, 92, 82], hAlign="LEFT", repeatRows=1)
        history.setStyle(table_style(grid()))
        summary = f"{len(due) - late} of {len(due)} on time" if late else f"all {len(due)} on time"
        flow.append(KeepTogether([para(text(f"Earlier re-examinations: {summary}"), "subsection"), history]))
        return flow

    def findings(self) -> list[Flowable]:
        content = self.content
        context = FindingsContext(
            visit=content.visit,
            previous=content.previous,
            changes=content.assessment.worsening.changes,
            zone=self.zone,
            mode=self.options.findings,
        )
        title = f"Findings at the examination of {self.at(content.visit.examined_at)}"
        intro = self.examined_and_signed()
        if content.previous is not None:
            intro += f" Compared with the previous visit of {self.at(content.previous.examined_at)}."
        if self.options.findings == ABNORMAL:
            intro += " Only abnormal findings are listed."
        # A new page rather than the heading alone at the foot of one.
        flow: list[Flowable] = [CondPageBreak(120), _section(title), para(text(intro), "small")]
        if content.visit.incomplete_reason:
            flow.append(para(coloured(bold(text(f"Incomplete examination: {content.visit.incomplete_reason}")),
                                      URGENCY_COLOURS["same_day"]), spaceBefore=3))
        flow += findings.history_section(context)
        flow += findings.motor_section(context)
        flow += findings.sensory_section(context)
        flow += findings.signs_section(context)
        if self.options.body_chart:
            flow += findings.body_chart_section(context)
        return flow

    def interpretation(self) -> list[Flowable]:
        assessment = self.content.assessment
        lems, sensory = assessment.lems, assessment.sensory
        banner = Table([[para(bold(DISCLAIMER), "body")]], colWidths=[WIDTH], hAlign="LEFT")
        banner.setStyle(table_style([("BOX", (0, 0), (-1, -1), 0.6, MUTED), ("LEFTPADDING", (0, 0), (-1, -1), 7),
                                     ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        checked = para(text("Each statement lists the findings it was computed from, so it can be checked."),
                       "small", spaceBefore=2)

        scores = [
            ["LEMS (0–25 per side)", str(lems.left), str(lems.right), str(lems.total)],
            ["Light touch (0–18 per side)", str(sensory.light_touch.left), str(sensory.light_touch.right), ""],
            ["Pin prick (0–18 per side)", str(sensory.pin_prick.left), str(sensory.pin_prick.right), ""],
        ]
        table = Table([[para(text(h), "cell_head") for h in ("Score", "Left", "Right", "Total")]]
                      + [[para(text(v), "cell") for v in row] for row in scores],
                      colWidths=[180, 60, 60, 60], hAlign="LEFT")
        table.setStyle(table_style(grid()))
        flow: list[Flowable] = [
            KeepTogether([_section("Interpretation"), banner, checked, para(text("Scores"), "subsection"), table])
        ]
        notes = (*lems.notes, *sensory.notes)
        if notes:
            flow.append(para(text("ND: not determinable. " + "; ".join(notes) + "."), "small", spaceBefore=2))

        pattern = pattern_labels()[assessment.pattern]
        if assessment.nerve is not None:
            pattern += f": {nerve_labels()[assessment.nerve]}"
        flow.append(KeepTogether([
            para(text("Pattern"), "subsection"),
            para(bold(pattern[0].upper() + pattern[1:])
                 + coloured(text(" — from: " + "; ".join(assessment.pattern_findings)), MUTED)),
        ]))

        if assessment.probable_roots:
            shown = assessment.probable_roots[:6]
            rows = [[para(bold(f"{root.root} {root.side}"), "cell"), para(text(f"{root.score:g}"), "cell"),
                     para(text("; ".join(f"{e.finding} (+{e.points:g})" for e in root.evidence)), "cell")]
                    for root in shown]
            header = [para(text(h), "cell_head") for h in ("Root", "Score", "Findings behind it (points)")]
            roots = Table([header, *rows], colWidths=[62, 40, WIDTH - 102], hAlign="LEFT", repeatRows=1)
            roots.setStyle(table_style(grid()))
            flow.append(CondPageBreak(80))
            flow.append(para(text("Probable roots, highest score first"), "subsection"))
            flow.append(roots)
            if len(assessment.probable_roots) > len(shown):
                more = len(assessment.probable_roots) - len(shown)
                flow.append(para(text(f"{more} more with lower scores not listed."), "small"))

        flow += self.change_since_previous()
        return flow

    def isncsci(self) -> list[Flowable]:
        """The ISNCSCI 2019 classification of the visit's worksheet, when one was recorded, with the
        findings behind it and how it moved since the previous visit's worksheet."""
        visit, previous = self.content.visit, self.content.isncsci_before
        if visit.isncsci is None:
            return []
        words = isncsci_words()
        reading = read_entries(visit.isncsci)
        if reading.results is None:  # never signed so; an imported visit may hold a worksheet half typed
            return [_section(words.title), para(text(f"The worksheet is not complete ({len(reading.missing)} "
                                                      "boxes not recorded): not classified."))]
        results = reading.results
        rows = [[para(text(label), "cell"), para(bold(results[key]), "cell")] for key, label in words.rows]
        table = Table(rows, colWidths=[200, 90], hAlign="LEFT")
        table.setStyle(table_style([*grid()[:6], ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE)]))
        totals = Table([[para(text(h), "cell_head") for h in ("Total", "Right", "Left", "Total")]]
                       + [[para(text(label), "cell"), para(text(results[right]), "cell"),
                           para(text(results[left]), "cell"), para(bold(results[total]), "cell")]
                          for label, right, left, total in words.totals],
                       colWidths=[110, 60, 60, 60], hAlign="LEFT")
        totals.setStyle(table_style(grid()))
        flow: list[Flowable] = [CondPageBreak(160), KeepTogether([
            _section(words.title),
            para(text("Computed from the ISNCSCI worksheet recorded at this visit; the findings behind it are "
                      "listed below. Decision support, not a diagnosis."), "small"),
            Spacer(1, 3), table])]
        flow += [para(text("Totals"), "subsection"), totals, para(text("Findings behind it"), "subsection")]
        flow += _bullets([text(f"{what}: {found}") for what, found in reading.findings])
        before = read_entries(previous.isncsci).results if previous is not None and previous.isncsci else None
        if before is not None and previous is not None:
            moved = [f"{label}: {before[key]} → {results[key]}" + (" (worse)" if worse else "")
                     for key, label, worse in isncsci_changes(before, results)]
            flow.append(para(text(f"Since the worksheet of {self.at(previous.examined_at)}"), "subsection"))
            flow += _bullets([text(line) for line in moved] or [text("AIS grade and levels unchanged.")])
        flow.append(para(text(words.legend), "small", spaceBefore=3))
        return flow

    def change_since_previous(self) -> list[Flowable]:
        content = self.content
        worsening = content.assessment.worsening
        if content.previous is None:
            return [para(text("Change since the previous visit"), "subsection"),
                    para(text("This is the patient's first visit: nothing to compare with."))]
        if content.assessment.progression_within_window:
            items = [text(f"worse: the {len(worsening.changes)} findings listed under the reason for referral")]
        else:
            items = [text(f"worse: {c.finding}") for c in worsening.changes]
            items += [text(f"major: {finding}") for finding in worsening.major_findings]
        items += [text(f"recheck (modifier fell, not a worsening): {c.finding}") for c in worsening.recheck]
        items += [text(f"new red flag: {vocabulary().red_flag(f).question}") for f in worsening.new_red_flags]
        heading = para(text(f"Change since the previous visit ({self.at(content.previous.examined_at)})"),
                       "subsection")
        listed = _bullets(items) if items else [para(text("No worsening since the previous visit."))]
        return [KeepTogether([heading, *listed[:2]]), *listed[2:]]

    def trend(self) -> list[Flowable]:
        points = self.content.lems_history
        if not self.options.trend_chart or not plottable(points):
            return []
        now = self.content.window_now
        chart = lems_trend(points, now.onset, now.ends, self.zone, width=WIDTH, height=160)
        flow: list[Flowable] = [_section(f"LEMS over {len(points)} visits"), chart]
        if any(not isinstance(p.left, int) or not isinstance(p.right, int) for p in points):
            flow.append(para(text("A side whose LEMS was not determinable (ND) at a visit has no point there."),
                             "small"))
        return [KeepTogether(flow)]

    def doctor(self) -> list[Flowable]:
        note = self.content.doctor
        if note is None:
            return []
        flow: list[Flowable] = [_section("Doctor’s assessment and plan")]
        impression = []
        if note.level:
            impression.append(f"{bold('Level:')} {text(label('levels', note.level))}")
        if note.causes:
            impression.append(f"{bold('Suspected causes:')} "
                              f"{text(', '.join(label('causes', c) for c in note.causes))}")
        flow += [para(line) for line in impression]
        if note.impression:
            flow.append(para(f"{bold('Impression:')} {text(note.impression)}"))
        if note.investigations:
            rows = []
            for investigation in note.investigations:
                what = label("investigations", investigation.id)
                if investigation.detail:
                    what += f" — {investigation.detail}"
                results = []
                if investigation.result:
                    when = f" ({self.at(investigation.result_at)})" if investigation.result_at else ""
                    results.append(text(investigation.result + when))
                for added in (a for a in note.addenda if a.investigation == investigation.id):
                    by = coloured(text(f"(added {self.at(added.added_at)} by {added.added_by})"), MUTED)
                    results.append(f"{text(added.result)} {by}")
                result = "<br/>".join(results) or coloured(text("requested, no result yet"), MUTED)
                rows.append([para(text(what), "cell"), para(result, "cell")])
            table = Table([[para(text(h), "cell_head") for h in ("Investigation", "Result")], *rows],
                          colWidths=[200, WIDTH - 200], hAlign="LEFT", repeatRows=1)
            table.setStyle(table_style(grid()))
            flow.append(KeepTogether([para(text("Investigations"), "subsection"), table]))
        plan = [text(label("plans", p)) for p in note.plans]
        if note.plans or note.plan_text or note.next_review or note.surgical_consent is not None:
            flow.append(para(text("Plan"), "subsection"))
            flow += _bullets(plan)
            if note.plan_text:
                flow.append(para(text(note.plan_text)))
            if note.surgical_consent is not None:
                consent = ("given, the risk of paralysis explained" if note.surgical_consent else "not given")
                flow.append(para(f"{bold('Informed consent to surgical referral:')} {text(consent)}"))
            if note.next_review:
                flow.append(para(f"{bold('Next review:')} {text(day(note.next_review))}"))
        if note.signed_by:
            signed = f"Written by {note.signed_by}"
            if note.signed_at:
                signed += f", signed {self.at(note.signed_at)}"
            flow.append(para(text(signed + "."), "small", spaceBefore=3))
        return flow

    def examined_and_signed(self) -> str:
        """Who examined and who signed when; an amendment said plainly."""
        content = self.content
        lines = [f"Examined by {content.examiner} on {self.at(content.visit.examined_at)}."]
        if content.signer:
            signed = f"Visit signed by {content.signer}"
            if content.signed_at is not None:
                signed += f" on {self.at(content.signed_at)}"
            lines.append(signed + ".")
        else:
            lines.append("The visit has not been signed.")
        if content.visit_status == VisitStatus.AMENDED:
            lines.append("The visit was amended after signing; this letter shows the amended findings.")
        return " ".join(lines)

    def sign_off(self) -> list[Flowable]:
        content = self.content
        signatory = content.signatory
        lines = [f"{signatory.role.capitalize()}, {content.letterhead.clinic_name}"]
        if signatory.registration_number:
            lines.append(f"Registration number {signatory.registration_number}")
        contact = " · ".join(c for c in (signatory.phone, signatory.email) if c)
        if contact:
            lines.append(contact)
        flow: list[Flowable] = [Spacer(1, 8), para(text("Yours sincerely,")), Spacer(1, 12),
                                para(text(signatory.name), "bold"),
                                *(para(text(line), "small") for line in lines)]
        return [KeepTogether(flow)]


# --- small helpers -----------------------------------------------------------------------------


def _section(title: str) -> Flowable:
    return para(text(title), "section")


def _bullets(items: Sequence[str]) -> list[Flowable]:
    return [Paragraph(item, _bullet_style(item), bulletText="•") for item in items]


def _bullet_style(markup: str) -> Any:
    return para(markup, "bullet").style


def _draw(canvas: Canvas, paragraph: Paragraph, x: float, y: float, width: float) -> None:
    paragraph.wrapOn(canvas, width, 40)
    paragraph.drawOn(canvas, x, y)


def _logo(data: bytes | None) -> Image | None:
    """The clinic's logo, at most 46 points high; an unreadable image is left out, never a failed letter."""
    if not data:
        return None
    try:
        reader = ImageReader(io.BytesIO(data))
        width, height = reader.getSize()
    except Exception:
        return None
    scale = min(46 / height, 120 / width)
    return Image(io.BytesIO(data), width=width * scale, height=height * scale)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


__all__ = [
    "DISCLAIMER",
    "PROGRESSION",
    "FollowUp",
    "LemsPoint",
    "Letterhead",
    "ReferralContent",
    "ReferralOptions",
    "render_referral",
]
