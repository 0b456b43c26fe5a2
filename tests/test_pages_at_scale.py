"""Pages whose cost follows what they show: the dashboard's aggregate queries give the numbers a
plain recount over every case gives (also "as of" a past day, from the audit log), the API's lists
come in pages with their links and total, and a search ignores diacritics and case. The tally of
moves the audit log's trigger keeps equals a recount of the log, and counts nothing refused or
rolled back."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import delete, insert, select, update

from models import Alert, AuditEntry, CaseMoveTally, Inspection, StepDayTally
from models.db import write_transaction
from tests.conftest import VN
from tests.helpers import COORDINATOR, DAY, at, direct_path, fire_in, first_case, run_path
from workflow import audit
from workflow.errors import TransitionNotAllowed
from workflow.deadlines.due_dates import DONE_ON, late_steps, missed_steps, next_due, step_marks
from workflow.deadlines.uncounted import count_uncounted
from workflow.people.permissions import Actor
from workflow.queries import dashboard

LEADER = Actor("lead@tuky.local", "leader")


def recount(session, as_of: date) -> dict:
    """The dashboard's figures the plain way: every case loaded, its state replayed from its log."""
    end = datetime.combine(as_of + DAY, time(), tzinfo=VN)
    counts, missed, late, overdue, soon = Counter(), Counter(), Counter(), [], []
    units_missed = units_late = 0
    for case in session.scalars(select(Inspection).order_by(Inspection.id)):
        moves = [e for e in session.scalars(select(AuditEntry).where(AuditEntry.inspection_id == case.id,
                                                                    AuditEntry.entity == "inspection").order_by(AuditEntry.id))
                 if e.to_state and e.at < end]
        counts[(case.kind, max(moves, key=lambda e: (e.at, e.id)).to_state if moves else "planned")] += 1
        case_missed = missed_steps(case, as_of)
        case_late = [step for step in late_steps(case, case.campaign) if getattr(case, DONE_ON[step]) <= as_of]
        missed.update(case_missed)
        late.update(case_late)
        units_missed += bool(case_missed)
        units_late += bool(case_late)
        if waiting := next_due(case):
            days = (waiting[1] - as_of).days
            (overdue if days < 0 else soon if days < 7 else []).append((days, case.id))
    alerts = sorted(session.scalars(select(Alert).where(Alert.status == "open")), key=lambda a: (-a.level, a.due_on, a.id))
    return {"counts": +counts, "missed": +missed, "late": +late, "units": (units_missed, units_late),
            "alerts": [a.id for a in alerts][:dashboard.LISTED], "alerts_total": len(alerts),
            "overdue": [i for _d, i in sorted(overdue)][:dashboard.LISTED], "overdue_total": len(overdue),
            "soon": [i for _d, i in sorted(soon)][:dashboard.LISTED], "soon_total": len(soon)}


def tallied(session) -> Counter:
    return Counter({(t.campaign_id, t.hour, t.kind, t.from_state, t.to_state): t.n for t in session.scalars(select(CaseMoveTally))})


def recounted(session) -> Counter:
    """The tally the plain way: every case entry of the log with a state, counted per UTC hour."""
    counted = Counter()
    for entry, campaign_id, kind in session.execute(select(AuditEntry, Inspection.campaign_id, Inspection.kind)
                                                    .join(Inspection, AuditEntry.inspection_id == Inspection.id)
                                                    .where(AuditEntry.entity == "inspection")):
        if entry.to_state:
            hour = entry.at.replace(minute=0, second=0, microsecond=0)
            counted[(campaign_id, hour, kind, entry.from_state or "", entry.to_state)] += 1
    return counted


def figures(board: dashboard.Dashboard) -> dict:
    return {"counts": +board.counts, "missed": +board.missed_steps, "late": +board.late_steps,
            "units": (board.units_missed, board.units_late),
            "alerts": [a.id for a in board.escalations], "alerts_total": board.escalations_total, "overdue": [d.case.id for d in board.overdue],
            "overdue_total": board.overdue_total, "soon": [d.case.id for d in board.due_soon], "soon_total": board.due_soon_total}


def step_tally(session) -> Counter:
    return Counter({(t.campaign_id, t.measure, t.step, t.day): t.n for t in session.scalars(select(StepDayTally)) if t.n})


