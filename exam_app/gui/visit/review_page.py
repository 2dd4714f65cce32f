"""Review: scores, pattern, probable roots, urgency, window period and what changed, each with the
findings behind it, recomputed by the engine as the examiner types; then sign."""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from exam_app.clinical.assess import VisitAssessment
from exam_app.clinical.completeness import MissingItem
from exam_app.clinical.isncsci import missing_entries, read_entries
from exam_app.clinical.vocabulary import vocabulary
from exam_app.clinical.window import WindowStatus
from exam_app.gui.keys import caption, key
from exam_app.gui.rich_text import caution, window_html
from exam_app.gui.visit.controller import VisitController
from exam_app.presentation import (
    incomplete_text,
    isncsci_words,
    palette,
    pattern_phrase,
    progression_alert,
    urgency_colour,
    urgency_label,
    words,
)
from exam_app.services.as_signed import in_words
from exam_app.wording import duration, moment


def _items(findings: tuple[str, ...] | list[str]) -> str:
    return "".join(f"<li>{escape(f)}</li>" for f in findings)


def review_html(assessment: VisitAssessment, window_now: WindowStatus, previous_at: datetime | None,
                still_missing: tuple[str, ...] = (), as_signed: str | None = None,
                changed_since_signing: tuple[str, ...] = (), isncsci: dict[str, str] | None = None) -> str:
    """The review as HTML: every statement followed by the findings it came from; what is not
    recorded yet (for a draft), or why the signed examination is incomplete; and, for a signed visit
    whose assessment differs now from the one it was signed with, both."""
    parts: list[str] = []
    if changed_since_signing:
        parts.append(
            f"<table width='100%' cellpadding='8' style='background:{palette().notice}'><tr><td>"
            f"<b>Signed with a different assessment:</b> {escape(as_signed or '')}.<br>"
            "Visits stored since (e.g. an earlier visit imported later) change what the engine compares it with; "
            f"the assessment below is today's.<ul>{_items(changed_since_signing)}</ul></td></tr></table>")
    worsening = assessment.worsening
    if assessment.progression_within_window:
        left = (f" — {duration(window_now.time_left)} left in the window"
                if window_now.within and window_now.time_left is not None else " — the window has now closed")
        colours = palette()
        parts.append(
            f"<table width='100%' cellpadding='10' style='background:{colours.alert}'><tr>"
            f"<td style='color:{colours.alert_text}'>"
            f"<b style='font-size:16pt'>{escape(progression_alert())}</b>{escape(left)}"
            f"<ul>{_items([c.finding for c in worsening.changes])}</ul></td></tr></table>")
    parts.append(
        f"<h2 style='color:{urgency_colour(assessment.urgency)}'>Urgency: "
        f"{escape(urgency_label(assessment.urgency))}</h2>"
        f"<ul>{_items(assessment.urgency_reasons) or '<li>no trigger found</li>'}</ul>")
    if assessment.visit.incomplete_reason:
        parts.append(f"<p>{caution(incomplete_text(assessment.visit.incomplete_reason))}</p>")
    parts.append(f"<h3>Window period</h3><p>{window_html(window_now)}</p>")
    if assessment.window_onset_from:
        parts.append(f"<p style='color:{palette().muted}'>Onset from: {escape(assessment.window_onset_from)}</p>")

    lems, sensory = assessment.lems, assessment.sensory
    parts.append(
        "<h3>Scores</h3><table cellpadding='4' border='0'>"
        "<tr><th></th><th>Left</th><th>Right</th><th>Total</th></tr>"
        f"<tr><td>LEMS (0–25 a side)</td><td>{lems.left}</td><td>{lems.right}</td><td>{lems.total}</td></tr>"
        f"<tr><td>Light touch (0–18)</td><td>{sensory.light_touch.left}</td><td>{sensory.light_touch.right}</td>"
        "<td></td></tr>"
        f"<tr><td>Pin prick (0–18)</td><td>{sensory.pin_prick.left}</td><td>{sensory.pin_prick.right}</td>"
        "<td></td></tr></table>")
    notes = (*lems.notes, *sensory.notes)
    if notes:
        parts.append(f"<ul style='color:{palette().muted}'>{_items(notes)}</ul>")

    parts.append(f"<h3>Pattern: {escape(pattern_phrase(assessment.pattern, assessment.nerve))}</h3>"
                 f"<ul>{_items(assessment.pattern_findings)}</ul>")

    if assessment.probable_roots:
        rows = "".join(
            f"<li><b>{root.root} {root.side}</b> ({root.score:g}): "
            f"{escape('; '.join(e.finding for e in root.evidence))}</li>"
            for root in assessment.probable_roots[:6])
        parts.append(f"<h3>Probable roots</h3><ol>{rows}</ol>")

    since = f" (since {moment(previous_at)})" if previous_at else ""
    changes = [c.finding for c in worsening.changes]
    if worsening.major:
        changes += [f"major: {f}" for f in worsening.major_findings]
    recheck = [f"recheck: {c.finding}" for c in worsening.recheck]
    new_flags = [f"new red flag: {vocabulary().red_flag(f).question}" for f in worsening.new_red_flags]
    listed = changes + recheck + new_flags
    body = f"<ul>{_items(listed)}</ul>" if listed else (
        "<p>No worsening.</p>" if previous_at else "<p>First visit: nothing to compare with.</p>")
    parts.append(f"<h3>What changed{since}</h3>{body}")
    if still_missing:
        shown = _items(still_missing[:12]) + (f"<li>… and {len(still_missing) - 12} more</li>"
                                               if len(still_missing) > 12 else "")
        gaps = caution(f"Not recorded yet: {len(still_missing)} items")
        parts.append(f"<h3>{gaps} ({key('first_gap').sequence} goes to the first)</h3><ul>{shown}</ul>")
    if isncsci is not None:
        parts.append(_isncsci_html(isncsci))
    parts.append(f"<p style='color:{palette().muted}'><i>{escape(words().decision_support)}</i></p>")
    return "".join(parts)


