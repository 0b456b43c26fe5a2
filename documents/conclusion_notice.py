"""Thông báo kết luận kiểm tra: strengths, shortcomings and causes, findings with deadlines, and
the unit's duty to report its remediation."""
from __future__ import annotations

from .facts import CampaignFacts, CaseFacts, dmy
from .layout import Heading, OfficialDocument, Signature
from .sections import findings_list, shortcomings, strengths


def build(campaign: CampaignFacts, case: CaseFacts) -> bytes:
    document = OfficialDocument()
    document.heading(Heading(campaign.agency, case.conclusion_number or "", campaign.place, case.conclusion_date))
    document.title("THÔNG BÁO", ["Kết luận kiểm tra công tác cải cách hành chính, hoạt động công vụ", f"năm {campaign.year} tại {case.unit_full}"])
    document.paragraph(f"Căn cứ {campaign.plan};")
    if case.minutes_number:
        document.paragraph(f"Căn cứ Biên bản kiểm tra số {case.minutes_number} ngày {dmy(case.minutes_date)} của Đoàn kiểm tra;")
    document.paragraph(
        f"Ngày {dmy(case.visited_date)}, Đoàn kiểm tra của {campaign.issuer_short} đã kiểm tra công tác cải cách hành chính, "
        f"hoạt động công vụ năm {campaign.year} tại {case.unit_full}. Trên cơ sở báo cáo của đơn vị và kết quả kiểm tra, "
        f"{campaign.issuer_short} thông báo kết luận như sau:"
    )
    document.paragraph("1. Ưu điểm", bold=True)
    strengths(document, case.sections)
    document.paragraph("2. Tồn tại, hạn chế và nguyên nhân", bold=True)
    shortcomings(document, case.sections)
    document.paragraph("3. Kiến nghị", bold=True)
    if case.findings:
        document.paragraph(f"Yêu cầu {case.unit_full} thực hiện các kiến nghị sau:")
        findings_list(document, case.findings)
    else:
        document.paragraph("Đoàn kiểm tra không có kiến nghị khắc phục.")
    document.paragraph("4. Tổ chức thực hiện", bold=True)
    if case.findings:
        document.paragraph(
            f"{case.unit_full} tổ chức khắc phục các tồn tại, hạn chế nêu trên và báo cáo kết quả "
            f"khắc phục từng kiến nghị (kèm tài liệu chứng minh) về {campaign.issuer_short} (qua {campaign.office}) "
            f"trước ngày {dmy(case.remediation_due)}."
        )
    document.paragraph(f"Giao {campaign.office} theo dõi, đôn đốc việc thực hiện Thông báo này; tham mưu phúc tra khi cần thiết./.")
    document.closing(
        [f"- {case.unit_full} (để thực hiện);", f"- CT, các PCT {campaign.body};", "- Thành viên Đoàn kiểm tra;", "- Lưu: VT, NV."],
        Signature(campaign.signer_title.upper(), campaign.signer_name, campaign.on_behalf),
    )
    return document.bytes()
