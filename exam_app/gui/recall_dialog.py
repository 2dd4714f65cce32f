"""Recall from the worklist: whom to call and the number to call, when the examination is due and why;
then the front desk marks "called", "left message" or "booked for" a time (kept and audited).

Keyboard: Alt+C, Alt+L, Alt+B choose the mark (the first letter of each), Tab to the booked time,
Enter saves, Escape cancels.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from exam_app.presentation import palette
from exam_app.services.context import AppContext, ServiceError
from exam_app.services.next_examination import next_exam_words
from exam_app.services.recall import RecallState, mark_recall, recall_history, recall_outcomes
from exam_app.services.worklist import WorklistEntry
from exam_app.wording import moment

OVERDUE_RED = palette().alert  # overdue inside an open window: the colour of the headline alert


class RecallDialog(QDialog):
    marked = Signal(object)  # the RecallState saved

    def __init__(self, ctx: AppContext, entry: WorklistEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entry = entry
        self.saved: RecallState | None = None
        self.setWindowTitle(f"Recall — {entry.name}")
        self.setAccessibleName("Recall the patient")

        who = QLabel(f"<b style='font-size:13pt'>{escape(entry.name)}</b> · record {escape(entry.record_number)}")
        contact = (entry.contact or "").strip()
        self.phone = QLabel(f"<b style='font-size:13pt'>{escape(contact).replace(chr(10), '<br/>')}</b>" if contact
                            else "<i>No phone number recorded: edit the patient to add one.</i>")
        self.phone.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.phone.setAccessibleName("Phone number")
        self.due = QLabel(self._due_text())
        self.due.setWordWrap(True)
        self.earlier = QLabel(self._earlier_text())
        self.earlier.setObjectName("hint")
        self.earlier.setWordWrap(True)

        self.outcome = QButtonGroup(self)
        row = QHBoxLayout()
        self.buttons: dict[str, QRadioButton] = {}
        for outcome in recall_outcomes():
            button = QRadioButton(f"&{outcome.label[0].upper()}{outcome.label[1:]}")
            button.setAccessibleName(outcome.label)
            self.outcome.addButton(button)
            self.buttons[outcome.id] = button
            row.addWidget(button)
        self.when = QDateTimeEdit(calendarPopup=True)
        self.when.setDisplayFormat("dd MMM yyyy HH:mm")
        self.when.setAccessibleName("Booked for")
        self.when.setDateTime(QDateTime.fromSecsSinceEpoch(int(self._suggested_booking().timestamp())))
        row.addWidget(self.when)
        row.addStretch(1)
        self.outcome.buttonToggled.connect(lambda *_: self._needs_time())
        next(iter(self.buttons.values())).setChecked(True)
        self.note = QLineEdit()
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("optional, e.g. spoke to her husband")
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Phone", self.phone)
        form.addRow("Next examination", self.due)
        form.addRow("Mark", row)
        form.addRow("&Note", self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Save mark")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(who)
        layout.addLayout(form)
        layout.addWidget(self.earlier)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._needs_time()
        self.resize(620, self.sizeHint().height())
        next(iter(self.buttons.values())).setFocus()

    def _due_text(self) -> str:
        state = self.entry.next_examination
        if state is None or state.due is None:
            return "Nothing due."
        words = f"{moment(state.due)} ({next_exam_words(state)})"
        if state.overdue_in_open_window:
            words = f"<b style='color:{OVERDUE_RED}'>{escape(words)}, inside the open window period</b>"
        else:
            words = escape(words)
        basis = "; ".join(state.plan.reasons)
        return f"{words}<br/><span style='color:{palette().muted}'>Based on: {escape(basis)}</span>"

    def _earlier_text(self) -> str:
        try:
            marks = [m for m in recall_history(self.ctx, self.entry.record_number) if m.current]
        except ServiceError as error:
            return str(error)
        if not marks:
            return "Not called since the last visit."
        lines = [f"{m.label} {moment(m.booked_for) if m.booked_for else ''} — {m.marked_by}, {moment(m.marked_at)}"
                 + (f": {m.note}" if m.note else "") for m in marks[:4]]
        return "Since the last visit: " + "; ".join(line.replace("  ", " ") for line in lines)

    def _suggested_booking(self) -> datetime:
        """The time due if still ahead, else the next quarter hour."""
        now = datetime.now().astimezone()
        state = self.entry.next_examination
        if state is not None and state.due is not None and state.due > now:
            return state.due.astimezone()
        later = now + timedelta(minutes=15 - now.minute % 15)
        return later.replace(second=0, microsecond=0)

    def _needs_time(self) -> None:
        self.when.setEnabled(self.chosen() == "booked")

    def chosen(self) -> str | None:
        for outcome_id, button in self.buttons.items():
            if button.isChecked():
                return outcome_id
        return None

    def booked_for(self) -> datetime | None:
        if self.chosen() != "booked":
            return None
        chosen = self.when.dateTime().toPython()
        assert isinstance(chosen, datetime)
        return chosen.astimezone()

    def save(self) -> None:
        outcome = self.chosen()
        if outcome is None:
            self.error.setText("Choose what happened: called, left message or booked.")
            return
        try:
            self.saved = mark_recall(self.ctx, self.entry.record_number, outcome, self.booked_for(), self.note.text())
        except ServiceError as error:
            self.error.setText(str(error))
            return
        self.marked.emit(self.saved)
        self.accept()
