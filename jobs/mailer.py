"""Sending the outbox over SMTP (``SMTP_URL``), with retries and backoff: each message delivered
at most once, whenever the sender is killed.

A sender first *claims* a few pending rows (``claimed_until``, and a random ``claim_token``) in
one transaction. For each row it then hands the whole message to the server but holds back the
line that ends it (``.`` after DATA): only when the row is recorded as sent — in its own
committed transaction, and only if the row still carries this sender's token — does it send that
line. Killed before the record, the server has an unfinished message, which SMTP discards, and the
row is sent again once its claim expires; killed after it, the row is sent and never sent again.
A sender whose claim expired and was taken by another finds the token changed and drops the
connection instead. A refusal in the server's answer to the final line, or no answer, puts the
row back: a temporary failure (4xx, a lost connection) schedules another attempt later, doubling
the wait each time; a permanent one (5xx) or too many attempts marks it failed, for a
coordinator to see. What remains is in docs/operate.md ("The outbox").
"""
from __future__ import annotations

import re
import secrets
import smtplib
import socket
import ssl
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses
from functools import partial
from typing import Callable, Iterator, Protocol
from urllib.parse import parse_qs, unquote, urlparse

from sqlalchemy import Row, or_, select, update
from sqlalchemy.orm import Session

from models import OutboxMessage
from models.db import write_transaction

from .settings import JobSettings

CLAIM_BATCH = 50
MAX_BACKOFF = timedelta(hours=1)


class Transport(Protocol):
    def send(self, message: EmailMessage, hand_over: Callable[[], bool]) -> bool:
        """Send ``message``, calling ``hand_over`` once the server holds all of it but before it is
        told that the message is complete; if that returns False the message is abandoned (and
        the connection with it) and ``send`` returns False."""


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
            # The final line goes out on its own right after the record: not held back by Nagle's
            # algorithm for the acknowledgement of the message before it.
            client.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
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


_LINE_STARTING_WITH_A_DOT = re.compile(rb"^\.", re.MULTILINE)


@dataclass
class _SmtpTransport:
    client: smtplib.SMTP

    def send(self, message: EmailMessage, hand_over: Callable[[], bool]) -> bool:
        """smtplib's ``send_message`` (one sender, one recipient), with the end of DATA held back
        until ``hand_over`` has recorded the message as sent."""
        client = self.client
        sender, recipient = getaddresses([message["From"]])[0][1], getaddresses([message["To"]])[0][1]
        international = not (sender + recipient).isascii()
        client.ehlo_or_helo_if_needed()
        code, reply = client.mail(sender, ["SMTPUTF8", "BODY=8BITMIME"] if international else [])
        if code != 250:
            self._reset()
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        code, reply = client.rcpt(recipient)
        if code not in (250, 251):
            self._reset()
            raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
        code, reply = client.docmd("data")
        if code != 354:
            self._reset()
            raise smtplib.SMTPDataError(code, reply)
        content = message.as_bytes(policy=message.policy.clone(linesep="\r\n", utf8=international))
        content = _LINE_STARTING_WITH_A_DOT.sub(b"..", content)
        client.send(content if content.endswith(b"\r\n") else content + b"\r\n")
        handed_over = False
        try:
            handed_over = hand_over()
        finally:
            if not handed_over:  # in the middle of DATA only a dropped connection makes the server discard it
                client.close()
        if not handed_over:
            return False
        client.send(b".\r\n")
        code, reply = client.getreply()
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)
        return True

    def _reset(self) -> None:
        try:
            self.client.rset()
        except smtplib.SMTPServerDisconnected:
            pass


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


@dataclass(frozen=True)
class Claim:
    """Rows one sender took, and the token that says they are still its own."""

    token: str
    rows: list[Row]


def _claim(session: Session, now: datetime, settings: JobSettings) -> Claim:
    token = secrets.token_hex(16)
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
                            .values(claimed_until=now + timedelta(seconds=settings.mail_claim_seconds), claim_token=token))
    return Claim(token, list(rows))


