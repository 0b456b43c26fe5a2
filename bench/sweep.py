"""How the deadline sweep scales: its cost follows what is due, not the number of cases.

For 10k, 100k and 1M cases, on SQLite (a file, WAL, ``synchronous=FULL``) and on PostgreSQL (a
server started here with ``fsync=on``), the cases are: 79% waiting for a deadline still ahead,
20% already overdue at level 1 (their alert raised, level 2 still ahead) and 1% whose level 2
comes due at ``DUE``. It measures, in the same run:

* the sweep when nothing is due (``now`` just before ``DUE``), the median of 20;
* the sweep at ``DUE``: 1% of the cases escalated, each with its outbox row (one leader);
* two baselines over the same data: reading every open case's due dates (the loop over every
  case the sweep avoids), and the indexed due-date query a sweep without the alert plan would
  need, which returns every overdue case (20%), not only those whose moment has come (1%).

It prints times, the rows each one reads, and the plan of the sweep's query.

    python -m bench.sweep [--sizes 10000,100000,1000000] [--no-postgres]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from jobs.sweep import sweep
from bench.common import plan_database
from models import Alert, Campaign, Inspection, Unit
from models.db import Database
from tests import postgres
from vocabulary.config import zone
from workflow.people.accounts import save_user
from workflow.people.permissions import Actor

VN = zone("Asia/Ho_Chi_Minh")
SEEDED = datetime(2023, 7, 1, 8, tzinfo=VN)
DUE = datetime(2023, 9, 1, 7, tzinfo=VN)  # the moment the 1% come due
BEFORE_DUE = DUE - timedelta(minutes=1)
TODAY = DUE.date()
CHUNK = 20_000
GENESIS = "0" * 64


def _case_rows(count: int, campaign_id: int, units: list[tuple[int, str]], now: datetime) -> Iterator[list[dict]]:
    """Announced re-inspections in state planned: the notice rule (3 levels) is in force."""
    chunk = []
    for number in range(count):
        unit_id, unit_name = units[number % len(units)]
        group = number % 100  # 0: due now, 1–20: overdue at level 1, the rest: ahead
        notice_due = TODAY - timedelta(days=7) if group <= 20 else TODAY + timedelta(days=30 + number % 60)
        chunk.append(dict(campaign_id=campaign_id, unit_id=unit_id, unit_name=unit_name, kind="reinspection", unannounced=False,
                          state="planned", version=1, visit_date=notice_due + timedelta(days=10), notice_due=notice_due,
                          report_due=notice_due + timedelta(days=5), created_at=now, updated_at=now, audit_seq=0, audit_head=GENESIS))
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 7, tzinfo=VN)


def _alert_rows(campaign_id: int, cases: list[tuple[int, date]]) -> list[dict]:
    rows = []
    for position, (case_id, notice_due) in enumerate(cases):
        group = position % 100
        common = dict(inspection_id=case_id, campaign_id=campaign_id, rule="notice", due_on=notice_due, action=None, audit_seq=0, audit_head=GENESIS)
        if group <= 20:  # raised at levels 0 (then superseded) and 1
            rows.append({**common, "level": 0, "fire_at": _moment(notice_due - timedelta(days=3)), "status": "resolved",
                         "raised_at": _moment(notice_due - timedelta(days=3)), "resolution": "escalated"})
            rows.append({**common, "level": 1, "fire_at": _moment(notice_due + timedelta(days=1)), "status": "open",
                         "raised_at": _moment(notice_due + timedelta(days=1)), "resolution": None})
            level_2 = DUE if group == 0 else DUE + timedelta(days=2 + position % 20)
            rows.append({**common, "level": 2, "fire_at": level_2, "status": "planned", "raised_at": None, "resolution": None})
        else:
            for level, day in ((0, notice_due - timedelta(days=3)), (1, notice_due + timedelta(days=1)), (2, notice_due + timedelta(days=5))):
                rows.append({**common, "level": level, "fire_at": _moment(day), "status": "planned", "raised_at": None, "resolution": None})
    return rows


def build(url: str, count: int) -> Database:
    database = plan_database(url, SEEDED)
    with database.session() as session:
        save_user(session, email="lanhdao@tuky.local", role="leader", actor=Actor("bench", "admin"), now=SEEDED, password="bench-password")
        sweep(session, BEFORE_DUE)  # the plan's own 35 cases are all past their deadlines by then
        campaign_id = session.scalar(select(Campaign.id))
        units = [tuple(row) for row in session.execute(select(Unit.id, Unit.name).order_by(Unit.id))]
    inspection, alert = Inspection.__table__, Alert.__table__
    with database.engine.begin() as connection:
        first = connection.scalar(select(func.max(inspection.c.id))) + 1
    for chunk in _case_rows(count, campaign_id, units, SEEDED):
        with database.engine.begin() as connection:
            ids = list(range(first, first + len(chunk)))
            connection.execute(insert(inspection), [{"id": case_id, **row} for case_id, row in zip(ids, chunk)])
            connection.execute(insert(alert), _alert_rows(campaign_id, [(case_id, row["notice_due"]) for case_id, row in zip(ids, chunk)]))
            first += len(chunk)
    with database.engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    return database


def timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def scan_every_case(session: Session) -> int:
    """Baseline: read every open case's due dates and look at each (what the plan avoids)."""
    due = 0
    for row in session.execute(select(Inspection.id, Inspection.state, Inspection.notice_due, Inspection.report_due,
                                      Inspection.visit_date).where(Inspection.state.not_in(("closed", "cancelled")))):
        if row.notice_due is not None and row.notice_due <= TODAY:
            due += 1
    session.rollback()
    return due


