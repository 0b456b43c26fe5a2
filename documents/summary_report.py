"""Báo cáo kết quả kiểm tra: the office (Phòng Nội vụ) reports the campaign to the Chairman and
proposes what the plan's section V.1 asks: the overall assessment, per unit its state, the steps
done late and those missed by the report's date, the models and initiatives to replicate, the
collectives and individuals to be reminded, the handling of violations."""
from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Sequence

from . import texts
from .facts import CampaignFacts, CaseFacts, dmy
from .layout import Heading, OfficialDocument, Signature


def _counts(labels: Sequence[str], order: Sequence[str]) -> str:
    """"Kiểm tra trực tiếp: 25; Tự kiểm tra: 10", in ``order`` (the machine's), zeros left out."""
    counted = Counter(labels)
    return "; ".join(f"{label}: {counted[label]}" for label in order if counted[label])


def build(campaign: CampaignFacts, cases: Sequence[CaseFacts], number: str, day: date,
          kind_order: Sequence[str] = (), state_order: Sequence[str] = ()) -> bytes:
    """``kind_order`` and ``state_order`` are the labels of the kinds and states in the order the
    machine declares them (the counts follow it)."""
    subject = texts.SUMMARY_SUBJECT.format(year=campaign.year)
    document = OfficialDocument()
    document.heading(Heading((campaign.office.upper(),), number, campaign.place, day, parent_agency=campaign.issuer_short.upper()))
    first, comma, rest = subject.partition(", ")
    document.title(texts.SUMMARY_TYPE, [first + comma.rstrip(), rest] if rest else [subject])
    document.addressee(texts.SUMMARY_ADDRESSEE.format(issuer=campaign.issuer))
    document.paragraph(texts.SUMMARY_INTRO.format(plan=campaign.plan, office=campaign.office))

    document.part(texts.SUMMARY_OVERVIEW)
    document.paragraph(texts.SUMMARY_TOTAL.format(count=len(cases), kinds=_counts([c.kind_label for c in cases], kind_order or sorted({c.kind_label for c in cases}))))
    document.paragraph(texts.SUMMARY_STATES.format(day=dmy(day), states=_counts([c.state_label for c in cases], state_order or sorted({c.state_label for c in cases}))))
    document.paragraph(texts.SUMMARY_LATE.format(count=sum(1 for case in cases if case.late_steps),
                                                 steps=sum(len(case.late_steps) for case in cases)))
    document.paragraph(texts.SUMMARY_MISSED.format(day=dmy(day), count=sum(1 for case in cases if case.missed_steps),
                                                   steps=sum(len(case.missed_steps) for case in cases)))
    for step, count in Counter(step for case in cases for step in case.missed_steps).items():
        document.paragraph(texts.SUMMARY_MISSED_STEP.format(step=texts.MISSED.get(step, step), count=count))

    document.part(texts.SUMMARY_RESULTS)
    document.part(texts.SUMMARY_ASSESSMENT)
    document.text_or_dots(campaign.summary_assessment)
    document.part(texts.SUMMARY_BY_UNIT)
    rows = [
        (str(position), case.unit, case.kind_label, case.state_label, case.late_text or "-", case.missed_text or "-",
         f"{case.accepted_findings}/{len(case.findings)}" if case.findings else "-")
        for position, case in enumerate(cases, start=1)
    ]
    document.table(texts.SUMMARY_COLUMNS, rows, [1.2, 4.0, 2.3, 2.6, 2.0, 2.6, 1.9], size=11)
    document.part(texts.SUMMARY_FINDINGS)
    with_findings = [case for case in cases if case.findings]
    if not with_findings:
        document.paragraph(texts.SUMMARY_NO_FINDINGS)
    for case in with_findings:
        conclusion = texts.SUMMARY_UNIT_CONCLUSION.format(number=case.conclusion_number, day=dmy(case.conclusion_date)) if case.conclusion_number else ""
        document.part(texts.SUMMARY_UNIT.format(unit=case.unit, conclusion=conclusion))
        for finding in case.findings:
            note = f" ({finding.unit_note.strip().rstrip('.')})" if finding.unit_note else ""
            document.paragraph(texts.SUMMARY_FINDING.format(
                number=finding.number, text=finding.text.strip().rstrip("."), due=dmy(finding.due),
                status=finding.status_text, note=note, decision=finding.decision_text,
            ))

    document.part(texts.SUMMARY_PROPOSALS)
    for heading, content in ((texts.SUMMARY_MODELS, campaign.summary_models), (texts.SUMMARY_REMINDERS, campaign.summary_reminders),
                             (texts.SUMMARY_VIOLATIONS, campaign.summary_violations)):
        document.part(heading)
        document.text_or_dots(content)
    document.paragraph(texts.SUMMARY_END.format(subject=texts.SUBJECT.format(year=campaign.year), office=campaign.office, issuer=campaign.issuer))
    document.closing(
        [line.format(issuer=campaign.issuer_short) for line in texts.SUMMARY_RECIPIENTS],
        Signature(campaign.office_head_title.upper(), campaign.office_head_name or ""),
    )
    return document.bytes()
