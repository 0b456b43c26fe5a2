"""Which campaigns a user works in: the choices of the campaign switcher and the default one."""
from __future__ import annotations

from sqlalchemy import case, exists, select
from sqlalchemy.orm import Session

from models import Campaign, Inspection
from vocabulary.campaigns import ACTIVE, CLOSED, DRAFT
from workflow.people.permissions import Actor

_STATUS_ORDER = case({ACTIVE: 0, DRAFT: 1, CLOSED: 2}, value=Campaign.status)


def campaign_choices(session: Session, actor: Actor) -> list[Campaign]:
    """The campaigns ``actor`` may look at, running ones first, newest first. Unit contacts see
    the campaigns with cases of their unit; drafts are for those who plan campaigns."""
    query = select(Campaign).order_by(_STATUS_ORDER, Campaign.year.desc(), Campaign.window_start.desc(), Campaign.id.desc())
    if actor.role == "unit":
        query = query.where(exists().where(Inspection.campaign_id == Campaign.id, Inspection.unit_id == actor.unit_id))
    elif not actor.may_manage("edit_campaign"):
        query = query.where(Campaign.status != DRAFT)
    return list(session.scalars(query))


def default_campaign(session: Session, actor: Actor) -> Campaign | None:
    """The most recent running campaign among the actor's choices (else the most recent one)."""
    choices = campaign_choices(session, actor)
    return next((c for c in choices if c.status == ACTIVE), choices[0] if choices else None)
