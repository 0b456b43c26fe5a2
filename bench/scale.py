"""How the main pages hold up with data: the 2023 campaign grown to 35, 10,000, 100,000 and
1,000,000 cases (with their audit entries and alerts, written by bulk insert: executemany on
SQLite, COPY on PostgreSQL; the audit log's trigger fills the dashboard's ``case_move_tally`` row
by row on both, so the cases are written before their entries), every page timed through the Flask test client, on SQLite and on
PostgreSQL, against a baseline request (``/healthz``, one query) timed in the same run.

Targets (issue #14): at 100,000 cases every page within 2x its time at 35 cases and under 150 ms;
the growth from 10k to 1M is printed per page; the 1M dashboard keeps RSS within 10 MB of the start.

    SCALE_SIZES=35,10000,100000,1000000 SCALE_BACKENDS=sqlite,postgresql SCALE_REPEAT=5 python -m bench.scale
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from itertools import islice
from pathlib import Path

from sqlalchemy import Table, event, func, select, text

from models import Alert, AuditEntry, Campaign, Inspection, Unit
from models.base import GENESIS_HASH
from models.db import Database
from models.step_tally import add_marks, adding, tally_rows
from models.migrate import upgrade
from plans import tuky_2023
from tests import postgres
from tests.web import csrf_token
from vocabulary.config import Settings, zone
from vocabulary.search import fold
from workflow.deadlines.due_dates import next_due, refresh_due_dates
from workflow.people.accounts import save_user
from workflow.people.permissions import Actor

VN = zone("Asia/Ho_Chi_Minh")
SEED_NOW = datetime(2023, 7, 10, 8, tzinfo=VN)
AS_OF = date(2023, 8, 10)
EMAIL, PASSWORD = "bench@tuky.local", "mat-khau-do-tai-1"
CHUNK = 20_000
COMMUNES = ("Tân Kỳ", "Đại Sơn", "Hưng Đạo", "Tái Sơn", "Quang Phục", "Dân Chủ", "Đại Hợp", "Quảng Nghiệp", "Bình Lãng",
            "Tiên Động", "Nguyên Giáp", "Hà Kỳ", "Hà Thanh", "An Thanh", "Văn Tố", "Cộng Lạc", "Phượng Kỳ", "Tây Kỳ")
# A direct case walks this path; a case stopped after ``depth`` steps is in PATH[depth].
DIRECT_PATH = (("planned", None, None), ("notified", "notify", -12), ("report_received", "receive_report", -6),
               ("visited", "visit", 0), ("minutes_signed", "sign_minutes", 1), ("concluded", "conclude", 10),
               ("closed", "accept", 40))
SELF_PATH = (("planned", None, None), ("report_received", "receive_report", 36), ("closed", "accept", 46))
DEPTH_WEIGHTS = {"direct": (1, 2, 2, 1, 1, 2, 3), "self": (1, 2, 3)}
DATE_FIELD = {"notify": "notice_date", "receive_report": "received_date", "visit": "visited_date",
              "sign_minutes": "minutes_date", "conclude": "conclusion_date", "accept": "closed_date"}


@dataclass
class Profile:
    """One kind of case (kind, depth, visit day): its row's values and its log, computed once
    through the real due-date rules and replicated over many cases."""
    row: dict
    moves: list[tuple[str, str, str, datetime]]  # (trigger, from, to, at)
    alert: tuple[str, date, str] | None  # (rule, due on, status)


def _local(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=VN).replace(hour=hour)


def profiles(campaign: Campaign) -> list[Profile]:
    days = [campaign.window_start + timedelta(days=i) for i in range((campaign.window_end - campaign.window_start).days + 1)]
    visits = [day for day in days if day.weekday() < 5]
    found = []
    for kind, path in (("direct", DIRECT_PATH), ("self", SELF_PATH)):
        for depth, weight in enumerate(DEPTH_WEIGHTS[kind]):
            for visit in visits:
                case = Inspection(kind=kind, state=path[depth][0], visit_date=visit if kind == "direct" else None,
                                  unannounced=False, findings=[])
                moves, previous = [], "planned"
                for state, trigger, offset in path[1:depth + 1]:
                    day = (visit if kind == "direct" else campaign.window_start) + timedelta(days=offset)
                    setattr(case, DATE_FIELD[trigger], day)
                    moves.append((trigger, previous, state, _local(day)))
                    previous = state
                refresh_due_dates(case, campaign)
                row = {column.key: getattr(case, column.key, None) for column in Inspection.__table__.columns}
                waiting = next_due(case)
                alert = None
                if waiting:
                    rule = {"notice": "notice", "report": "report", "visit": "visit"}.get(waiting[0], "minutes")
                    alert = (rule, waiting[1], "open" if waiting[1] < AS_OF else "planned")
                found.extend([Profile(row, moves, alert)] * weight)
    return found


class Loader:
    """Bulk insert of plain rows into one table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, database: Database):
        self.database = database
        self.postgres = database.engine.dialect.name == "postgresql"

    def _value(self, value):
        if self.postgres or value is None or isinstance(value, (int, str)):
            return value
        if isinstance(value, datetime):
            return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
        return value.isoformat()

    def insert(self, table: Table, columns: list[str], rows: Iterable[tuple]) -> None:
        iterator = iter(rows)
        with self.database.engine.begin() as connection:
            raw = connection.connection.driver_connection
            if self.postgres:
                with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in iterator:
                        copy.write_row([v.astimezone(timezone.utc).replace(tzinfo=None) if isinstance(v, datetime) else v
                                        for v in row])
                return
            statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            while chunk := list(islice(iterator, CHUNK)):
                raw.executemany(statement, [tuple(self._value(v) for v in row) for row in chunk])


