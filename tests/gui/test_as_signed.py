"""A signed visit whose assessment changed after it was signed (an earlier visit imported later) shows
the assessment it was signed with beside today's: in the patient's visits, on its review page and in
the comparison."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from exam_app.gui.compare_table import ComparisonTableModel
from exam_app.gui.main_window import MainWindow
from exam_app.gui.patient_page import VisitTableModel
from exam_app.services.comparison import compare_visits
from exam_app.services.context import AppContext
from exam_app.services.records import import_file
from tests.records import example, write
from tests.services.test_backdated_import import earlier_normal_visit


def test_the_assessment_signed_with_is_shown_beside_todays(window: MainWindow, gui_ctx: AppContext,
                                                            tmp_path: Path) -> None:
    import_file(gui_ctx, write(tmp_path / "later.json", example()))
    import_file(gui_ctx, write(tmp_path / "earlier.json", earlier_normal_visit()), allow_backdated=True)

    window.show_patient("A-1001")
    model = window.patient.model
    later = model.index(0, VisitTableModel.URGENCY)  # newest first
    assert later.data() == "same day (signed: urgent)"
    alert = model.index(0, VisitTableModel.ALERT).data()
    assert alert == "PROGRESSION WITHIN THE WINDOW PERIOD · changed since signing"
    tip = model.index(0, VisitTableModel.EXAMINED).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Signed with: urgent, radiculopathy, no worsening.")
    assert "urgency: urgent when imported, same day now" in tip
    assert model.index(1, VisitTableModel.URGENCY).data() == "routine"  # the earlier visit is as imported

    window.open_visit(model.row(0).visit_id)
    editor = window.editor
    assert editor is not None and editor.controller.read_only
    review = editor.review.browser.toPlainText()
    assert "Signed with a different assessment: urgent, radiculopathy, no worsening." in review
    assert "progression within the window: no when imported, yes now" in review

    comparison = ComparisonTableModel()  # the comparison's table, on its own: these visits have no LEMS to chart
    comparison.reset(compare_visits(gui_ctx, "A-1001"))
    headers = [comparison.headerData(c, Qt.Orientation.Horizontal) for c in (1, 2)]
    assert ["≠ as signed" in header for header in headers] == [False, True]
    assert "The assessment differs from the one it was signed with" in comparison.headerData(
        2, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
