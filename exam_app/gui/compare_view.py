"""The doctor's comparison of a patient's visits over time (DESIGN: "compares a patient's visits
over time, sees what changed and whether the window period is still open").

A table of every finding at every signed visit, each cell marked against its most recent earlier
grading; beside it a trend chart (LEMS per side, and the item selected in the table) and the
dermatome map of any two visits. A progression within the window period heads the page.

Keyboard: the arrows move in the table (the chart follows the selected item and visit), Alt+O
shows only the items that changed, Alt+F and Alt+D switch between the findings and the dermatome
map, Alt+E and Alt+T pick the visits of the map, Esc goes back to the patient.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from exam_app.clinical.body_map import FillStyle as BodyChartFill
from exam_app.clinical.compare import WORSE, Cell
from exam_app.gui.body_chart import LegendSwatch
from exam_app.gui.compare_dermatomes import DermatomeDifferencePanel
from exam_app.gui.compare_table import (
    MARK_STYLES,
    WINDOW_HEADER,
    ComparisonTableModel,
    FrozenColumnTable,
)
from exam_app.gui.keys import caption, shortcut
from exam_app.gui.rich_text import window_html
from exam_app.gui.trend_chart import TrendChart
from exam_app.presentation import progression_alert
from exam_app.services.comparison import Comparison, ComparisonColumn, compare_visits
from exam_app.services.context import AppContext
from exam_app.wording import duration, moment


class ComparisonView(QWidget):
    """`show_patient(record_number)` loads and shows the comparison of the patient's signed visits."""

    back_requested = Signal()
    item_selected = Signal(object)  # the Cell (kind, item, side) of the row selected, or None

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.comparison: Comparison | None = None
        self.title = QLabel()
        self.title.setObjectName("patientTitle")
        self.window_label = QLabel()
        self.window_label.setWordWrap(True)
        self.alert, self.alert_label = _alert_banner()
        self.changed_only = QCheckBox("&Only items that changed")
        self.changed_only.setAccessibleName("Show only the items that were worse, better or to recheck")
        self.model = ComparisonTableModel(self)
        self.table = FrozenColumnTable()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Findings by visit: items as rows, visits as columns, oldest first")
        self.chart = TrendChart()
        self.dermatomes = DermatomeDifferencePanel()
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Findings and trend, or dermatome map")
        self.back_button = QPushButton(caption("◀ Patient", "back"))
        self.back_button.setAccessibleName("Back to the patient")
        self._lay_out()
        self._wire()

    # building
    def _lay_out(self) -> None:
        heading = QHBoxLayout()
        heading.addWidget(self.back_button)
        heading.addSpacing(8)
        heading.addWidget(self.title, 1)
        legend = QHBoxLayout()
        legend.setSpacing(14)
        for mark, style in MARK_STYLES.items():
            label = QLabel(f"<span style='color:{style.ink}; font-weight:bold'>{style.symbol}</span> {style.caption}")
            label.setAccessibleName(f"{style.symbol}: {style.caption}")
            label.setToolTip(_MARK_HELP[mark])
            legend.addWidget(label)
        window = QHBoxLayout()
        window.setSpacing(6)
        window.addWidget(LegendSwatch(BodyChartFill(WINDOW_HEADER, "", WINDOW_HEADER, "")))
        window.addWidget(QLabel("inside the window period"))
        legend.addLayout(window)
        legend.addStretch(1)
        legend.addWidget(self.changed_only)
        # The table and the chart side by side: the chart follows the row selected in the table.
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.chart)
        splitter.setSizes([11_000, 9_000])  # in proportion: a little more for the table, what the doctor reads
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        findings = QWidget()
        findings_layout = QVBoxLayout(findings)
        findings_layout.setContentsMargins(4, 6, 4, 4)
        findings_layout.addLayout(legend)
        findings_layout.addWidget(splitter, 1)
        # The body chart needs the full width; it scrolls rather than forcing a larger window.
        map_page = QScrollArea()
        map_page.setWidget(self.dermatomes)
        map_page.setWidgetResizable(True)
        map_page.setFrameShape(QFrame.Shape.NoFrame)
        self.tabs.addTab(findings, "&Findings and trend")
        self.tabs.addTab(map_page, "&Dermatome map")
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addWidget(self.window_label)
        layout.addWidget(self.alert)
        layout.addWidget(self.tabs, 1)
        QWidget.setTabOrder(self.table, self.changed_only)
        QWidget.setTabOrder(self.changed_only, self.back_button)

    def _wire(self) -> None:
        self.back_button.clicked.connect(self.back_requested)
        back = shortcut("back", self, self.back_requested.emit)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.changed_only.toggled.connect(self._refilter)
        self.table.selectionModel().selectionChanged.connect(self._on_row_selected)
        self.table.selectionModel().currentColumnChanged.connect(self._on_visit_current)

    # the public face
    def show_patient(self, record_number: str, now: datetime | None = None) -> None:
        """Load and show the patient's signed visits; raises NotFound for an unknown record number."""
        self.comparison = compare_visits(self.ctx, record_number, now)
        self._show_heading(self.comparison)
        self.model.reset(self.comparison, self.changed_only.isChecked())
        self.chart.show_comparison(self.comparison)
        self.dermatomes.set_visits(self.comparison.columns)
        self._select_first_change()
        self.table.setFocus()

    def select_item(self, cell: Cell) -> bool:
        """Select an item's row (at the current visit); False when it is not shown."""
        if self.comparison is None:
            return False
        row = next((r for g in self.comparison.groups for r in g.rows if r.cell == cell), None)
        number = self.model.row_of(row) if row is not None else -1
        if number < 0:
            return False
        column = max(self.model.FIRST_VISIT, self.table.currentIndex().column())
        self.table.setCurrentIndex(self.model.index(number, column))
        return True

    # showing
    def _show_heading(self, comparison: Comparison) -> None:
        patient = comparison.patient
        name = ", ".join(n for n in (patient.family_name, patient.given_name) if n) or patient.record_number
        count = len(comparison.columns)
        self.title.setText(
            f"<span style='font-size:16pt'><b>Compare visits: {escape(name)}</b></span> · "
            f"{escape(patient.record_number)} · {count} signed visit{'s' if count != 1 else ''}")
        window = comparison.window_now
        self.window_label.setText(
            f"<b>Window period</b> ({comparison.window_days} days): {window_html(window)}" if window
            else "<b>Window period:</b> no signed visit yet.")
        progression = [column for column in comparison.columns if column.progression_within_window]
        self.alert.setVisible(bool(progression))
        if progression:
            self.alert_label.setText(_progression_html(progression[-1], comparison))

    def _select_first_change(self) -> None:
        """Start on the latest visit, at its first worse finding (else the first item): what the
        doctor most likely came to see."""
        columns = self.model.columnCount()
        if columns <= self.model.FIRST_VISIT:
            self.chart.show_row(None)
            return
        latest = columns - 1
        rows = [n for n in range(self.model.rowCount()) if self.model.item_row(n) is not None]
        worse = [n for n in rows if self.model.index(n, latest).data(ComparisonTableModel.MARK_ROLE) == WORSE]
        start = (worse or rows or [0])[0]
        self.table.setCurrentIndex(self.model.index(start, latest))
        self.table.scrollTo(self.model.index(start, latest))

    def _refilter(self) -> None:
        current = self.model.item_row(self.table.currentIndex().row())
        column = self.table.currentIndex().column()
        self.model.reset(self.comparison, self.changed_only.isChecked())
        number = self.model.row_of(current) if current is not None else -1
        if number >= 0:
            self.table.setCurrentIndex(self.model.index(number, max(column, self.model.FIRST_VISIT)))
        else:
            self._select_first_change()

    def _on_row_selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        row = self.model.item_row(self.table.currentIndex().row())
        columns = self.comparison.columns if self.comparison else ()
        self.chart.show_row(row, columns)
        self.item_selected.emit(row.cell if row else None)

    def _on_visit_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.chart.mark_visit(self.model.visit(current.column()))


