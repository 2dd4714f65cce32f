"""The dermatome map of two visits, side by side in one drawing: which regions' light touch or pin
prick got worse or better between them. The doctor picks the two visits; the previous and the latest
are shown first."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from exam_app.gui.body_chart import DermatomeChart
from exam_app.services.comparison import ComparisonColumn
from exam_app.wording import moment


class DermatomeDifferencePanel(QWidget):
    """Two visit pickers over a read-only body chart in difference mode."""

    visits_compared = Signal(int, int)  # the earlier and the later visit's ids

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns: tuple[ComparisonColumn, ...] = ()
        self.earlier = QComboBox()
        self.later = QComboBox()
        self.earlier.setAccessibleName("Earlier visit for the dermatome map")
        self.later.setAccessibleName("Later visit for the dermatome map")
        self.chart = DermatomeChart()
        self.note = QLabel()
        self.note.setObjectName("hint")
        pickers = QHBoxLayout()
        for words, combo in (("&Earlier visit:", self.earlier), ("→ la&ter visit:", self.later)):
            label = QLabel(words)
            label.setBuddy(combo)
            pickers.addWidget(label)
            pickers.addWidget(combo)
        pickers.addSpacing(12)
        pickers.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(pickers)
        layout.addWidget(self.chart, 1)
        self.earlier.currentIndexChanged.connect(self._compare)
        self.later.currentIndexChanged.connect(self._compare)

    def set_visits(self, columns: tuple[ComparisonColumn, ...]) -> None:
        """The patient's signed visits, oldest first; shows the previous visit against the latest."""
        self._columns = columns
        names = [moment(column.examined_at) for column in columns]
        for combo in (self.earlier, self.later):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(names)
            combo.blockSignals(False)
        self.compare(max(0, len(columns) - 2), len(columns) - 1)

    def compare(self, earlier: int, later: int) -> None:
        """Compare two visits by their position (0 the oldest)."""
        for combo, position in ((self.earlier, earlier), (self.later, later)):
            combo.blockSignals(True)  # one comparison once both are set
            combo.setCurrentIndex(position)
            combo.blockSignals(False)
        self._compare()

    def _compare(self) -> None:
        first, second = self.earlier.currentIndex(), self.later.currentIndex()
        if not (0 <= first < len(self._columns) and 0 <= second < len(self._columns)):
            self.chart.show_difference({}, {})
            self.note.setText("No signed visit to compare.")
            return
        before, after = self._columns[first], self._columns[second]
        self.chart.show_difference(before.sensory, after.sensory)
        if first == second:
            self.note.setText("The same visit on both sides: choose two visits to compare.")
        elif first > second:
            self.note.setText("The earlier visit is after the later one: worse and better read backwards.")
        else:
            self.note.setText("")
        self.visits_compared.emit(before.visit_id, after.visit_id)