def grow(database: Database, size: int) -> None:
    """The seeded campaign grown to ``size`` cases: one new commune per case, each case with its
    log (create, then one entry per step) and one alert."""
    extra = size - 35
    if extra <= 0:
        return
    with database.session() as session:
        campaign = session.scalars(select(Campaign)).one()
        shapes = profiles(campaign)
        first_unit = (session.scalar(select(func.max(Unit.id))) or 0) + 1
        first_case = (session.scalar(select(func.max(Inspection.id))) or 0) + 1
        first_entry = (session.scalar(select(func.max(AuditEntry.id))) or 0) + 1
        first_alert = (session.scalar(select(func.max(Alert.id))) or 0) + 1
        campaign_id = campaign.id
    loader = Loader(database)
    stamp = SEED_NOW
    names = [f"UBND xã {COMMUNES[i % len(COMMUNES)]} {i // len(COMMUNES) + 1}" for i in range(extra)]
    unit_columns = ["id", "name", "full_name", "kind", "category", "active", "version", "created_at", "updated_at", "audit_seq", "audit_head"]
    loader.insert(Unit.__table__, unit_columns, ((first_unit + i, name, name, "commune", "xa", True, 1, stamp, stamp, 0, GENESIS_HASH)
                                                 for i, name in enumerate(names)))
    case_columns = [c.key for c in Inspection.__table__.columns]

    def cases() -> Iterator[tuple]:
        for i in range(extra):
            shape = shapes[i % len(shapes)]
            row = {**shape.row, "id": first_case + i, "campaign_id": campaign_id, "unit_id": first_unit + i,
                   "unit_name": names[i], "unit_name_folded": fold(names[i]), "version": 1 + len(shape.moves),
                   "created_at": stamp, "updated_at": shape.moves[-1][3] if shape.moves else stamp,
                   "audit_seq": 1 + len(shape.moves), "audit_head": GENESIS_HASH, "step_marks": json.dumps(shape.row["step_marks"])}
            yield tuple(row[c] for c in case_columns)
    loader.insert(Inspection.__table__, case_columns, cases())
    # The dashboard's day tally, which the flush keeps for the ORM's writes: each shape's marks
    # times the cases of that shape.
    marks: Counter = Counter()
    for index, shape in enumerate(shapes):
        add_marks(marks, campaign_id, shape.row["step_marks"], len(range(index, extra, len(shapes))))
    with database.engine.begin() as connection:
        if rows := tally_rows(marks):
            connection.execute(adding(database.engine.dialect.name), rows)
    entry_columns = ["id", "entity", "entity_id", "seq", "inspection_id", "at", "actor", "trigger", "from_state", "to_state",
                     "comment", "data_json", "prev_hash", "hash", "hash_version"]

    def entries() -> Iterator[tuple]:
        entry_id = first_entry
        for i in range(extra):
            case_id, previous = first_case + i, GENESIS_HASH
            moves = [("create", None, "planned", stamp), *shapes[i % len(shapes)].moves]
            for seq, (trigger, from_state, to_state, moment) in enumerate(moves, start=1):
                digest = hashlib.sha256(f"{entry_id}{previous}".encode()).hexdigest()
                yield (entry_id, "inspection", case_id, seq, case_id, moment, EMAIL, trigger, from_state, to_state,
                       None, "{}", previous, digest, 2)
                entry_id, previous = entry_id + 1, digest
    loader.insert(AuditEntry.__table__, entry_columns, entries())
    alert_columns = ["id", "inspection_id", "campaign_id", "rule", "level", "due_on", "fire_at", "status", "raised_at", "audit_seq", "audit_head"]

    def alerts() -> Iterator[tuple]:
        for i in range(extra):
            if (alert := shapes[i % len(shapes)].alert) is not None:
                rule, due, status = alert
                yield (first_alert + i, first_case + i, campaign_id, rule, 1, due, _local(due + timedelta(days=1), 8), status,
                       _local(due + timedelta(days=1), 8) if status == "open" else None, 0, GENESIS_HASH)
    loader.insert(Alert.__table__, alert_columns, alerts())
    with database.engine.begin() as connection:
        if loader.postgres:
            for table in ("unit", "inspection", "audit_entry", "alert"):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
        else:
            connection.execute(text("ANALYZE"))
    if loader.postgres:  # as autovacuum does after a bulk load: statistics, and the visibility map index-only scans need
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))


