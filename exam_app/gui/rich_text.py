"""The shared words of `exam_app.presentation` as the screens' rich text (Qt's HTML subset)."""

from __future__ import annotations

from html import escape

from exam_app.clinical.window import WindowStatus
from exam_app.presentation import palette, window_words


def window_html(window: WindowStatus) -> str:
    """"Onset 21 Nov 2026 09:30 (1 d 2 h ago) · window ends … · <b>open, 1 d 22 h left</b>"."""
    text, state = window_words(window)
    return escape(text) if state is None else f"{escape(text)} · <b>{escape(state)}</b>"


def coloured(text: str, colour: str, bold: bool = False) -> str:
    inner = f"<b>{escape(text)}</b>" if bold else escape(text)
    return f"<span style='color:{colour}'>{inner}</span>"


def caution(text: str) -> str:
    return coloured(text, palette().caution, bold=True)