def _is_permanent(error: Exception) -> bool:
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code = min(code for code, _reply in error.recipients.values())
    return isinstance(code, int) and code >= 500


def _hand_over(session: Session, row: Row, token: str, now: datetime) -> bool:
    """Record ``row`` as sent, committed, if it is still this sender's: whether it was.

    A kill between this commit and the final line loses the message, so the commit does not wait
    for the disk (a flush would be most of that window); a power cut in that moment can undo the
    record, and the message is then sent a second time (docs/operate.md)."""
    with write_transaction(session, flush_to_disk=False):
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id, OutboxMessage.claim_token == token, OutboxMessage.status == "pending")
            .values(status="sent", sent_at=now, attempts=row.attempts + 1, last_error=None))
    return result.rowcount == 1


def _confirm(session: Session, row: Row, token: str) -> None:
    """The server accepted the message: the row's claim ends. A sent row that keeps its claim is
    one whose sender died between recording it and the server's answer (see docs/operate.md)."""
    with write_transaction(session, flush_to_disk=False):
        session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id, OutboxMessage.claim_token == token)
                        .values(claimed_until=None))


def _mark_failed_attempt(session: Session, row: Row, token: str, now: datetime, error: Exception, settings: JobSettings) -> bool:
    """Record a failed attempt (also of a row recorded as sent whose end the server refused or
    never answered), unless another sender has the row now; True if the row is given up
    (failed) rather than retried."""
    attempts = row.attempts + 1
    give_up = _is_permanent(error) or attempts >= settings.mail_max_attempts
    wait = min(timedelta(seconds=settings.mail_retry_seconds * 2 ** (attempts - 1)), MAX_BACKOFF)
    with write_transaction(session):
        session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id, OutboxMessage.claim_token == token).values(
            status="failed" if give_up else "pending", attempts=attempts, next_attempt_at=now + wait, sent_at=None,
            claimed_until=None, last_error=f"{type(error).__name__}: {error}"[:2000]))
    return give_up


def send_pending(session: Session, now: datetime, settings: JobSettings, server: SmtpServer | None = None) -> SendReport:
    """Send every pending message due by ``now`` (claimed a batch at a time)."""
    report = SendReport()
    server = server or (SmtpServer.from_url(settings.smtp_url) if settings.smtp_url else None)
    if server is None:
        return report
    while (claim := _claim(session, now, settings)).rows:
        _send_claimed(session, claim, now, settings, server, report)
    return report


def _send_claimed(session: Session, claim: Claim, now: datetime, settings: JobSettings, server: SmtpServer,
                  report: SendReport) -> None:
    def attempt_failed(row: Row, error: Exception) -> None:
        given_up = _mark_failed_attempt(session, row, claim.token, now, error, settings)
        (report.failed if given_up else report.retried).append(row.id)

    done: set[int] = set()
    try:
        with server.connect() as transport:
            for row in claim.rows:
                try:
                    handed_over = transport.send(email_message(row, settings.mail_from), partial(_hand_over, session, row, claim.token, now))
                except (smtplib.SMTPException, OSError) as error:
                    if isinstance(error, smtplib.SMTPServerDisconnected):
                        raise
                    attempt_failed(row, error)
                    done.add(row.id)
                    continue
                if not handed_over:  # the claim expired and another sender took the row: leave the rest too
                    return
                _confirm(session, row, claim.token)
                report.sent.append(row.id)
                done.add(row.id)
    except (smtplib.SMTPException, OSError) as error:  # no connection: every row not yet done waits
        for row in claim.rows:
            if row.id not in done:
                attempt_failed(row, error)


def retry(session: Session, message_id: int, now: datetime) -> bool:
    """Put a failed message back in the queue (a coordinator fixed the address, the server …)."""
    with write_transaction(session):
        result = session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == "failed")
                                 .values(status="pending", attempts=0, next_attempt_at=now, claimed_until=None, claim_token=None))
    return result.rowcount == 1
