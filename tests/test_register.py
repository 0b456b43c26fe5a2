"""The register of outgoing documents: one sequence per year and type, no duplicates when two
coordinators issue at once, no gaps after a failed transaction, overrides only with a reason."""
from __future__ import annotations

import json
import multiprocessing
import threading
from datetime import date

import pytest
from sqlalchemy import select

from models import AuditEntry, Campaign, Inspection, RegisterEntry
from models.db import Database, write_transaction
from tests.helpers import COORDINATOR, DAY, at, case, direct_path, fire_in, first_case, notify_at_once, own_numbering, run_path
from workflow.errors import BadData, GuardRefused
from workflow.records import register


@pytest.fixture(autouse=True)
def own_sequences(db):
    """These tests exercise the register's own gap-free sequence, for every type (a campaign may
    choose it for its notices too); the văn thư's numbering is tested in test_date_rules.py."""
    own_numbering(db, "TB", "BC")


def issue_in(db: Database, day: date, doc_type: str = "TB", **kwargs) -> str:
    with db.session() as session, write_transaction(session):
        campaign = session.scalar(select(Campaign))
        entry = register.issue(session, campaign=campaign, doc_type=doc_type, purpose="test", doc_date=day,
                               actor=COORDINATOR, now=at(day), **kwargs)
        return entry.symbol


def symbols(db: Database) -> list[str]:
    with db.session() as session:
        return session.scalars(select(RegisterEntry.symbol).order_by(RegisterEntry.doc_type, RegisterEntry.year, RegisterEntry.number)).all()


def test_numbers_have_a_leading_zero_below_ten_and_restart_each_year(db):
    issued = [issue_in(db, date(2023, 12, 30)) for _ in range(11)]
    assert issued[:3] == ["01/TB-UBND", "02/TB-UBND", "03/TB-UBND"] and issued[8:] == ["09/TB-UBND", "10/TB-UBND", "11/TB-UBND"]
    assert issue_in(db, date(2023, 12, 31), "BB") == "01/BB-ĐKT"  # each type has its own sequence
    assert issue_in(db, date(2024, 1, 1)) == "01/TB-UBND"  # a new year starts again
    assert issue_in(db, date(2023, 12, 31)) == "12/TB-UBND"
    with db.session() as session:
        assert register.peek(session, session.scalar(select(Campaign)), "BC", date(2023, 8, 1)) == "01/BC-NV"


def test_triggers_take_their_number_and_date_when_none_is_given(db):
    first, second = first_case(db, "direct"), first_case(db, "direct", "commune")
    with db.session() as session:
        proposal = register.propose(session, session.get(Inspection, first.id), "notify", date(2023, 7, 17))
    assert (proposal.number, proposal.doc_date, proposal.reused) == ("01/TB-UBND", date(2023, 7, 17), False)
    result = fire_in(db, first.id, "notify", at(date(2023, 7, 17)))
    assert result.extra["register"] == {"number": "01/TB-UBND", "date": "2023-07-17"}
    fire_in(db, second.id, "notify", at(date(2023, 7, 17)))
    with db.session() as session:
        assert [(i.notice_number, i.notice_date) for i in (session.get(Inspection, first.id), session.get(Inspection, second.id))] == [
            ("01/TB-UBND", date(2023, 7, 17)), ("02/TB-UBND", date(2023, 7, 17))]
        entry = session.scalar(select(RegisterEntry).where(RegisterEntry.inspection_id == second.id))
        assert (entry.purpose, entry.issued_by, entry.override_reason) == ("notice", COORDINATOR.name, None)


