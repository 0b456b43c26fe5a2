"""Running ``flask --app wsgi jobs run`` as real processes against a test database, and a
database busy enough that a sweep takes a while (for killing it in the middle)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from sqlalchemy import func, select

from models import Alert, Campaign, Inspection, OutboxMessage, SchedulerLease, Unit
from models.db import Database, write_transaction
from tests.helpers import COORDINATOR, DAY, at, direct_path, run_path
from tests.people import add_people
from vocabulary.config import zone
from workflow.engine.cases import open_case

FLASK = [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "run"]
PROJECT = Path(__file__).resolve().parent.parent
REMEDIATION_CASES = range(1, 9)  # seed ids put in remediation with a deadline long past


def fast_settings(smtp_url: str, **more: str) -> dict[str, str]:
    """Settings that make a scheduler do in seconds what it does in minutes in production."""
    return {
        "SMTP_URL": smtp_url, "SWEEP_INTERVAL_MINUTES": "0.02", "SWEEP_BATCH": "5", "OUTBOX_INTERVAL_SECONDS": "0.3",
        "SCHEDULER_LEASE_SECONDS": "1.5", "MAIL_CLAIM_SECONDS": "2", "MAIL_RETRY_SECONDS": "0.5", "MAIL_FROM": "CCHC <cchc@tuky.local>",
        **more,
    }


class SchedulerProcess:
    def __init__(self, database_url: str, settings: dict[str, str], log: Path):
        env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test", "AUDIT_CHECKPOINT_DIR": str(log.parent / "checkpoints"),
               **settings}
        self.log = log
        self.process = subprocess.Popen(FLASK, cwd=PROJECT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


def active_pid(db: Database) -> int | None:
    """The pid of the active instance, if its lease is current."""
    with db.session() as session:
        lease = session.scalar(select(SchedulerLease))
        if lease is None or lease.expires_at < datetime.now(timezone.utc):
            return None
        return int(lease.holder.rsplit(":", 1)[1])


def wait_until(condition: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def settled(db: Database, now: datetime | None = None) -> bool:
    """Nothing due is left planned, no timed transition waits, and every message was sent."""
    now = now or datetime.now(timezone.utc)
    with db.session() as session:
        due = session.scalar(select(func.count()).select_from(Alert).where(Alert.status == "planned", Alert.fire_at <= now))
        actions = session.scalar(select(func.count()).select_from(Alert).where(Alert.action.is_not(None), Alert.status == "open"))
        unsent = session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status != "sent"))
    return due == 0 and actions == 0 and unsent == 0


def make_busy(db: Database, cases: int = 240) -> None:
    """People to mail; cases in remediation whose deadline (2023) is long past, for timed
    transitions; and announced re-inspections visited from today on, so that on the wall clock
    some are at the reminder, some overdue, some escalated."""
    add_people(db)
    for case_id in REMEDIATION_CASES:
        with db.session() as session:
            visit = session.get(Inspection, case_id).visit_date
        findings = [{"section": "B.3", "text": "Chưa công khai TTHC", "due_date": (visit + 40 * DAY).isoformat()}]
        run_path(db, case_id, direct_path(visit, findings=findings))
        run_path(db, case_id, [("start_remediation", at(visit + 11 * DAY), {})])
    for number in range(cases):
        open_reinspection(db, visit_in_days=3 + number % 15, unit_number=number)


def open_reinspection(db: Database, visit_in_days: int, unit_number: int = 0) -> int:
    """An announced re-inspection visited ``visit_in_days`` from today (the wall clock's)."""
    today = datetime.now(zone()).date()
    with db.session() as session, write_transaction(session):
        units = session.scalars(select(Unit).order_by(Unit.id)).all()
        inspection = open_case(session, campaign=session.scalar(select(Campaign)), unit=units[unit_number % len(units)],
                               kind="reinspection", actor=COORDINATOR, now=datetime.now(timezone.utc),
                               visit_date=today + timedelta(days=visit_in_days))
        return inspection.id
