"""How fast the service fires triggers, against plain DB-API doing the same writes.

Both sides run one durable transaction per change: on SQLite a file in WAL mode with
``synchronous=FULL``; on PostgreSQL a server started here with ``fsync=on``. The service side goes
through ``workflow.engine.service.fire`` (lock, machine, guards, due dates, audit hash chain); the
baseline locks, reads and updates the case row, re-plans its alerts, numbers the notice in the
register and inserts the hash-chained audit row with sqlite3 / psycopg directly. Two more lines do the
baseline's writes with no domain logic through the stack: its very statements through a SQLAlchemy
``Connection`` (the Core floor: the most any service written on SQLAlchemy could do), and through the
ORM (the case loaded and updated as an object), to show how much of the gap is the stack and how much is ours.

It prints, for each database, the ratio of the service to the baseline, our own code's time per
fire (everything but the driver's execute, fetch and commit, from a profile), and the RSS before
and after a long run of fires.

    python -m bench.fire_rate [--fires 3000] [--memory 10000] [--profile N] [--no-postgres]
"""
from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import pstats
import shutil
import sqlite3
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import psycopg
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from bench.common import CoreConnection, bind, plan_database, statement
from models import AuditEntry, Campaign, Inspection
from models.db import Database, write_transaction
from tests import postgres
from vocabulary.config import zone
from workflow.engine.service import fire
from workflow.people.permissions import Actor

VN = zone("Asia/Ho_Chi_Minh")
# After the team's decision (17/07/2023), at least 10 days before either visit date, all working days.
NOW = datetime(2023, 7, 20, 9, tzinfo=VN)
NOTICE_DATE = NOW.date()
ACTOR = Actor("bench@tuky.local", "coordinator")
NEAR_VISIT, FAR_VISIT = date(2023, 8, 21), date(2023, 8, 30)