def summed_marks(session) -> Counter:
    """The step tally the plain way: every case's marks recomputed from its dates, added up."""
    summed = Counter()
    for case in session.scalars(select(Inspection)):
        for measure, step, day, n in step_marks(case, case.campaign):
            summed[(case.campaign_id, measure, step, date.fromisoformat(day))] += n
    return Counter({key: n for key, n in summed.items() if n})


def assert_recounted(db, days) -> None:
    for as_of in days:
        with db.session() as session:
            board = dashboard.build(session, LEADER, as_of, today=date(2026, 2, 1))
            assert figures(board) == recount(session, as_of), as_of


def session_first_planned(db, exclude: set[int]) -> int:
    with db.session() as session:
        return session.scalar(select(Inspection.id).where(Inspection.kind == "direct", Inspection.state == "planned",
                                                          Inspection.id.not_in(exclude)).order_by(Inspection.id))


def test_the_dashboard_counts_what_a_recount_counts_also_as_of_a_day_before_a_case_closed(db):
    concluded, late_report, self_case = first_case(db, "direct"), None, first_case(db, "self")
    run_path(db, concluded.id, direct_path(concluded.visit_date))
    with db.session() as session:
        late_report = session.scalars(select(Inspection).where(Inspection.kind == "direct", Inspection.id != concluded.id)
                                      .order_by(Inspection.id)).first()
        visit = late_report.visit_date
    fire_in(db, late_report.id, "notify", at(visit - 10 * DAY))
    fire_in(db, late_report.id, "receive_report", at(visit - 4 * DAY))  # after the limit: done late
    fire_in(db, self_case.id, "receive_report", at(date(2023, 8, 10)))
    fire_in(db, self_case.id, "accept", at(date(2026, 1, 5)))  # closed years later
    cancelled = session_first_planned(db, exclude={concluded.id, late_report.id})
    fire_in(db, cancelled, "cancel", at(date(2023, 7, 21)), reason="Đơn vị sáp nhập")  # its missed notice counted no more
    with db.session() as session:  # alerts of every level open, more than the board lists
        raised = session.scalars(select(Alert).where(Alert.status == "planned").order_by(Alert.id).limit(20)).all()
        assert len({a.level for a in raised}) > 1
        session.execute(update(Alert).where(Alert.id.in_([a.id for a in raised])).values(status="open", raised_at=at(date(2023, 8, 1))))
        session.commit()
    days = (date(2023, 7, 17), date(2023, 7, 20), date(2023, 8, 10), date(2023, 8, 25), date(2026, 2, 1))
    assert_recounted(db, days)
    with db.session() as session:
        assert step_tally(session) == summed_marks(session) and sum(step_tally(session).values()) > 35
    # Cases stored before the tally (no marks, nothing tallied) are counted one by one, the same,
    # until counted into it.
    with db.session() as session, write_transaction(session):
        session.execute(update(Inspection).values(step_marks=None))
        session.execute(delete(StepDayTally))
    assert_recounted(db, days)
    assert list(count_uncounted(db, batch=10)) == [(10, 35), (20, 35), (30, 35), (35, 35)]
    with db.session() as session:
        assert step_tally(session) == summed_marks(session) and sum(step_tally(session).values()) > 35
    assert_recounted(db, days)
    with db.session() as session:
        on_the_day = dashboard.build(session, LEADER, date(2023, 8, 10), today=date(2026, 2, 1))
    assert on_the_day.counts[("self", "report_received")] == 1 and on_the_day.counts[("self", "closed")] == 0
    assert sum(on_the_day.counts.values()) == 35
    # The chart: every case planned until the first change, then moved on day by day.
    days = dict(on_the_day.progress)
    assert sum(days[date(2023, 8, 10)].values()) == 35 and days[date(2023, 8, 10)]["notified"] >= 2
    with db.session() as session:
        assert tallied(session) == recounted(session) and sum(tallied(session).values()) > 35
        # A unit sees its own cases, their moves read from the log: the same states.
        unit = dashboard.build(session, Actor("unit@tuky.local", "unit", unit_id=self_case.unit_id), date(2023, 8, 10),
                               today=date(2026, 2, 1))
        assert +unit.counts == Counter({("self", "report_received"): 1})
        assert dict(unit.progress)[date(2023, 8, 10)] == Counter({"notified": 1})


