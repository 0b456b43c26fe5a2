"""The campaign's summary as a spreadsheet: one row per case (unit), dates as dd/mm/yyyy."""
from __future__ import annotations

import io
from datetime import date
from typing import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .cells import keep_as_text
from .facts import CampaignFacts, CaseFacts

DATE_FORMAT = "DD/MM/YYYY"
COLUMNS: list[tuple[str, int]] = [
    ("STT", 5), ("Đơn vị", 30), ("Loại đơn vị", 17), ("Hình thức kiểm tra", 17), ("Tình trạng", 20),
    ("Ngày kiểm tra", 12), ("Số thông báo lịch", 12), ("Ngày nhận báo cáo", 12), ("Số biên bản", 12),
    ("Ngày biên bản", 12), ("Số kết luận", 12), ("Ngày kết luận", 12), ("Số kiến nghị", 9),
    ("Kiến nghị đạt", 9), ("Hạn khắc phục", 12), ("Ngày báo cáo khắc phục", 12), ("Trễ hạn", 22),
]
UNIT_KINDS = {"office": "Phòng chuyên môn", "commune": "UBND xã, thị trấn"}


def build(campaign: CampaignFacts, cases: Sequence[CaseFacts], day: date) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tổng hợp"
    sheet.append([f"TỔNG HỢP KẾT QUẢ {campaign.title.upper()}"])
    sheet.append([f"{campaign.issuer} – số liệu đến ngày {day.strftime('%d/%m/%Y')}"])
    sheet.append([name for name, _width in COLUMNS])
    sheet["A1"].font = Font(name="Times New Roman", bold=True, size=13)
    sheet["A2"].font = Font(name="Times New Roman", italic=True)
    sheet.row_dimensions[3].height = 45  # the wrapped headings; Calc does not grow the row itself
    for cell in sheet[3]:
        cell.font = Font(name="Times New Roman", bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for position, case in enumerate(cases, start=1):
        sheet.append([
            position, case.unit, UNIT_KINDS.get(case.unit_kind, case.unit_kind), case.kind_label, case.state_label,
            case.visited_date or case.visit_date, case.notice_number, case.received_date, case.minutes_number,
            case.minutes_date, case.conclusion_number, case.conclusion_date, len(case.findings), case.accepted_findings,
            case.remediation_due, case.remediation_reported_date, case.late_text or None,
        ])
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.font = Font(name="Times New Roman")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            keep_as_text(cell)
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    for index, (_name, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C4"
    # Printed on A4 landscape, all columns on one page width, the header row on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "3:3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