_MARK_HELP = {
    "worse": "Worse than at its most recent earlier grading (a lower grade or score, or further from normal)",
    "better": "Better than at its most recent earlier grading",
    "same": "The same as at its most recent earlier grading",
    "recheck": "Same base grade, but the modifier fell (4+ → 4): examine again; not a worsening",
}


def _alert_banner() -> tuple[QFrame, QLabel]:
    banner = QFrame()
    banner.setObjectName("emergencyAlert")  # the app's full-width red alert (resources/style.qss)
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    layout = QVBoxLayout(banner)
    layout.setContentsMargins(10, 6, 10, 6)
    layout.addWidget(label)
    banner.setAccessibleName(progression_alert())
    banner.hide()
    return banner, label


def _progression_html(column: ComparisonColumn, comparison: Comparison) -> str:
    """The headline alert: which visit, what changed, and the time left in the window now."""
    window = comparison.window_now
    if window is not None and window.within and window.time_left is not None:
        left = f"{duration(window.time_left)} left in the window (ends {moment(window.ends)})" if window.ends else ""
    else:
        left = "the window has now closed"
    findings = "; ".join(escape(change) for change in column.changes)
    return (f"<b style='font-size:13pt'>{progression_alert()}</b> at the visit of "
            f"{escape(moment(column.examined_at))} · {escape(left)}<br>{findings}")

