"""Settings of the scheduler process and of the e-mail it sends, read from the environment once
by the entry point (``jobs run``, the CLI, ``/healthz``) and passed on."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import time

from vocabulary.config import DEFAULT_MAIL_FROM, DEFAULT_TIMEZONE, mail_domain


@dataclass(frozen=True)
class JobSettings:
    # 0 turns the scheduler's own sweeps and digests off (the demo of `make run`, where
    # `jobs sweep --now` moves time); it still sends the outbox and keeps its heartbeat.
    sweep_interval_minutes: float = 15
    digest_time: time = time(7, 0)
    timezone: str = DEFAULT_TIMEZONE
    sweep_batch: int = 500
    smtp_url: str | None = None
    mail_from: str = DEFAULT_MAIL_FROM
    mail_max_attempts: int = 8
    mail_retry_seconds: float = 60
    # How long a sender keeps the messages it took before another may take them.
    mail_claim_seconds: float = 120
    outbox_interval_seconds: float = 30
    # SQLite lease length; the active instance renews it every third of it and a standby
    # looks as often, so a dead instance is replaced within about this long.
    lease_seconds: float = 30
    # The web app's address as the office reaches it (e.g. http://127.0.0.1:5000): the e-mails
    # link to their case under it; without it they carry no link.
    base_url: str | None = None

    @property
    def heartbeat_seconds(self) -> float:
        return self.lease_seconds / 3

    @property
    def mail_domain(self) -> str:
        return mail_domain(self.mail_from)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "JobSettings":
        env = os.environ if environ is None else environ
        defaults = cls()

        def number(name: str, default: float) -> float:
            value = env.get(name)
            return float(value) if value not in (None, "") else default

        return cls(
            sweep_interval_minutes=number("SWEEP_INTERVAL_MINUTES", defaults.sweep_interval_minutes),
            digest_time=time.fromisoformat(env["DIGEST_TIME"]) if env.get("DIGEST_TIME") else defaults.digest_time,
            timezone=env.get("TIMEZONE") or DEFAULT_TIMEZONE,
            sweep_batch=int(number("SWEEP_BATCH", defaults.sweep_batch)),
            smtp_url=env.get("SMTP_URL") or None,
            mail_from=env.get("MAIL_FROM") or defaults.mail_from,
            mail_max_attempts=int(number("MAIL_MAX_ATTEMPTS", defaults.mail_max_attempts)),
            mail_retry_seconds=number("MAIL_RETRY_SECONDS", defaults.mail_retry_seconds),
            mail_claim_seconds=number("MAIL_CLAIM_SECONDS", defaults.mail_claim_seconds),
            outbox_interval_seconds=number("OUTBOX_INTERVAL_SECONDS", defaults.outbox_interval_seconds),
            lease_seconds=number("SCHEDULER_LEASE_SECONDS", defaults.lease_seconds),
            base_url=(env.get("BASE_URL") or "").rstrip("/") or None,
        )
