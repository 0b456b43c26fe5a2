"""Only one active scheduler: a PostgreSQL advisory lock, or on SQLite a lease row.

PostgreSQL: ``pg_try_advisory_lock`` on a connection of its own, held for as long as the process
is active. When the process dies its connection closes and the server releases the lock at once;
a standby that tries every few seconds takes over.

SQLite: the ``scheduler_lease`` row names its holder and an expiry. The holder renews it every
third of the lease; a standby takes it only once it has expired, so a dead holder is replaced
within one lease (30 s by default).

Either way the holder writes its heartbeat in that row, for ``/healthz``.
"""
from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from models import SchedulerLease
from models.db import Database, write_transaction

if TYPE_CHECKING:
    import psycopg

LEASE_NAME = "scheduler"
# Any fixed 64-bit number, the same for every instance: "CCHC" "jobs".
ADVISORY_KEY = 0x43434843_6A6F6273


def instance_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _write_lease(session: Session, holder: str, now: datetime, seconds: float, *, take_over: bool) -> bool:
    """Hold the lease row for ``holder`` until ``now + seconds``. Without ``take_over`` only if
    it is free, expired or already ours."""
    lease = session.get(SchedulerLease, LEASE_NAME, with_for_update=True, populate_existing=True)
    expires = now + timedelta(seconds=seconds)
    if lease is None:
        session.add(SchedulerLease(name=LEASE_NAME, holder=holder, acquired_at=now, expires_at=expires, heartbeat_at=now))
        return True
    if lease.holder != holder:
        if not take_over and lease.expires_at > now:
            return False
        lease.holder, lease.acquired_at = holder, now
    lease.expires_at, lease.heartbeat_at = expires, now
    return True


class Election:
    """Decides which instance is active. ``acquire`` and ``renew`` return whether we are."""

    def __init__(self, database: Database, seconds: float, holder: str | None = None):
        self.database = database
        self.seconds = seconds
        self.holder = holder or instance_name()

    def _lease(self, now: datetime, *, take_over: bool) -> bool:
        with self.database.session() as session, write_transaction(session):
            return _write_lease(session, self.holder, now, self.seconds, take_over=take_over)

    def acquire(self, now: datetime) -> bool:
        return self._lease(now, take_over=False)

    def renew(self, now: datetime) -> bool:
        return self._lease(now, take_over=False)

    def release(self, now: datetime) -> None:
        with self.database.session() as session, write_transaction(session):
            lease = session.get(SchedulerLease, LEASE_NAME, with_for_update=True)
            if lease is not None and lease.holder == self.holder:
                lease.expires_at = now


class PostgresElection(Election):
    def __init__(self, database: Database, seconds: float, holder: str | None = None):
        super().__init__(database, seconds, holder)
        self._connection: psycopg.Connection | None = None

    def _dsn(self) -> str:
        url = make_url(self.database.url).set(drivername="postgresql")
        return url.render_as_string(hide_password=False)

    def acquire(self, now: datetime) -> bool:
        import psycopg  # only here: start-up on SQLite never loads the PostgreSQL driver

        connection = psycopg.connect(self._dsn(), autocommit=True, application_name="cchc-scheduler")
        if not connection.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_KEY,)).fetchone()[0]:
            connection.close()
            return False
        self._connection = connection
        return self._lease(now, take_over=True)

    def renew(self, now: datetime) -> bool:
        """Still active while our lock connection is alive."""
        import psycopg

        try:
            self._connection.execute("SELECT 1")
        except psycopg.Error:
            self._connection = None
            return False
        return self._lease(now, take_over=True)

    def release(self, now: datetime) -> None:
        if self._connection is not None:
            super().release(now)
            self._connection.close()  # closing the session releases the advisory lock
            self._connection = None


def election_for(database: Database, seconds: float, holder: str | None = None) -> Election:
    kind = PostgresElection if database.dialect == "postgresql" else Election
    return kind(database, seconds, holder)


def current_lease(session: Session) -> SchedulerLease | None:
    return session.scalar(select(SchedulerLease).where(SchedulerLease.name == LEASE_NAME))
