"""Keeping a case's planned alerts in line with its state and due dates.

Called by the service in the transaction of every change (and when a case is opened), so the
``alert`` table always holds, for each rule in force, one row per level with the moment it comes
due. A sweep then reads only the rows whose moment has come.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from models import RAISED_STATUSES, Alert, Campaign, Inspection
from models.db import write_transaction
from vocabulary.campaigns import CLOSED
from vocabulary.states import FINAL_STATES
from workflow.alerts.rules import RULES_BY_NAME, planned_moments

# Why a raised alert stopped being open.
STATE_LEFT, DATE_CHANGED, ESCALATED = "state_left", "date_changed", "escalated"


# The statements of a re-plan, built once (their compiled form is cached by SQLAlchemy). Core,
# not the ORM: they run on every change, and the rows are never needed as objects here.
_ALERT = Alert.__table__
_EXISTING = (
    select(_ALERT.c.id, _ALERT.c.rule, _ALERT.c.level, _ALERT.c.status, _ALERT.c.due_on, _ALERT.c.fire_at, _ALERT.c.action)
    .where(_ALERT.c.inspection_id == bindparam("case_id"))
    .with_for_update()
)
_DROP = delete(_ALERT).where(_ALERT.c.id.in_(bindparam("ids", expanding=True)))
_MOVE = (update(_ALERT).where(_ALERT.c.id == bindparam("alert_id"))
         .values(due_on=bindparam("new_due_on"), fire_at=bindparam("new_fire_at"), action=bindparam("new_action")))
_RESOLVE = (update(_ALERT).where(_ALERT.c.id == bindparam("alert_id"))
            .values(status="resolved", resolved_at=bindparam("at"), resolution=bindparam("why")))
_PLAN = insert(_ALERT)


def replan_alerts(session: Session, inspection: Inspection, now: datetime) -> None:
    """Plan the levels now in force, drop the planned ones no longer in force, and resolve the
    raised ones whose rule the case has left or whose due date moved.

    By difference: only the rows whose moment changed are written, in at most one statement per
    kind of write (drop, move, resolve, plan). Nothing is flushed: the rows are read and written
    with Core, so the caller's one flush at the end of the change writes the rest.
    A (case, rule, level) that was raised keeps its row for good: it never fires again."""
    campaign = inspection.campaign
    wanted = planned_moments(inspection, campaign)
    with session.no_autoflush:
        existing = session.execute(_EXISTING, {"case_id": inspection.id}).all()
    drop: list[int] = []
    move: list[dict] = []
    settle: list[dict] = []
    for row in existing:
        moment = wanted.pop((row.rule, row.level), None)
        if row.status == "planned":
            if moment is None:
                drop.append(row.id)
            elif (row.due_on, row.fire_at, row.action) != (moment.due_on, moment.fire_at, moment.action):
                move.append({"alert_id": row.id, "new_due_on": moment.due_on, "new_fire_at": moment.fire_at, "new_action": moment.action})
        elif row.status in RAISED_STATUSES:
            rule = RULES_BY_NAME[row.rule]
            due = getattr(inspection, rule.due_field)
            if campaign.status == CLOSED or not rule.in_force(inspection) or due is None:
                settle.append({"alert_id": row.id, "at": now, "why": STATE_LEFT})
            elif due != row.due_on:
                settle.append({"alert_id": row.id, "at": now, "why": DATE_CHANGED})
    # What is left of ``wanted`` has no row yet (a resolved row keeps its key: popped above).
    plan = [{"inspection_id": inspection.id, "campaign_id": inspection.campaign_id, "rule": moment.rule, "level": moment.level, "due_on": moment.due_on,
             "fire_at": moment.fire_at, "action": moment.action, "status": "planned"} for moment in wanted.values()]
    if drop:
        session.execute(_DROP, {"ids": drop})
    for statement, rows in ((_MOVE, move), (_RESOLVE, settle), (_PLAN, plan)):
        if rows:
            session.execute(statement, rows)


def replan_campaign(session: Session, campaign_code: str | None, now: datetime) -> int:
    """Re-plan every open case (of one campaign), after its timed-rule settings were changed.
    Returns the number of cases looked at."""
    query = select(Inspection).where(Inspection.state.not_in([s.value for s in FINAL_STATES])).order_by(Inspection.id)
    if campaign_code:
        query = query.join(Campaign, Inspection.campaign_id == Campaign.id).where(Campaign.code == campaign_code)
    with write_transaction(session):
        cases = session.scalars(query).all()
        for inspection in cases:
            replan_alerts(session, inspection, now)
    return len(cases)
