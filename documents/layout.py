"""The page and the fixed parts of an administrative document, as Nghị định 30/2020/NĐ-CP
(Phụ lục I) lays them out: A4, margins 20/20/30/15 mm, Times New Roman, body 14 pt; the page
number centred at the top from page 2 on; the agency block and the national heading side by
side, the number under the agency, place and date in italics, type and subject centred in bold
with a rule a third to a half of the subject line under it, the body justified, then "Nơi
nhận" and the signature block side by side. The words themselves are in ``texts``."""
from __future__ import annotations

import copy
import functools
import io
from dataclasses import dataclass
from datetime import date
from typing import Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Mm, Pt
from docx.table import Table, _Cell
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from . import texts

FONT = "Times New Roman"  # LibreOffice draws it with Liberation Serif, its metric twin
BODY_PT = 14
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_WIDTH = Mm(210 - MARGINS_MM["left"] - MARGINS_MM["right"])
LEFT_COLUMN = Cm(6.5)  # agency block, "Nơi nhận"


def place_and_date(place: str, day: date) -> str:
    """"<place>, ngày 05 tháng 02 năm 2023": a day below 10 and the months 1 and 2 get a zero."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return texts.PLACE_AND_DATE.format(place=place, day=f"{day.day:02d}", month=month, year=day.year)


# Advance widths of Times New Roman Bold, in em, by kind of character: enough to size the rule
# under the subject within the third-to-half Nghị định 30 asks for.
_NARROW, _WIDE = set(" .,;:!'()/-–"), set("MWmw")


def text_width_cm(text: str, size_pt: float) -> float:
    """The printed width of a bold line, estimated from the kinds of its characters."""
    em = 0.0
    for character in text:
        if character in _NARROW:
            em += 0.27
        elif character in _WIDE:
            em += 0.9
        elif character.isupper():
            em += 0.72
        else:
            em += 0.5
    return em * size_pt * 2.54 / 72


def _fits(text: str) -> bool:
    """The line fits the text width (the estimate runs about 5 % wide of what LibreOffice prints)."""
    return text_width_cm(text, 14) <= 1.05 * TEXT_WIDTH.cm


def _balanced(line: str) -> list[str]:
    """A bold line too wide for the page in two: after the comma nearest the middle when both
    halves fit (a văn thư breaks a title at its comma, not inside "cải cách"), else where the two
    halves are of about the same width."""
    if _fits(line):
        return [line]
    words = line.split(" ")
    halves = [(" ".join(words[:at]), " ".join(words[at:])) for at in range(1, len(words))]
    widest = lambda pair: max(text_width_cm(pair[0], 14), text_width_cm(pair[1], 14))
    at_comma = [pair for pair in halves if pair[0].endswith(",") and _fits(pair[0]) and _fits(pair[1])]
    return list(min(at_comma or halves, key=widest))


def _split_at_unit(line: str) -> list[str]:
    head, found, tail = line.partition(" tại ")
    return [*_balanced(head), "tại " + tail] if found and text_width_cm(line, 14) > TEXT_WIDTH.cm else _balanced(line)


def _field(paragraph: Paragraph, instruction: str, size: float) -> None:
    """A Word field (PAGE) in ``paragraph``: begin, instruction, separate, a cached value, end."""
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        _font(run, size)
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)
        elif text == instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
            run._r.append(element)
        else:
            run.text = text


@dataclass(frozen=True)
class Heading:
    """The top of a document: who issues it, its number and its date."""

    agency: Sequence[str]  # e.g. ("ỦY BAN NHÂN DÂN", "<LEVEL> <PLACE>")
    number: str  # "05/TB-UBND", or "     /BC-NV" for a draft numbered when issued
    place: str
    day: date
    parent_agency: str | None = None  # the governing body, in capitals but not bold


@dataclass(frozen=True)
class Signature:
    title: str  # "CHỦ TỊCH"; a line break where a long title must wrap
    name: str
    on_behalf: str | None = None  # "TM. ỦY BAN NHÂN DÂN"


def _set_font(run, size: float, bold: bool, italic: bool) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


@functools.lru_cache(maxsize=None)
def _run_properties(size: float, bold: bool, italic: bool):
    """The ``<w:rPr>`` of a run in this look, made once by python-docx on a scratch run."""
    scratch = OxmlElement("w:r")
    _set_font(Run(scratch, None), size, bold, italic)
    return scratch.rPr


@functools.lru_cache(maxsize=None)
def _paragraph_properties(indent: bool, keep_with_next: bool):
    """The ``<w:pPr>`` of a body paragraph (justified, 6 pt after), made once per look."""
    scratch = Paragraph(OxmlElement("w:p"), None)
    scratch.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    scratch.paragraph_format.first_line_indent = Cm(1) if indent else None
    scratch.paragraph_format.space_after = Pt(6)
    if keep_with_next:
        scratch.paragraph_format.keep_with_next = True
    return scratch._p.pPr


def _add_run(paragraph: Paragraph, text: str, size: float, *, bold: bool = False, italic: bool = False) -> None:
    """``paragraph.add_run(text)`` in its font, built from copies of the cached properties; a
    tab or a line break goes through python-docx, which turns them into their elements."""
    if "\t" in text or "\n" in text:
        _font(paragraph.add_run(text), size, bold=bold, italic=italic)
        return
    run = OxmlElement("w:r")
    run.append(copy.deepcopy(_run_properties(size, bold, italic)))
    _set_text(run, text)
    paragraph._p.append(run)


def _set_text(run, text: str) -> None:
    """The text of a run of plain text (no tab, no break), set on its ``<w:t>``."""
    element = run.find(qn("w:t"))
    if element is None:
        element = OxmlElement("w:t")
        run.append(element)
    element.text = text
    element.set(qn("xml:space"), "preserve")


def _font(run, size: float, *, bold: bool = False, italic: bool = False) -> None:
    """The run's font: a copy of the properties made once per look (setting them one by one
    through python-docx was most of the time of a long document)."""
    existing = run._r.rPr
    if existing is not None:
        run._r.remove(existing)
    run._r.insert(0, copy.deepcopy(_run_properties(size, bold, italic)))


def _rule_below(paragraph: Paragraph, width_cm: float) -> None:
    """A thin centred line of ``width_cm`` under a line of the heading: an empty paragraph with a
    top border, narrowed by equal indents (the text above keeps its full width)."""
    cell_or_body = paragraph._parent
    rule = cell_or_body.add_paragraph()
    properties = rule._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    properties.append(borders)
    available = paragraph._parent.width if isinstance(paragraph._parent, _Cell) else TEXT_WIDTH
    side = Emu(max(0, (available - Cm(width_cm)) // 2))
    rule.paragraph_format.left_indent = side
    rule.paragraph_format.right_indent = side
    rule.paragraph_format.space_before = Pt(5)
    _font(rule.add_run(""), 2)


def _no_borders(table: Table) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


class OfficialDocument:
    """A python-docx document with the Nghị định 30 page; add the parts in their order."""

    def __init__(self) -> None:
        self.document = Document()
        self._section_properties = self.document.element.body.sectPr  # the body's last child, kept
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        normal = self.document.styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.line_spacing = 1.0
        # Phụ lục I: the page number centred in the top margin, from the second page on.
        section.different_first_page_header_footer = True
        section.header_distance = Mm(10)
        number = section.header.paragraphs[0]
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _field(number, "PAGE", 13)

    # -- small pieces -------------------------------------------------------------------------

    def _body_paragraph(self) -> Paragraph:
        """A new paragraph at the end of the body, put straight before the section properties:
        python-docx's ``add_paragraph`` looks for them from the first child on, which made a
        long document quadratic."""
        paragraph = OxmlElement("w:p")
        self._section_properties.addprevious(paragraph)
        return Paragraph(paragraph, self.document._body)

    def _line(self, where, text: str, size: float, *, bold: bool = False, italic: bool = False,
              align=WD_ALIGN_PARAGRAPH.CENTER) -> Paragraph:
        if where is self.document:
            paragraph = self._body_paragraph()
        elif not isinstance(where, _Cell) or where.paragraphs[0].text or where.paragraphs[0].runs:
            paragraph = where.add_paragraph()
        else:
            paragraph = where.paragraphs[0]
        paragraph.alignment = align
        _font(paragraph.add_run(text), size, bold=bold, italic=italic)
        return paragraph

    def _side_by_side(self, left_width=LEFT_COLUMN) -> tuple[_Cell, _Cell]:
        table = self.document.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _no_borders(table)
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # never half a block on a page
        widths = (left_width, Emu(TEXT_WIDTH - left_width))
        for column, cell, width in zip(table.columns, table.rows[0].cells, widths):
            column.width = cell.width = width
        return table.rows[0].cells[0], table.rows[0].cells[1]

    # -- the parts, in order ------------------------------------------------------------------

    def heading(self, heading: Heading) -> None:
        left, right = self._side_by_side()
        if heading.parent_agency:
            self._line(left, heading.parent_agency, 13)
        for line in heading.agency:
            paragraph = self._line(left, line, 13, bold=True)
        _rule_below(paragraph, 2.2)
        self._line(left, texts.NUMBER.format(number=heading.number), 13)
        self._line(right, texts.NATIONAL_NAME, 12, bold=True)
        _rule_below(self._line(right, texts.MOTTO, 13, bold=True), text_width_cm(texts.MOTTO, 13))
        self._line(right, place_and_date(heading.place, heading.day), 14, italic=True)
        self.blank()

    def title(self, kind: str, subject: Sequence[str]) -> None:
        """The type in capitals ("THÔNG BÁO") and the subject under it, both bold and centred; a
        subject naming a unit goes to a line of its own from "tại" on."""
        subject = [part for line in subject for part in _split_at_unit(line)]
        self._line(self.document, kind, 14, bold=True).paragraph_format.keep_with_next = True
        last = None
        for line in subject:
            last = self._line(self.document, line, 14, bold=True)
            last.paragraph_format.keep_with_next = True
        if last is not None:  # a rule of 2/5 of the subject's longest line (ND 30: 1/3 to 1/2)
            _rule_below(last, 0.4 * max(text_width_cm(line, 14) for line in subject))
        self.blank()

    def annex_title(self, name: str, title: Sequence[str], attached_to: str) -> None:
        """An annex (Phụ lục I, part on annexes): "Phụ lục" on a line of its own, bold; its
        title (``title``: its lines) in bold capitals; in italics which document it goes with;
        a short rule."""
        for line in (name, *(line.upper() for line in title)):
            self._line(self.document, line, 14, bold=True).paragraph_format.keep_with_next = True
        note = self._line(self.document, attached_to, 14, italic=True)
        _rule_below(note, 0.4 * text_width_cm(attached_to, 14))
        self.blank()

    def addressee(self, text: str) -> None:
        self._line(self.document, text, BODY_PT)
        self.blank()

    def blank(self, size: float = 6) -> None:
        self._line(self.document, "", size)

    def paragraph(self, text: str, *, bold: bool = False, italic: bool = False, indent: bool = True,
                  keep_with_next: bool = False) -> Paragraph:
        paragraph = self._body_paragraph()
        paragraph._p.append(copy.deepcopy(_paragraph_properties(indent, keep_with_next)))
        _add_run(paragraph, text, BODY_PT, bold=bold, italic=italic)
        return paragraph

    def part(self, text: str) -> Paragraph:
        """A heading of the body ("I. THÀNH PHẦN", "1. Ưu điểm"): bold, never left alone at the
        foot of a page."""
        return self.paragraph(text, bold=True, keep_with_next=True)

    def dotted(self, count: int = texts.DOTTED_LINES, label: str | None = None) -> None:
        """Lines of dots across the text width, for what is to be written in by hand; with
        ``label``, the first line begins with it in bold ("a) Kết quả đạt được: ……")."""
        for line in range(count):
            paragraph = self.paragraph("\t", indent=bool(label) and line == 0)
            paragraph.paragraph_format.tab_stops.add_tab_stop(Emu(TEXT_WIDTH - Mm(1)), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
            if label and line == 0:
                paragraph.runs[0].text = label + " \t"
                paragraph.runs[0].bold = True
                paragraph.paragraph_format.keep_with_next = count > 1

    def text_or_dots(self, text: str | None) -> None:
        """The content given, one paragraph per line, or dotted lines when there is none."""
        lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
        if not lines:
            self.dotted()
        for line in lines:
            self.paragraph(line)

    def labelled(self, label: str, text: str) -> Paragraph:
        """"a) Kết quả đạt được: …" with the label in bold."""
        paragraph = self.paragraph("")
        _font(paragraph.runs[0], BODY_PT, bold=True)
        paragraph.runs[0].text = label
        _font(paragraph.add_run(" " + text), BODY_PT)
        return paragraph

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], widths_cm: Sequence[float], size: float = 13) -> Table:
        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths_cm):  # LibreOffice reads the grid, Word the cells
            column.width = Cm(width)
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeated on every page
        for cell, text, width in zip(table.rows[0].cells, headers, widths_cm):
            cell.width = Cm(width)
            self._line(cell, text, size, bold=True)
        template = None  # the first row, built by python-docx; the others are copies of it
        for values in rows:
            if template is None:
                for column, (cell, text, width) in enumerate(zip(table.add_row().cells, values, widths_cm)):
                    cell.width = Cm(width)
                    self._line(cell, text, size, align=WD_ALIGN_PARAGRAPH.LEFT if column == 1 else WD_ALIGN_PARAGRAPH.CENTER)
                template = table.rows[-1]._tr
                continue
            row = copy.deepcopy(template)
            table._tbl.append(row)
            for run, text in zip(row.iter(qn("w:r")), values):  # one run per cell (``_line``)
                if "\t" in text or "\n" in text:
                    Run(run, None).text = text
                else:
                    _set_text(run, text)
        self.blank()
        return table

    def _keep_last_paragraph_with_the_block(self) -> None:
        """The last line of the body goes to the next page with the signatures rather than leave
        them alone on a page."""
        self.document.paragraphs[-1].paragraph_format.keep_with_next = True
        self.blank()
        self.document.paragraphs[-1].paragraph_format.keep_with_next = True

    def closing(self, recipients: Sequence[str], signature: Signature) -> None:
        """"Nơi nhận:" (bold italic, 12 pt, each recipient 11 pt) beside the signature block."""
        self._keep_last_paragraph_with_the_block()
        left, right = self._side_by_side()
        self._line(left, texts.RECIPIENTS, 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
        for recipient in (*recipients, texts.ARCHIVE):
            self._line(left, recipient, 11, align=WD_ALIGN_PARAGRAPH.LEFT)
        self._signature(right, signature)

    def _signature(self, cell: _Cell, signature: Signature, size: float = 14, name_cell: _Cell | None = None) -> None:
        """The block: on whose behalf, the title, room for the handwritten signature, the name
        (in ``name_cell`` when given: the row under the titles, so that names side by side
        stand on one line however the titles wrap)."""
        for line in ([signature.on_behalf] if signature.on_behalf else []) + signature.title.split("\n"):
            self._line(cell, line, size, bold=True).paragraph_format.keep_with_next = True
        below = name_cell or cell
        for _ in range(4 if signature.name else 3):
            self._line(below, "\u00a0", size)  # a space of the block's size: blank lines as high as the title's
        if signature.name:
            self._line(below, signature.name, size, bold=True)

    def signatures_side_by_side(self, *signatures: Signature) -> None:
        """Signatures of equal rank side by side (the minutes: the unit, who kept them, the
        team): titles in one row, names in the next, kept together on one page."""
        self._keep_last_paragraph_with_the_block()
        table = self.document.add_table(rows=2, cols=len(signatures))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _no_borders(table)
        for row in table.rows:
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        width = Emu(TEXT_WIDTH // len(signatures))
        for index, signature in enumerate(signatures):
            table.columns[index].width = width
            title, name = table.rows[0].cells[index], table.rows[1].cells[index]
            title.width = name.width = width
            self._signature(title, signature, 13, name)

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()
