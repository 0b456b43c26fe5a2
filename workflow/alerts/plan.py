"""Keeping a case's planned alerts in line with its state and due dates.

Called by the service in the transaction of every change (and when a case is opened), so the
``alert`` table always holds, for each rule in force, one row per level with the moment it comes
due. A sweep then reads only the rows whose moment has come.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import RAISED_STATUSES, Alert, Campaign, Inspection
from models.db import write_transaction
from vocabulary.campaigns import CLOSED
from vocabulary.states import FINAL_STATES
from workflow.alerts.rules import RULES_BY_NAME, planned_moments

# Why a raised alert stopped being open.
STATE_LEFT, DATE_CHANGED, ESCALATED = "state_left", "date_changed", "escalated"


def resolve(alert: Alert, now: datetime, resolution: str) -> None:
    alert.status = "resolved"
    alert.resolved_at = now
    alert.resolution = resolution


def replan_alerts(session: Session, inspection: Inspection, now: datetime) -> list[Alert]:
    """Plan the levels now in force, drop the planned ones no longer in force, and resolve the
    raised ones whose rule the case has left or whose due date moved. Returns those resolved.

    A (case, rule, level) that was raised keeps its row for good: it never fires again."""
    wanted = planned_moments(inspection, inspection.campaign)
    existing = session.scalars(
        select(Alert).where(Alert.inspection_id == inspection.id).with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    taken = {(alert.rule, alert.level) for alert in existing}
    resolved = []
    for alert in existing:
        moment = wanted.get((alert.rule, alert.level))
        if alert.status == "planned":
            if moment is None:
                session.delete(alert)
            elif (alert.due_on, alert.fire_at, alert.action) != (moment.due_on, moment.fire_at, moment.action):
                alert.due_on, alert.fire_at, alert.action = moment.due_on, moment.fire_at, moment.action
        elif alert.status in RAISED_STATUSES:
            rule = RULES_BY_NAME[alert.rule]
            if inspection.campaign.status == CLOSED or not rule.in_force(inspection) or getattr(inspection, rule.due_field) is None:
                resolve(alert, now, STATE_LEFT)
                resolved.append(alert)
            elif getattr(inspection, rule.due_field) != alert.due_on:
                resolve(alert, now, DATE_CHANGED)
                resolved.append(alert)
    for key, moment in wanted.items():
        if key not in taken:
            session.add(Alert(inspection_id=inspection.id, rule=moment.rule, level=moment.level, due_on=moment.due_on,
                              fire_at=moment.fire_at, action=moment.action, status="planned"))
    return resolved


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
