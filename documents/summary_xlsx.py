"""The campaign's summary as a spreadsheet: one row per case (unit), dates as dd/mm/yyyy, printed
on A4 landscape, all columns across the page width (as many pages down as the rows need), the
heading rows repeated on each page."""
from __future__ import annotations

import io
from datetime import date
from typing import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from vocabulary.campaigns import COMMUNE_WORDS

from . import texts
from .facts import CampaignFacts, CaseFacts

DATE_FORMAT = "DD/MM/YYYY"
FONT = "Times New Roman"
# Column widths (characters), in the order of texts.SHEET_COLUMNS: narrow enough that the 17
# columns fit an A4 landscape page at about 80 %, wide enough for the 2023 unit names.
WIDTHS = (4.5, 24, 19, 13, 15, 9.5, 10, 9.5, 9.5, 9.5, 10, 9.5, 7, 7, 9.5, 9.5, 14)
LINE_POINTS = 13.5  # one line of 10 pt text; Calc does not grow a wrapped row by itself
THIN = Side(style="thin", color="000000")


def _unit_kind(campaign: CampaignFacts, case: CaseFacts) -> str:
    """The unit's kind as the plan names it: "Cơ quan chuyên môn thuộc UBND huyện …", "UBND thị trấn"."""
    commune = COMMUNE_WORDS.get(case.unit_category or "", COMMUNE_WORDS["xa"])
    return texts.UNIT_KINDS[case.unit_kind].format(issuer=campaign.issuer_short, commune=commune)


def build(campaign: CampaignFacts, cases: Sequence[CaseFacts], day: date) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = texts.SHEET_NAME
    sheet.append([texts.SHEET_TITLE.format(year=campaign.year)])
    sheet.append([texts.SHEET_SUBTITLE.format(issuer=campaign.issuer, day=day.strftime("%d/%m/%Y"))])
    sheet.append(list(texts.SHEET_COLUMNS))
    sheet["A1"].font = Font(name=FONT, bold=True, size=13)
    sheet["A2"].font = Font(name=FONT, italic=True, size=11)
    sheet.row_dimensions[3].height = 45  # the wrapped headings; Calc does not grow the row itself
    for cell in sheet[3]:
        cell.font = Font(name=FONT, bold=True, size=10)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for position, case in enumerate(cases, start=1):
        sheet.append([
            position, case.unit, _unit_kind(campaign, case), case.kind_label, case.state_label,
            case.visited_date or case.visit_date, case.notice_number, case.received_date, case.minutes_number,
            case.minutes_date, case.conclusion_number, case.conclusion_date, len(case.findings), case.accepted_findings,
            case.remediation_due, case.remediation_reported_date, case.late_text or None,
        ])
    for row in sheet.iter_rows(min_row=3, max_col=len(WIDTHS)):
        for cell in row:
            cell.border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
            if cell.row > 3:
                cell.font = Font(name=FONT, size=10)
                cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left" if cell.column in (2, 3, 5, 17) else "center")
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    for row in sheet.iter_rows(min_row=4):
        lines = max(-(-len(str(cell.value)) // max(1, int(WIDTHS[cell.column - 1] * 1.45))) for cell in row if cell.value is not None)
        sheet.row_dimensions[row[0].row].height = LINE_POINTS * max(1, lines) + 2
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C4"
    # A4 landscape, every column across one page width, as many pages down as needed; the
    # heading rows on every page, page numbers in the footer.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top, sheet.page_margins.bottom = 0.5, 0.6
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = "1:3"
    sheet.oddFooter.center.text = texts.SHEET_PAGE_FOOTER
    sheet.oddFooter.center.font = f"{FONT},Regular"
    sheet.oddFooter.center.size = 10
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
