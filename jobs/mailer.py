"""Sending the outbox over SMTP (``SMTP_URL``), with retries and backoff.

A sender first *claims* a few pending rows (``claimed_until``) in one transaction, so that two
senders never send the same row at once; then for each row it sends, and only once the server has
accepted the message it marks the row sent, committing right away. A temporary failure (a 4xx
reply, a lost connection) schedules another attempt later, doubling the wait each time; a
permanent one (5xx) or too many attempts marks the row failed, for a coordinator to see.

The one window: the server accepted the message and the process died before its row was marked
sent. The row is then sent again once its claim expires — with the same Message-ID, which is how
the receiving side (and our tests) recognise the second copy. See docs/DESIGN-NOTES.md.
"""
from __future__ import annotations

import smtplib
import ssl
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Iterator, Protocol
from urllib.parse import parse_qs, unquote, urlparse

from sqlalchemy import Row, or_, select, update
from sqlalchemy.orm import Session

from models import OutboxMessage
from models.db import write_transaction

from .settings import JobSettings

CLAIM_BATCH = 50
MAX_BACKOFF = timedelta(hours=1)


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class SmtpServer:
    """``smtp://[user:password@]host[:port][?starttls=1]`` or ``smtps://…`` (TLS from the start)."""

    host: str
    port: int
    tls: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> "SmtpServer":
        parsed = urlparse(url)
        if parsed.scheme not in ("smtp", "smtps"):
            raise ValueError(f"SMTP_URL must start with smtp:// or smtps://, not {parsed.scheme}://")
        query = parse_qs(parsed.query)
        return cls(
            host=parsed.hostname or "localhost",
            port=parsed.port or (465 if parsed.scheme == "smtps" else 25),
            tls=parsed.scheme == "smtps",
            starttls=query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
            username=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
        )

    @contextmanager
    def connect(self, timeout: float = 30) -> Iterator[Transport]:
        context = ssl.create_default_context()
        client = (smtplib.SMTP_SSL(self.host, self.port, timeout=timeout, context=context) if self.tls
                  else smtplib.SMTP(self.host, self.port, timeout=timeout))
        try:
            if self.starttls:
                client.starttls(context=context)
            if self.username:
                client.login(self.username, self.password or "")
            yield _SmtpTransport(client)
        finally:
            try:
                client.quit()
            except smtplib.SMTPException:
                client.close()


@dataclass
class _SmtpTransport:
    client: smtplib.SMTP

    def send(self, message: EmailMessage) -> None:
        refused = self.client.send_message(message)
        if refused:  # some recipients refused: one recipient per message, so this one
            code, reply = next(iter(refused.values()))
            raise smtplib.SMTPResponseException(code, reply)


@dataclass
class SendReport:
    sent: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def email_message(row: Row, mail_from: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = row.message_id
    if row.alert_id is not None:
        message["X-CCHC-Alert"] = str(row.alert_id)
    if row.digest_on is not None:
        message["X-CCHC-Digest"] = row.digest_on.isoformat()
    message.set_content(row.body)
    return message


_CLAIMED = (OutboxMessage.id, OutboxMessage.alert_id, OutboxMessage.digest_on, OutboxMessage.recipient, OutboxMessage.subject,
            OutboxMessage.body, OutboxMessage.message_id, OutboxMessage.attempts, OutboxMessage.created_at)


def _claim(session: Session, now: datetime, settings: JobSettings) -> list[Row]:
    with write_transaction(session):
        rows = session.execute(
            select(*_CLAIMED)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
                   or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(CLAIM_BATCH)
            .with_for_update(skip_locked=True)
        ).all()
        if rows:
            session.execute(update(OutboxMessage).where(OutboxMessage.id.in_([row.id for row in rows]))
                            .values(claimed_until=now + timedelta(seconds=settings.mail_claim_seconds)))
    return list(rows)


def _is_permanent(error: Exception) -> bool:
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code = min(code for code, _reply in error.recipients.values())
    return isinstance(code, int) and code >= 500


def _mark_sent(session: Session, row: Row, now: datetime) -> None:
    with write_transaction(session):
        session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id).values(
            status="sent", sent_at=now, attempts=row.attempts + 1, claimed_until=None, last_error=None))


def _mark_failed_attempt(session: Session, row: Row, now: datetime, error: Exception, settings: JobSettings) -> bool:
    """Record a failed attempt; True if the row is given up (failed) rather than retried."""
    attempts = row.attempts + 1
    give_up = _is_permanent(error) or attempts >= settings.mail_max_attempts
    wait = min(timedelta(seconds=settings.mail_retry_seconds * 2 ** (attempts - 1)), MAX_BACKOFF)
    with write_transaction(session):
        session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id).values(
            status="failed" if give_up else "pending", attempts=attempts, next_attempt_at=now + wait,
            claimed_until=None, last_error=f"{type(error).__name__}: {error}"[:2000]))
    return give_up


def send_pending(session: Session, now: datetime, settings: JobSettings, server: SmtpServer | None = None) -> SendReport:
    """Send every pending message due by ``now`` (claimed a batch at a time)."""
    report = SendReport()
    server = server or (SmtpServer.from_url(settings.smtp_url) if settings.smtp_url else None)
    if server is None:
        return report
    while rows := _claim(session, now, settings):
        try:
            with server.connect() as transport:
                for row in rows:
                    try:
                        transport.send(email_message(row, settings.mail_from))
                    except (smtplib.SMTPException, OSError) as error:
                        if isinstance(error, smtplib.SMTPServerDisconnected):
                            raise
                        (report.failed if _mark_failed_attempt(session, row, now, error, settings) else report.retried).append(row.id)
                        continue
                    _mark_sent(session, row, now)
                    report.sent.append(row.id)
        except (smtplib.SMTPException, OSError) as error:  # no connection: every row not yet done waits
            done = set(report.sent + report.retried + report.failed)
            for row in rows:
                if row.id not in done:
                    (report.failed if _mark_failed_attempt(session, row, now, error, settings) else report.retried).append(row.id)
    return report


def retry(session: Session, message_id: int, now: datetime) -> bool:
    """Put a failed message back in the queue (a coordinator fixed the address, the server …)."""
    with write_transaction(session):
        result = session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == "failed")
                                 .values(status="pending", attempts=0, next_attempt_at=now, claimed_until=None))
    return result.rowcount == 1
