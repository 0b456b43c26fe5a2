"""What the scheduler process keeps in the database: who is active, and when each job runs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class SchedulerLease(Base):
    """The active scheduler instance and its heartbeat.

    On SQLite the row is the lock itself (a lease with an expiry); on PostgreSQL an advisory lock
    decides and the row only records the holder and its heartbeat for ``/healthz``."""

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)


class JobRun(Base):
    """A scheduled job's next moment, kept so that a run missed while no scheduler was up
    happens once when one comes back."""

    __tablename__ = "job_run"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    runs: Mapped[int] = mapped_column(Integer, default=0)
    last_result: Mapped[str | None] = mapped_column(Text)
