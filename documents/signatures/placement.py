"""Where Phụ lục I of Nghị định 30/2020/NĐ-CP puts the signatures on a rendered page: the
competent person's signature image between the last line of the signature title ("CHỦ TỊCH") and
the signer's name; the organisation's seal, actual size, over the left third of it; an annex's text
signature at the top right of page 1.

The lines are read from the PDF with pypdf (the text matrices give the baselines) and measured
with Liberation Serif, the font LibreOffice draws our Times New Roman with; a line in another font
is measured by the widths the PDF declares. Boxes are in PDF points, origin bottom left."""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from PIL import ImageFont
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from documents.signatures.fonts import liberation_serif
from documents.signatures.keys import SigningError
from vocabulary.i18n import _

MM = 72 / 25.4
PERSON_WIDTH_MM = 50
ANNEX_WIDTH_MM, ANNEX_HEIGHT_MM = 65, 11
ANNEX_TOP_MM, ANNEX_RIGHT_MM = 5, 15  # inside the top margin (20 mm), flush with the right margin
# A line's ink below its baseline and above it (accented capitals), in em: the gap between the
# title and the name is measured between the inks.
DESCENT_EM, ASCENT_EM = 0.22, 0.9
SPACING = 2.0  # points kept clear around the signature image


@dataclass(frozen=True)
class Box:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2

    @property
    def rect(self) -> tuple[float, float, float, float]:
        return self.x0, self.y0, self.x1, self.y1


@dataclass(frozen=True)
class Line:
    """A run of text on one baseline, as the page draws it (one table cell's line)."""

    text: str
    x0: float
    x1: float
    baseline: float
    size: float

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


@functools.cache
def _measuring_font(style: str) -> Any:
    path = liberation_serif(style)
    return ImageFont.truetype(str(path), 1000) if path else None


def _style(font: Any) -> str | None:
    """The Liberation Serif style standing for the PDF's font, or None for another family."""
    base = re.sub(r"^/?[A-Z]{6}\+", "", str(font.get("/BaseFont", "")) if font else "").replace(" ", "").lower()
    if not ("liberationserif" in base or "timesnewroman" in base):
        return None
    bold, italic = "bold" in base, "italic" in base or "oblique" in base
    return ("bold" if bold else "") + ("italic" if italic else "") or "regular"


def _width(text: str, font: Any, size: float) -> float:
    style = _style(font)
    measuring = _measuring_font(style) if style else None
    if measuring is not None:
        return measuring.getlength(text) / 1000 * size
    from pypdf.generic._font import Font  # pypdf's own reading of the PDF's width tables

    try:
        return Font.from_font_resource(font).get_text_width(text) / 1000 * size
    except Exception:  # a font pypdf cannot read: half an em a character
        return len(text) * size / 2


def _multiply(a: list[float], b: list[float]) -> list[float]:
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def page_lines(page: Any) -> list[Line]:
    """The page's text as lines: pieces drawn one after the other on the same baseline, each
    starting where the last ended, are one line."""
    lines: list[Line] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, font_size: float) -> None:
        if not text.strip():
            return
        matrix = _multiply(list(tm), list(cm))
        size = font_size * (matrix[0] ** 2 + matrix[1] ** 2) ** 0.5
        x, y = matrix[4], matrix[5]
        width = _width(text, font, size)
        last = lines[-1] if lines else None
        if last and abs(last.baseline - y) < 0.5 and -0.5 * size < x - last.x1 < 0.6 * size:
            joiner = "" if last.text.endswith(" ") or text.startswith(" ") or x - last.x1 < 0.15 * size else " "
            lines[-1] = Line(last.text + joiner + text, last.x0, x + width, last.baseline, last.size)
        else:
            lines.append(Line(text, x, x + width, y, size))

    page.extract_text(visitor_text=visit)
    return [Line(line.text.strip(), line.x0, line.x1, line.baseline, line.size) for line in lines]


def _reader(pdf: bytes) -> PdfReader:
    try:
        reader = PdfReader(BytesIO(pdf))
        reader.pages[0]
        return reader
    except (PyPdfError, ValueError, KeyError, IndexError, OSError):
        raise SigningError(_("The file cannot be read as a PDF")) from None


def _signature_pair(lines: list[Line], title: str, name: str) -> tuple[Line, Line] | None:
    """The lowest title line with the name under it in the same column."""
    pairs = []
    for title_line in (line for line in lines if normalise(line.text) == title):
        below = [line for line in lines if normalise(line.text) == name and line.baseline < title_line.baseline
                 and abs(line.centre - title_line.centre) < max(line.x1 - line.x0, title_line.x1 - title_line.x0) / 2]
        if below:
            pairs.append((title_line, max(below, key=lambda line: line.baseline)))
    return min(pairs, key=lambda pair: pair[0].baseline) if pairs else None


def _half_width(lines: list[Line], title: Line, name: Line, centre: float, page_width: float) -> float:
    """Half of the image's width: 50 mm, narrower where the neighbouring columns' text is closer."""
    half = min(PERSON_WIDTH_MM * MM / 2, centre, page_width - centre)
    for line in lines:
        if line in (title, name) or not name.baseline - name.size <= line.baseline <= title.baseline + title.size:
            continue
        if line.x1 <= min(title.x0, name.x0):
            half = min(half, centre - line.x1 - SPACING)
        elif line.x0 >= max(title.x1, name.x1):
            half = min(half, line.x0 - centre - SPACING)
    return half


def person_box(pdf: bytes, title_line: str, name: str) -> Box:
    """The box of the person's signature image: between the last line of the title and the
    name, as wide as 50 mm (or the column) and centred on the title line."""
    reader = _reader(pdf)
    title, wanted = normalise(title_line), normalise(name)
    for number in reversed(range(len(reader.pages))):
        page = reader.pages[number]
        lines = page_lines(page)
        pair = _signature_pair(lines, title, wanted)
        if pair is None:
            continue
        above, below = pair
        centre = above.centre
        half = _half_width(lines, above, below, centre, float(page.mediabox.right))
        top = above.baseline - DESCENT_EM * above.size - SPACING
        bottom = below.baseline + ASCENT_EM * below.size + SPACING
        if top - bottom < 10:
            break
        return Box(number, centre - half, bottom, centre + half, top)
    raise SigningError(_("The signature block “{title}” … “{name}” was not found in the document",
                         title=title_line, name=name))


def seal_box(person: Box, diameter_mm: float = 36) -> Box:
    """The seal at its actual size, centred vertically on the person's box, its centre over the
    middle of the box's left third."""
    radius = diameter_mm * MM / 2
    x, y = person.x0 + person.width / 6, person.centre[1]
    return Box(person.page, x - radius, y - radius, x + radius, y + radius)


def annex_box(pdf: bytes) -> Box:
    """Top right of page 1, in the top margin, flush with the right margin."""
    page = _reader(pdf).pages[0]
    right, top = float(page.mediabox.right), float(page.mediabox.top)
    x1, y1 = right - ANNEX_RIGHT_MM * MM, top - ANNEX_TOP_MM * MM
    return Box(0, x1 - ANNEX_WIDTH_MM * MM, y1 - ANNEX_HEIGHT_MM * MM, x1, y1)
