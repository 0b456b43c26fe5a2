"""The scheduler process (``flask --app wsgi jobs run``): APScheduler 3 in a process of its own.

* One instance is active (:mod:`jobs.lease`); any other waits as a hot standby and takes over
  when the active one stops renewing.
* The active one runs the sweep every ``SWEEP_INTERVAL_MINUTES``, the daily digest at
  ``DIGEST_TIME`` (07:00, ``TIMEZONE``), the outbox sender every ``OUTBOX_INTERVAL_SECONDS`` and
  its heartbeat. Jobs have ``coalesce=True`` and ``misfire_grace_time=None``, and the next moment
  of the sweep and the digest is kept in ``job_run``: an instance that becomes active schedules
  them from there, so a run that was missed while no scheduler was up happens once, at once.
* The wall clock is read here, at the entry point, and passed to the jobs as ``now``.
"""
from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime, timedelta, timezone
from typing import Callable

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from models import JobRun
from models.db import Database, write_transaction
from vocabulary.config import zone
from workflow.audit.checkpoint import CheckpointStore, make_checkpoint
from workflow.records.files import FileStore

from .digest import queue_digest
from .lease import Election, election_for
from .mailer import send_pending
from .settings import JobSettings
from .sweep import sweep
from .witness import mail_checkpoint

log = logging.getLogger("cchc.scheduler")

SWEEP, DIGEST, OUTBOX, HEARTBEAT, CLEANUP = "sweep", "digest", "outbox", "heartbeat", "cleanup"
CLEANUP_EVERY = timedelta(hours=24)
# The jobs whose missed runs are caught up after a restart.
KEPT_JOBS = (SWEEP, DIGEST)


def wall_clock() -> datetime:
    return datetime.now(timezone.utc)


