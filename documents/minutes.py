"""Biên bản kiểm tra: drawn up by the team at the unit, signed by both sides and by whoever kept
it. It reports what the visit found, as of its own date: the findings are decided later, in the
conclusion notice, and are not part of it. Each kind of inspection says what it is in its own
words (``wording``); the team is printed from the campaign's roster, member by member."""
from __future__ import annotations

from . import texts, wording
from .facts import CampaignFacts, CaseFacts, clock, dmy
from .layout import Heading, OfficialDocument, Signature
from .sections import review_by_section


def _names(text: str | None) -> list[str]:
    """One name per line or per ";" of a free-text field."""
    return [part.strip().rstrip(".;") for part in (text or "").replace("\n", ";").split(";") if part.strip()]


def signed_name(text: str | None) -> str:
    """The name under a signature: "Ông Nguyễn Văn An, Trưởng phòng Nội vụ" → "Nguyễn Văn An"."""
    name = (text or "").split(",")[0].strip()
    for honorific in texts.HONORIFICS:
        if name.startswith(honorific + " "):
            return name[len(honorific) + 1:]
    return name


def _team(document: OfficialDocument, campaign: CampaignFacts, case: CaseFacts) -> None:
    """The team, one line per member of the roster who came: name - title, role in the team."""
    if case.team_members:
        for member in case.team_members:
            # What they do at this visit, unless their role says it (the head chairs, the secretary writes).
            said = {"chair": "head", "secretary": "secretary"}.get(member.part or "") == member.role
            part = f", {texts.MEMBER_PARTS[member.part]}" if member.part in texts.MEMBER_PARTS and not said else ""
            document.paragraph(texts.MEMBER.format(name=member.name, title=member.title.rstrip(".,"),
                                                   role=texts.TEAM_ROLES.get(member.role, member.role), part=part))
        return
    # A case recorded before the roster: the team as it was typed.
    document.paragraph(texts.MINUTES_CHAIR.format(name=case.chair or texts.BLANK_LONG))
    document.paragraph(texts.MINUTES_SECRETARY.format(name=case.secretary or texts.BLANK_LONG))
    members = _names(case.team)
    if members:
        document.paragraph(texts.MINUTES_TEAM_MEMBERS.format(members="; ".join(members) + "."))
    elif campaign.team_decision:
        document.paragraph(texts.MINUTES_TEAM_AS_DECIDED.format(decision=campaign.team_decision.split(" của ")[0]))
    else:
        document.dotted(1)


def _unit(document: OfficialDocument, case: CaseFacts) -> None:
    """The unit's people: each with their title, then those typed in words, then the plan's roles."""
    for person in case.unit_people:
        line = texts.UNIT_PERSON if person.title else texts.UNIT_PERSON_NO_TITLE
        document.paragraph(line.format(name=person.name, title=(person.title or "").rstrip(".")))
    names = _names(case.participants) if not case.unit_people else []
    for name in names:
        document.paragraph(f"- {name}.")
    if case.unit_attendees:
        document.paragraph(texts.MINUTES_ATTENDEES.format(attendees="; ".join(case.unit_attendees)))
    if not case.unit_people and not names and not case.unit_attendees:
        document.dotted(3)


def build(campaign: CampaignFacts, case: CaseFacts, number: str) -> bytes:
    day = case.minutes_date or case.visited_date or case.visit_date
    visited = case.visited_date or day
    subject = texts.SUBJECT.format(year=campaign.year)
    conclusion = wording.followed_up(campaign, case) if case.kind == "reinspection" else ""
    document = OfficialDocument()
    document.heading(Heading((texts.TEAM,), number, campaign.place, day, parent_agency=campaign.issuer_short.upper()))
    document.title(texts.MINUTES_TYPE, [texts.MINUTES_SUBJECT[wording.subject(case)].format(year=campaign.year, unit=case.unit_full)])
    document.paragraph(texts.MINUTES_BASIS.format(plan=campaign.plan))
    if campaign.team_decision:
        document.paragraph(texts.MINUTES_DECISION.format(decision=campaign.team_decision))
    if conclusion:
        document.paragraph(texts.MINUTES_FOLLOWS_UP.format(conclusion=conclusion))
    document.paragraph(texts.MINUTES_OPENING[wording.opening(case)].format(
        time=clock(case.visit_started, texts.TIME_BLANK), day=dmy(visited),
        venue=texts.VENUE_IN_TEXT.format(unit=case.unit_full), issuer=campaign.issuer_short, subject=subject, conclusion=conclusion,
    ))
    if case.visit_reason and case.surprise:
        document.paragraph(texts.SURPRISE_REASON.format(reason=case.visit_reason.strip().rstrip(".")))

    document.part(texts.MINUTES_PARTIES)
    document.part(texts.MINUTES_TEAM.format(issuer=campaign.issuer_short))
    _team(document, campaign, case)
    position = 2
    if case.radio or case.surprise:
        document.part(texts.MINUTES_GUESTS)
        document.paragraph(texts.MINUTES_RADIO.format(radio=campaign.radio, name=(case.radio or texts.BLANK_LONG).rstrip(".")))
        position = 3
    document.part(texts.MINUTES_UNIT.format(number=position, unit=case.unit_full))
    _unit(document, case)

    document.part(texts.MINUTES_CONTENT)
    worked = wording.how_the_team_worked(case)
    if worked == "no_report" and case.visit_reason:
        document.paragraph(texts.NO_REPORT_REASON.format(reason=case.visit_reason.strip().rstrip(".")))
    received = texts.MINUTES_RECEIVED.format(day=dmy(case.received_date)) if case.received_date else ""
    document.paragraph(texts.MINUTES_CONTENT_INTRO[worked].format(received=received, conclusion=conclusion))
    review_by_section(document, case.sections)
    document.part(texts.MINUTES_ASSESSMENT)
    document.text_or_dots(case.team_assessment)
    document.part(texts.MINUTES_OPINION)
    document.text_or_dots(case.unit_opinion)
    document.paragraph(texts.MINUTES_CLOSING.format(time=clock(case.visit_ended, texts.TIME_BLANK)))
    unit_title = texts.MINUTES_UNIT_SIGNER.format(unit=case.unit.upper())
    if case.unit_signer_title:
        unit_title += "\n" + case.unit_signer_title.upper()
    chair, secretary = case.member_in.get("chair"), case.member_in.get("secretary")
    document.signatures_side_by_side(
        Signature(unit_title, signed_name(case.unit_signer)),
        Signature(texts.MINUTES_SECRETARY_SIGNER, secretary.name if secretary else signed_name(case.secretary)),
        Signature(texts.MINUTES_HEAD, chair.name if chair else signed_name(case.chair)),
    )
    return document.bytes()
