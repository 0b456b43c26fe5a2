"""Our service on the peers' workload (../shared/peers/): six steps per case, one durable
transaction and one audit entry per step, a file SQLite database in WAL mode with
``synchronous=FULL``; the same ``CASES`` / ``--warmup`` / ``--db`` arguments and the same
``RESULT project <steps/s> <rss_MB>`` line, so ``run_all.sh`` puts it in its table
(``PROJECT_CMD``, see the Makefile's ``bench`` target).

The peers' steps carry a few fields each; ours carry what our rules require, so each step here
records what a coordinator really records (``step_data``): the văn thư's notice number, dated on
a working day at least 10 days before a visit inside the campaign's window; the unit's report
received as a paper copy (with the reason); the team at the visit; the participants and the scan
of the signed minutes (numbered by the team's own register: the ``UPDATE … RETURNING`` path); the
conclusion notice with the văn thư's number. Each step is fired at its own moment (its date, 09:00
in Vietnam), so the date rules judge it as they would that day.

Mapping of the six steps: notify → notify, receive_report → receive_report, visit → visit,
sign_minutes → sign_minutes, conclude → conclude, accept → accept. Our ``accept`` closes a
concluded case only when the conclusion has no findings (with findings the machine goes
conclude → start_remediation → report_remediation → accept), so the conclusion here has none;
the peers' ``findings: 3`` is a number they only store.

Not timed, as in the peers: opening the cases (theirs is an INSERT before the clock starts) and
keeping the signed scan in the file store (an upload, done by the web request before the change).

``--floors`` then records the statements our service sends to the driver for the six steps of as
many cases again, and sends the very same statements (same parameters, one transaction per step)
once more on a copy of the database taken before them: through sqlite3 alone, and through a
SQLAlchemy ``Connection`` (each text compiled once); and by sqlite3 on a copy without the
secondary indexes. Three more RESULT lines: what our writes cost with no Python of ours and no ORM —
the most any service writing these rows could reach — and what they would cost if no page read by
an index.

``--steps`` then runs as many cases again and prints where each step's time goes: wall and CPU time,
statements, and the pages it adds to the write-ahead log — what the commit's ``fsync`` has to write
(measured with automatic checkpoints off and the log emptied between cases, outside the clock).

    python -m bench.peers [CASES] [--warmup 30] [--db /tmp/peer-bench/project.db] [--floors] [--steps]
"""
from __future__ import annotations

import argparse
import itertools
import resource
import sqlite3
import tempfile
from collections import Counter
from contextlib import closing
import time
from datetime import date, datetime, time as clock, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, select

from bench.common import CoreConnection, plan_database
from models import Campaign, Inspection, Unit
from models.db import Database, write_transaction
from tests import samples
from vocabulary.config import zone
from workflow.deadlines.counting import counting_of
from workflow.engine.cases import open_case
from workflow.engine.service import fire
from workflow.people.permissions import Actor
from workflow.records.files import FileStore, StoredFile

WHO = Actor("nguyen.van.a@tuky.local", "coordinator")  # the coordinator firing every step
VN = zone("Asia/Ho_Chi_Minh")
LOADED = datetime(2023, 7, 1, 9, tzinfo=VN)
TEAM = [1, 2, 3]  # members of the roster of Quyết định 2025/QĐ-UBND (plans/tuky-2023.toml)
PARTICIPANTS = "Lãnh đạo đơn vị; Đoàn kiểm tra"
PAPER = "Nhận bản giấy trực tiếp tại Phòng Nội vụ"
AGENCY_NUMBERS = itertools.count(1)  # the văn thư's numbers: unique in the year
STEPS = ("notify", "receive_report", "visit", "sign_minutes", "conclude", "accept")


def at(day: date) -> datetime:
    return datetime.combine(day, clock(9), tzinfo=VN)


def visit_days(campaign: Campaign) -> list[date]:
    """Working days of the campaign's window far enough from the team's decision for a notice
    10 days ahead: the visits are spread over them, as the peers spread theirs over 200 days."""
    calendar = counting_of(campaign).calendar
    first = max(campaign.window_start, campaign.team_decision_date + timedelta(days=campaign.notice_lead_days + 3))
    return list(calendar.working_days(first, campaign.window_end))


def step_data(campaign: Campaign, visit: date, scan: StoredFile) -> list[tuple[datetime, dict[str, Any]]]:
    """(moment, data) of the six steps of a case visited on ``visit``."""
    calendar = counting_of(campaign).calendar
    notified = calendar.on_or_before(visit - timedelta(days=campaign.notice_lead_days))
    received = calendar.on_or_before(visit - timedelta(days=7))
    concluded = calendar.on_or_after(visit + timedelta(days=10))
    return [
        (at(notified), {"notice_number": f"{next(AGENCY_NUMBERS)}/TB-UBND", "notice_date": notified.isoformat(),
                        "visit_date": visit.isoformat()}),
        (at(received), {"received_date": received.isoformat(), "paper_reason": PAPER}),
        (at(visit), {"visit_date": visit.isoformat(), "team": TEAM}),
        (at(visit), {"minutes_date": visit.isoformat(), "participants": PARTICIPANTS, "file": scan}),
        (at(concluded), {"conclusion_number": f"{next(AGENCY_NUMBERS)}/TB-UBND", "conclusion_date": concluded.isoformat(),
                         "findings": []}),
        (at(concluded), {}),
    ]


