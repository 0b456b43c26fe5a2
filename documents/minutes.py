"""Biên bản kiểm tra: drawn up by the team at the unit, signed by both sides."""
from __future__ import annotations

from .facts import CampaignFacts, CaseFacts, dmy
from .layout import Heading, OfficialDocument, Signature
from .sections import findings_list, review_by_section


def build(campaign: CampaignFacts, case: CaseFacts, number: str) -> bytes:
    day = case.minutes_date or case.visited_date or case.visit_date
    document = OfficialDocument()
    document.heading(Heading(("ĐOÀN KIỂM TRA",), number, campaign.place, day, parent_agency=campaign.issuer_short.upper()))
    document.title("BIÊN BẢN KIỂM TRA", ["Công tác cải cách hành chính, hoạt động công vụ", f"năm {campaign.year} tại {case.unit_full}"])
    basis = f"Thực hiện {campaign.plan}"
    if campaign.team_decision:
        basis += f"; {campaign.team_decision} của {campaign.issuer_short} về việc kiện toàn Đoàn kiểm tra"
    document.paragraph(basis + ";")
    visited = case.visited_date or day
    document.paragraph(f"Hôm nay, ngày {dmy(visited)}, tại {case.unit_full}, Đoàn kiểm tra tiến hành kiểm tra công tác cải cách hành chính, hoạt động công vụ năm {campaign.year}.")
    document.paragraph("I. THÀNH PHẦN", bold=True)
    document.paragraph("1. Đoàn kiểm tra: " + (case.team or f"theo {campaign.team_decision or 'quyết định thành lập Đoàn kiểm tra'}."))
    if case.radio:
        document.paragraph(f"Phóng viên được mời tham gia đưa tin: {case.radio}.")
    document.paragraph(f"2. {case.unit}:")
    for participant in filter(None, (part.strip() for part in (case.participants or "").split(";"))):
        document.paragraph(f"- {participant}")
    document.paragraph("II. NỘI DUNG KIỂM TRA", bold=True)
    received = f" ngày {dmy(case.received_date)}" if case.received_date else ""
    document.paragraph(f"Đoàn kiểm tra đã nghiên cứu báo cáo của đơn vị{received}, kiểm tra hồ sơ, tài liệu và trao đổi trực tiếp; kết quả theo từng nội dung của Đề cương như sau:")
    review_by_section(document, case.sections)
    document.paragraph("III. KIẾN NGHỊ CỦA ĐOÀN KIỂM TRA", bold=True)
    if case.findings:
        findings_list(document, case.findings)
    else:
        document.paragraph(f"Các kiến nghị cụ thể sẽ được nêu tại Thông báo kết luận kiểm tra của {campaign.body}.")
    document.paragraph("Biên bản được lập xong cùng ngày, đã đọc lại cho các thành viên tham dự cùng nghe và nhất trí thông qua; biên bản được lập thành 02 bản có giá trị như nhau, mỗi bên giữ 01 bản./.")
    document.signatures_side_by_side(
        Signature("ĐẠI DIỆN\nĐƠN VỊ ĐƯỢC KIỂM TRA", ""),
        Signature("TRƯỞNG ĐOÀN\nKIỂM TRA", ""),
    )
    return document.bytes()
