"""History: onset of the weakness, symptoms, background, and every red-flag question, every visit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from exam_app.clinical.completeness import MissingItem
from exam_app.clinical.vocabulary import vocabulary
from exam_app.gui.keys import caption
from exam_app.gui.visit.controller import VisitController
from exam_app.tables import Choice, history

TIER_WORDS = {"emergency": "emergency", "same_day": "same day", "urgent": "urgent"}


def to_qt(moment: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))


def from_qt(value: QDateTime) -> datetime:
    return datetime.fromtimestamp(value.toSecsSinceEpoch()).astimezone()


class RedFlagQuestion(QWidget):
    """One question with Yes / No: Y and N answer it from the keyboard."""

    def __init__(self, controller: VisitController, flag_id: str) -> None:
        super().__init__()
        self.controller = controller
        self.flag = vocabulary().red_flag(flag_id)
        question = QLabel(self.flag.question)
        question.setWordWrap(True)
        tier = QLabel(TIER_WORDS[self.flag.tier])
        tier.setObjectName(f"tier_{self.flag.tier}")
        self.yes = QRadioButton("Yes")
        self.no = QRadioButton("No")
        short = self.flag.id.replace("_", " ")
        self.yes.setAccessibleName(f"Red flag {short}: yes")
        self.no.setAccessibleName(f"Red flag {short}: no")
        self.group = QButtonGroup(self)
        self.group.addButton(self.yes)
        self.group.addButton(self.no)
        self.group.buttonClicked.connect(self._answered)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.addWidget(question, 1)
        layout.addWidget(tier)
        layout.addWidget(self.yes)
        layout.addWidget(self.no)

    def _answered(self) -> None:
        self.controller.set_red_flag(self.flag.id, self.yes.isChecked())

    def refresh(self) -> None:
        answer = self.controller.red_flag_answer(self.flag.id)
        self.group.setExclusive(False)
        self.yes.setChecked(answer is True)
        self.no.setChecked(answer is False)
        self.group.setExclusive(True)
        for button in (self.yes, self.no):
            button.setEnabled(not self.controller.read_only)

    def keyPressEvent(self, event: Any) -> None:  # Y / N on a focused question
        key = event.text().lower()
        if key in ("y", "n") and not self.controller.read_only:
            self.controller.set_red_flag(self.flag.id, key == "y")
            self.focusNextChild()
            return
        super().keyPressEvent(event)


class HistoryPage(QScrollArea):
    def __init__(self, controller: VisitController) -> None:
        super().__init__()
        self.controller = controller
        self.setWidgetResizable(True)
        vocab = vocabulary()
        words = history()
        body = QWidget()
        layout = QVBoxLayout(body)

        # -- red flags first: they decide whether the visit goes on at all
        flags = QGroupBox("Red flags — ask every question at every visit")
        flags_layout = QVBoxLayout(flags)
        self.questions = [RedFlagQuestion(controller, f.id) for f in vocab.red_flags]
        for question in self.questions:
            flags_layout.addWidget(question)
        self.none_button = QPushButton(caption("No to all remaining questions", "no_red_flags"))
        self.none_button.setAccessibleName("Answer no to all remaining red-flag questions")
        self.none_button.clicked.connect(controller.answer_remaining_red_flags_no)
        flags_layout.addWidget(self.none_button, 0, Qt.AlignmentFlag.AlignRight)

        # -- onset
        onset_box = QGroupBox("Weakness")
        form = QFormLayout(onset_box)
        self.examined_at = QDateTimeEdit()
        self.examined_at.setCalendarPopup(True)
        self.examined_at.setDisplayFormat("dd MMM yyyy HH:mm")
        self.examined_at.setAccessibleName("Examined at")
        self.examined_at.dateTimeChanged.connect(lambda v: controller.set_examined_at(from_qt(v)))
        self.onset_known = QCheckBox("Onset known")
        self.onset_known.setAccessibleName("Onset of the weakness known")
        self.onset = QDateTimeEdit()
        self.onset.setCalendarPopup(True)
        self.onset.setDisplayFormat("dd MMM yyyy HH:mm")
        self.onset.setAccessibleName("Onset of the weakness")
        self.onset_known.toggled.connect(self._onset_changed)
        self.onset.dateTimeChanged.connect(self._onset_changed)
        onset_row = QHBoxLayout()
        onset_row.addWidget(self.onset_known)
        onset_row.addWidget(self.onset, 1)
        # What is wrong with a time is said beside it (the services refuse to sign it anyway).
        self.examined_at_problem = self._problem_label("Examined at: problem")
        self.onset_problem = self._problem_label("Onset of the weakness: problem")
        examined_row = QHBoxLayout()
        examined_row.addWidget(self.examined_at)
        examined_row.addWidget(self.examined_at_problem, 1)
        onset_row.addWidget(self.onset_problem, 2)
        self.character = self._combo("Onset", words.onset_characters, "onset_character")
        self.legs = self._combo("Legs affected", words.legs_affected, "legs_affected")
        form.addRow("Examined at", examined_row)
        form.addRow("Onset of weakness", onset_row)
        form.addRow("Onset was", self.character)
        form.addRow("Legs affected", self.legs)

        # -- symptoms
        symptoms = QGroupBox("Symptoms")
        grid = QGridLayout(symptoms)
        self.symptom_boxes: dict[str, QCheckBox] = {}
        for number, symptom in enumerate(vocab.symptoms):
            box = QCheckBox(symptom.label)
            box.setAccessibleName(f"Symptom: {symptom.label}")
            box.toggled.connect(lambda on, s=symptom.id: controller.set_symptom(s, on))
            self.symptom_boxes[symptom.id] = box
            grid.addWidget(box, number // 3, number % 3)

        # -- background
        background = QGroupBox("Background")
        background_form = QFormLayout(background)
        self.injury = QCheckBox("Recent fall or injury")
        self.injury.toggled.connect(lambda on: controller.set_history(recent_injury=on))
        self.diabetes = QCheckBox("Diabetes")
        self.diabetes.toggled.connect(lambda on: controller.set_history(diabetes=on))
        medicines = QHBoxLayout()
        self.medication_boxes: dict[str, QCheckBox] = {}
        for medication in words.medications:
            box = QCheckBox(medication.label)
            box.setToolTip(medication.why)
            box.setAccessibleName(f"Medication: {medication.label}")
            box.toggled.connect(self._medications_changed)
            self.medication_boxes[medication.id] = box
            medicines.addWidget(box)
        self.alcohol = self._combo("Alcohol use", words.alcohol_use, "alcohol_use")
        background_form.addRow(self.injury)
        background_form.addRow(self.diabetes)
        background_form.addRow("Medications", medicines)
        background_form.addRow("Alcohol use", self.alcohol)

        notes_box = QGroupBox("Notes")
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Visit notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(70)
        self.notes.textChanged.connect(lambda: controller.set_notes(self.notes.toPlainText()))
        QVBoxLayout(notes_box).addWidget(self.notes)

        for group in (flags, onset_box, symptoms, background, notes_box):
            layout.addWidget(group)
        layout.addStretch(1)
        self.setWidget(body)
        controller.changed.connect(self.refresh)
        self.refresh()

    @staticmethod
    def _problem_label(name: str) -> QLabel:
        label = QLabel()
        label.setObjectName("error")
        label.setAccessibleName(name)
        label.setWordWrap(True)
        return label

    def _show_time_problems(self) -> None:
        problems = self.controller.time_problems(datetime.now().astimezone())
        for key, field, label in (("examined_at", self.examined_at, self.examined_at_problem),
                                  ("onset", self.onset, self.onset_problem)):
            problem = problems.get(key, "")
            label.setText(problem)
            label.setVisible(bool(problem))
            field.setProperty("refused", bool(problem))
            field.style().unpolish(field)
            field.style().polish(field)

    def _combo(self, name: str, choices: tuple[Choice, ...], field: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.addItem("—", None)
        for choice in choices:
            combo.addItem(choice.label, choice.id)
        combo.currentIndexChanged.connect(
            lambda _: self.controller.set_history(**{field: combo.currentData()}))
        return combo

    def _onset_changed(self) -> None:
        self.onset.setEnabled(self.onset_known.isChecked() and not self.controller.read_only)
        self.controller.set_onset(from_qt(self.onset.dateTime()) if self.onset_known.isChecked() else None)

    def _medications_changed(self) -> None:
        chosen = tuple(m for m, box in self.medication_boxes.items() if box.isChecked())
        self.controller.set_history(medications=chosen)

    def refresh(self) -> None:
        """Show the controller's visit (signals blocked: showing is not changing)."""
        visit, read_only = self.controller.visit, self.controller.read_only
        history = visit.history
        for question in self.questions:
            question.refresh()
        widgets = [self.examined_at, self.onset_known, self.onset, self.character, self.legs, self.injury,
                   self.diabetes, self.alcohol, self.notes, *self.symptom_boxes.values(),
                   *self.medication_boxes.values()]
        for widget in widgets:
            widget.blockSignals(True)
        self.examined_at.setDateTime(to_qt(visit.examined_at))
        self.onset_known.setChecked(visit.weakness_onset is not None)
        self.onset.setDateTime(to_qt(visit.weakness_onset or visit.examined_at))
        self.onset.setEnabled(visit.weakness_onset is not None and not read_only)
        for combo, value in ((self.character, history.onset_character if history else None),
                             (self.legs, history.legs_affected if history else None),
                             (self.alcohol, history.alcohol_use if history else None)):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        self.injury.setChecked(bool(history and history.recent_injury))
        self.diabetes.setChecked(bool(history and history.diabetes))
        for medication, box in self.medication_boxes.items():
            box.setChecked(bool(history and medication in history.medications))
        for symptom, box in self.symptom_boxes.items():
            box.setChecked(symptom in visit.symptoms)
        if self.notes.toPlainText() != (visit.notes or ""):
            self.notes.setPlainText(visit.notes or "")
        for widget in widgets:
            widget.blockSignals(False)
            if widget is not self.onset:
                widget.setEnabled(not read_only)
        self.none_button.setEnabled(not read_only and bool(self.controller.unanswered_red_flags()))
        self._show_time_problems()

    def focus_first(self) -> None:
        unanswered = [q for q in self.questions if self.controller.red_flag_answer(q.flag.id) is None]
        (unanswered[0].yes if unanswered else self.examined_at).setFocus()

    def fill_normal(self) -> None:
        self.controller.answer_remaining_red_flags_no()

    def focus_item(self, gap: MissingItem) -> None:
        question = next(q for q in self.questions if q.flag.id == gap.item)
        self.ensureWidgetVisible(question)
        question.yes.setFocus()
