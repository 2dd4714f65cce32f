"""Reading a letter back as a reader's software would: pypdf's text, page by page."""

from __future__ import annotations

import io
import re
import unicodedata

from pypdf import PdfReader


def pages(pdf: bytes) -> list[str]:
    """The text of each page, NFKC-normalised (shaped Arabic comes out as presentation forms) and
    with runs of white space made one space (a table row or a wrapped line reads as one line)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", unicodedata.normalize("NFKC", page.extract_text())) for page in reader.pages]


def text(pdf: bytes) -> str:
    return " ".join(pages(pdf))
