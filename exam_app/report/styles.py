"""The letter's look: type sizes, colours and the few table styles, in one place.

Calm on purpose: one family (Noto Sans), three sizes, dark ink; colour only where it carries
meaning (the urgency tier, the headline alert, worse findings, the dermatome fills), and never as
the only carrier: the words and patterns say it too, for a greyscale printer.
"""

from __future__ import annotations

from functools import cache

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, TableStyle

from exam_app.presentation import palette
from exam_app.report.fonts import BODY, BODY_BOLD, in_bold, needs_shaping, register_fonts, rich

INK = HexColor("#1f2a33")
MUTED = HexColor("#5b6670")
RULE = HexColor("#c9d0d7")
HEADER_FILL = HexColor("#eef1f4")
ALERT = HexColor(palette().alert)
ALERT_FILL = HexColor("#fcf0f0")
WORSE = HexColor(palette().worse)

# The screen's urgency colours (resources/presentation.json), dark enough to print.
URGENCY_COLOURS: dict[str, Color] = {tier: HexColor(colour) for tier, colour in palette().urgency.items()}

_SIZE = 9.5
_LEADING = 13.0


@cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=BODY, fontSize=_SIZE, leading=_LEADING, textColor=INK)
    return {
        "body": body,
        "bold": ParagraphStyle("bold", parent=body, fontName=BODY_BOLD),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName=BODY_BOLD, fontSize=8.5, leading=10.5),
        "cell_head": ParagraphStyle("cell_head", parent=body, fontName=BODY_BOLD, fontSize=8, leading=10,
                                    textColor=MUTED),
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=12, bulletIndent=2, spaceAfter=1.5),
        "clinic": ParagraphStyle("clinic", parent=body, fontName=BODY_BOLD, fontSize=14, leading=17),
        "address": ParagraphStyle("address", parent=body, fontSize=8.5, leading=11, textColor=MUTED),
        "re": ParagraphStyle("re", parent=body, fontName=BODY_BOLD, fontSize=11, leading=14.5, spaceBefore=4,
                             spaceAfter=6),
        "section": ParagraphStyle("section", parent=body, fontName=BODY_BOLD, fontSize=11.5, leading=14,
                                  spaceBefore=14, spaceAfter=5),
        "subsection": ParagraphStyle("subsection", parent=body, fontName=BODY_BOLD, fontSize=9.5,
                                     leading=12.5, spaceBefore=8, spaceAfter=3),
        "alert_title": ParagraphStyle("alert_title", parent=body, fontName=BODY_BOLD, fontSize=13, leading=16,
                                      textColor=ALERT, spaceAfter=3),
        "footer": ParagraphStyle("footer", parent=body, fontSize=7.5, leading=9.5, textColor=MUTED),
    }


@cache
def _shaped(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}_shaped", parent=style, shaping=1)


def para(markup: str, style: str = "body", **overrides: object) -> Paragraph:
    """A paragraph of markup built with `text()`/`bold()`; shaped only when a script needs it."""
    chosen = styles()[style]
    if chosen.fontName == BODY_BOLD:
        markup = in_bold(markup)
    if overrides:
        chosen = ParagraphStyle(f"{chosen.name}_{len(overrides)}", parent=chosen, **overrides)
    if needs_shaping(markup):
        chosen = _shaped(chosen) if not overrides else ParagraphStyle(chosen.name, parent=chosen, shaping=1)
    return Paragraph(markup, chosen)


def text(plain: str) -> str:
    """Markup for plain text (escaped, each script in a face that draws it)."""
    return rich(plain)


def bold(plain: str) -> str:
    return f"<b>{rich(plain, bold=True)}</b>"


def coloured(markup: str, colour: Color) -> str:
    return f'<font color="#{colour.hexval()[2:]}">{markup}</font>'


def grid(header_rows: int = 1) -> list[tuple[object, ...]]:
    """The findings tables' style: a tinted header, hairlines between rows, no vertical lines."""
    return [
        ("FONT", (0, 0), (-1, -1), BODY, 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.6),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL),
        ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.6, MUTED),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.3, RULE),
    ]


def table_style(commands: list[tuple[object, ...]]) -> TableStyle:
    return TableStyle(commands)
