"""Reading alerts and acknowledging them: what the admin and the CLI show coordinators."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from models import Alert, Inspection
from models.db import write_transaction
from vocabulary.i18n import N_, _, gettext
from vocabulary.states import ALERT_STATUS_LABELS
from workflow import audit
from workflow.alerts.plan import DATE_CHANGED, ESCALATED, STATE_LEFT
from workflow.alerts.rules import LEVEL_LABELS, RULES_BY_NAME
from workflow.errors import NotFound, NotPermitted, TransitionNotAllowed
from workflow.people.permissions import Actor

RESOLUTION_LABELS = {
    STATE_LEFT: N_("the case moved on"),
    DATE_CHANGED: N_("the due date changed"),
    ESCALATED: N_("superseded by a higher level"),
}
ACKNOWLEDGING_ROLES = frozenset({"coordinator", "admin"})


def list_alerts(
    session: Session,
    *,
    status: str | None = None,
    level: int | None = None,
    rule: str | None = None,
    inspection_id: int | None = None,
    campaign_id: int | None = None,
    include_planned: bool = False,
    limit: int | None = None,
) -> list[Alert]:
    """Alerts, newest first. Planned rows (not raised yet) only when asked for."""
    query = select(Alert).options(joinedload(Alert.inspection)).order_by(Alert.fire_at.desc(), Alert.id.desc())
    if status:
        query = query.where(Alert.status == status)
    elif not include_planned:
        query = query.where(Alert.status != "planned")
    if level is not None:
        query = query.where(Alert.level == level)
    if rule:
        query = query.where(Alert.rule == rule)
    if inspection_id is not None:
        query = query.where(Alert.inspection_id == inspection_id)
    if campaign_id is not None:
        query = query.where(Alert.inspection_id.in_(select(Inspection.id).where(Inspection.campaign_id == campaign_id)))
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


def alert_summary(alert: Alert) -> dict[str, Any]:
    """The JSON shape of an alert (``alerts list --json``, later the API)."""
    inspection: Inspection = alert.inspection
    return {
        "id": alert.id,
        "inspection_id": alert.inspection_id,
        "unit": inspection.unit_name,
        "rule": alert.rule,
        "what": gettext(RULES_BY_NAME[alert.rule].label),
        "level": alert.level,
        "level_label": gettext(LEVEL_LABELS[alert.level]),
        "due_on": alert.due_on.isoformat(),
        "fire_at": alert.fire_at.isoformat(),
        "status": alert.status,
        "status_label": gettext(ALERT_STATUS_LABELS[alert.status]),
        "raised_at": alert.raised_at.isoformat() if alert.raised_at else None,
        "acknowledged_by": alert.acknowledged_by,
        "acknowledged_at": alert.acknowledged_at.isoformat() if alert.acknowledged_at else None,
        "resolved_at": alert.resolved_at.isoformat() if alert.resolved_at else None,
        "resolution": alert.resolution,
        "resolution_label": gettext(RESOLUTION_LABELS[alert.resolution]) if alert.resolution else None,
        "action": alert.action,
    }


def acknowledge(session: Session, alert_id: int, actor: Actor, now: datetime, comment: str | None = None) -> Alert:
    """A coordinator says they have seen an open alert. It stays until the case moves on (and the
    next level still comes due); the acknowledgement goes to the alert's audit chain."""
    if actor.role not in ACKNOWLEDGING_ROLES:
        raise NotPermitted(_("Only coordinators may acknowledge alerts."))
    with write_transaction(session):
        alert = session.scalars(
            select(Alert).where(Alert.id == alert_id).with_for_update().execution_options(populate_existing=True)
        ).one_or_none()
        if alert is None or alert.status == "planned":
            raise NotFound(_("Alert #{id} does not exist.", id=alert_id))
        if alert.status != "open":
            raise TransitionNotAllowed(_("Alert #{id} is {status}; only an open alert can be acknowledged.", id=alert_id, status=gettext(ALERT_STATUS_LABELS[alert.status])))
        alert.status = "acknowledged"
        alert.acknowledged_at = now
        alert.acknowledged_by = actor.name
        audit.append(session, alert, at=now, actor=actor.name, trigger="acknowledge", from_state="open", to_state="acknowledged",
                     comment=comment, data={"rule": alert.rule, "level": alert.level, "due_on": alert.due_on})
    return alert
