"""Opening a case: the one place a case row is created, with the first entry of its chain."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy.orm import Session

from models import Campaign, Inspection, Unit
from vocabulary.states import Kind, State
from workflow import audit
from workflow.alerts.plan import replan_alerts
from workflow.deadlines.due_dates import refresh_due_dates
from workflow.people.permissions import Actor


def open_case(
    session: Session,
    *,
    campaign: Campaign,
    unit: Unit,
    kind: Kind | str,
    actor: Actor,
    now: datetime,
    visit_date: date | None = None,
    visit_time: time | None = None,
    reinspection_of: Inspection | None = None,
    unannounced: bool = False,
    comment: str | None = None,
) -> Inspection:
    inspection = Inspection(
        campaign=campaign,
        unit=unit,
        unit_name=unit.name,
        kind=Kind(kind).value,
        state=State.PLANNED.value,
        visit_date=visit_date,
        visit_time=visit_time,
        reinspection_of=reinspection_of,
        unannounced=unannounced,
        created_at=now,
        updated_at=now,
    )
    session.add(inspection)
    refresh_due_dates(inspection, campaign)
    session.flush()
    audit.append(
        session,
        inspection,
        at=now,
        actor=actor.name,
        trigger="create",
        to_state=inspection.state,
        comment=comment,
        data=audit.snapshot(inspection),
    )
    replan_alerts(session, inspection, now)
    return inspection
