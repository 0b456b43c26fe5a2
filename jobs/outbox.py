"""The outbox: e-mail written in the transaction that caused it, read by coordinators, sent later.

A row is written once per (alert, recipient) or (digest day, recipient) — unique keys — with its
Message-ID fixed at that moment, so whatever happens to the sender a recipient can only ever get
that one Message-ID for it.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models import OutboxMessage
from vocabulary.config import new_message_id
from vocabulary.i18n import N_

from .mail_text import Mail

OUTBOX_STATUS_LABELS = {"pending": N_("Waiting to be sent"), "sent": N_("Sent"), "failed": N_("Failed")}


def message_row(mail: Mail, recipient: str, now: datetime, domain: str, *, alert_id: int | None = None,
                digest_on: date | None = None) -> dict[str, Any]:
    return dict(alert_id=alert_id, digest_on=digest_on, recipient=recipient, subject=mail.subject, body=mail.body,
                message_id=new_message_id(domain), status="pending", attempts=0, next_attempt_at=now, created_at=now)


def queue(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert outbox rows in the caller's transaction."""
    if rows:
        session.execute(insert(OutboxMessage), rows)
    return len(rows)


def list_messages(session: Session, *, status: str | None = None, alert_id: int | None = None, limit: int | None = 200) -> list[OutboxMessage]:
    """Mail, newest first, for coordinators: what was sent, what waits, what failed and why."""
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if status:
        query = query.where(OutboxMessage.status == status)
    if alert_id is not None:
        query = query.where(OutboxMessage.alert_id == alert_id)
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


def message_summary(message: OutboxMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "alert_id": message.alert_id,
        "digest_on": message.digest_on.isoformat() if message.digest_on else None,
        "recipient": message.recipient,
        "subject": message.subject,
        "status": message.status,
        "attempts": message.attempts,
        "next_attempt_at": message.next_attempt_at.isoformat(),
        "last_error": message.last_error,
        "created_at": message.created_at.isoformat(),
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
        # False: recorded as sent, but its sender died before the server answered (docs/operate.md).
        "confirmed": message.status == "sent" and message.claimed_until is None,
        "message_id": message.message_id,
    }
