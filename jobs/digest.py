"""The daily digest for coordinators and leaders: what is due today, what is overdue, what was
escalated, and the re-inspections (phúc tra) ordered and still to come.

Read with the indexed (state, due date) queries of each rule, and written to the outbox once per
(day, coordinator): running it again the same day changes nothing.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import RAISED_STATUSES, Alert, Campaign, Inspection, OutboxMessage
from models.db import write_transaction
from vocabulary.campaigns import ACTIVE
from vocabulary.config import local_date
from vocabulary.i18n import gettext
from vocabulary.states import FINAL_STATES, Kind
from workflow.alerts.rules import ESCALATION, RULES, RULES_BY_NAME

from .mail_text import DigestLine, Mail, digest_mail
from .outbox import message_row, queue
from .recipients import active_emails


def digest_for(session: Session, today: date) -> Mail:
    """The digest of the running campaigns (a closed campaign has no deadlines left)."""
    due_today: list[DigestLine] = []
    overdue: list[DigestLine] = []
    running = select(Campaign.id).where(Campaign.status == ACTIVE)
    for rule in RULES:
        due = getattr(Inspection, rule.due_field)
        query = (select(Inspection).where(Inspection.state.in_(rule.states), due <= today, Inspection.campaign_id.in_(running))
                 .order_by(due, Inspection.id))
        for inspection in session.scalars(query):
            if rule.applies(inspection):
                line = DigestLine(inspection.id, inspection.unit_name, gettext(rule.label), getattr(inspection, rule.due_field))
                (due_today if line.due == today else overdue).append(line)
    escalated = [
        DigestLine(alert.inspection_id, alert.inspection.unit_name, gettext(RULES_BY_NAME[alert.rule].label), alert.due_on, alert.level)
        for alert in session.scalars(
            select(Alert).where(Alert.level == ESCALATION, Alert.status.in_(RAISED_STATUSES)).order_by(Alert.due_on, Alert.id)
        )
    ]
    reinspections = [
        DigestLine(case.id, case.unit_name, gettext(RULES_BY_NAME["reinspection"].label), case.visit_date)
        for case in session.scalars(
            select(Inspection).where(Inspection.kind == Kind.REINSPECTION, Inspection.state.not_in([state.value for state in FINAL_STATES]))
            .order_by(Inspection.visit_date, Inspection.id))
        if case.visit_date is not None
    ]
    overdue.sort(key=lambda line: (line.due, line.case_id))
    offices = session.scalars(select(Campaign.office).where(Campaign.status == ACTIVE).distinct().order_by(Campaign.office)).all()
    return digest_mail(today, due_today, overdue, escalated, ", ".join(offices), reinspections)


def queue_digest(session: Session, now: datetime, mail_domain: str) -> int:
    """Write today's digest for every active coordinator and leader who has not had it; returns how many."""
    today = local_date(now)
    with write_transaction(session):
        had = set(session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.digest_on == today)))
        everyone = dict.fromkeys([*active_emails(session, "coordinator"), *active_emails(session, "leader")])
        recipients = [email for email in everyone if email not in had]
        if not recipients:
            return 0
        mail = digest_for(session, today)
        return queue(session, [message_row(mail, email, now, mail_domain, digest_on=today) for email in recipients])
