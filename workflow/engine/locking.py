"""Taking a case (or a campaign) for a change: the lock and the transaction every change uses,
transitions (``workflow.engine.service``) and other changes (``workflow.casefile.case_edits``) alike."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import bindparam, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.exc import StaleDataError

from models import Campaign, Inspection
from models.db import is_conflict, write_transaction
from vocabulary.campaigns import CLOSED
from vocabulary.i18n import _
from workflow.errors import CampaignClosed, ConcurrentUpdate, NotFound


@contextmanager
def change_transaction(session: Session) -> Iterator[None]:
    """The write transaction of one change, with "someone wrote first" as ConcurrentUpdate."""
    try:
        with write_transaction(session):
            yield
    except (StaleDataError, DBAPIError) as error:
        if is_conflict(error):
            raise ConcurrentUpdate() from error
        raise


# Built once: it runs on every change.
_LOCK_CASE = (
    select(Inspection)
    .where(Inspection.id == bindparam("case_id"))
    .options(joinedload(Inspection.campaign, innerjoin=True), joinedload(Inspection.findings))
    .with_for_update(of=Inspection)  # the case only, not its campaign
    .execution_options(populate_existing=True)
)


def lock_case(session: Session, inspection_id: int) -> Inspection:
    """The case, locked for this transaction (``FOR UPDATE`` on PostgreSQL; on SQLite the
    transaction already holds the write lock), with its campaign and findings loaded. The cases of
    a closed campaign are read-only: taking one for a change is refused."""
    inspection = session.scalars(_LOCK_CASE, {"case_id": inspection_id}).unique().one_or_none()
    if inspection is None:
        raise NotFound(_("Case #{id} does not exist.", id=inspection_id))
    if inspection.campaign.status == CLOSED:
        raise CampaignClosed(_("The campaign “{campaign}” is closed: its cases can be read and reported on, not changed.",
                               campaign=inspection.campaign.title))
    return inspection


def lock_campaign(session: Session, campaign_id: int) -> Campaign:
    query = select(Campaign).where(Campaign.id == campaign_id).with_for_update().execution_options(populate_existing=True)
    campaign = session.scalar(query)
    if campaign is None:
        raise NotFound(_("Campaign #{id} does not exist.", id=campaign_id))
    return campaign
