"""PDF pages as images, for the preview and for printing (PDFium through pypdfium2)."""

from __future__ import annotations

import pypdfium2 as pdfium
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrinter

# PDFium gives RGB for an opaque page and RGBA/RGBX otherwise (with rev_byteorder: RGB order).
_QT_FORMAT = {
    "RGB": QImage.Format.Format_RGB888,
    "RGBA": QImage.Format.Format_RGBA8888,
    "RGBX": QImage.Format.Format_RGBX8888,
    "L": QImage.Format.Format_Grayscale8,
}


def page_images(pdf: bytes, dots_per_inch: float = 96.0) -> list[QImage]:
    document = pdfium.PdfDocument(pdf)
    try:
        images = []
        for page in document:
            bitmap = page.render(scale=dots_per_inch / 72.0, rev_byteorder=True)
            pixels = bytes(bitmap.buffer)  # Qt does not take PDFium's ctypes buffer directly
            image = QImage(pixels, bitmap.width, bitmap.height, bitmap.stride, _QT_FORMAT[bitmap.mode])
            images.append(image.copy())  # own the pixels: `pixels` goes when this loop moves on
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