def prepare(url: str, count: int) -> tuple[Database, list[int]]:
    """The 2023 plan loaded, and ``count`` direct cases opened on its units (untimed)."""
    database = plan_database(url, LOADED)
    with database.session() as session, write_transaction(session):
        campaign = session.scalar(select(Campaign))
        # One case per unit and campaign: the benchmark's units are the plan's, numbered again.
        models = session.scalars(select(Unit).order_by(Unit.id)).all()
        units = [Unit(name=f"{model.name} (bench {n})", full_name=model.full_name, kind=model.kind, category=model.category,
                      created_at=LOADED, updated_at=LOADED) for n, model in zip(range(count), itertools.cycle(models))]
        session.add_all(units)
        session.flush()
        days = visit_days(campaign)
        cases = [open_case(session, campaign=campaign, unit=unit, kind="direct", actor=WHO, now=LOADED,
                           visit_date=days[n % len(days)]) for n, unit in enumerate(units)]
        session.flush()
        ids = [case.id for case in cases]
    return database, ids


def run_case(database: Database, case_id: int, scan: StoredFile) -> float:
    with database.session() as session:
        inspection = session.get(Inspection, case_id)
        steps = step_data(inspection.campaign, inspection.visit_date, scan)
    start = time.perf_counter()
    for trigger, (now, data) in zip(STEPS, steps):
        with database.session() as session:  # one session per step, as one web request
            fire(session, case_id, trigger, WHO, now, **data)
    return time.perf_counter() - start


Statement = tuple[str, Any, bool]  # SQL as sent to the driver, its parameters, executemany


def recorded_steps(database: Database, ids: list[int], scan: StoredFile) -> list[list[Statement]]:
    """The six steps of each case in ``ids`` (untimed), and the statements each step's
    transaction sent to the driver, its ``BEGIN IMMEDIATE`` first."""
    steps: list[list[Statement]] = []
    current: list[Statement] = []
    listeners = (
        ("before_cursor_execute", lambda _c, _cursor, sql, parameters, _context, many: current.append((sql, parameters, many))),
        ("commit", lambda _c: (steps.append(current[:]), current.clear())),
        ("rollback", lambda _c: current.clear()),  # the untimed read of the case before its steps
    )
    for name, listener in listeners:
        event.listen(database.engine, name, listener)
    try:
        for case_id in ids:
            run_case(database, case_id, scan)
    finally:
        for name, listener in listeners:
            event.remove(database.engine, name, listener)
    assert len(steps) == len(STEPS) * len(ids) and all(step[0][0] == "BEGIN IMMEDIATE" for step in steps)
    return steps


def replay(connection: Any, steps: list[list[Statement]]) -> float:
    """Seconds to send ``steps`` again through a DB-API(-like) ``connection``, a transaction each."""
    cursor = connection.cursor()
    start = time.perf_counter()
    for statements in steps:
        for sql, parameters, many in statements:
            (cursor.executemany if many else cursor.execute)(sql, parameters)
            if cursor.description is not None:
                cursor.fetchall()
        cursor.execute("COMMIT")
    return time.perf_counter() - start


def _sqlite3(path: Path) -> sqlite3.Connection:
    """sqlite3 set up as our engine sets up its connections (models/db.py)."""
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
        connection.execute(f"PRAGMA {pragma}")
    return connection


def _cases(path: Path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT id, state, version, audit_seq, audit_head FROM inspection ORDER BY id").fetchall()


def _drop_secondary_indexes(path: Path) -> None:
    """Every index that is not a key or a unique constraint: what the pages read by, and what a
    step's writes have to move."""
    with closing(sqlite3.connect(path)) as connection:
        names = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'")]
        for name in names:
            connection.execute(f'DROP INDEX "{name}"')
        connection.commit()


def floors(database: Database, path: Path, ids: list[int], scan: StoredFile) -> dict[str, float]:
    """Steps per second of our service's own statements for ``ids`` sent again, by sqlite3 and by
    SQLAlchemy Core, each on its copy of the database as it was before the steps; and by sqlite3
    on a copy without the secondary indexes (what the same rows cost a schema no page reads by)."""
    copies = {name: path.with_name(f"{path.stem}-{name}.db") for name in ("sqlite3", "sqlalchemy", "sqlite3-no-indexes")}
    for copy in copies.values():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(copy)) as target:
            source.backup(target)
    _drop_secondary_indexes(copies["sqlite3-no-indexes"])
    steps = recorded_steps(database, ids, scan)
    rates = {}
    for name in ("sqlite3", "sqlite3-no-indexes"):
        with closing(_sqlite3(copies[name])) as connection:
            rates[f"sql-via-{name}"] = len(steps) / replay(connection, steps)
    core_database = Database(f"sqlite:///{copies['sqlalchemy']}")
    connection = CoreConnection(core_database)
    try:
        rates["sql-via-sqlalchemy"] = len(steps) / replay(connection, steps)
    finally:
        connection.close()
        core_database.dispose()
    wanted = _cases(path)
    for copy in copies.values():  # the same writes: every case where the service left it
        assert _cases(copy) == wanted, f"{copy}: the replay did not write what the service wrote"
    return rates


