"""Thông báo kết luận kiểm tra: strengths, shortcomings, their causes, findings with deadlines,
and the unit's duty to send its báo cáo kết quả khắc phục."""
from __future__ import annotations

from . import texts, wording
from .facts import CampaignFacts, CaseFacts, dmy
from .layout import Heading, OfficialDocument, Signature
from .scores import ScoreFacts, scores_part
from .sections import causes, findings_list, shortcomings, strengths


def build(campaign: CampaignFacts, case: CaseFacts, scores: ScoreFacts | None = None) -> bytes:
    document = OfficialDocument()
    numbers = iter(range(1, 10))

    def part(title: str) -> str:
        return texts.NUMBERED_PART.format(number=next(numbers), title=title)
    conclusion = wording.followed_up(campaign, case) if case.kind == "reinspection" else ""
    document.heading(Heading(campaign.agency, case.conclusion_number or "", campaign.place, case.conclusion_date))
    document.title(texts.CONCLUSION_TYPE, [texts.CONCLUSION_SUBJECT[wording.subject(case)].format(year=campaign.year, unit=case.unit_full)])
    document.paragraph(texts.CONCLUSION_BASIS.format(plan=campaign.plan))
    if campaign.team_decision:
        document.paragraph(texts.CONCLUSION_DECISION.format(decision=campaign.team_decision))
    if conclusion:
        document.paragraph(texts.CONCLUSION_FOLLOWS_UP.format(conclusion=conclusion))
    if case.minutes_number:
        document.paragraph(texts.CONCLUSION_MINUTES.format(number=case.minutes_number, day=dmy(case.minutes_date)))
    reason = texts.CONCLUSION_REASON.format(reason=case.visit_reason.strip().rstrip(".")) if case.visit_reason and case.surprise else ""
    document.paragraph(texts.CONCLUSION_INTRO[wording.conclusion_basis(case)].format(
        day=dmy(case.visited_date), issuer=campaign.issuer_short, subject=texts.SUBJECT.format(year=campaign.year), unit=case.unit_full,
        reason=reason, conclusion=conclusion,
    ))
    if case.team_assessment:
        document.paragraph(texts.CONCLUSION_ASSESSMENT.format(text=case.team_assessment.strip()))
    document.part(part(texts.CONCLUSION_STRENGTHS))
    strengths(document, case.sections)
    document.part(part(texts.CONCLUSION_SHORTCOMINGS))
    shortcomings(document, case.sections)
    document.part(part(texts.CONCLUSION_CAUSES))
    causes(document, case.sections)
    if scores:
        scores_part(document, scores, part(texts.CONCLUSION_SCORES))
    document.part(part(texts.CONCLUSION_FINDINGS))
    if case.findings:
        document.paragraph(texts.CONCLUSION_FINDINGS_INTRO.format(unit=case.unit_full))
        findings_list(document, case.findings)
    else:
        document.dotted()
    document.part(part(texts.CONCLUSION_DUTY_HEADING))
    due = max((finding.due for finding in case.findings), default=case.remediation_due)
    document.paragraph(texts.CONCLUSION_DUTY.format(
        unit=case.unit_full, issuer=campaign.issuer_short, office=campaign.office, due=dmy(due) or texts.BLANK_LONG,
    ))
    document.paragraph(texts.CONCLUSION_FOLLOW_UP.format(office=campaign.office))
    document.closing(
        [line.format(unit=case.unit_full, issuer=campaign.issuer_short) for line in texts.CONCLUSION_RECIPIENTS],
        Signature(campaign.signer_title.upper(), campaign.signer_name, campaign.on_behalf),
    )
    return document.bytes()
