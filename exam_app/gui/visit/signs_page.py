"""Reflexes (NINDS 0-4), plantar response, ankle clonus, tension signs, heel and toe walking, VAC/DAP."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from exam_app.clinical.completeness import MissingItem
from exam_app.clinical.normal_findings import SIGNS, with_remaining_normal
from exam_app.clinical.plausibility import limits
from exam_app.clinical.vocabulary import SIDES, vocabulary
from exam_app.gui.inputs import NumberField
from exam_app.gui.keys import caption
from exam_app.gui.visit.controller import VisitController

NOT_RECORDED = "—"
POSITIVE = "positive"

# Alt+letter jumps to the row's left-side input (unique within the visit editor).
MNEMONICS = {
    "patellar": "p", "medial_hamstring": "m", "achilles": "a", "plantar_response": "t", "ankle_clonus": "c",
    "straight_leg_raise": "s", "crossed_straight_leg_raise": "r", "femoral_stretch": "f", "heel_walk": "h",
    "toe_walk": "e", "vac": "v", "dap": "d",
}


def row_label(item_id: str, text: str) -> QLabel:
    """A row's label with its mnemonic underlined: "&Straight leg raise (L5, S1)"."""
    text = text[0].upper() + text[1:]
    letter = MNEMONICS.get(item_id)
    at = text.lower().find(letter) if letter else -1
    return QLabel(text if at < 0 else f"{text[:at]}&{text[at:]}")


def choice_box(name: str, values: tuple[str, ...] | list[str]) -> QComboBox:
    """A combo of the allowed values, first entry "not recorded"; typing a value's first letter picks it."""
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.addItem(NOT_RECORDED, "")
    for value in values:
        combo.addItem(value, value)
    return combo


