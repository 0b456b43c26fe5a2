"""Opening a case outside the plan's list: a surprise inspection on the day (no notice, the radio
reporter invited — the plan's III.1.c), or a unit added to a running campaign (direct or self).

Coordinators only. The case is created by ``engine.cases.open_case``, so its "create" entry (with
the reason) is the first of its audit chain, and its unit joins the campaign's planned list."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from models import CampaignUnit, Inspection
from vocabulary.campaigns import ACTIVE
from vocabulary.config import local_date
from vocabulary.i18n import _
from vocabulary.states import OPENING_KINDS, Kind
from workflow.engine.cases import open_case
from workflow.engine.locking import change_transaction, lock_campaign
from workflow.errors import BadData, Problem
from workflow.people.permissions import Actor
from workflow.people.unit_names import unit_named

from .plans import existing_case, find_campaign, free_slots, require


class OpeningData(BaseModel):
    """The data of ``inspections open`` / ``POST /api/v1/inspections``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    visit_date: dt.date | None = None
    visit_time: dt.time | None = None
    reason: str | None = Field(None, max_length=2000)


def _data(data: Mapping[str, Any] | None, **given: Any) -> OpeningData:
    merged = {**(data or {}), **{key: value for key, value in given.items() if value is not None}}
    try:
        return OpeningData.model_validate(merged)
    except ValidationError as error:
        raise BadData([Problem(_("{field}: {problem}", field=".".join(map(str, e["loc"])) or "data", problem=e["msg"]),
                               ".".join(map(str, e["loc"])) or "data") for e in error.errors()]) from None


def open_inspection(session, *, campaign_code: str, unit_name: str, kind: str, actor: Actor, now: dt.datetime,
                    visit_date: dt.date | None = None, reason: str | None = None,
                    data: Mapping[str, Any] | None = None) -> Inspection:
    """Open a case of ``kind`` (surprise, direct or self) for the unit in the running campaign.

    A direct case without a visit date gets the proposer's first free slot whose notice can still
    go out on time from today; a surprise case may give the day of the visit."""
    require(actor, "open_inspection")
    if kind not in OPENING_KINDS:
        raise BadData(_("The kind must be one of {choices}.", choices=", ".join(OPENING_KINDS)), field="kind")
    opening = _data(data, visit_date=visit_date, reason=reason)
    with change_transaction(session):
        campaign = lock_campaign(session, find_campaign(session, campaign_code).id)
        if campaign.status != ACTIVE:
            raise BadData(_("The campaign \u201c{code}\u201d is not running: cases are opened in a running campaign.", code=campaign.code), field="campaign")
        today = local_date(now)
        unit = unit_named(session, unit_name, day=today)
        if kind != Kind.SURPRISE and (case := existing_case(session, campaign, unit.id, kind)) is not None:
            raise BadData(_("{unit} already has a case of this kind in the campaign (#{id}).", unit=unit.name, id=case.id), field="unit")
        if kind == Kind.SELF and opening.visit_date:
            raise BadData(_("A self-inspection has no visit date."), field="visit_date")
        if opening.visit_date and not campaign.window_start <= opening.visit_date <= campaign.window_end:
            raise BadData(_("The visit date {day} is outside the campaign's window {start}–{end}.", day=opening.visit_date,
                            start=campaign.window_start, end=campaign.window_end), field="visit_date")
        line = next((line for line in campaign.units if line.unit_id == unit.id), None)
        if line is None:
            line = CampaignUnit(unit=unit, unit_name=unit.name, kind=kind, visit_date=opening.visit_date,
                                visit_time=opening.visit_time, position=len(campaign.units) + 1)
            campaign.units.append(line)
            session.flush()
        visit, at = opening.visit_date, opening.visit_time
        if kind == Kind.DIRECT and visit is None:
            if line.kind == Kind.DIRECT and line.visit_date:
                visit, at = line.visit_date, line.visit_time
            else:
                (visit, at), = free_slots(campaign, 1, first_notice=today)
        inspection = open_case(session, campaign=campaign, unit=unit, kind=kind, actor=actor, now=now,
                               visit_date=visit, visit_time=at, comment=opening.reason)
        if kind == Kind.SURPRISE:  # why the team goes unannounced: the documents say it (the visit may restate it)
            inspection.visit_reason = opening.reason
    return inspection