def overdue_by_due_date(session: Session) -> int:
    """Baseline: the indexed due-date query a sweep without the plan table would run."""
    rows = session.execute(select(Inspection.id).where(Inspection.state == "planned", Inspection.notice_due < TODAY)).all()
    session.rollback()
    return len(rows)


def sweep_plan(session: Session) -> str:
    """How the database finds the due rows: an index range, not a scan."""
    query = "SELECT id FROM alert WHERE status = 'planned' AND fire_at <= :now ORDER BY fire_at, id LIMIT 500"
    now = DUE.astimezone(timezone.utc).replace(tzinfo=None)
    if session.bind.dialect.name == "sqlite":
        rows = session.execute(text("EXPLAIN QUERY PLAN " + query), {"now": now}).all()
        return "; ".join(row[-1] for row in rows)
    rows = session.execute(text("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + query), {"now": now}).all()
    return "; ".join(row[0].strip() for row in rows if "Index" in row[0] or "rows=" in row[0])


def run(name: str, url: str, count: int) -> None:
    start = time.perf_counter()
    database = build(url, count)
    built = time.perf_counter() - start
    with database.session() as session:
        quiet_times = []
        for _ in range(20):
            seconds, quiet_report = timed(lambda: sweep(session, BEFORE_DUE))
            assert quiet_report.quiet, "nothing should be due"
            quiet_times.append(seconds)
        plan = sweep_plan(session)
        session.rollback()
        scan_seconds, scanned = timed(lambda: scan_every_case(session))
        query_seconds, overdue = timed(lambda: overdue_by_due_date(session))
        due_seconds, report = timed(lambda: sweep(session, DUE))
        total = session.scalar(select(func.count()).select_from(Inspection))
    quiet = statistics.median(quiet_times)
    print(f"{name}, {total:,} cases (built in {built:.0f} s):\n"
          f"  sweep, nothing due     {quiet * 1000:9.1f} ms   rows read: {quiet_report.examined}\n"
          f"  sweep, 1% due          {due_seconds * 1000:9.1f} ms   rows read: {report.examined:,}; "
          f"{len(report.raised):,} escalated, {len(report.resolved):,} level-1 resolved, {report.mails:,} outbox rows "
          f"({due_seconds / max(len(report.raised), 1) * 1000:.2f} ms each)\n"
          f"  baseline: every case   {scan_seconds * 1000:9.1f} ms   rows read: {total:,} ({scanned:,} with a deadline passed)\n"
          f"  baseline: due dates    {query_seconds * 1000:9.1f} ms   rows read: {overdue:,} (every overdue case, alerted or not)\n"
          f"  the sweep's query: {plan}", flush=True)
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="cchc-bench-sweep-") as directory:
        for count in sizes:
            run("SQLite (WAL, synchronous=FULL)", f"sqlite:///{Path(directory) / f'sweep-{count}.db'}", count)
            (Path(directory) / f"sweep-{count}.db").unlink()
    if args.no_postgres:
        return
    server = postgres.start(durable=True)
    if server is None:
        print("PostgreSQL: not installed, skipped")
        return
    try:
        for count in sizes:
            server.execute(f"CREATE DATABASE sweep_{count}")
            run("PostgreSQL (fsync=on)", server.url(f"sweep_{count}"), count)
            server.execute(f"DROP DATABASE sweep_{count}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
