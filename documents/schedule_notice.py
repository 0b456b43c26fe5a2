"""Thông báo lịch kiểm tra: the schedule of the direct inspections, sent to every unit
(:func:`build`), or the notice of one unit's inspection (:func:`build_for_unit`)."""
from __future__ import annotations

from datetime import date
from typing import Sequence

from . import texts
from .facts import CampaignFacts, CaseFacts, clock, dmy, weekday_and_date
from .layout import Heading, OfficialDocument, Signature


def _opening(document: OfficialDocument, campaign: CampaignFacts, number: str, day: date, subject: str) -> None:
    document.heading(Heading(campaign.agency, number, campaign.place, day))
    document.title(texts.SCHEDULE_TYPE, [subject])
    document.paragraph(texts.SCHEDULE_BASIS.format(plan=campaign.plan))
    if campaign.team_decision:
        document.paragraph(texts.SCHEDULE_DECISION.format(decision=campaign.team_decision))


def _team(document: OfficialDocument, campaign: CampaignFacts) -> None:
    decision = campaign.team_decision.split(" của ")[0] if campaign.team_decision else texts.BLANK_LONG
    document.paragraph(texts.SCHEDULE_ATTENDEES_TEAM.format(issuer=campaign.issuer_short, decision=decision, radio=campaign.radio))


def _duty(document: OfficialDocument, campaign: CampaignFacts) -> None:
    document.part(texts.SCHEDULE_DUTY_HEADING)
    document.paragraph(texts.SCHEDULE_DUTY.format(office=campaign.office, days=f"{campaign.report_lead_days:02d}"))


def _closing(document: OfficialDocument, campaign: CampaignFacts, recipients: Sequence[str], unit: str = "") -> None:
    document.closing(
        [line.format(unit=unit, radio=campaign.radio, issuer=campaign.issuer_short) for line in recipients],
        Signature(campaign.signer_title.upper(), campaign.signer_name, campaign.on_behalf),
    )


def build(campaign: CampaignFacts, cases: Sequence[CaseFacts], number: str, day: date) -> bytes:
    document = OfficialDocument()
    _opening(document, campaign, number, day, texts.SCHEDULE_SUBJECT.format(year=campaign.year))
    document.paragraph(texts.SCHEDULE_INTRO.format(issuer=campaign.issuer, subject=texts.SUBJECT.format(year=campaign.year)))
    document.part(texts.SCHEDULE_TABLE_HEADING)
    rows = [
        (str(position), case.unit, weekday_and_date(case.visit_date) if case.visit_date else "", clock(case.visit_time),
         texts.VENUE.format(unit=case.unit_full))
        for position, case in enumerate(cases, start=1)
    ]
    document.table(texts.SCHEDULE_COLUMNS, rows, [1.2, 4.6, 3.4, 2.3, 5.0], size=12)
    document.part(texts.SCHEDULE_ATTENDEES_HEADING)
    _team(document, campaign)
    kinds = {case.unit_kind for case in cases}
    if "office" in kinds:
        document.paragraph(texts.SCHEDULE_ATTENDEES_OFFICES.format(issuer=campaign.issuer_short, attendees=texts.ATTENDEES_NOTICE["office"]))
    if "commune" in kinds:
        document.paragraph(texts.SCHEDULE_ATTENDEES_COMMUNES.format(communes=campaign.communes, attendees=texts.ATTENDEES_NOTICE["commune"]))
    _duty(document, campaign)
    document.paragraph(texts.SCHEDULE_END.format(issuer=campaign.issuer_short))
    _closing(document, campaign, texts.SCHEDULE_RECIPIENTS)
    return document.bytes()


def build_for_unit(campaign: CampaignFacts, case: CaseFacts, number: str, day: date) -> bytes:
    document = OfficialDocument()
    _opening(document, campaign, number, day, texts.SCHEDULE_SUBJECT_UNIT.format(year=campaign.year, unit=case.unit_full))
    document.paragraph(texts.SCHEDULE_INTRO_UNIT.format(issuer=campaign.issuer, subject=texts.SUBJECT.format(year=campaign.year), unit=case.unit_full))
    document.part(texts.SCHEDULE_TIME_HEADING)
    document.paragraph(texts.SCHEDULE_TIME.format(
        time=clock(case.visit_time, texts.TIME_BLANK),
        weekday=texts.WEEKDAYS[case.visit_date.weekday()] if case.visit_date else texts.BLANK, date=dmy(case.visit_date) or texts.BLANK_LONG,
    ))
    document.paragraph(texts.SCHEDULE_VENUE.format(venue=texts.VENUE.format(unit=case.unit_full)))
    document.part(texts.SCHEDULE_ATTENDEES_HEADING)
    _team(document, campaign)
    document.paragraph(texts.SCHEDULE_ATTENDEES_UNIT.format(unit=case.unit_full, attendees=texts.ATTENDEES_NOTICE[case.unit_kind]))
    _duty(document, campaign)
    document.paragraph(texts.SCHEDULE_END_UNIT.format(issuer=campaign.issuer_short, unit=case.unit_full))
    _closing(document, campaign, texts.SCHEDULE_RECIPIENTS_UNIT, case.unit_full)
    return document.bytes()
