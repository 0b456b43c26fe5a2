"""The content of a case by outline section, shared by the minutes and the conclusion notice.
A part with no content yet is printed as dotted lines, to be filled in by hand."""
from __future__ import annotations

from typing import Sequence

from . import texts
from .facts import FindingFacts, SectionFacts, dmy
from .layout import OfficialDocument


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _sentence(text: str) -> str:
    """The text as one sentence: trailing punctuation replaced by a single full stop."""
    return text.strip().rstrip(".;,") + "."


def labelled_or_dots(document: OfficialDocument, label: str, text: str | None) -> None:
    if text and text.strip():
        document.labelled(label, _sentence(text))
    else:
        document.dotted(label=label)


def review_by_section(document: OfficialDocument, sections: Sequence[SectionFacts]) -> None:
    """"1. Công tác chỉ đạo, điều hành" — a) what was achieved, b) shortcomings, their causes,
    and the outline's items the unit's report left out."""
    for section in sections:
        document.part(f"{section.number}. {section.title}")
        labelled_or_dots(document, texts.ACHIEVED, section.achieved)
        if section.reviewed and section.achieved and not section.shortcomings and not section.missing:
            document.labelled(texts.SHORTCOMINGS, "Không.")
            continue
        labelled_or_dots(document, texts.SHORTCOMINGS, section.shortcomings)
        if section.missing:
            document.paragraph(texts.NOT_IN_REPORT, italic=True).paragraph_format.keep_with_next = True
            for item in section.missing:
                document.paragraph(f"- {item}")
        labelled_or_dots(document, texts.CAUSES, section.causes)


def _bullets(document: OfficialDocument, entries: list[tuple[str, str]]) -> None:
    """"- Section title: text." for each entry, or dotted lines when there is none."""
    if not entries:
        document.dotted()
    for title, text in entries:
        document.labelled(f"- {title}:", _sentence(text))


def strengths(document: OfficialDocument, sections: Sequence[SectionFacts]) -> None:
    _bullets(document, [(section.title, section.achieved) for section in sections if section.achieved])


def shortcomings(document: OfficialDocument, sections: Sequence[SectionFacts]) -> None:
    """One bullet per section: its shortcomings and the outline's items the report left out."""
    entries = []
    for section in sections:
        parts = [section.shortcomings.strip().rstrip(".;")] if section.shortcomings else []
        if section.missing:
            items = "; ".join(_lower_first(item.rstrip(".")) for item in section.missing)
            parts.append(texts.CONCLUSION_NOT_IN_REPORT.format(items=items).rstrip("."))
        if parts:
            entries.append((section.title, "; ".join(parts)))
    _bullets(document, entries)


def causes(document: OfficialDocument, sections: Sequence[SectionFacts]) -> None:
    _bullets(document, [(section.title, section.causes) for section in sections if section.causes])


def findings_list(document: OfficialDocument, findings: Sequence[FindingFacts]) -> None:
    for finding in findings:
        document.paragraph(texts.FINDING.format(
            number=finding.number, text=finding.text.strip().rstrip("."), section=finding.section_title or finding.section_code,
            due=dmy(finding.due),
        ))