def build(url: str, size: int) -> None:
    upgrade(url)
    database = Database(url)
    with database.session() as session:
        tuky_2023.load(session, SEED_NOW)
        save_user(session, email=EMAIL, role="coordinator", unit_name=None, password=PASSWORD,
                  actor=Actor("bench", "admin"), now=SEED_NOW)
    grow(database, size)
    database.dispose()


def pages(database: Database) -> dict[str, str]:
    with database.session() as session:
        middle = session.scalar(select(func.max(Inspection.id))) // 2 + 1
    return {
        "baseline /healthz": "/healthz",
        "dashboard": "/admin/",
        f"dashboard as of {AS_OF:%d/%m/%Y}": f"/admin/?as_of={AS_OF.isoformat()}",
        "case list, first page": "/admin/inspection/",
        "case list by next deadline": "/admin/inspection/?sort=5",
        'case list search "Tân Kỳ"': "/admin/inspection/?search=T%C3%A2n+K%E1%BB%B3",
        'case list search "tan ky"': "/admin/inspection/?search=tan+ky",
        "case page": f"/admin/inspection/details/?id={middle}",
        "audit log": "/admin/audit/",
        "GET /api/v1/inspections": "/api/v1/inspections",
        "GET /api/v1/audit": "/api/v1/audit",
    }


def rss_kb() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


@contextmanager
def recording(engine) -> Iterator[list[tuple[float, str]]]:
    """The statements run on ``engine`` inside the block, as (ms, SQL), to say where a page's time goes."""
    statements: list[tuple[float, str]] = []

    def before(conn, _cursor, _statement, _parameters, _context, _many):
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def after(conn, _cursor, statement, _parameters, _context, _many):
        began = conn.info["bench_started"].pop()
        statements.append(((time.perf_counter() - began) * 1000, " ".join(statement.split())))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


Statements = dict[str, list[tuple[float, str]]]


def measure(url: str, repeat: int, workdir: Path, memory: bool) -> tuple[dict[str, float], int | None, Statements]:
    from wsgi import create_app

    app = create_app(Settings(database_url=url, secret_key="bench", files_dir=workdir / "files", checkpoint_dir=workdir / "checkpoints"))
    client = app.test_client()
    assert client.post("/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": csrf_token(client)}).status_code == 302
    timings: dict[str, float] = {}
    statements: Statements = {}
    growth = None
    for name, path in pages(app.extensions["database"]).items():
        if memory and name == "dashboard":
            client.get(path)
            start = rss_kb()
        samples = []
        for _ in range(repeat + 1):
            began = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:300])
        if memory and name == "dashboard":
            growth = rss_kb() - start
        timings[name] = statistics.median(samples[1:])
        with recording(app.extensions["database"].engine) as statements[name]:
            client.get(path)
    app.extensions["database"].dispose()
    return timings, growth, statements


