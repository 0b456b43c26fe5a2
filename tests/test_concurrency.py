"""Many people firing at one case at once: exactly one change, exactly one audit entry."""
import multiprocessing
import threading

from tests.helpers import audit_count, first_case, notify_at_once
from workflow.audit import verify

NUMBER = "57/TB-UBND"  # the văn thư's number of the notice every worker tries to record


def _assert_one_change(db, inspection, outcomes, workers):
    assert outcomes.count(NUMBER) == 1, outcomes
    assert len(outcomes) == workers and set(outcomes) <= {NUMBER, "TransitionNotAllowed", "ConcurrentUpdate"}
    with db.session() as session:
        assert audit_count(session, inspection.id) == 1 + 1
        assert verify(session).ok


def test_eight_threads_at_once(db, database_url):
    inspection = first_case(db, "direct")
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def worker() -> None:
        outcomes.append(notify_at_once(database_url, inspection.id, inspection.visit_date.isoformat(), barrier, NUMBER))

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
        outcomes = pool.starmap(notify_at_once, [(database_url, inspection.id, inspection.visit_date.isoformat(), barrier, NUMBER)] * 4)
    _assert_one_change(db, inspection, outcomes, 4)
