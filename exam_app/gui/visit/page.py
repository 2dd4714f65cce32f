"""What every page of the visit editor does, so that the editor, its keys (Ctrl+R, Ctrl+J) and the
autosave treat them alike."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from exam_app.clinical.completeness import MissingItem


@runtime_checkable
class VisitPage(Protocol):
    def refresh(self) -> None:
        """Show the visit as it is now (signals blocked: showing is not changing)."""

    def focus_first(self) -> None:
        """Put the keyboard where the examiner starts on this page."""

    def fill_normal(self) -> None:
        """Ctrl+R: what is not recorded on this page, as normal (on the history page: "no" to the
        red-flag questions not answered yet); never changes a value already recorded."""

    def focus_item(self, gap: MissingItem) -> None:
        """Ctrl+J: the input of an item not recorded yet."""