def run_backend(backend: str, sizes: list[int], repeat: int) -> None:
    server = postgres.start() if backend == "postgresql" else None
    if backend == "postgresql" and server is None:
        print("PostgreSQL is not installed: skipped")
        return
    results: dict[int, dict[str, float]] = {}
    statements: dict[int, Statements] = {}
    try:
        for size in sizes:
            workdir = Path(tempfile.mkdtemp(prefix="cchc-scale-"))
            try:
                if server is not None:
                    server.execute(f"CREATE DATABASE scale_{size}")
                    url = server.url(f"scale_{size}")
                else:
                    url = f"sqlite:///{workdir / 'scale.db'}"
                began = time.perf_counter()
                build(url, size)
                built = time.perf_counter() - began
                results[size], growth, statements[size] = measure(url, repeat, workdir, memory=size == max(sizes))
                print(f"{backend}: {size:,} cases built in {built:.0f} s", flush=True)
                if growth is not None:
                    print(f"{backend}: RSS growth over {repeat + 1} dashboards at {size:,} cases: {growth / 1024:.1f} MB "
                          f"(target: within 10 MB)", flush=True)
            finally:
                if server is not None:
                    server.execute(f"DROP DATABASE IF EXISTS scale_{size}")
                shutil.rmtree(workdir, ignore_errors=True)
    finally:
        if server is not None:
            server.stop()
    report(backend, sizes, results)
    if 35 in results and 100_000 in results:
        explain_misses(backend, results, statements[100_000])


def missed(results: dict[int, dict[str, float]], name: str) -> bool:
    small, large = results[35][name], results[100_000][name]
    return not (large <= 2 * small and large < 150)


def explain_misses(backend: str, results: dict[int, dict[str, float]], statements: Statements) -> None:
    """For each page that missed its target: its request's statements at 100,000 cases, the
    costliest first — what the time goes to, and so what it would take."""
    names = [name for name in results[100_000] if missed(results, name)]
    if names:
        print(f"\n{backend}: where the pages that missed spend their time at 100,000 cases (one request's statements)")
    for name in names:
        ran = statements[name]
        print(f"- {name}: {results[100_000][name]:.1f} ms, of which {len(ran)} statements {sum(ms for ms, _sql in ran):.1f} ms")
        for ms, sql in sorted(ran, reverse=True)[:3]:
            print(f"    {ms:7.1f} ms  {sql[:150]}")


def report(backend: str, sizes: list[int], results: dict[int, dict[str, float]]) -> None:
    """The table: median ms per page and size, the 100k target and the growth from 10k to 1M."""
    names = list(next(iter(results.values())))
    header = ["page"] + [f"{size:,}" for size in sizes]
    has_target = 35 in results and 100_000 in results
    if has_target:
        header.append("100k vs 35 (target ≤2×, <150 ms)")
    if 10_000 in results and 1_000_000 in results:
        header.append("growth 10k→1M")
    print(f"\n{backend}: median server time in ms (Flask test client, {os.environ.get('SCALE_REPEAT', '5')} runs)")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name in names:
        cells = [name] + [f"{results[size][name]:.1f}" for size in sizes]
        if has_target:
            cells.append(f"{results[100_000][name] / results[35][name]:.1f}× {'MISSED' if missed(results, name) else 'met'}")
        if 10_000 in results and 1_000_000 in results:
            cells.append(f"{results[1_000_000][name] / results[10_000][name]:.1f}×")
        print("| " + " | ".join(cells) + " |")


def main() -> None:
    sizes = sorted(int(s) for s in os.environ.get("SCALE_SIZES", "35,10000,100000,1000000").split(","))
    repeat = int(os.environ.get("SCALE_REPEAT", "5"))
    for backend in os.environ.get("SCALE_BACKENDS", "sqlite,postgresql").split(","):
        run_backend(backend.strip(), sizes, repeat)


if __name__ == "__main__":
    main()
