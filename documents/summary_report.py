"""Báo cáo tổng hợp kết quả kiểm tra: Phòng Nội vụ reports the campaign to the Chairman (plan,
section V.1): per unit its state, the steps done late and those missed by the report's date, its findings and their remediation."""
from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Sequence

from .facts import MISSED_TEXT, CampaignFacts, CaseFacts, dmy
from .layout import Heading, OfficialDocument, Signature

OFFICE = "PHÒNG NỘI VỤ"


def build(campaign: CampaignFacts, cases: Sequence[CaseFacts], number: str, day: date) -> bytes:
    document = OfficialDocument()
    document.heading(Heading((OFFICE,), number, campaign.place, day, parent_agency=campaign.issuer_short.upper()))
    title = f"Tổng hợp kết quả {campaign.title[0].lower()}{campaign.title[1:]}"
    first, comma, rest = title.partition(", ")
    document.title("BÁO CÁO", [first + comma.rstrip(), rest] if rest else [title])
    document.addressee(f"Kính gửi: Chủ tịch {campaign.issuer}.")
    document.paragraph(f"Thực hiện {campaign.plan}, Phòng Nội vụ tổng hợp, báo cáo kết quả kiểm tra như sau:")
    document.paragraph("I. KHÁI QUÁT", bold=True)
    kinds = Counter(case.kind_label for case in cases)
    document.paragraph("Tổng số " + f"{len(cases)} cuộc kiểm tra, gồm: " + "; ".join(f"{label}: {count}" for label, count in kinds.items()) + ".")
    states = Counter(case.state_label for case in cases)
    document.paragraph("Tình trạng đến ngày " + dmy(day) + ": " + "; ".join(f"{label}: {count}" for label, count in states.items()) + ".")
    late = [case for case in cases if case.late_steps]
    missed = [case for case in cases if case.missed_steps]
    document.paragraph(f"Số đơn vị có bước thực hiện trễ hạn: {len(late)} ({sum(len(c.late_steps) for c in cases)} bước).")
    document.paragraph(f"Số đơn vị có bước quá hạn chưa thực hiện đến ngày {dmy(day)}: {len(missed)} "
                       f"({sum(len(c.missed_steps) for c in cases)} bước).")
    for step, count in Counter(step for case in cases for step in case.missed_steps).items():
        document.paragraph(f"- Chưa {MISSED_TEXT.get(step, step)}: {count} đơn vị.")
    document.paragraph("II. KẾT QUẢ THEO TỪNG ĐƠN VỊ", bold=True)
    rows = [
        (str(position), case.unit, case.kind_label, case.state_label, case.late_text or "-", case.missed_text or "-",
         f"{case.accepted_findings}/{len(case.findings)}" if case.findings else "-")
        for position, case in enumerate(cases, start=1)
    ]
    document.table(["STT", "Đơn vị", "Hình thức", "Tình trạng", "Trễ hạn", "Quá hạn chưa thực hiện", "Kiến nghị (đạt/tổng)"], rows,
                   [1.1, 4.0, 2.3, 2.6, 2.0, 2.6, 1.8], size=11)
    document.paragraph("III. KIẾN NGHỊ VÀ KẾT QUẢ KHẮC PHỤC", bold=True)
    with_findings = [case for case in cases if case.findings]
    if not with_findings:
        document.paragraph("Chưa có kiến nghị nào được ban hành.")
    for case in with_findings:
        conclusion = f" (Thông báo kết luận số {case.conclusion_number} ngày {dmy(case.conclusion_date)})" if case.conclusion_number else ""
        document.paragraph(f"{case.unit}{conclusion}:", bold=True)
        for finding in case.findings:
            note = f" – {finding.unit_note}" if finding.unit_note else ""
            document.paragraph(
                f"{finding.number}. {finding.text} Hạn: {dmy(finding.due)}. Đơn vị báo cáo: {finding.status_text.lower()}{note}. "
                f"Đánh giá: {finding.decision_text.lower()}."
            )
    document.paragraph("IV. ĐỀ XUẤT", bold=True)
    document.paragraph(
        "Đề nghị Chủ tịch UBND huyện chỉ đạo các cơ quan, đơn vị còn kiến nghị chưa khắc phục hoàn thành trong thời hạn; "
        "chấn chỉnh các tập thể, cá nhân chưa chủ động, tích cực trong thực hiện nhiệm vụ cải cách hành chính./."
    )
    document.closing(["- Như trên;", "- PCT UBND huyện phụ trách;", "- Lưu: VT, NV."], Signature("TRƯỞNG PHÒNG", ""))
    return document.bytes()