def _isncsci_html(entries: dict[str, str]) -> str:
    """The worksheet's classification in one line; its page (Ctrl+7) shows the findings behind it."""
    title = f"<h3>{escape(isncsci_words().title)} ({key('page_7').sequence} for the worksheet)</h3>"
    reading = read_entries(entries)
    if reading.results is None:
        empty = f"The worksheet has {len(reading.missing)} empty boxes: it is signed only whole"
        return title + f"<p>{caution(empty)}</p>"
    results = reading.results
    shown = "; ".join(f"{label} {results[result]}" for result, label in isncsci_words().rows[:7])
    return title + f"<p>{escape(shown)}</p>"



class ReviewPage(QWidget):
    def __init__(self, controller: VisitController) -> None:
        super().__init__()
        self.controller = controller
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("Review of the visit")
        self.browser.setOpenLinks(False)
        self.status = QLabel()
        self.status.setObjectName("hint")
        self.sign_button = QPushButton(caption("Sign visit", "sign"))
        self.sign_button.setObjectName("primary")
        self.sign_button.setAccessibleName("Sign visit")
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.sign_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addLayout(bar)
        controller.assessed.connect(lambda _: self.refresh())
        controller.input_problems_changed.connect(self.refresh)
        controller.visit_signed.connect(self.refresh)
        # The window's time left moves on even when nothing is typed.
        self._clock = QTimer(self, interval=60_000)
        self._clock.timeout.connect(self.refresh)
        self._clock.start()
        self.refresh()

    def focus_first(self) -> None:
        self.sign_button.setFocus() if self.sign_button.isEnabled() else self.browser.setFocus()

    def fill_normal(self) -> None:
        """Nothing to fill: the review shows what the other pages recorded."""

    def focus_item(self, gap: MissingItem) -> None:
        """The review lists the gaps; the editor takes Ctrl+J to the page that records them."""

    def refresh(self) -> None:
        assessment = self.controller.assessment()
        now = datetime.now().astimezone()
        previous = self.controller.previous_visit()
        scroll = self.browser.verticalScrollBar().value()
        missing = () if self.controller.read_only else tuple(m.label for m in self.controller.missing())
        signed = self.controller.signed_assessment
        self.browser.setHtml(review_html(assessment, self.controller.window_now(now),
                                         previous.examined_at if previous else None, missing,
                                         in_words(signed) if signed else None,
                                         self.controller.changed_since_signing(), self.controller.visit.isncsci))
        self.browser.verticalScrollBar().setValue(scroll)
        unanswered = len(self.controller.unanswered_red_flags())
        problems = list(self.controller.time_problems(now).values()) + list(self.controller.input_problems.values())
        self.sign_button.setText(caption("Save amendment" if self.controller.amending else "Sign visit", "sign"))
        if self.controller.amending:
            self.status.setText("Correcting a signed visit: Ctrl+S saves the amendment with its reason; "
                                "the original is kept.")
        elif self.controller.read_only:
            self.status.setText(f"This visit is {self.controller.status}: read-only.")
        elif problems:
            self.status.setText(f"Correct before signing: {problems[0]}")
        elif unanswered:
            self.status.setText(f"{unanswered} red-flag questions still unanswered (History page).")
        elif self.controller.visit.isncsci and missing_entries(self.controller.visit.isncsci):
            self.status.setText(f"The ISNCSCI worksheet has {len(missing_entries(self.controller.visit.isncsci))} "
                                f"empty boxes ({key('page_7').sequence}): record them, or remove the worksheet.")
        elif missing:
            self.status.setText(f"{len(missing)} items not recorded yet: Ctrl+J goes to the first; or sign it as "
                                "incomplete with the reason.")
        else:
            self.status.setText("Complete: ready to sign.")
        self.sign_button.setEnabled(not self.controller.read_only)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
