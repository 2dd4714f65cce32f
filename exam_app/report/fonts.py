"""The letter's fonts: embedded TrueType faces, so that any name a clinic meets prints and can be
copied out of the PDF as text.

Faces, tried in this order for each character (see `resources/fonts/README.md`):

- Noto Sans: the letter's voice (Latin with accents, Vietnamese, Greek, Cyrillic);
- Noto Sans Devanagari and Noto Sans Arabic: names in those scripts;
- DejaVu Sans: the fallback for what the others lack (arrows and signs of the findings, ≤ ≥,
  Hebrew, Armenian, Georgian...).

Devanagari needs its conjuncts and vowel signs placed, Arabic its letters joined and written
right to left. reportlab does that through HarfBuzz when the optional `uharfbuzz` package is
installed (`SHAPING`). Without it the letters still appear, unjoined: Arabic is then written
in visual order so it at least reads the right way round.

reportlab has no bidirectional layout without its optional `rlbidi` package, which the app does
not use: `rich` lays out a right-to-left run itself (its words in visual order, each shaped
right to left by HarfBuzz). A shaped glyph that stands for several characters (a Devanagari
conjunct) has no Unicode value of its own; `_LetterFont` writes the characters it stands for into
the PDF's ToUnicode map, so text extraction and copy-paste give the name back.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from exam_app.paths import resource_path

# HarfBuzz through reportlab: None when the optional package is not installed.
_harfbuzz: Any = ttfonts.uharfbuzz
SHAPING: bool = _harfbuzz is not None

# The features reportlab shapes with (ttfonts.shapeFragWord): the glyphs learnt here must match.
_FEATURES = {"kern": True, "liga": True, "dlig": True}
_PRIVATE_USE = range(0xE000, 0xF900)


@dataclass(frozen=True)
class Face:
    name: str  # the family name registered with reportlab
    regular: str  # file under resources/fonts
    bold: str
    complex_script: bool  # needs shaping (conjuncts, joining, right to left)

    @property
    def bold_name(self) -> str:
        return f"{self.name}-Bold"


SANS = Face("LetterSans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", complex_script=False)
DEVANAGARI = Face("LetterDevanagari", "NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf", True)
ARABIC = Face("LetterArabic", "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf", True)
FALLBACK = Face("LetterFallback", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", complex_script=False)
FACES: tuple[Face, ...] = (SANS, DEVANAGARI, ARABIC, FALLBACK)

BODY = SANS.name
BODY_BOLD = SANS.bold_name


class _LetterFont(TTFont):  # type: ignore[misc]  # reportlab ships no types
    """A TrueType font that puts the text behind shaped glyphs into the PDF's ToUnicode map."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self.glyph_text: dict[int, str] = {}  # glyph id -> the characters it stands for
        self._learnt: set[str] = set()

    def learn(self, text: str) -> None:
        """Shape `text` as reportlab will, and remember what each glyph without a code point means.

        Within a cluster (a syllable), a glyph without a code point stands for the shortest piece
        of the cluster that is shaped into that glyph alone (त्र for the conjunct tra); what is left
        of the cluster once every glyph has its characters goes to the first glyph still unnamed
        (a repha, a vowel sign drawn in a contextual form).
        """
        if not SHAPING or text in self._learnt:
            return
        self._learnt.add(text)
        infos = self._shape(text)
        starts = sorted({info.cluster for info in infos})
        ends = dict(zip(starts, [*starts[1:], len(text)], strict=True))
        for start in starts:
            cluster = text[start : ends[start]]
            remaining = list(cluster)
            unnamed = []
            for glyph in (info.codepoint for info in infos if info.cluster == start):
                named = [c for c in self.face.glyphToChar.get(glyph, ()) if c not in _PRIVATE_USE]
                piece = chr(named[0]) if named else self.glyph_text.get(glyph) or self._piece(cluster, glyph)
                if piece is not None and _take(remaining, piece):
                    if not named:
                        self.glyph_text.setdefault(glyph, piece)
                elif not named:
                    unnamed.append(glyph)
            if unnamed and remaining:
                self.glyph_text.setdefault(unnamed[0], "".join(remaining))

    def _shape(self, text: str) -> Any:
        buffer = _harfbuzz.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        buffer.cluster_level = _harfbuzz.BufferClusterLevel.MONOTONE_CHARACTERS
        _harfbuzz.shape(self.hbFont(10), buffer, _FEATURES)
        return buffer.glyph_infos

    def _piece(self, cluster: str, glyph: int) -> str | None:
        """The shortest piece of the cluster shaped into this one glyph alone, if any."""
        for length in range(2, len(cluster) + 1):
            for begin in range(len(cluster) - length + 1):
                piece = cluster[begin : begin + length]
                if [info.codepoint for info in self._shape(piece)] == [glyph]:
                    return piece
        return None

    def addObjects(self, doc: Any) -> None:  # reportlab calls it by this name
        state = self.state.get(doc)
        subsets = [] if state is None else [list(s) for s in state.subsets]
        super().addObjects(doc)
        for number, subset in enumerate(subsets):
            base = b"".join((ttfonts.SUBSETN(number), b"+", self.face.name, self.face.subfontNameX)).decode("pdfdoc")
            stream = doc.idToObject.get("toUnicodeCMap:" + base)
            if stream is not None:
                stream.content = self._with_glyph_text(stream.content, subset)

    def _with_glyph_text(self, cmap: str, subset: list[int]) -> str:
        for code, char in enumerate(subset):
            if char not in _PRIVATE_USE:
                continue
            text = self.glyph_text.get(self.face.charToGlyph.get(char, -1))
            if text:
                utf16 = text.encode("utf-16-be").hex().upper()
                cmap = cmap.replace(f"<{code:02X}> <{char:04X}>", f"<{code:02X}> <{utf16}>")
        return cmap


