"""The campaign's summary as a spreadsheet: one row per case (unit), dates as dd/mm/yyyy, printed
on A4 landscape, all columns across the page width (as many pages down as the rows need), the
heading rows repeated on each page."""
from __future__ import annotations

import io
from datetime import date
from typing import Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from vocabulary.campaigns import COMMUNE_WORDS

from . import texts
from .cells import keep_as_text
from .facts import CampaignFacts, CaseFacts

DATE_FORMAT = "DD/MM/YYYY"
FONT = "Times New Roman"
# Column widths (characters), in the order of texts.SHEET_COLUMNS: narrow enough that the 17
# columns fit an A4 landscape page at about 80 %, wide enough for the 2023 unit names.
WIDTHS = (4.5, 24, 19, 13, 15, 9.5, 10, 9.5, 9.5, 9.5, 10, 9.5, 7, 7, 9.5, 9.5, 14)
LEFT_COLUMNS = (2, 3, 5, 17)  # the texts; the rest (numbers, dates, document numbers) centred
LINE_POINTS = 13.5  # one line of 10 pt text; Calc does not grow a wrapped row by itself
THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _styles(workbook: Workbook) -> dict[str, NamedStyle]:
    """The sheet's few looks as named styles: a cell refers to one by name (no style objects
    built per cell, which made a 40,000-row sheet take minutes)."""
    def body(name: str, horizontal: str, number_format: str = "General") -> NamedStyle:
        return NamedStyle(name=name, font=Font(name=FONT, size=10), border=GRID, number_format=number_format,
                          alignment=Alignment(wrap_text=True, vertical="top", horizontal=horizontal))
    styles = {
        "title": NamedStyle(name="cchc-title", font=Font(name=FONT, bold=True, size=13)),
        "subtitle": NamedStyle(name="cchc-subtitle", font=Font(name=FONT, italic=True, size=11)),
        "heading": NamedStyle(name="cchc-heading", font=Font(name=FONT, bold=True, size=10), border=GRID,
                              alignment=Alignment(wrap_text=True, vertical="center", horizontal="center")),
        "left": body("cchc-left", "left"),
        "center": body("cchc-center", "center"),
        "date": body("cchc-date", "center", DATE_FORMAT),
    }
    for style in styles.values():
        workbook.add_named_style(style)
    return styles


def _unit_kind(campaign: CampaignFacts, case: CaseFacts) -> str:
    """The unit's kind as the plan names it: "Cơ quan chuyên môn thuộc UBND huyện …", "UBND thị trấn"."""
    commune = COMMUNE_WORDS.get(case.unit_category or "", COMMUNE_WORDS["xa"])
    return texts.UNIT_KINDS[case.unit_kind].format(issuer=campaign.issuer_short, commune=commune)


def _row_height(values: Sequence[object]) -> float:
    """Enough lines for the longest wrapped value of the row."""
    lines = max((-(-len(str(value)) // max(1, int(width * 1.45))) for value, width in zip(values, WIDTHS) if value is not None), default=1)
    return LINE_POINTS * max(1, lines) + 2


def build(campaign: CampaignFacts, cases: Sequence[CaseFacts], day: date) -> bytes:
    """Written in openpyxl's write-only mode: rows stream to the file as they are made, so the
    time and memory follow the rows, and a campaign of 40,000 cases takes seconds."""
    workbook = Workbook(write_only=True)
    styles = _styles(workbook)
    sheet = workbook.create_sheet(texts.SHEET_NAME)
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C4"
    # A4 landscape, every column across one page width, as many pages down as needed; the
    # heading rows on every page, page numbers in the footer.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top, sheet.page_margins.bottom = 0.5, 0.6
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = "1:3"
    sheet.oddFooter.center.text = texts.SHEET_PAGE_FOOTER
    sheet.oddFooter.center.font = f"{FONT},Regular"
    sheet.oddFooter.center.size = 10

    looks = {}  # named style -> the style array of a cell in it, made once and shared
    for style in styles.values():
        prototype = WriteOnlyCell(sheet)
        prototype.style = style.name
        looks[style.name] = prototype._style

    def cell(value: object, style: NamedStyle) -> WriteOnlyCell:
        made = WriteOnlyCell(sheet, value)
        made._style = looks[style.name]  # what ``made.style = name`` sets, without its lookups per cell
        keep_as_text(made)
        return made

    sheet.append([cell(texts.SHEET_TITLE.format(year=campaign.year), styles["title"])])
    sheet.append([cell(texts.SHEET_SUBTITLE.format(issuer=campaign.issuer, day=day.strftime("%d/%m/%Y")), styles["subtitle"])])
    sheet.row_dimensions[3].height = 45  # the wrapped headings; Calc does not grow the row itself
    sheet.append([cell(heading, styles["heading"]) for heading in texts.SHEET_COLUMNS])
    column_styles = [styles["left"] if column in LEFT_COLUMNS else styles["center"] for column in range(1, len(WIDTHS) + 1)]
    for position, case in enumerate(cases, start=1):
        values = [
            position, case.unit, _unit_kind(campaign, case), case.kind_label, case.state_label,
            case.visited_date or case.visit_date, case.notice_number, case.received_date, case.minutes_number,
            case.minutes_date, case.conclusion_number, case.conclusion_date, len(case.findings), case.accepted_findings,
            case.remediation_due, case.remediation_reported_date, case.late_text or None,
        ]
        sheet.row_dimensions[position + 3].height = _row_height(values)
        sheet.append([cell(value, styles["date"] if isinstance(value, date) else style) for value, style in zip(values, column_styles)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