def test_another_number_needs_a_reason_and_must_be_free(db):
    inspection = first_case(db, "direct")
    when = at(inspection.visit_date - 10 * DAY)
    with pytest.raises(BadData) as refused:
        fire_in(db, inspection.id, "notify", when, notice_number="07/TB-UBND")
    assert refused.value.problems[0].field == "number_reason" and "01/TB-UBND" in str(refused.value)
    with pytest.raises(BadData) as refused:
        fire_in(db, inspection.id, "notify", when, notice_number="07/BB-ĐKT", number_reason="x")
    assert refused.value.problems[0].field == "notice_number" and "…/TB-UBND" in str(refused.value)
    with pytest.raises(BadData) as refused:
        fire_in(db, inspection.id, "notify", when, notice_number="số bảy", number_reason="x")
    assert "05/TB-UBND" in str(refused.value)
    result = fire_in(db, inspection.id, "notify", when, notice_number="07/TB-UBND", number_reason="Số đã cấp trên Voffice")
    with db.session() as session:
        data = json.loads(session.get(AuditEntry, result.audit_entry_id).data_json)
        assert data["register"] == {"number": "07/TB-UBND", "date": data["notice_date"], "override_reason": "Số đã cấp trên Voffice"}
    assert [issue_in(db, date(2023, 7, 20)) for _ in range(7)][-2:] == ["06/TB-UBND", "08/TB-UBND"]  # 07 is skipped
    with pytest.raises(BadData) as refused:
        issue_in(db, date(2023, 7, 21), given="07/TB-UBND", reason="trùng")
    assert "đã cấp cho văn bản khác" in str(refused.value) and "09/TB-UBND" in str(refused.value)
    assert issue_in(db, date(2023, 7, 21), given="09/TB-UBND") == "09/TB-UBND"  # the next one needs no reason


def test_a_failed_transaction_leaves_no_gap(db):
    inspection = first_case(db, "direct")
    visit = inspection.visit_date
    with pytest.raises(RuntimeError), db.session() as session, write_transaction(session):
        register.issue(session, campaign=session.scalar(select(Campaign)), doc_type="TB", purpose="test",
                       doc_date=visit, actor=COORDINATOR, now=at(visit))
        raise RuntimeError("the document could not be stored")
    with pytest.raises(GuardRefused):  # a refused change takes no number either
        fire_in(db, inspection.id, "notify", at(visit - 5 * DAY))
    assert fire_in(db, inspection.id, "notify", at(visit - 10 * DAY)).extra["register"]["number"] == "01/TB-UBND"
    assert symbols(db) == ["01/TB-UBND"]


def _direct_cases(db: Database, count: int) -> list[tuple[int, str]]:
    with db.session() as session:
        rows = session.execute(select(Inspection.id, Inspection.visit_date).where(Inspection.kind == "direct").order_by(Inspection.id).limit(count)).all()
    return [(row.id, row.visit_date.isoformat()) for row in rows]


def _assert_consecutive(db: Database, numbers: list[str], count: int) -> None:
    expected = [f"{n:02d}/TB-UBND" for n in range(1, count + 1)]
    assert sorted(numbers) == expected, numbers
    assert symbols(db) == expected


def test_eight_coordinators_at_once_get_eight_consecutive_numbers(db, database_url):
    cases = _direct_cases(db, 8)
    barrier = threading.Barrier(8)
    numbers: list[str] = []
    threads = [threading.Thread(target=lambda c=c: numbers.append(notify_at_once(database_url, *c, barrier))) for c in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    _assert_consecutive(db, numbers, 8)


def test_four_processes_at_once_get_four_consecutive_numbers(db, database_url):
    context = multiprocessing.get_context("spawn")
    barrier = context.Manager().Barrier(4)
    with context.Pool(4) as pool:
        numbers = pool.starmap(notify_at_once, [(database_url, *c, barrier) for c in _direct_cases(db, 4)])
    _assert_consecutive(db, numbers, 4)


def test_the_issuer_part_of_a_given_number_is_the_users_to_write(db):
    inspection = first_case(db, "direct")
    run_path(db, inspection.id, direct_path(inspection.visit_date)[:3])
    result = fire_in(db, inspection.id, "sign_minutes", at(inspection.visit_date, 17), minutes_number="1/BB-UBND")
    assert case(db, inspection.id).minutes_number == "01/BB-UBND" and result.to_state == "minutes_signed"