def test_the_tally_counts_in_the_change_s_transaction_and_nothing_refused_or_rolled_back(db):
    inspection = first_case(db, "direct")
    with db.session() as session:
        before = tallied(session)
    with pytest.raises(TransitionNotAllowed):
        fire_in(db, inspection.id, "accept", at(inspection.visit_date))
    with db.session() as session, pytest.raises(ZeroDivisionError):
        with write_transaction(session):
            case = session.get(Inspection, inspection.id)
            audit.append(session, case, at=at(inspection.visit_date), actor=COORDINATOR.name, trigger="notify",
                         from_state="planned", to_state="notified")
            session.flush()
            # A bulk insert of entries (one statement of many rows, as an import would) counts each.
            session.execute(insert(AuditEntry), [
                {"entity": "inspection", "entity_id": case.id, "seq": 1000 + n, "inspection_id": case.id,
                 "at": at(inspection.visit_date, 10 + n), "actor": "import", "trigger": "notify", "from_state": "planned",
                 "to_state": "notified", "data_json": "{}", "prev_hash": "0" * 64, "hash": "0" * 64} for n in range(3)])
            assert tallied(session) == recounted(session) != before  # counted by the inserts themselves
            assert sum(tallied(session).values()) == sum(before.values()) + 4
            1 / 0  # the change fails after its entry was written: rolled back, counted with it
    with db.session() as session:
        assert tallied(session) == before == recounted(session)


def test_the_case_lists_come_in_pages_with_links_and_the_total(app):
    from tests.test_api import bearer
    client = app.test_client()
    first = client.get("/api/v1/inspections?kind=direct&limit=10", headers=bearer(app, "leader"))
    assert first.status_code == 200 and first.headers["X-Total-Count"] == "25"
    assert [case["id"] for case in first.json] == sorted(case["id"] for case in first.json) and len(first.json) == 10
    links = {rel: url for url, rel in (part.split("; rel=") for part in first.headers["Link"].split(", "))}
    assert set(links) == {'"first"', '"next"', '"last"'} and "offset=10" in links['"next"'] and "kind=direct" in links['"next"']
    second = client.get(links['"next"'].strip("<>"), headers=bearer(app, "leader"))
    assert 'rel="prev"' in second.headers["Link"] and not {c["id"] for c in second.json} & {c["id"] for c in first.json}
    last = client.get(links['"last"'].strip("<>"), headers=bearer(app, "leader"))
    assert len(last.json) == 5 and 'rel="next"' not in last.headers["Link"]
    assert client.get("/api/v1/inspections?limit=1001", headers=bearer(app, "leader")).status_code == 422
    audit = client.get("/api/v1/audit?limit=2", headers=bearer(app, "auditor"))
    assert audit.headers["X-Total-Count"] == str(audit.json["total"]) and 'rel="next"' in audit.headers["Link"]


def test_a_search_ignores_diacritics_and_case(db):
    from workflow.queries.case_list import list_cases
    for typed, found in (("tan ky", "Tân Kỳ"), ("TÂN KỲ", "Tân Kỳ"), ("dai son", "Đại Sơn"), ("Đại  sơn", "Đại Sơn")):
        with db.session() as session:
            names = {case.unit_name for case in list_cases(session, LEADER, search=typed)}
        assert names and all(found in name for name in names), typed
    with db.session() as session:
        assert list_cases(session, LEADER, search="100%_") == []


def test_the_case_list_searches_folded_and_sorts_by_the_next_deadline(app):
    from tests.web import login
    client = app.test_client()
    login(client, "coordinator")
    found = client.get("/admin/inspection/?search=tan+ky").get_data(as_text=True)
    assert "UBND xã Tân Kỳ" in found and "UBND xã Đại Sơn" not in found
    assert "UBND xã Đại Sơn" in client.get("/admin/inspection/?search=DAI+SON").get_data(as_text=True)
    assert client.get("/admin/inspection/?sort=5").status_code == 200
    dashboard = client.get("/admin/?as_of=2023-08-10").get_data(as_text=True)
    assert 'id="counts"' in dashboard and 'id="visits"' in dashboard
