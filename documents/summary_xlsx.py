"""The campaign's summary as a spreadsheet: one row per case (unit), dates as dd/mm/yyyy."""
from __future__ import annotations

import io
from datetime import date
from typing import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .facts import CampaignFacts, CaseFacts

DATE_FORMAT = "DD/MM/YYYY"
COLUMNS: list[tuple[str, int]] = [
    ("STT", 5), ("Đơn vị", 34), ("Loại đơn vị", 14), ("Hình thức kiểm tra", 18), ("Tình trạng", 22),
    ("Ngày kiểm tra", 13), ("Số thông báo lịch", 16), ("Ngày nhận báo cáo", 13), ("Số biên bản", 14),
    ("Ngày biên bản", 13), ("Số kết luận", 14), ("Ngày kết luận", 13), ("Số kiến nghị", 11),
    ("Kiến nghị đạt", 11), ("Hạn khắc phục", 13), ("Ngày báo cáo khắc phục", 13), ("Trễ hạn", 28),
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
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    for index, (_name, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C4"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
