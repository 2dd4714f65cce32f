"""The app's lists of rows: each column wide enough for the text of the rows a new list shows first."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from pytestqt.qtbot import QtBot

from exam_app.gui.table_model import RowsTableModel, row_list_view


class _Births(RowsTableModel):
    HEADERS: ClassVar[tuple[str, ...]] = ("Name", "Birth date")

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.row(index.row())[index.column()]


def test_a_later_list_with_wider_text_widens_its_column_and_a_narrower_one_keeps_it(qtbot: QtBot) -> None:
    model = _Births()
    table = row_list_view(model, "patients", stretch_column=0)
    qtbot.addWidget(table)
    table.resize(900, 300)
    table.show()
    header = table.horizontalHeader()
    model.set_rows([("Doe, Jane", "1 Mar 1974")])
    narrow = header.sectionSize(1)
    assert narrow >= table.sizeHintForColumn(1)
    model.set_rows([("Okafor, Chidi", "17 May 1954 (about)")])  # as a later search shows it
    assert header.sectionSize(1) >= table.sizeHintForColumn(1) > narrow
    wide = header.sectionSize(1)
    model.set_rows([("Doe, Jane", "1 Mar 1974")])
    assert header.sectionSize(1) == wide  # the columns do not jump back as one types
