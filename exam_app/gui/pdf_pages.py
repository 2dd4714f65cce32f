"""PDF pages as images, for the preview and for printing (PDFium through pypdfium2)."""

from __future__ import annotations

import pypdfium2 as pdfium
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrinter


def page_images(pdf: bytes, dots_per_inch: float = 96.0) -> list[QImage]:
    document = pdfium.PdfDocument(pdf)
    try:
        images = []
        for page in document:
            bitmap = page.render(scale=dots_per_inch / 72.0, rev_byteorder=True)
            image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGBA8888)
            images.append(image.copy())  # the bitmap's memory goes with the page
            page.close()
        return images
    finally:
        document.close()


def print_pdf(pdf: bytes, printer: QPrinter) -> None:
    """Each page rendered at the printer's resolution and placed on the printable area."""
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("the printer could not be opened")
    try:
        for number, image in enumerate(page_images(pdf, printer.resolution())):
            if number:
                printer.newPage()
            area = painter.viewport()
            size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(area.topLeft(), size), image)
    finally:
        painter.end()
