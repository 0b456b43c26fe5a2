"""Many people firing at one case at once: exactly one change, exactly one audit entry."""
import multiprocessing
import threading
from datetime import date

from models.db import Database
from tests.helpers import COORDINATOR, DAY, at, audit_count, first_case
from workflow.audit import verify
from workflow.errors import ConcurrentUpdate, TransitionNotAllowed
from workflow.service import fire


def _fire_once(url: str, inspection_id: int, visit_iso: str, barrier) -> str:
    database = Database(url)
    visit = date.fromisoformat(visit_iso)
    try:
        barrier.wait(timeout=60)
        with database.session() as session:
            fire(session, inspection_id, "notify", COORDINATOR, at(visit - 10 * DAY), notice_number="01/TB-UBND")
        return "ok"
    except (TransitionNotAllowed, ConcurrentUpdate) as refused:
        return type(refused).__name__
    finally:
        database.dispose()


def _assert_one_change(db, inspection, outcomes, workers):
    assert outcomes.count("ok") == 1, outcomes
    assert len(outcomes) == workers and set(outcomes) <= {"ok", "TransitionNotAllowed", "ConcurrentUpdate"}
    with db.session() as session:
        assert audit_count(session, inspection.id) == 1 + 1
        assert verify(session).ok


def test_eight_threads_at_once(db, database_url):
    inspection = first_case(db, "direct")
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def worker() -> None:
        outcomes.append(_fire_once(database_url, inspection.id, inspection.visit_date.isoformat(), barrier))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    _assert_one_change(db, inspection, outcomes, 8)


def test_four_processes_at_once(db, database_url):
    inspection = first_case(db, "direct")
    context = multiprocessing.get_context("spawn")
    barrier = context.Manager().Barrier(4)
    with context.Pool(4) as pool:
        outcomes = pool.starmap(_fire_once, [(database_url, inspection.id, inspection.visit_date.isoformat(), barrier)] * 4)
    _assert_one_change(db, inspection, outcomes, 4)
