"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it received, for the tests.

It can be told to answer the next deliveries with a temporary (451) or permanent (550) error, and
counts messages the way a receiving mail system de-duplicates them: by Message-ID.
"""
from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message

from aiosmtpd.controller import Controller


@dataclass
class Received:
    message_id: str
    to: str
    subject: str
    alert: str | None
    digest: str | None
    body: str


def _text(value: str | None) -> str:
    return str(make_header(decode_header(value))) if value else ""


@dataclass
class MailSink:
    received: list[Received] = field(default_factory=list)
    temporary_failures: int = 0
    refuse: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            if self.temporary_failures > 0:
                self.temporary_failures -= 1
                return "451 4.3.0 Try again later"
            if set(envelope.rcpt_tos) & self.refuse:
                return "550 5.1.1 No such user"
            message: Message = message_from_bytes(envelope.content)
            self.received.append(Received(
                message_id=message["Message-ID"], to=message["To"], subject=_text(message["Subject"]),
                alert=message["X-CCHC-Alert"], digest=message["X-CCHC-Digest"],
                body=message.get_payload(decode=True).decode("utf-8"),
            ))
        return "250 OK"

    def snapshot(self) -> list[Received]:
        with self.lock:
            return list(self.received)

    def distinct(self) -> dict[str, Received]:
        """What a receiver that drops a Message-ID it already has would keep."""
        return {message.message_id: message for message in self.snapshot()}

    def copies(self) -> Counter:
        return Counter(message.message_id for message in self.snapshot())

    def wait_for(self, count: int, timeout: float = 30) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.distinct()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.snapshot()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(self) -> None:
        self.sink = MailSink()
        self.port = free_port()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.controller.stop()