def service_step(database: Database, case_ids: list[int]) -> Callable[[int], None]:
    """Alternate notify / reschedule on each case, so every fire is a real, accepted change."""
    def step(i: int) -> None:
        case_id = case_ids[i % len(case_ids)]
        with database.session() as session:
            if (i // len(case_ids)) % 2 == 0:
                # Numbered by the register (``prepare``); bench.peers gives the văn thư's numbers.
                fire(session, case_id, "notify", ACTOR, NOW, notice_date=NOTICE_DATE.isoformat(), visit_date=NEAR_VISIT.isoformat())
            else:
                fire(session, case_id, "reschedule", ACTOR, NOW, visit_date=FAR_VISIT.isoformat())
    return step


def register_writes(execute: Callable[..., object], fetch_one: Callable[..., tuple], fetch_all: Callable[..., list],
                    p: str, lock: str, case_id: int, at: datetime) -> str:
    """What the register does for a notice: create and lock the (year, type) counter, look for
    numbers taken above it, move it, enter the document. Returns the number given."""
    execute("INSERT INTO register_counter (year, doc_type, last_number) VALUES (2023, 'TB', 0) ON CONFLICT DO NOTHING", ())
    last = fetch_one(f"SELECT last_number FROM register_counter WHERE year = 2023 AND doc_type = 'TB'{lock}", ())[0]
    fetch_all(f"SELECT number FROM register_entry WHERE year = 2023 AND doc_type = 'TB' AND number > {p}", (last,))
    number = last + 1
    execute(f"UPDATE register_counter SET last_number = {p} WHERE year = 2023 AND doc_type = 'TB'", (number,))
    symbol = f"{number:02d}/TB-UBND"
    execute("INSERT INTO register_entry (year, doc_type, number, symbol, doc_date, purpose, campaign_id, inspection_id, covers, issued_by, issued_at) "
            f"VALUES (2023, 'TB', {p}, {p}, {p}, 'notice', 1, {p}, '{{}}', {p}, {p})",
            (number, symbol, date(2023, 7, 10), case_id, ACTOR.name, at.replace(tzinfo=None)))
    return symbol


def alert_plan_writes(execute: Callable[..., object], fetch_all: Callable[..., list], p: str, lock: str, case_id: int,
                      rule: str, due: date) -> None:
    """What the alert plan does when a case changes state: lock the case's alerts, drop the planned
    ones of the rule it left, plan the three levels of the rule it entered."""
    fetch_all(f"SELECT id, rule, level, status FROM alert WHERE inspection_id = {p}{lock}", (case_id,))
    execute(f"DELETE FROM alert WHERE inspection_id = {p} AND status = 'planned'", (case_id,))
    for level in (0, 1, 2):
        fire_at = datetime.combine(due, datetime.min.time()) + timedelta(days=level - 1, hours=7)
        execute("INSERT INTO alert (inspection_id, rule, level, due_on, fire_at, status, audit_seq, audit_head) "
                f"VALUES ({p}, {p}, {p}, {p}, {p}, 'planned', 0, {p})", (case_id, rule, level, due, fire_at, "0" * 64))


def orm_floor_step(database: Database, case_ids: list[int]) -> Callable[[int], None]:
    """The same writes through the SQLAlchemy ORM with no domain logic at all: what the stack
    itself costs (lock and load the case with its campaign and findings, update it, add the entry)."""
    lock = " FOR UPDATE" if database.dialect == "postgresql" else ""

    def step(i: int) -> None:
        case_id = case_ids[i % len(case_ids)]
        notify = (i // len(case_ids)) % 2 == 0
        with database.session() as session, write_transaction(session):
            query = (select(Inspection).where(Inspection.id == case_id)
                     .options(joinedload(Inspection.campaign, innerjoin=True), joinedload(Inspection.findings))
                     .with_for_update(of=Inspection))
            case = session.scalars(query).unique().one()
            at = datetime.now(timezone.utc)
            payload = ["inspection", case_id, case.audit_seq + 1, at.isoformat(), ACTOR.name, "notify" if notify else "reschedule", case.state, "notified" if notify else "planned", None, "{}"]
            digest = _audit_hash(case.audit_head, payload)
            session.add(AuditEntry(entity="inspection", entity_id=case_id, seq=case.audit_seq + 1, inspection_id=case_id, at=at,
                                   actor=ACTOR.name, trigger=payload[5], from_state=case.state, to_state=payload[7],
                                   data_json="{}", prev_hash=case.audit_head, hash=digest))
            case.state, case.notice_date = payload[7], date(2023, 7, 10) if notify else None
            case.notice_number = None
            run = lambda sql, params: session.execute(statement(sql), bind(params))
            if notify:
                case.notice_number = register_writes(run, lambda sql, params: run(sql, params).one(),
                                                     lambda sql, params: run(sql, params).all(), "?", lock, case_id, at)
            alert_plan_writes(run, lambda sql, params: run(sql, params).all(), "?", lock, case_id,
                              "report" if notify else "notice", date(2023, 8, 25 if notify else 20))
            case.updated_at, case.audit_seq, case.audit_head = at, case.audit_seq + 1, digest
    return step


def _audit_hash(prev: str, payload: list) -> str:
    return hashlib.sha256(json.dumps([prev, *payload], ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def baseline_step(connect: Callable[[], Any], placeholder: str, lock: str, begin: str, case_ids: list[int]) -> Callable[[int], None]:
    """The same rows written with DB-API: lock and read the case, update it, append the entry.
    ``lock``: " FOR UPDATE" on PostgreSQL (SQLite's ``begin`` takes the write lock instead)."""
    connection = connect()
    p = placeholder
    lock_case = f"SELECT state, version, audit_seq, audit_head FROM inspection WHERE id = {p}{lock}"

    def step(i: int) -> None:
        case_id = case_ids[i % len(case_ids)]
        notify = (i // len(case_ids)) % 2 == 0
        cursor = connection.cursor()
        cursor.execute(begin)
        state, version, seq, head = _fetch(cursor, lock_case, (case_id,))
        new_state = "notified" if notify else "planned"
        at = datetime.now(timezone.utc).replace(tzinfo=None)
        payload = ["inspection", case_id, seq + 1, at.isoformat(), ACTOR.name, "notify" if notify else "reschedule", state, new_state, None, "{}"]
        digest = _audit_hash(head, payload)
        number = None
        if notify:
            number = register_writes(cursor.execute, lambda sql, args: _fetch(cursor, sql, args), lambda sql, args: _fetch_all(cursor, sql, args),
                                     p, lock, case_id, at)
        alert_plan_writes(cursor.execute, lambda sql, args: _fetch_all(cursor, sql, args), p, lock, case_id,
                          "report" if notify else "notice", date(2023, 8, 25 if notify else 20))
        cursor.execute(
            f"UPDATE inspection SET state = {p}, version = {p}, notice_date = {p}, notice_number = {p}, visit_date = {p}, "
            f"notice_due = {p}, report_due = {p}, updated_at = {p}, audit_seq = {p}, audit_head = {p} WHERE id = {p} AND version = {p}",
            (new_state, version + 1, date(2023, 7, 10) if notify else None, number, FAR_VISIT,
             date(2023, 8, 18), date(2023, 8, 25), at, seq + 1, digest, case_id, version),
        )
        cursor.execute(
            "INSERT INTO audit_entry (entity, entity_id, seq, inspection_id, at, actor, trigger, from_state, to_state, comment, data_json, prev_hash, hash) "
            f"VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})",
            ("inspection", case_id, seq + 1, case_id, at, ACTOR.name, payload[5], state, new_state, None, "{}", head, digest),
        )
        cursor.execute("COMMIT")
    return step


def _fetch(cursor, query: str, args: tuple):
    cursor.execute(query, args)
    return cursor.fetchone()


def _fetch_all(cursor, query: str, args: tuple) -> list:
    cursor.execute(query, args)
    return cursor.fetchall()


def rate(step: Callable[[int], None], count: int) -> tuple[float, float]:
    """Changes per second (wall clock) and CPU milliseconds per change, after a warm-up."""
    for i in range(min(50, count)):  # warm up
        step(i)
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(50, 50 + count):
        step(i)
    return count / (time.perf_counter() - start), (time.process_time() - cpu) * 1000 / count


def prepare(url: str) -> tuple[Database, list[int]]:
    """The 2023 plan, with the notices numbered by this register (``own``): every notify takes
    the next number in one ``UPDATE … RETURNING``, as the baseline moves its counter."""
    database = plan_database(url, NOW)
    with database.session() as session, write_transaction(session):
        campaign = session.scalar(select(Campaign))
        campaign.numbering = {**(campaign.numbering or {}), "TB": "own"}
        ids = session.scalars(select(Inspection.id).where(Inspection.kind == "direct").order_by(Inspection.id)).all()
    return database, list(ids)


def rss_mib() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


# What the database driver itself does, in a profile: (file part, function name) of the calls
# whose cumulative time is the driver's execute, fetch and commit (sqlite3's are C methods;
# psycopg's are Python wrapping libpq, so their cumulative time includes the wait on the server).
DRIVER_CALLS = {
    ("~", "<method 'execute' of 'sqlite3.Cursor' objects>"),
    ("~", "<method 'executemany' of 'sqlite3.Cursor' objects>"),
    ("~", "<method 'commit' of 'sqlite3.Connection' objects>"),
    ("~", "<method 'fetchone' of 'sqlite3.Cursor' objects>"),
    ("~", "<method 'fetchall' of 'sqlite3.Cursor' objects>"),
    ("~", "<method 'fetchmany' of 'sqlite3.Cursor' objects>"),
    ("psycopg/cursor.py", "execute"),
    ("psycopg/cursor.py", "executemany"),
    ("psycopg/cursor.py", "fetchone"),
    ("psycopg/cursor.py", "fetchall"),
    ("psycopg/cursor.py", "fetchmany"),
    ("psycopg/connection.py", "commit"),
}


def own_code(step: Callable[[int], None], fires: int, cpu_ms: float, top: int) -> None:
    """Profile ``fires`` fires on CPU time and print our own code's time per fire: everything but
    the driver's execute, fetch and commit. CPU time, so that waiting on the disk (fsync) and on a
    busy shared machine count for nobody. cProfile slows Python down, not the driver, so the
    figure is given twice: as profiled, and the unprofiled CPU time per fire less the driver's."""
    profiler = cProfile.Profile(time.process_time)
    profiler.runcall(lambda: [step(10_000 + i) for i in range(fires)])
    stats = pstats.Stats(profiler)
    rows = stats.stats.items()  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]
    driver = sum(row[3] for (file, _line, name), row in rows if _is_driver(file, name))
    statements = sum(row[1] for (file, _line, name), row in rows if _is_driver(file, name) and "execute" in name)
    per = 1000 / fires
    print(f"  profile of {fires} fires (CPU time): {total * per:.2f} ms per fire, of which the driver's execute/fetch/commit "
          f"{driver * per:.2f} ms ({statements / fires:.1f} statements per fire)\n"
          f"  our own code per fire:  {(total - driver) * per:.2f} ms profiled, "
          f"{max(cpu_ms - driver * per, 0):.2f} ms unprofiled (CPU {cpu_ms:.2f} ms per fire less the driver's)  [target < 0.5 ms]", flush=True)
    if top:
        stats.sort_stats("tottime").print_stats(top)


def _is_driver(file: str, name: str) -> bool:
    return any(file.endswith(part) and name == function for part, function in DRIVER_CALLS)


def memory_run(step: Callable[[int], None], fires: int) -> None:
    """A long run of fires: RSS at its start and its end (target: within 10 MiB)."""
    start = rss_mib()
    for i in range(fires):
        step(20_000 + i)
    end = rss_mib()
    verdict = "within" if abs(end - start) <= 10 else "NOT within"
    print(f"  memory: RSS {start:.1f} MiB before {fires} fires, {end:.1f} MiB after ({end - start:+.1f} MiB, {verdict} 10 MiB)", flush=True)


def compare(name: str, service_db: Database, case_ids: list[int], baseline: Callable[[int], None], floor_db: Database,
            fires: int, profile: int, memory: int) -> None:
    """Service, DB-API baseline, Core floor and ORM floor in one run (the floors share a copy of
    the database: they write the same rows), then the profile and the memory run."""
    step = service_step(service_db, case_ids)
    service, service_cpu = rate(step, fires)
    base, base_cpu = rate(baseline, fires)
    lock = " FOR UPDATE" if floor_db.dialect == "postgresql" else ""
    core, core_cpu = rate(baseline_step(lambda: CoreConnection(floor_db), "?", lock, "BEGIN", case_ids), fires)
    floor, floor_cpu = rate(orm_floor_step(floor_db, case_ids), fires)
    print(f"{name}:\n"
          f"  service                {service:8,.0f} fires/s  {1000 / service:5.2f} ms each, {service_cpu:5.2f} ms CPU\n"
          f"  DB-API baseline        {base:8,.0f} tx/s     {1000 / base:5.2f} ms each, {base_cpu:5.2f} ms CPU\n"
          f"  SQLAlchemy Core floor  {core:8,.0f} tx/s     {1000 / core:5.2f} ms each, {core_cpu:5.2f} ms CPU (the baseline's statements through a Connection)\n"
          f"  SQLAlchemy ORM floor   {floor:8,.0f} tx/s     {1000 / floor:5.2f} ms each, {floor_cpu:5.2f} ms CPU (same writes, no domain logic)\n"
          f"  service/baseline = {service / base:.2f}  [target >= 0.5]   Core floor/baseline = {core / base:.2f} (the most a service on "
          f"SQLAlchemy could reach)   service/ORM floor = {service / floor:.2f}", flush=True)
    own_code(step, min(fires, 1000), service_cpu, profile)
    if memory:
        memory_run(step, memory)


def bench_sqlite(fires: int, memory: int, profile: int) -> None:
    directory = Path(tempfile.mkdtemp(prefix="cchc-bench-"))
    service_db, case_ids = prepare(f"sqlite:///{directory / 'service.db'}")
    service_db.dispose()
    shutil.copy(directory / "service.db", directory / "baseline.db")
    shutil.copy(directory / "service.db", directory / "floor.db")
    service_db = Database(f"sqlite:///{directory / 'service.db'}")
    floor_db = Database(f"sqlite:///{directory / 'floor.db'}")

    def connect_sqlite():
        connection = sqlite3.connect(directory / "baseline.db", isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("PRAGMA foreign_keys = ON")
        return connection

    try:
        compare("SQLite (WAL, synchronous=FULL)", service_db, case_ids, baseline_step(connect_sqlite, "?", "", "BEGIN IMMEDIATE", case_ids),
                floor_db, fires, profile, memory)
    finally:
        service_db.dispose()
        floor_db.dispose()
        shutil.rmtree(directory, ignore_errors=True)


def bench_postgres(fires: int, memory: int, profile: int) -> None:
    server = postgres.start(durable=True)
    if server is None:
        print("PostgreSQL: not installed, skipped")
        return
    try:
        for name in ("bench_service", "bench_baseline", "bench_floor"):
            server.execute(f"CREATE DATABASE {name}")
        service_db, case_ids = prepare(server.url("bench_service"))
        baseline_db, _ = prepare(server.url("bench_baseline"))
        baseline_db.dispose()
        floor_db, _ = prepare(server.url("bench_floor"))
        dsn = server.admin_dsn.rsplit("/", 1)[0] + "/bench_baseline"
        try:
            compare("PostgreSQL (fsync=on, synchronous_commit=on)", service_db, case_ids,
                    baseline_step(lambda: psycopg.connect(dsn, autocommit=True), "%s", " FOR UPDATE", "BEGIN", case_ids),
                    floor_db, fires, profile, memory)
        finally:
            service_db.dispose()
            floor_db.dispose()
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fires", type=int, default=3000)
    parser.add_argument("--memory", type=int, default=10_000, help="fires of the memory run (0: none)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="also print the profile's N costliest functions")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    bench_sqlite(args.fires, args.memory, args.profile)
    if not args.no_postgres:
        bench_postgres(args.fires, args.memory, args.profile)


if __name__ == "__main__":
    main()
