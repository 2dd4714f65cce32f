"""Sensory examination: the dermatome body chart (light touch and pin prick layers) and its table."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from exam_app.clinical.completeness import MissingItem
from exam_app.clinical.normal_findings import SENSORY, with_remaining_normal
from exam_app.gui.body_chart import DermatomeChart
from exam_app.gui.keys import caption
from exam_app.gui.visit.controller import VisitController


class SensoryPage(QWidget):
    def __init__(self, controller: VisitController) -> None:
        super().__init__()
        self.controller = controller
        self.chart = DermatomeChart()
        self.chart.score_changed.connect(controller.set_sensory)
        self.normal_button = QPushButton(caption("All remaining normal", "fill_normal"))
        self.normal_button.setAccessibleName("All remaining sensory scores normal")
        self.normal_button.clicked.connect(self.fill_normal)
        hint = QLabel("Light touch with a cotton wisp, pin prick with a new safety pin (0 = cannot tell sharp "
                      "from dull). Compare with the face.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(hint, 1)
        bar.addWidget(self.normal_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.chart, 1)
        controller.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        visit = self.controller.visit
        self.chart.blockSignals(True)
        self.chart.set_scores(visit.light_touch, visit.pin_prick)
        self.chart.set_read_only(self.controller.read_only)
        self.chart.blockSignals(False)
        self.normal_button.setEnabled(not self.controller.read_only)

    def fill_normal(self) -> None:
        if not self.controller.read_only:
            self.controller.apply(with_remaining_normal(self.controller.visit, SENSORY))

    def focus_first(self) -> None:
        self.chart.setFocus()

    def focus_item(self, gap: MissingItem) -> None:
        self.chart.set_modality(gap.kind)
        self.chart.region_focus(gap.item, gap.side).setFocus()