WAL_FRAME = 4096 + 24  # a page and its frame header


def step_costs(database: Database, path: Path, ids: list[int], scan: StoredFile) -> None:
    """Per step: mean wall and CPU ms, statements, and pages added to the write-ahead log."""
    statements = Counter[str]()
    current: list[str] = []

    def count(*_args: Any) -> None:
        if current:
            statements[current[0]] += 1

    event.listen(database.engine, "before_cursor_execute", count)
    event.listen(database.engine, "connect", lambda connection, _record: connection.execute("PRAGMA wal_autocheckpoint = 0"))
    database.engine.dispose()  # connections again, with the checkpoints off
    wal = Path(f"{path}-wal")
    wall, cpu, pages = Counter[str](), Counter[str](), Counter[str]()
    for case_id in ids:
        with database.session() as session:
            inspection = session.get(Inspection, case_id)
            steps = step_data(inspection.campaign, inspection.visit_date, scan)
        with database.engine.connect() as connection:  # an empty log for this case (untimed)
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        for trigger, (now, data) in zip(STEPS, steps):
            size, started, used = wal.stat().st_size, time.perf_counter(), time.process_time()
            current[:] = [trigger]
            with database.session() as session:
                fire(session, case_id, trigger, WHO, now, **data)
            current.clear()
            wall[trigger] += time.perf_counter() - started
            cpu[trigger] += time.process_time() - used
            pages[trigger] += (wal.stat().st_size - size) / WAL_FRAME
    event.remove(database.engine, "before_cursor_execute", count)
    n = len(ids)
    print("# step            wall ms   CPU ms  statements  WAL pages")
    for trigger in STEPS:
        print(f"# {trigger:16} {1000 * wall[trigger] / n:7.2f} {1000 * cpu[trigger] / n:8.2f} {statements[trigger] / n:11.1f}"
              f" {pages[trigger] / n:10.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description="project: steps/s advancing persisted inspection cases")
    parser.add_argument("cases", nargs="?", type=int, default=300, help="timed cases (6 steps each)")
    parser.add_argument("--warmup", type=int, default=30, help="untimed cases run first")
    parser.add_argument("--db", default="/tmp/peer-bench/project.db", help="recreated on every run")
    parser.add_argument("--floors", action="store_true", help="then our statements for as many more cases, sent again by sqlite3 (with and without the secondary indexes) and by SQLAlchemy Core")
    parser.add_argument("--steps", action="store_true", help="then each step's costs, on as many more cases")
    args = parser.parse_args()
    path = Path(args.db)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):  # a fresh database file every run
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    database, ids = prepare(f"sqlite:///{path}", args.warmup + args.cases * (1 + args.floors + args.steps))
    with tempfile.TemporaryDirectory(prefix="cchc-peers-") as files:
        source = Path(files) / "bien-ban-da-ky.pdf"
        source.write_bytes(samples.PDF)
        scan = FileStore(Path(files) / "store", 1 << 20).store_path(source)
        for case_id in ids[:args.warmup]:
            run_case(database, case_id, scan)
        timed = ids[args.warmup:args.warmup + args.cases]
        elapsed = sum(run_case(database, case_id, scan) for case_id in timed)
        rest = ids[args.warmup + args.cases:]
        rates = floors(database, path, rest[:args.cases], scan) if args.floors else {}
        if args.steps:
            step_costs(database, path, rest[-args.cases:], scan)
    with database.session() as session:
        closed = session.scalar(select(Inspection.id).where(Inspection.id.in_(ids), Inspection.state != "closed").limit(1))
        assert closed is None, f"case #{closed} is not closed"
    database.dispose()
    steps = len(STEPS) * args.cases
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    print(f"# project: {steps} steps in {elapsed:.3f} s ({len(ids)} cases closed through workflow.engine.service.fire)")
    print(f"RESULT project {steps / elapsed:.1f} {rss_mb:.1f}")
    if rates:
        print(f"# project-sql-via-*: the statements our service sent for {args.cases} more cases, sent again (no Python of ours, no ORM; -no-indexes: on a copy without the secondary indexes)")
    for name, rate in rates.items():
        print(f"RESULT project-{name} {rate:.1f} {rss_mb:.1f}")


if __name__ == "__main__":
    main()