class Scheduler:
    """One ``jobs run`` process: waits to become active, then runs the jobs until it stops
    being active (lost lease) or is told to stop (SIGTERM / SIGINT)."""

    def __init__(self, database: Database, settings: JobSettings, election: Election | None = None,
                 files: FileStore | None = None, checkpoints: CheckpointStore | None = None):
        self.database = database
        self.settings = settings
        self.files = files
        self.checkpoints = checkpoints
        self.election = election or election_for(database, settings.lease_seconds)
        self.stopping = threading.Event()
        self._scheduler: BlockingScheduler | None = None

    # -- the jobs, each with the wall clock as ``now`` ------------------------------------------

    def run_sweep(self) -> str:
        with self.database.session() as session:
            report = sweep(session, wall_clock(), batch_size=self.settings.sweep_batch, mail_domain=self.settings.mail_domain,
                           base_url=self.settings.base_url)
            witnessed = self._checkpoint(session)
        return f"{len(report.raised)} raised, {len(report.resolved)} resolved, {len(report.fired)} fired, {report.mails} mails{witnessed}"

    def _checkpoint(self, session) -> str:
        if self.checkpoints is None:
            return ""
        result = make_checkpoint(session, self.checkpoints, wall_clock())
        if result.checkpoint is None:
            for problem in result.report.problems:
                log.error("audit log: %s", problem)
            return "; AUDIT LOG ALTERED, no checkpoint"
        return f"; checkpoint {result.checkpoint.number}"

    def run_digest(self) -> str:
        with self.database.session() as session:
            digests = queue_digest(session, wall_clock(), self.settings.mail_domain)
            if self.checkpoints is None:
                return f"{digests} digests"
            result, mails = mail_checkpoint(session, self.checkpoints, wall_clock(), self.settings.mail_domain)
        return f"{digests} digests, {mails} checkpoint mails" if result.checkpoint else f"{digests} digests; AUDIT LOG ALTERED"

    def run_outbox(self) -> str:
        with self.database.session() as session:
            report = send_pending(session, wall_clock(), self.settings)
        return f"{len(report.sent)} sent, {len(report.retried)} retried, {len(report.failed)} failed"

    def run_cleanup(self) -> str:
        """Stored files no record refers to (left by failed changes), once past their grace period."""
        with self.database.session() as session:
            return f"{len(self.files.cleanup_orphans(session, wall_clock()))} orphan files removed"

    def run_heartbeat(self) -> None:
        if self.stopping.is_set():
            self._shutdown()
        elif not self.election.renew(wall_clock()):
            log.warning("scheduler %s: lost the lease, standing by", self.election.holder)
            self._shutdown()

    # -- being active --------------------------------------------------------------------------

    def _triggers(self) -> dict[str, tuple[Callable, BaseTrigger]]:
        tz = zone(self.settings.timezone)
        jobs: dict[str, tuple[Callable, BaseTrigger]] = {
            OUTBOX: (self.run_outbox, IntervalTrigger(seconds=self.settings.outbox_interval_seconds, timezone=tz)),
            HEARTBEAT: (self.run_heartbeat, IntervalTrigger(seconds=self.settings.heartbeat_seconds, timezone=tz)),
        }
        if self.files is not None:
            jobs[CLEANUP] = (self.run_cleanup, IntervalTrigger(seconds=CLEANUP_EVERY.total_seconds(), timezone=tz))
        if self.settings.sweep_interval_minutes > 0:
            at = self.settings.digest_time
            jobs[SWEEP] = (self.run_sweep, IntervalTrigger(minutes=self.settings.sweep_interval_minutes, timezone=tz))
            jobs[DIGEST] = (self.run_digest, CronTrigger(hour=at.hour, minute=at.minute, second=at.second, timezone=tz))
        return jobs

    def _first_runs(self, now: datetime, triggers: dict[str, tuple[Callable, BaseTrigger]]) -> dict[str, datetime]:
        """When each job runs first: where ``job_run`` says (a moment already past means a run was
        missed: it runs at once, once); the sweep at once and the digest at its next time when
        they never ran; the others at once."""
        with self.database.session() as session:
            rows = session.execute(select(JobRun.name, JobRun.next_run_at).where(JobRun.name.in_(KEPT_JOBS)))
            kept = {name: next_run_at for name, next_run_at in rows}
        first = {}
        for name, (_job, trigger) in triggers.items():
            if kept.get(name) is not None:
                first[name] = kept[name]
            elif name == DIGEST:
                first[name] = trigger.get_next_fire_time(None, now)
            else:
                first[name] = now
        return first

    def _record(self, name: str, *, next_run_at: datetime | None, ran_at: datetime | None = None, result: str | None = None) -> None:
        with self.database.session() as session, write_transaction(session):
            row = session.get(JobRun, name, with_for_update=True) or JobRun(name=name, runs=0)
            session.add(row)
            row.next_run_at = next_run_at
            if ran_at is not None:
                row.runs += 1
                row.last_run_at, row.last_result = ran_at, result

    def _on_job_done(self, event: JobExecutionEvent) -> None:
        if event.job_id not in KEPT_JOBS:
            return
        job = self._scheduler.get_job(event.job_id)
        result = f"error: {event.exception!r}" if event.exception else str(event.retval)
        log.info("scheduler %s: %s at %s: %s", self.election.holder, event.job_id, event.scheduled_run_time, result)
        self._record(event.job_id, next_run_at=job.next_run_time if job else None, ran_at=wall_clock(), result=result)

    def _run_active(self) -> None:
        scheduler = BlockingScheduler(
            timezone=zone(self.settings.timezone),
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        )
        self._scheduler = scheduler
        triggers = self._triggers()
        first = self._first_runs(wall_clock(), triggers)
        for name, (job, trigger) in triggers.items():
            scheduler.add_job(job, trigger, id=name, name=name, next_run_time=first[name])
            if name in KEPT_JOBS:
                self._record(name, next_run_at=first[name])
        scheduler.add_listener(self._on_job_done, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        if not self.stopping.is_set():
            scheduler.start()  # blocks until shutdown()
        self._scheduler = None

    def _shutdown(self) -> None:
        scheduler = self._scheduler
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)

    def stop(self, *_args: object) -> None:
        """SIGTERM / SIGINT. The handler runs in the main thread, which may be inside the
        scheduler holding one of its locks: shut it down from another thread (and the heartbeat
        job does it too, should the signal come just before the scheduler started)."""
        self.stopping.set()
        threading.Thread(target=self._shutdown, daemon=True).start()

    def run(self) -> None:
        """Stand by until active, run while active, until stopped."""
        log.info("scheduler %s: starting (%s)", self.election.holder, self.database.dialect)
        try:
            while not self.stopping.is_set():
                if self.election.acquire(wall_clock()):
                    log.info("scheduler %s: active", self.election.holder)
                    self._run_active()
                else:
                    self.stopping.wait(self.settings.heartbeat_seconds)
        finally:
            self.election.release(wall_clock())
            log.info("scheduler %s: stopped", self.election.holder)


def run_scheduler(database: Database, settings: JobSettings, files: FileStore | None = None,
                  checkpoints: CheckpointStore | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = Scheduler(database, settings, files=files, checkpoints=checkpoints)
    signal.signal(signal.SIGTERM, scheduler.stop)
    signal.signal(signal.SIGINT, scheduler.stop)
    scheduler.run()
