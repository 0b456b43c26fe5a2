"""Witnesses of the audit log: a checkpoint at every sweep (an entry of the log's own chain and a
file outside the database), and the day's checkpoint mailed to the auditors (once a day, with
the digest) — the witness outside the installation."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import OutboxMessage
from models.db import write_transaction
from vocabulary.config import local_date
from workflow.audit.checkpoint import CheckpointResult, CheckpointStore, make_checkpoint

from .mail_text import checkpoint_mail
from .outbox import message_row, queue
from .recipients import active_emails


def mail_checkpoint(session: Session, store: CheckpointStore, now: datetime, mail_domain: str) -> tuple[CheckpointResult, int]:
    """A new checkpoint, mailed to every active auditor who has not had today's. A log that does
    not verify gets no checkpoint (the problems are in the result)."""
    result = make_checkpoint(session, store, now)
    if result.checkpoint is None or result.path is None:
        return result, 0
    today = local_date(now)
    with write_transaction(session):
        had = set(session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.digest_on == today)))
        recipients = [email for email in active_emails(session, "auditor") if email not in had]
        mail = checkpoint_mail(result.checkpoint, result.path.name)
        count = queue(session, [message_row(mail, email, now, mail_domain, digest_on=today) for email in recipients])
    return result, count
