"""Thông báo lịch kiểm tra: the schedule of the direct inspections, sent to every unit."""
from __future__ import annotations

from datetime import date
from typing import Sequence

from .facts import CampaignFacts, CaseFacts, clock, weekday_and_date
from .layout import Heading, OfficialDocument, Signature


def build(campaign: CampaignFacts, cases: Sequence[CaseFacts], number: str, day: date) -> bytes:
    document = OfficialDocument()
    document.heading(Heading(campaign.agency, number, campaign.place, day))
    document.title("THÔNG BÁO", [f"Lịch {campaign.title[0].lower()}{campaign.title[1:]}"])
    document.paragraph(f"Thực hiện {campaign.plan};")
    if campaign.team_decision:
        document.paragraph(f"Căn cứ {campaign.team_decision} của {campaign.issuer_short} về việc kiện toàn Đoàn kiểm tra việc thực thi công vụ và nhiệm vụ cải cách hành chính;")
    document.paragraph(f"{campaign.issuer} thông báo lịch kiểm tra trực tiếp công tác cải cách hành chính, hoạt động công vụ năm {campaign.year} tại các cơ quan, đơn vị như sau:")
    document.paragraph("1. Lịch kiểm tra", bold=True)
    rows = [
        (str(position), case.unit, weekday_and_date(case.visit_date) if case.visit_date else "", clock(case.visit_time))
        for position, case in enumerate(cases, start=1)
    ]
    document.table(["STT", "Cơ quan, đơn vị được kiểm tra", "Ngày kiểm tra", "Thời gian"], rows, [1.4, 6.6, 5.0, 3.0])
    document.paragraph("2. Thành phần làm việc", bold=True)
    document.paragraph(f"- Đoàn kiểm tra của {campaign.body}; mời phóng viên {campaign.radio} tham gia đưa tin.")
    if any(case.unit_kind == "office" for case in cases):
        document.paragraph(f"- Tại các cơ quan chuyên môn thuộc {campaign.body}: Lãnh đạo và chuyên viên của cơ quan được kiểm tra.")
    if any(case.unit_kind == "commune" for case in cases):
        document.paragraph(f"- Tại UBND các {campaign.communes}: Đại diện Lãnh đạo Đảng ủy và Lãnh đạo UBND; cán bộ, công chức trực tiếp tham mưu thực hiện nhiệm vụ CCHC tại địa phương; các công chức có liên quan.")
    document.paragraph("3. Trách nhiệm của cơ quan, đơn vị được kiểm tra", bold=True)
    document.paragraph(
        f"Xây dựng báo cáo (theo Đề cương và các Phụ lục kèm theo Kế hoạch), gửi Đoàn kiểm tra (qua {campaign.office}) "
        f"trước {campaign.report_lead_days:02d} ngày kiểm tra; bố trí địa điểm làm việc, thành phần có liên quan làm việc trực tiếp "
        f"với Đoàn kiểm tra; cung cấp kịp thời, đầy đủ thông tin, tài liệu theo yêu cầu của Đoàn kiểm tra."
    )
    document.paragraph(f"Trên đây là Thông báo lịch kiểm tra của {campaign.issuer_short}; đề nghị các cơ quan, đơn vị có tên trên nghiêm túc thực hiện./.")
    document.closing(
        ["- Các cơ quan, đơn vị có tên tại mục 1;", "- Thành viên Đoàn kiểm tra;", f"- CT, các PCT {campaign.body};", "- Lưu: VT, NV."],
        Signature(campaign.signer_title.upper(), campaign.signer_name, campaign.on_behalf),
    )
    return document.bytes()
