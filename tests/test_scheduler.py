"""The scheduler as real processes: killed with SIGKILL in the middle of its sweeps and restarted,
two of them at once on PostgreSQL, and stopped over the moment of a run."""
from __future__ import annotations

import random
import shutil
import time
import uuid
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from jobs.settings import JobSettings
from jobs.sweep import sweep
from models import Alert, AuditEntry, Inspection, JobRun, OutboxMessage
from models.db import Database
from tests.people import COORDINATOR_EMAIL, LEADER_EMAIL
from tests.scheduler_process import (
    REMEDIATION_CASES,
    SchedulerProcess,
    active_pid,
    fast_settings,
    make_busy,
    open_reinspection,
    settled,
    wait_until,
)
from vocabulary.config import zone
from web.health import scheduler_state
from workflow.audit import verify

pytestmark = pytest.mark.slow


def copy_database(db: Database, database_url: str, postgres_server=None) -> Database:
    """A copy of the database as it is now (all connections closed first)."""
    db.dispose()
    if database_url.startswith("sqlite"):
        path = make_url(database_url).database
        shutil.copy(path, path + ".reference")
        return Database(f"sqlite:///{path}.reference")
    name = f"r_{uuid.uuid4().hex[:12]}"
    postgres_server.execute(f"CREATE DATABASE {name} TEMPLATE {make_url(database_url).database}")
    return Database(postgres_server.url(name))


def case_names(session) -> dict[int, int | tuple[str, int]]:
    """Each case under a name that does not depend on its id where the id may differ between two
    databases: a re-inspection the sweep opened is named after its original. (PostgreSQL does not
    give back an id taken by a transaction that was killed, so after a kill the sweep's new cases
    may get other ids than in the same data swept once.)"""
    rows = session.execute(select(Inspection.id, Inspection.reinspection_of_id)).all()
    return {case_id: ("re-inspection of", original) if original else case_id for case_id, original in rows}


def alert_keys(db: Database) -> dict[tuple, tuple]:
    with db.session() as session:
        name = case_names(session)
        return {(name[a.inspection_id], a.rule, a.level): (a.status, a.resolution) for a in session.scalars(select(Alert))}


def mail_keys(db: Database) -> dict[tuple, tuple[str, str]]:
    """(case, rule, level, recipient) → (status, Message-ID) of each alert e-mail."""
    with db.session() as session:
        name = case_names(session)
        rows = session.execute(select(Alert.inspection_id, Alert.rule, Alert.level, OutboxMessage.recipient, OutboxMessage.status,
                                      OutboxMessage.message_id).join(Alert, OutboxMessage.alert_id == Alert.id)).all()
    keys = {(name[row.inspection_id], *row[1:4]): (row.status, row.message_id) for row in rows}
    assert len(keys) == len(rows)
    return keys


def unconfirmed(db: Database) -> set[str]:
    """Message-IDs recorded as sent whose sender died before the server answered: the one
    window left (docs/operate.md), where a message may be missing but is never sent twice."""
    with db.session() as session:
        return set(session.scalars(select(OutboxMessage.message_id).where(
            OutboxMessage.status == "sent", OutboxMessage.claimed_until.is_not(None))))


def assert_received_once(smtp_server, mails: dict[tuple, tuple[str, str]], db: Database) -> int:
    """Every e-mail reached the server (but those left unconfirmed by a kill may be missing),
    and per (alert, recipient) only one Message-ID ever did. Returns how many second copies
    (same Message-ID) the receiver got."""
    with db.session() as session:
        name = case_names(session)
        key_of = {a.id: (name[a.inspection_id], a.rule, a.level) for a in session.scalars(select(Alert))}
    ids_per_mail = defaultdict(set)
    for message in smtp_server.sink.snapshot():
        ids_per_mail[(*key_of[int(message.alert)], message.to)].add(message.message_id)
    missing = set(mails) - set(ids_per_mail)
    assert set(ids_per_mail) <= set(mails) and {mails[key][1] for key in missing} <= unconfirmed(db)
    assert all(ids == {mails[key][1]} for key, ids in ids_per_mail.items())
    copies = smtp_server.sink.copies()
    return sum(copies.values()) - len(copies)


def assert_one_timed_transition_each(db: Database) -> None:
    with db.session() as session:
        fired = session.scalars(select(AuditEntry.inspection_id).where(AuditEntry.actor == "system", AuditEntry.trigger == "order_reinspection")).all()
        assert sorted(fired) == list(REMEDIATION_CASES)
        assert {session.get(Inspection, case_id).state for case_id in REMEDIATION_CASES} == {"reinspection"}
        assert verify(session).ok


