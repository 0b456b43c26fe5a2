"""The content of a case by outline section, shared by the minutes and the conclusion notice."""
from __future__ import annotations

from typing import Sequence

from .facts import FindingFacts, SectionFacts, dmy
from .layout import OfficialDocument

NOT_RECORDED = "(Đoàn kiểm tra chưa ghi nhận nội dung này.)"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def review_by_section(document: OfficialDocument, sections: Sequence[SectionFacts]) -> None:
    """"1. Công tác chỉ đạo, điều hành" — a) what was achieved, b) shortcomings and causes, and
    the outline's items the unit's report left out."""
    for section in sections:
        document.paragraph(f"{section.number}. {section.title}", bold=True)
        document.labelled("a) Kết quả đạt được:", section.achieved or NOT_RECORDED)
        document.labelled("b) Tồn tại, hạn chế và nguyên nhân:", section.shortcomings or ("Không." if section.reviewed else NOT_RECORDED))
        if section.missing:
            document.paragraph("Báo cáo của đơn vị chưa nêu các nội dung sau của Đề cương:", italic=True)
            for item in section.missing:
                document.paragraph(f"- {item}")


def strengths(document: OfficialDocument, sections: Sequence[SectionFacts]) -> None:
    for section in sections:
        if section.achieved:
            document.labelled(f"- {section.title}:", section.achieved)


def shortcomings(document: OfficialDocument, sections: Sequence[SectionFacts]) -> None:
    written = False
    for section in sections:
        if section.shortcomings:
            document.labelled(f"- {section.title}:", section.shortcomings)
            written = True
        if section.missing:
            document.labelled(f"- {section.title}:", "báo cáo của đơn vị chưa nêu: " + "; ".join(_lower_first(item.rstrip(".")) for item in section.missing) + ".")
            written = True
    if not written:
        document.paragraph("Không có tồn tại, hạn chế đáng kể.")


def findings_list(document: OfficialDocument, findings: Sequence[FindingFacts]) -> None:
    for finding in findings:
        document.paragraph(
            f"{finding.number}. {finding.text.rstrip('.')} (nội dung {finding.section_code} – {finding.section_title}; "
            f"thời hạn hoàn thành: trước ngày {dmy(finding.due)})."
        )
