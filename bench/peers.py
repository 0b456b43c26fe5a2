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

``--steps`` then runs as many cases again and prints where each step's time goes: wall and CPU time,
statements, and the pages it adds to the write-ahead log — what the commit's ``fsync`` has to write
(measured with automatic checkpoints off and the log emptied between cases, outside the clock).

    python -m bench.peers [CASES] [--warmup 30] [--db /tmp/peer-bench/project.db] [--steps]
"""
from __future__ import annotations

import argparse
import itertools
from collections import Counter
import resource
import tempfile
import time
from datetime import date, datetime, time as clock, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, select

from bench.common import plan_database
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
TEAM = "Đoàn kiểm tra theo Quyết định 2025/QĐ-UBND"
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
    parser.add_argument("--steps", action="store_true", help="then each step's costs, on as many more cases")
    args = parser.parse_args()
    path = Path(args.db)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):  # a fresh database file every run
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    database, ids = prepare(f"sqlite:///{path}", args.warmup + args.cases * (2 if args.steps else 1))
    with tempfile.TemporaryDirectory(prefix="cchc-peers-") as files:
        source = Path(files) / "bien-ban-da-ky.pdf"
        source.write_bytes(samples.PDF)
        scan = FileStore(Path(files) / "store", 1 << 20).store_path(source)
        for case_id in ids[:args.warmup]:
            run_case(database, case_id, scan)
        timed = ids[args.warmup:args.warmup + args.cases]
        elapsed = sum(run_case(database, case_id, scan) for case_id in timed)
        if args.steps:
            step_costs(database, path, ids[args.warmup + args.cases:], scan)
    with database.session() as session:
        closed = session.scalar(select(Inspection.id).where(Inspection.id.in_(ids), Inspection.state != "closed").limit(1))
        assert closed is None, f"case #{closed} is not closed"
    database.dispose()
    steps = len(STEPS) * args.cases
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    print(f"# project: {steps} steps in {elapsed:.3f} s ({len(ids)} cases closed through workflow.engine.service.fire)")
    print(f"RESULT project {steps / elapsed:.1f} {rss_mb:.1f}")


if __name__ == "__main__":
    main()