def test_killed_at_random_points_of_its_sweeps_nothing_is_lost_or_doubled(db, database_url, smtp_server, tmp_path, request):
    make_busy(db)
    reference = copy_database(db, database_url, request.getfixturevalue("postgres_server") if "postgresql" in database_url else None)
    settings = fast_settings(smtp_server.url)
    chance = random.Random(4)
    kills = 0
    for _round in range(10):
        process = SchedulerProcess(database_url, settings, tmp_path / "scheduler.log")
        wait_until(lambda: active_pid(db) == process.pid, 120, "the new scheduler to become active")
        time.sleep(chance.uniform(0.0, 1.2))
        if process.process.poll() is None:
            process.kill()
            kills += 1
    last = SchedulerProcess(database_url, settings, tmp_path / "scheduler.log")
    wait_until(lambda: active_pid(db) == last.pid, 120, "the last scheduler to become active")
    wait_until(lambda: settled(db), 120, "every alert raised and every e-mail sent")
    assert last.stop() == 0
    assert kills >= 8

    with db.session() as session:
        swept_at = session.get(JobRun, "sweep").last_run_at
    with reference.session() as session:  # the same data swept once, with no crash
        sweep(session, swept_at)
    assert alert_keys(db) == alert_keys(reference)
    mails = mail_keys(db)
    assert {key: status for key, (status, _id) in mails.items()} == {key: "sent" for key in mail_keys(reference)}
    dropped = assert_received_once(smtp_server, mails, db)
    left = unconfirmed(db)
    delivered = {message.message_id for message in smtp_server.sink.snapshot()}
    print(f"{kills} kills, {len(mails)} e-mails, {dropped} second copies, {len(left)} unconfirmed "
          f"({len(left - delivered)} of them not delivered)")
    assert dropped == 0  # a message is recorded as sent before the server is told it is complete
    assert_one_timed_transition_each(db)
    reference.dispose()


@pytest.mark.postgres
def test_two_schedulers_on_postgresql_do_everything_once_and_the_standby_takes_over(postgres_server, smtp_server, tmp_path, request):
    request.getfixturevalue("postgres_templates")
    name = f"t_{uuid.uuid4().hex[:12]}"
    postgres_server.execute(f"CREATE DATABASE {name} TEMPLATE cchc_template_seeded")
    url = postgres_server.url(name)
    db = Database(url)
    make_busy(db)
    settings = fast_settings(smtp_server.url)
    first = SchedulerProcess(url, settings, tmp_path / "first.log")
    second = SchedulerProcess(url, settings, tmp_path / "second.log")
    active = wait_until(lambda: active_pid(db), 120, "one scheduler to become active")
    assert active in (first.pid, second.pid)
    wait_until(lambda: settled(db), 120, "every alert raised and every e-mail sent")
    mails = mail_keys(db)
    assert assert_received_once(smtp_server, mails, db) == 0  # no crash, so not even a second copy
    assert_one_timed_transition_each(db)
    with db.session() as session:
        health = scheduler_state(session, datetime.now(timezone.utc), JobSettings(lease_seconds=1.5))
    assert health["ok"] and health["active"].endswith(f":{active}")

    # The active one dies; the standby takes over well within a minute and works on.
    dying, standby = (first, second) if active == first.pid else (second, first)
    dying.kill()
    wait_until(lambda: active_pid(db) == standby.pid, 120, "the standby to take over")
    late = open_reinspection(db, visit_in_days=3)  # notice due a week ago: escalated at once
    wait_until(lambda: alert_keys(db).get((late, "notice", 2)) == ("open", None), 120, "the standby to raise the new case's alert")
    wait_until(lambda: settled(db), 120, "its e-mail sent")
    assert standby.stop() == 0
    assert_received_once(smtp_server, mail_keys(db), db)
    db.dispose()
    postgres_server.execute(f"DROP DATABASE {name} WITH (FORCE)")


def test_a_run_missed_while_stopped_happens_once_on_restart(db, database_url, smtp_server, tmp_path):
    """Every wait is on a condition, never on the clock: the digest's daily moment is an hour ago,
    so its next run is about 23 h away; while the first process is stopped, the stored moment is
    moved into the past, which is what the clock passing it while nobody ran would leave."""
    make_busy(db, cases=0)
    digest_at = (datetime.now(zone()) - timedelta(hours=1)).time().replace(microsecond=0)
    settings = fast_settings(smtp_server.url, SWEEP_INTERVAL_MINUTES="60", DIGEST_TIME=digest_at.isoformat())

    def job_run(name: str) -> JobRun | None:
        with db.session() as session:
            return session.get(JobRun, name)

    first = SchedulerProcess(database_url, settings, tmp_path / "first.log")
    wait_until(lambda: active_pid(db) == first.pid, 120, "the scheduler to become active")
    wait_until(lambda: (run := job_run("sweep")) is not None and run.runs == 1, 120, "the first sweep")
    assert first.stop() == 0
    digest = job_run("digest")
    assert digest.runs == 0 and digest.next_run_at > datetime.now(timezone.utc) + timedelta(hours=20)
    with db.session() as session, session.begin():
        session.get(JobRun, "digest").next_run_at = datetime.now(timezone.utc) - timedelta(minutes=1)

    second = SchedulerProcess(database_url, settings, tmp_path / "second.log")
    wait_until(lambda: len([m for m in smtp_server.sink.snapshot() if m.digest]) == 2, 120, "the missed digest")
    wait_until(lambda: job_run("digest").runs == 1, 120, "the digest's run to be recorded")
    assert second.stop() == 0
    digests = [m for m in smtp_server.sink.snapshot() if m.digest]
    assert sorted(m.to for m in digests) == sorted([COORDINATOR_EMAIL, LEADER_EMAIL])  # the leaders read it too
    digest, swept = job_run("digest"), job_run("sweep")
    assert digest.runs == 1 and digest.next_run_at > datetime.now(timezone.utc) + timedelta(hours=20)
    assert swept.runs == 1  # ran when the first started; its next moment (in an hour) was kept
