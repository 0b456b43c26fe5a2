"""Which words a case's documents use, by its kind of inspection (the plan, section III.1): a
direct inspection works from the unit's report, a surprise one from what the team finds on the
day, a phúc tra follows up a conclusion notice, a self-inspection is the unit's own report."""
from __future__ import annotations

from . import texts
from .facts import CampaignFacts, CaseFacts, dmy


def subject(case: CaseFacts) -> str:
    """The key of the documents' subject lines (``texts.MINUTES_SUBJECT``, ``CONCLUSION_SUBJECT``)."""
    if case.kind == "reinspection":
        return "reinspection"
    return "surprise" if case.surprise else "direct"


def opening(case: CaseFacts) -> str:
    """The key of the minutes' opening sentence (``texts.MINUTES_OPENING``)."""
    if case.kind == "reinspection":
        return "reinspection_surprise" if case.surprise else "reinspection"
    return subject(case)


def how_the_team_worked(case: CaseFacts) -> str:
    """The key of what the minutes say the team worked from (``texts.MINUTES_CONTENT_INTRO``)."""
    if case.kind in ("reinspection", "self"):
        return case.kind
    if case.surprise:
        return "surprise"
    return "report" if case.received_date else "no_report"


def conclusion_basis(case: CaseFacts) -> str:
    """The key of the conclusion's introduction (``texts.CONCLUSION_INTRO``)."""
    if case.kind == "reinspection":
        return "reinspection"
    if case.surprise:
        return "surprise"
    return "report" if case.received_date else "no_report"


def followed_up(campaign: CampaignFacts, case: CaseFacts) -> str:
    """The conclusion notice a phúc tra follows up, as the documents cite it (dots for what the
    earlier case does not hold)."""
    return texts.FOLLOWS_UP.format(number=case.follows_up_number or texts.BLANK_LONG,
                                   day=dmy(case.follows_up_date) or texts.BLANK_LONG, issuer=campaign.issuer_short)
