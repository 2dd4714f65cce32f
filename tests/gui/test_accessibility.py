"""Every input of the visit says what it is: side, item and modality, for screen readers and tests."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QWidget,
)

from exam_app.gui.main_window import MainWindow

INPUTS = (QComboBox, QAbstractSpinBox, QLineEdit, QPlainTextEdit, QAbstractButton, QTableView)


def _name(widget: QWidget) -> str:
    if widget.accessibleName():
        return widget.accessibleName()
    return widget.text() if isinstance(widget, QAbstractButton) else ""


def _part_of_another_input(widget: QWidget) -> bool:
    """The line edit inside a spin box or combo box, the buttons of a tab bar and a table's corner
    button are parts of Qt's own widgets, not inputs of the app."""
    parent = widget.parentWidget()
    if type(widget) is QAbstractButton and isinstance(parent, QTableView):
        return True  # the corner button that selects the whole table
    while parent is not None:
        if isinstance(parent, (QComboBox, QAbstractSpinBox)) or type(parent).__name__ in ("QTabBar", "QScrollBar"):
            return True
        parent = parent.parentWidget()
    return type(widget).__name__ in ("QToolButton", "QTabBar")


def test_every_input_of_a_visit_has_an_accessible_name(window: MainWindow) -> None:
    window.new_visit("R-100")
    assert window.editor is not None
    unnamed = [
        f"{type(w).__name__} in {type(w.parentWidget()).__name__}"
        for w in window.editor.findChildren(QWidget)
        if isinstance(w, INPUTS) and not _part_of_another_input(w) and not _name(w).strip()
    ]
    assert unnamed == []


def test_grade_cells_name_side_item_and_modality(window: MainWindow) -> None:
    from PySide6.QtCore import Qt

    window.new_visit("R-100")
    assert window.editor is not None
    grid = window.editor.motor.grid
    model = grid.model()
    names = {model.data(model.index(row, column), Qt.ItemDataRole.AccessibleTextRole)
             for row in range(model.rowCount()) for column in (2, 3)}
    assert "Left ankle dorsiflexion grade" in names and "Right great-toe extension grade" in names
    chart = window.editor.sensory.chart
    assert chart.region_focus("L5", "left").accessibleName() == "Left L5 light touch"