class SignsPage(QWidget):
    def __init__(self, controller: VisitController) -> None:
        super().__init__()
        self.controller = controller
        vocab = vocabulary()
        self._refreshers: list[Callable[[], None]] = []
        self._widgets: list[QWidget] = []
        self._inputs: dict[tuple[str, str, str], QWidget] = {}  # (kind, item, side) -> its first input
        self._angles: list[tuple[QComboBox, NumberField]] = []

        reflexes = QGroupBox("Reflexes (NINDS 0–4: 0 absent, 1 reduced, 2–3 normal, 4 enhanced or clonus)")
        grid = self._sided_grid(reflexes)
        for row, reflex in enumerate(vocab.reflexes, 1):
            label = row_label(reflex.id, f"{reflex.label} ({', '.join(reflex.roots)})")
            grid.addWidget(label, row, 0)
            for column, side in enumerate(SIDES, 1):
                combo = choice_box(f"{side.capitalize()} {reflex.label} grade", vocab.reflex_grades)
                self._inputs["reflex", reflex.id, side] = combo
                if column == 1:
                    label.setBuddy(combo)
                self._bind_combo(combo, partial(_sided_value, controller, "reflexes", reflex.id, side),
                                 partial(controller.set_reflex, reflex.id, side))
                grid.addWidget(combo, row, column)

        upper = QGroupBox("Upper motor neuron signs")
        grid = self._sided_grid(upper)
        plantar_label = row_label("plantar_response", "plantar response")
        clonus_label = row_label("ankle_clonus", "ankle clonus (beats; ≥ 3 abnormal, ≥ 10 sustained)")
        grid.addWidget(plantar_label, 1, 0)
        grid.addWidget(clonus_label, 2, 0)
        for column, side in enumerate(SIDES, 1):
            plantar = choice_box(f"{side.capitalize()} plantar response", vocab.plantar_responses)
            self._bind_combo(plantar, partial(_side_value, controller, "plantar_response", side),
                             partial(controller.set_plantar, side))
            grid.addWidget(plantar, 1, column)
            clonus = NumberField(f"{side.capitalize()} ankle clonus beats", limits().clonus_beats, "clonus beats",
                                 NOT_RECORDED)
            self._bind_number(clonus, partial(_clonus_value, controller, side), partial(controller.set_clonus, side))
            grid.addLayout(_with_problem(clonus), 2, column)
            self._inputs["plantar_response", "plantar_response", side] = plantar
            self._inputs["ankle_clonus_beats", "ankle_clonus_beats", side] = clonus
            if column == 1:
                plantar_label.setBuddy(plantar)
                clonus_label.setBuddy(clonus)

        tension = QGroupBox("Tension signs (result, and angle in degrees when positive)")
        grid = self._sided_grid(tension)
        for row, sign in enumerate(vocab.tension_signs, 1):
            label = row_label(sign.id, f"{sign.label} ({', '.join(sign.roots)})")
            grid.addWidget(label, row, 0)
            for column, side in enumerate(SIDES, 1):
                result = choice_box(f"{side.capitalize()} {sign.label} result", vocab.tension_results)
                self._inputs["tension_sign", sign.id, side] = result
                if column == 1:
                    label.setBuddy(result)
                angle = NumberField(f"{side.capitalize()} {sign.label} angle", limits().tension_sign_angle,
                                    "an angle in degrees", "angle °")

                def current(s: str = side, t: str = sign.id) -> tuple[str, int | None]:
                    value = controller.visit.tension_signs.get(t, {}).get(s)
                    return (value.result, value.angle) if value else ("", None)

                def store(_: object = None, s: str = side, t: str = sign.id, r: QComboBox = result,
                          a: NumberField = angle) -> None:
                    controller.set_tension(t, s, r.currentData(), a.value())

                result.currentIndexChanged.connect(store)
                angle.value_changed.connect(store)
                angle.refused.connect(partial(controller.set_input_problem, angle.accessibleName()))
                self._refreshers.append(partial(self._show_tension, result, angle, current))
                self._widgets += [result, angle]
                self._angles.append((result, angle))
                pair = QHBoxLayout()
                pair.addWidget(result, 2)
                pair.addLayout(_with_problem(angle), 1)
                grid.addLayout(pair, row, column)

        gait = QGroupBox("Gait (about ten steps a side)")
        grid = self._sided_grid(gait)
        for row, item in enumerate(vocab.gait_items, 1):
            label = row_label(item.id, f"{item.label} ({', '.join(item.roots)})")
            grid.addWidget(label, row, 0)
            for column, side in enumerate(SIDES, 1):
                combo = choice_box(f"{side.capitalize()} {item.label}", vocab.gait_results)
                self._inputs["gait", item.id, side] = combo
                if column == 1:
                    label.setBuddy(combo)
                self._bind_combo(combo, partial(_sided_value, controller, "gait", item.id, side),
                                 partial(controller.set_gait, item.id, side))
                grid.addWidget(combo, row, column)

        anal = QGroupBox("Sacral (S4-5), once per visit")
        anal_grid = QGridLayout(anal)
        anal_grid.setColumnStretch(2, 1)
        for row, item in enumerate(vocab.anal_items):
            label = row_label(item.id, f"{item.label} ({item.id.upper()})")
            anal_grid.addWidget(label, row, 0)
            combo = choice_box(item.label.capitalize(), vocab.anal_results)
            self._inputs[item.id, item.id, ""] = combo
            label.setBuddy(combo)
            self._bind_combo(combo, partial(_anal_value, controller, item.id), partial(controller.set_anal, item.id))
            anal_grid.addWidget(combo, row, 1)

        self.normal_button = QPushButton(caption("All remaining normal", "fill_normal"))
        self.normal_button.setAccessibleName("All remaining reflexes and signs normal")
        self.normal_button.clicked.connect(self.fill_normal)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(reflexes, 3)
        top.addWidget(upper, 2)
        middle = QHBoxLayout()
        middle.addWidget(tension, 3)
        middle.addWidget(gait, 2)
        bottom = QHBoxLayout()
        bottom.addWidget(anal, 1)
        bottom.addStretch(1)
        bottom.addWidget(self.normal_button)
        for band in (top, middle, bottom):
            layout.addLayout(band)
        layout.addStretch(1)
        controller.changed.connect(self.refresh)
        self.refresh()

    @staticmethod
    def _sided_grid(box: QGroupBox) -> QGridLayout:
        grid = QGridLayout(box)
        for column, side in enumerate(SIDES, 1):
            grid.addWidget(QLabel(f"<b>{side.capitalize()}</b>"), 0, column)
        # Spare width goes after the inputs, so a label stays next to what it names.
        grid.setColumnStretch(len(SIDES) + 1, 1)
        return grid

    def _bind_combo(self, combo: QComboBox, read: Callable[[], str], write: Callable[[str], None]) -> None:
        combo.currentIndexChanged.connect(lambda _: write(combo.currentData()))
        self._refreshers.append(lambda: combo.setCurrentIndex(max(0, combo.findData(read()))))
        self._widgets.append(combo)

    def _bind_number(self, field: NumberField, read: Callable[[], int | None],
                     write: Callable[[int | None], None]) -> None:
        field.value_changed.connect(write)
        field.refused.connect(lambda problem: self.controller.set_input_problem(field.accessibleName(), problem))
        self._refreshers.append(lambda: field.show_value(read()))
        self._widgets.append(field)

    @staticmethod
    def _show_tension(result: QComboBox, angle: NumberField, current: Callable[[], tuple[str, int | None]]) -> None:
        shown, degrees = current()
        result.setCurrentIndex(max(0, result.findData(shown)))
        angle.show_value(degrees)

    def refresh(self) -> None:
        for widget in self._widgets:
            widget.blockSignals(True)
        for refresh in self._refreshers:
            refresh()
        for widget in self._widgets:
            widget.blockSignals(False)
            widget.setEnabled(not self.controller.read_only)
        for result, angle in self._angles:
            # An angle belongs to a positive sign: typed for anything else it would not be kept.
            angle.setEnabled(not self.controller.read_only and result.currentData() == POSITIVE)
        self.normal_button.setEnabled(not self.controller.read_only)

    def fill_normal(self) -> None:
        if not self.controller.read_only:
            self.controller.apply(with_remaining_normal(self.controller.visit, SIGNS))

    def focus_first(self) -> None:
        self._widgets[0].setFocus()

    def focus_item(self, gap: MissingItem) -> None:
        self._inputs[gap.kind, gap.item, gap.side].setFocus()


def _sided_value(controller: VisitController, field: str, item: str, side: str) -> str:
    values: dict[str, dict[str, str]] = getattr(controller.visit, field)
    return values.get(item, {}).get(side, "")


def _side_value(controller: VisitController, field: str, side: str) -> str:
    values: dict[str, str] = getattr(controller.visit, field)
    return values.get(side, "")


def _clonus_value(controller: VisitController, side: str) -> int | None:
    return controller.visit.ankle_clonus_beats.get(side)


def _anal_value(controller: VisitController, item: str) -> str:
    return getattr(controller.visit, item) or ""


def _with_problem(field: NumberField) -> QVBoxLayout:
    """The field with the words of a refusal under it, where the examiner is looking."""
    column = QVBoxLayout()
    column.setSpacing(1)
    column.addWidget(field)
    column.addWidget(field.problem)
    return column
