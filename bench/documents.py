"""How long the campaign documents take as the campaign grows: the summary report (DOCX), the
summary spreadsheet (XLSX) and the schedule notice (DOCX), at 1k / 10k / 40k cases, beside the
bare query that reads the same cases and findings (the floor any document pays).

The cases are bulk-inserted into the 2023 campaign (one unit per case, a direct inspection,
announced and visited, one finding in two), so the sizes build in seconds.

    python -m bench.documents [--sizes 1000,10000,40000] [--kinds summary_report,summary_xlsx,schedule_notice]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, datetime, time as clock, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from bench.common import plan_database
from models import Campaign, Finding, Inspection, Unit
from models.db import Database, write_transaction
from plans import tuky_2023
from vocabulary.config import zone
from workflow.casefile.rendering import render_document
from workflow.people.permissions import Actor
from workflow.records.files import FileStore

NOW = datetime(2023, 9, 20, 9, tzinfo=zone("Asia/Ho_Chi_Minh"))
ACTOR = Actor("bench@tuky.local", "coordinator")
KINDS = ("summary_report", "summary_xlsx", "schedule_notice")


def grow(database: Database, campaign_id: int, cases: int) -> None:
    """Add units and their cases until the campaign has ``cases`` cases (bulk inserts)."""
    with database.session() as session, write_transaction(session):
        have = session.scalar(select(func.count()).select_from(Inspection).where(Inspection.campaign_id == campaign_id))
        start = session.scalar(select(func.max(Unit.id))) + 1
        count = cases - have
        if count <= 0:
            return
        at = NOW.astimezone(zone("UTC"))
        session.execute(insert(Unit), [
            {"id": start + i, "name": f"Đơn vị thử {start + i}", "full_name": f"Ủy ban nhân dân xã Thử {start + i}",
             "kind": "commune", "category": "xa", "created_at": at, "updated_at": at} for i in range(count)])
        visit = date(2023, 8, 1)
        session.execute(insert(Inspection), [
            {"id": start + i, "campaign_id": campaign_id, "unit_id": start + i, "unit_name": f"Đơn vị thử {start + i}",
             "kind": "direct", "state": "remediation", "visit_date": visit + timedelta(days=i % 40), "visit_time": clock(8),
             "notice_number": f"{i}/TB-UBND", "notice_date": date(2023, 7, 10), "received_date": date(2023, 7, 20),
             "visited_date": visit + timedelta(days=i % 40), "minutes_number": f"{i}/BB-ĐKT", "minutes_date": visit + timedelta(days=i % 40),
             "conclusion_number": f"{i}/TB-UBND", "conclusion_date": date(2023, 9, 15), "minutes_due": date(2023, 9, 30),
             "remediation_due": date(2023, 10, 15), "created_at": at, "updated_at": at} for i in range(count)])
        session.execute(insert(Finding), [
            {"inspection_id": start + i, "position": 1, "section_code": "B.1", "text": "Bổ sung kế hoạch CCHC năm.",
             "due_date": date(2023, 10, 15), "status": "open"} for i in range(0, count, 2)])


def bare_query(database: Database, campaign_id: int) -> float:
    """The floor: the campaign's cases and their findings, read as rows."""
    started = time.perf_counter()
    with database.session() as session:
        session.execute(select(Inspection.__table__).where(Inspection.campaign_id == campaign_id)).all()
        session.execute(select(Finding.__table__).join(Inspection).where(Inspection.campaign_id == campaign_id)).all()
    return time.perf_counter() - started


def render_time(database: Database, store: FileStore, campaign_id: int, kind: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one render, through ``render_document`` as the admin and the CLI call it."""
    started, cpu = time.perf_counter(), time.process_time()
    with database.session() as session:
        render_document(session, store, kind, actor=ACTOR, now=NOW, campaign_id=campaign_id, number=None, doc_date=NOW.date())
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,40000")
    parser.add_argument("--kinds", default=",".join(KINDS))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{directory}/bench.db"
        database = plan_database(url, NOW)
        with database.session() as session:
            campaign_id = session.scalar(select(Campaign.id).where(Campaign.code == tuky_2023.CODE))
        store = FileStore(Path(directory) / "files", 50 * 2**20)
        kinds = args.kinds.split(",")
        print("seconds per document, wall (CPU)")
        print(f"{'cases':>7}  {'bare query':>10}  " + "  ".join(f"{kind:>17}" for kind in kinds))
        for size in (int(s) for s in args.sizes.split(",")):
            grow(database, campaign_id, size)
            times = [render_time(database, store, campaign_id, kind) for kind in kinds]
            print(f"{size:>7}  {bare_query(database, campaign_id):>9.2f}s  "
                  + "  ".join(f"{wall:>8.2f} ({cpu:>6.2f})" for wall, cpu in times), flush=True)


if __name__ == "__main__":
    main()
