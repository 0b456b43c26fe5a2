"""The deadline sweep: raise every alert whose moment has come, mail it, run timed transitions.

``sweep(session, now)`` reads only the planned alert rows due by ``now`` (index on status and
moment), so its cost follows what is due, not the number of cases. It works in batches, each one
transaction that turns the rows ``open``, resolves the levels they supersede and writes their
outbox rows: a crash loses a batch whole or not at all, and a row that is ``open`` is never raised
again. Timed transitions then go through :func:`workflow.engine.service.fire` as the scheduler, one
transaction each, on the case version seen when their alert was raised.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, func, select, update
from sqlalchemy.orm import Session

from models import RAISED_STATUSES, Alert, Campaign, Inspection
from models.db import write_transaction
from vocabulary.i18n import _
from workflow.alerts.plan import ESCALATED, STATE_LEFT
from workflow.alerts.rules import RULES, RULES_BY_NAME
from workflow.engine.service import fire
from workflow.errors import ConcurrentUpdate, WorkflowError
from workflow.people.permissions import Actor

from .mail_text import alert_mail, case_url
from .outbox import message_row, queue
from .recipients import AddressBook

DEFAULT_BATCH = 500
ACTIONS = sorted({action for rule in RULES for action in rule.actions.values()})


@dataclass(frozen=True)
class AlertEvent:
    alert_id: int
    case_id: int
    unit: str
    rule: str
    level: int
    due_on: date
    resolution: str | None = None


@dataclass(frozen=True)
class FiredEvent:
    case_id: int
    unit: str
    trigger: str
    new_case_id: int | None = None


@dataclass(frozen=True)
class FailedEvent:
    case_id: int
    trigger: str
    reason: str


@dataclass
class SweepReport:
    raised: list[AlertEvent] = field(default_factory=list)
    resolved: list[AlertEvent] = field(default_factory=list)
    fired: list[FiredEvent] = field(default_factory=list)
    failed: list[FailedEvent] = field(default_factory=list)
    mails: int = 0
    examined: int = 0  # alert rows the sweep read

    @property
    def quiet(self) -> bool:
        return not (self.raised or self.resolved or self.fired or self.failed)


def sweep(session: Session, now: datetime, *, batch_size: int = DEFAULT_BATCH, mail_domain: str = "localhost",
          base_url: str | None = None) -> SweepReport:
    """One sweep as of ``now``. Safe to run again, at once or in two processes. With ``base_url``
    (the web app's address, setting ``BASE_URL``) each e-mail links to its case."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    report = SweepReport()
    while _raise_batch(session, now, batch_size, mail_domain, report, base_url):
        pass
    _run_actions(session, now, report)
    return report


_DUE = (
    select(Alert.id, Alert.inspection_id, Alert.rule, Alert.level, Alert.due_on, Alert.action,
           Inspection.version, Inspection.unit_id, Inspection.unit_name, Inspection.kind, Inspection.state,
           Campaign.remediation_grace_days, Campaign.issuer, Campaign.office)
    .join(Inspection, Alert.inspection_id == Inspection.id)
    .join(Campaign, Inspection.campaign_id == Campaign.id)
)


def _raise_batch(session: Session, now: datetime, batch_size: int, mail_domain: str, report: SweepReport,
                 base_url: str | None = None) -> bool:
    with write_transaction(session):
        rows = session.execute(
            _DUE.where(Alert.status == "planned", Alert.fire_at <= now)
            .order_by(Alert.fire_at, Alert.id).limit(batch_size)
            .with_for_update(of=Alert, skip_locked=True)
        ).all()
        report.examined += len(rows)
        if not rows:
            return False
        session.execute(update(Alert), [
            {"id": row.id, "status": "open", "raised_at": now, "case_version": row.version} for row in rows
        ])
        top = _top_levels_due(session, {row.inspection_id for row in rows}, now)
        _resolve_superseded(session, top, now, report)
        current = [row for row in rows if row.level == top[(row.inspection_id, row.rule)]]
        report.raised.extend(_event(row) for row in current)
        report.mails += queue(session, _mails(session, current, now, mail_domain, base_url))
    return True


def _top_levels_due(session: Session, case_ids: set[int], now: datetime) -> dict[tuple[int, str], int]:
    """For each (case, rule), the highest level whose moment has come (and that still stands:
    a level resolved because the due date moved supersedes nothing)."""
    query = (
        select(Alert.inspection_id, Alert.rule, func.max(Alert.level))
        .where(Alert.inspection_id.in_(case_ids), Alert.fire_at <= now, Alert.status.in_(("planned", *RAISED_STATUSES)))
        .group_by(Alert.inspection_id, Alert.rule)
    )
    return {(case_id, rule): level for case_id, rule, level in session.execute(query)}


def _resolve_superseded(session: Session, top: dict[tuple[int, str], int], now: datetime, report: SweepReport) -> None:
    """A level overtaken by a higher one of the same rule is resolved; one raised in the same
    sweep is recorded but not mailed (the higher level's mail says it all)."""
    raised = session.execute(
        select(Alert.id, Alert.inspection_id, Alert.rule, Alert.level, Alert.due_on, Inspection.unit_name)
        .join(Inspection, Alert.inspection_id == Inspection.id)
        .where(Alert.inspection_id.in_({case_id for case_id, _rule in top}), Alert.status.in_(RAISED_STATUSES))
    ).all()
    superseded = [row for row in raised if row.level < top.get((row.inspection_id, row.rule), row.level)]
    if superseded:
        session.execute(update(Alert), [
            {"id": row.id, "status": "resolved", "resolved_at": now, "resolution": ESCALATED} for row in superseded
        ])
        report.resolved.extend(_event(row, ESCALATED) for row in superseded)


def _event(row: Row, resolution: str | None = None) -> AlertEvent:
    return AlertEvent(row.id, row.inspection_id, row.unit_name, row.rule, row.level, row.due_on, resolution)


def _mails(session: Session, rows: list[Row], now: datetime, mail_domain: str, base_url: str | None) -> list[dict[str, Any]]:
    book = AddressBook.load(session, {row.inspection_id for row in rows}, {row.unit_id for row in rows})
    messages = []
    for row in rows:
        rule = RULES_BY_NAME[row.rule]
        mail = alert_mail(rule, row.level, case_id=row.inspection_id, unit=row.unit_name, kind=row.kind, state=row.state,
                          due=row.due_on, action=row.action, grace_days=row.remediation_grace_days,
                          issuer=row.issuer, office=row.office, case_url=case_url(base_url, row.inspection_id))
        for recipient in book.for_level(rule, row.level, row.inspection_id, row.unit_id):
            messages.append(message_row(mail, recipient, now, mail_domain, alert_id=row.id))
    return messages


def _run_actions(session: Session, now: datetime, report: SweepReport) -> None:
    """Fire the trigger of every open alert that has one (the timed re-inspection), through the
    service, as the scheduler, on the version of the case its alert saw. The service resolves
    the alert in the same transaction, as the case leaves the state; if the case changed in
    between, the alert is looked at again on the next sweep."""
    pending = sorted(session.execute(  # equality on (action, status): an index lookup, never a scan
        select(Alert.id, Alert.inspection_id, Alert.action, Alert.case_version, Alert.due_on, Inspection.unit_name)
        .join(Inspection, Alert.inspection_id == Inspection.id)
        .where(Alert.action.in_(ACTIONS), Alert.status == "open")
    ).all())
    session.rollback()
    report.examined += len(pending)
    for alert in pending:
        reason = str(_("The remediation deadline of {due} and its grace period have passed without a remediation report.", due=alert.due_on))
        try:
            result = fire(session, alert.inspection_id, alert.action, Actor.system(), now,
                          expected_version=alert.case_version, reason=reason)
        except ConcurrentUpdate:
            _see_case_again(session, alert.id)
            continue
        except WorkflowError as error:
            report.failed.append(FailedEvent(alert.inspection_id, alert.action, str(error)))
            continue
        report.fired.append(FiredEvent(alert.inspection_id, alert.unit_name, alert.action, result.extra.get("reinspection_case")))
        report.resolved.extend(_resolved_by_the_change(session, alert.inspection_id, now))


def _see_case_again(session: Session, alert_id: int) -> None:
    """The case changed after the alert was raised. If the alert is still open, its rule still
    holds (the change would have resolved it otherwise): act on the new version next time."""
    with write_transaction(session):
        alert = session.get(Alert, alert_id, with_for_update=True, populate_existing=True)
        if alert.status == "open":
            alert.case_version = session.scalar(select(Inspection.version).where(Inspection.id == alert.inspection_id))


def _resolved_by_the_change(session: Session, case_id: int, now: datetime) -> list[AlertEvent]:
    rows = session.execute(
        select(Alert.id, Alert.inspection_id, Alert.rule, Alert.level, Alert.due_on, Inspection.unit_name)
        .join(Inspection, Alert.inspection_id == Inspection.id)
        .where(Alert.inspection_id == case_id, Alert.resolved_at == now, Alert.resolution == STATE_LEFT)
    ).all()
    session.rollback()
    return [_event(row, STATE_LEFT) for row in rows]