@cache
def register_fonts() -> None:
    """Register every face (regular and bold) with reportlab, once per process."""
    for face in FACES:
        for name, file in ((face.name, face.regular), (face.bold_name, face.bold)):
            pdfmetrics.registerFont(_LetterFont(name, str(resource_path("fonts", file))))
        pdfmetrics.registerFontFamily(face.name, normal=face.name, bold=face.bold_name)


def _font(name: str) -> _LetterFont:
    register_fonts()
    font: _LetterFont = pdfmetrics.getFont(name)
    return font


@cache
def _coverage(face: Face) -> frozenset[int]:
    return frozenset(c for c in _font(face.name).face.charToGlyph if c not in _PRIVATE_USE)


@cache
def _face_of(char: str) -> Face | None:
    """The first face that draws `char`; None for a character that goes with its neighbours."""
    if char.isspace() or unicodedata.category(char) in ("Mn", "Mc", "Me", "Cf"):
        return None  # spaces, combining marks, joiners: part of the run they stand in
    for face in FACES:
        if ord(char) in _coverage(face):
            return face
    return FALLBACK  # nothing draws it: the fallback's "missing glyph" box shows where it was


def _take(remaining: list[str], piece: str) -> bool:
    """Remove the characters of `piece` from `remaining` if all are there."""
    if any(remaining.count(c) < piece.count(c) for c in set(piece)):
        return False
    for char in piece:
        remaining.remove(char)
    return True


def _right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


_ATTACHED = ",.;:"  # punctuation written straight after a name, as in "Re: ليلى حداد, born …"


def rich(text: str, bold: bool = False) -> str:
    """Paragraph markup for plain text: escaped, each run of a script in a face that draws it.

    A right-to-left run is put in visual order (reportlab draws left to right); a run to be
    shaped takes the punctuation written straight after it, so that reportlab shapes each word
    in one font (a word in two fonts comes out with the wrong glyphs).
    """
    runs = _runs(text)
    parts: list[str] = []
    for index, (face, run) in enumerate(runs):
        shaped = SHAPING and face.complex_script
        if not (shaped or _right_to_left(run)):
            parts.append(_tagged(face, run, bold))
            continue
        body = run.rstrip()
        tail = run[len(body) :]
        attached = ""
        if shaped and not tail and index + 1 < len(runs):
            after = runs[index + 1][1]
            attached = after[: len(after) - len(after.lstrip(_ATTACHED))]
            after = after[len(attached) :]
            if after[:1] not in ("", " "):
                after = " " + after  # anything else straight after the run: a word of its own
            runs[index + 1] = (runs[index + 1][0], after)
        parts.append(_tagged(face, _laid_out(face, body, attached, shaped), bold) + escape(tail))
    return "".join(parts)


def _laid_out(face: Face, body: str, attached: str, shaped: bool) -> str:
    if shaped:
        for font in (face.name, face.bold_name):
            _font(font).learn(body)
    if not _right_to_left(body):
        return body + attached
    if not shaped:
        return body[::-1] + attached  # unjoined letters, but in the order a reader reads them
    words = body.split(" ")
    # visual order: the first word is drawn rightmost; HarfBuzz lays out each word right to left,
    # so punctuation put before the first word is drawn to its right, where it belongs
    words[0] = attached + words[0]
    return " ".join(reversed(words))


def _tagged(face: Face, text: str, bold: bool) -> str:
    if not text:
        return ""
    if face is SANS:
        return escape(text)  # the paragraph's own font
    return f'<font name="{face.bold_name if bold else face.name}">{escape(text)}</font>'


def _runs(text: str) -> list[tuple[Face, str]]:
    """The text cut where the face changes; spaces and marks stay in the run they stand in."""
    runs: list[tuple[Face, list[str]]] = []
    for char in text:
        face = _face_of(char)
        if runs and (face is None or face is runs[-1][0]):
            runs[-1][1].append(char)
        else:
            runs.append((face or SANS, [char]))
    # spaces at the end of a complex or right-to-left run belong to the text after it
    out: list[tuple[Face, str]] = []
    for face, chars in runs:
        run = "".join(chars)
        if out and (out[-1][0].complex_script or _right_to_left(out[-1][1])) and out[-1][1] != out[-1][1].rstrip():
            previous_face, previous = out[-1]
            body = previous.rstrip()
            out[-1] = (previous_face, body)
            run = previous[len(body) :] + run
        out.append((face, run))
    return out


def in_bold(markup: str) -> str:
    """Markup from `rich` for a paragraph whose own font is bold: every other face in bold too."""
    for face in FACES:
        markup = markup.replace(f'<font name="{face.name}">', f'<font name="{face.bold_name}">')
    return markup


def needs_shaping(markup: str) -> bool:
    """Whether paragraph markup from `rich` holds a complex script (shaping is slower: only then)."""
    return SHAPING and any(f'name="{face.name}' in markup for face in FACES if face.complex_script)
