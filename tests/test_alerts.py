"""The alert plan, the sweep, timed transitions and acknowledgements, on both databases."""
from datetime import date, datetime

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from jobs.digest import queue_digest
from jobs.sweep import SweepReport, _raise_batch, sweep
from models import Alert, AuditEntry, Inspection, OutboxMessage
from models.db import write_transaction
from tests.conftest import VN
from tests.helpers import COORDINATOR, DAY, at, case, direct_path, fire_in, first_case, notice_day, run_path
from tests.people import COORDINATOR_EMAIL, LEADER_EMAIL, add_people, unit_email
from workflow.alerts.actions import acknowledge
from workflow.alerts.plan import replan_campaign
from workflow.audit import verify
from workflow.errors import NotPermitted, TransitionNotAllowed
from workflow.people.permissions import Actor


def alerts_of(db, inspection_id: int) -> dict[tuple[str, int], Alert]:
    with db.session() as session:
        rows = session.scalars(select(Alert).where(Alert.inspection_id == inspection_id)).all()
        session.expunge_all()
    return {(a.rule, a.level): a for a in rows}


def moment(day: date, hour: int = 7) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=VN)


def do_sweep(db, now: datetime) -> SweepReport:
    with db.session() as session:
        return sweep(session, now)


def test_opening_a_case_plans_its_alerts_from_the_timed_rules(db):
    direct = first_case(db, "direct")  # visit Thu 27/07/2023: notice due Mon 17/07
    planned = alerts_of(db, direct.id)
    assert {key: (a.status, a.due_on, a.fire_at) for key, a in planned.items()} == {
        ("notice", 0): ("planned", date(2023, 7, 17), moment(date(2023, 7, 14))),  # 3 d before, back to Friday
        ("notice", 1): ("planned", date(2023, 7, 17), moment(date(2023, 7, 18))),  # missed: the next working day
        ("notice", 2): ("planned", date(2023, 7, 17), moment(date(2023, 7, 21))),  # visit − 5 d = Sat 22/07 → Fri
    }
    own = first_case(db, "self")  # "trước ngày 20/8/2023": report due Sat 19/08; done "trước ngày 15/8": by Mon 14/08
    assert {key: (a.due_on, a.fire_at) for key, a in alerts_of(db, own.id).items()} == {
        ("self_check", 0): (date(2023, 8, 14), moment(date(2023, 8, 9))),  # the reminder before the completion date
        ("self_report", 0): (date(2023, 8, 19), moment(date(2023, 8, 14))),
        ("self_report", 1): (date(2023, 8, 19), moment(date(2023, 8, 21))),  # missed: the next working day
        ("self_report", 2): (date(2023, 8, 19), moment(date(2023, 8, 28))),  # 5 d after Mon 21/08 = Sat → Mon
    }


def test_a_change_replans_and_resolves_what_it_answers(db):
    add_people(db)
    inspection = first_case(db, "direct")
    report = do_sweep(db, at(date(2023, 7, 18), 8))
    mine = [(e.rule, e.level) for e in report.raised if e.case_id == inspection.id]
    assert mine == [("notice", 1)]  # the reminder of 14/07 is overtaken in the same sweep: recorded, not mailed
    assert alerts_of(db, inspection.id)[("notice", 0)].resolution == "escalated"
    # Too late for 27/07: the notice goes out for 01/08 instead.
    fire_in(db, inspection.id, "notify", at(date(2023, 7, 18), 10), visit_date="2023-08-01")
    after = alerts_of(db, inspection.id)
    assert after[("notice", 1)].status == "resolved" and after[("notice", 1)].resolution == "state_left"
    assert ("notice", 2) not in after  # planned, never raised: dropped
    assert after[("report", 0)].status == "planned" and after[("report", 0)].due_on == date(2023, 7, 27)
    # A reschedule moves the due dates: the planned moments move with them.
    fire_in(db, inspection.id, "reschedule", at(date(2023, 7, 19)), visit_date="2023-08-10")
    moved = alerts_of(db, inspection.id)
    assert ("report", 0) not in moved and moved[("notice", 2)].due_on == date(2023, 7, 31)
    assert moved[("notice", 1)].status == "resolved"  # raised once for this case: it never fires again


def test_each_level_is_raised_once_with_its_mail(db):
    add_people(db)
    first = do_sweep(db, at(date(2023, 7, 14), 8))
    assert [(e.rule, e.level) for e in first.raised] == [("notice", 0)] * 4
    assert first.mails == 4  # the coordinator: sending the notice is the team's job
    assert do_sweep(db, at(date(2023, 7, 14), 9)).quiet
    with db.session() as session:
        recipients = session.scalars(select(OutboxMessage.recipient)).all()
        assert recipients == [COORDINATOR_EMAIL] * 4
        duplicate = session.scalars(select(Alert).where(Alert.status == "open")).first()
        with pytest.raises(IntegrityError), write_transaction(session):
            session.add(Alert(inspection_id=duplicate.inspection_id, rule=duplicate.rule, level=duplicate.level,
                              due_on=duplicate.due_on, fire_at=duplicate.fire_at, status="planned"))


def test_unit_late_with_its_report_gets_reminded_then_escalated(db):
    add_people(db)
    inspection = first_case(db, "direct")
    visit = inspection.visit_date  # 27/07: report due Sat 22/07 → Fri 21/07
    fire_in(db, inspection.id, "notify", at(date(2023, 7, 17)))
    reminder = do_sweep(db, at(date(2023, 7, 19), 8))  # 2 d before 21/07
    assert [(e.case_id, e.rule, e.level) for e in reminder.raised if e.case_id == inspection.id] == [(inspection.id, "report", 0)]
    overdue = do_sweep(db, at(date(2023, 7, 24), 8))  # missed: Monday 24/07
    assert [(e.rule, e.level) for e in overdue.raised if e.case_id == inspection.id] == [("report", 1)]
    escalated = do_sweep(db, at(visit, 8))
    assert [(e.rule, e.level) for e in escalated.raised if e.case_id == inspection.id] == [("report", 2)]
    with db.session() as session:
        mail = {(m.alert.level, m.recipient) for m in session.scalars(select(OutboxMessage)) if m.alert.inspection_id == inspection.id}
    unit = unit_email(inspection.unit_id)
    assert mail == {(0, unit), (1, COORDINATOR_EMAIL), (1, unit), (2, LEADER_EMAIL)}


def _to_remediation(db) -> Inspection:
    inspection = first_case(db, "direct")
    visit = inspection.visit_date
    findings = [{"section": "B.3", "text": "Chưa công khai đầy đủ TTHC", "due_date": "2023-09-15"}]
    run_path(db, inspection.id, direct_path(visit, findings=findings))
    fire_in(db, inspection.id, "start_remediation", at(visit + 11 * DAY))
    return case(db, inspection.id)


def test_no_remediation_report_after_the_grace_period_orders_a_reinspection(db):
    add_people(db)
    inspection = _to_remediation(db)
    assert inspection.remediation_due == date(2023, 9, 15)  # Friday; missed Mon 18/09; +10 d = Thu 28/09
    assert alerts_of(db, inspection.id)[("remediation", 2)].fire_at == moment(date(2023, 9, 28))
    assert not [e for e in do_sweep(db, at(date(2023, 9, 27), 8)).fired]
    report = do_sweep(db, at(date(2023, 9, 28), 8))
    assert [(f.case_id, f.trigger) for f in report.fired] == [(inspection.id, "order_reinspection")]
    assert {(e.rule, e.level, e.resolution) for e in report.resolved if e.case_id == inspection.id} >= {("remediation", 2, "state_left")}
    after = case(db, inspection.id)
    assert after.state == "reinspection"
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.inspection_id == inspection.id).order_by(AuditEntry.id.desc())).first()
        assert (entry.actor, entry.trigger, entry.from_state, entry.to_state) == ("system", "order_reinspection", "remediation", "reinspection")
        child = session.scalar(select(Inspection).where(Inspection.reinspection_of_id == inspection.id))
        assert child is not None and child.kind == "reinspection"
        assert verify(session).ok
    assert do_sweep(db, at(date(2023, 9, 29), 8)).fired == []


def test_a_timed_transition_interrupted_by_a_change_of_the_case_does_not_fire(db):
    """The crash window between raising the alert and firing its trigger: the case changes in
    between (the unit reports after all), so the scheduler must not order a re-inspection."""
    inspection = _to_remediation(db)
    with db.session() as session:  # the sweep raised the alert, then the process died
        while _raise_batch(session, at(date(2023, 9, 28), 8), 500, "localhost", SweepReport()):
            pass
    assert alerts_of(db, inspection.id)[("remediation", 2)].status == "open"
    fire_in(db, inspection.id, "report_remediation", at(date(2023, 9, 28), 9), actor=COORDINATOR, statuses={"1": "done"})
    report = do_sweep(db, at(date(2023, 9, 28), 10))
    assert report.fired == [] and report.failed == []
    assert case(db, inspection.id).state == "remediation_reported"
    assert alerts_of(db, inspection.id)[("remediation", 2)].resolution == "state_left"


def test_coordinators_acknowledge_open_alerts_in_the_audit_log(db):
    do_sweep(db, at(date(2023, 7, 14), 8))
    with db.session() as session:
        alert_id = session.scalar(select(Alert.id).where(Alert.status == "open").order_by(Alert.id))
        with pytest.raises(NotPermitted):
            acknowledge(session, alert_id, Actor("lanhdao@tuky.local", "leader"), at(date(2023, 7, 14), 9))
        acknowledged = acknowledge(session, alert_id, COORDINATOR, at(date(2023, 7, 14), 9), "Đã nhắc đoàn")
        assert (acknowledged.status, acknowledged.acknowledged_by) == ("acknowledged", COORDINATOR.name)
        with pytest.raises(TransitionNotAllowed):
            acknowledge(session, alert_id, COORDINATOR, at(date(2023, 7, 14), 10))
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "alert", AuditEntry.entity_id == alert_id)).one()
        assert (entry.trigger, entry.actor, entry.comment) == ("acknowledge", COORDINATOR.name, "Đã nhắc đoàn")
        assert verify(session).ok


def test_the_daily_digest_goes_once_a_day_to_each_coordinator_and_leader(db):
    add_people(db)
    do_sweep(db, at(date(2023, 7, 18), 8))
    with db.session() as session:
        assert queue_digest(session, at(date(2023, 7, 18), 7), "tuky.local") == 2
        assert queue_digest(session, at(date(2023, 7, 18), 9), "tuky.local") == 0
        digests = session.scalars(select(OutboxMessage).where(OutboxMessage.digest_on == date(2023, 7, 18))).all()
        assert sorted(d.recipient for d in digests) == sorted([COORDINATOR_EMAIL, LEADER_EMAIL])
        digest = digests[0]
        assert "[CCHC] Tổng hợp ngày 18/07/2023: 2 đến hạn hôm nay, 2 quá hạn, 0 đã báo cáo lãnh đạo" == digest.subject
        assert "hồ sơ #1, Phòng Tài nguyên và Môi trường: thông báo lịch kiểm tra, hạn 17/07/2023" in digest.body
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.digest_on.is_not(None))) == 2


def test_a_timed_transition_waits_when_the_case_changed_but_still_waits_for_its_report(db):
    """Another change of the case (its version moved, it is still in remediation) between
    raising the alert and firing: the scheduler does not act on what it saw, but on the next sweep."""
    inspection = _to_remediation(db)
    with db.session() as session:
        while _raise_batch(session, at(date(2023, 9, 28), 8), 500, "localhost", SweepReport()):
            pass
        with write_transaction(session):  # e.g. a finding's note edited: the case is saved again
            session.get(Inspection, inspection.id).updated_at = at(date(2023, 9, 28), 9)
    first = do_sweep(db, at(date(2023, 9, 28), 10))
    assert first.fired == [] and alerts_of(db, inspection.id)[("remediation", 2)].case_version == inspection.version + 1
    second = do_sweep(db, at(date(2023, 9, 28), 11))
    assert [(f.case_id, f.trigger) for f in second.fired] == [(inspection.id, "order_reinspection")]


def test_changed_campaign_settings_move_the_planned_moments_after_a_replan(db):
    inspection = _to_remediation(db)
    assert alerts_of(db, inspection.id)[("remediation", 2)].fire_at == moment(date(2023, 9, 28))
    with db.session() as session:
        with write_transaction(session):
            campaign = session.get(Inspection, inspection.id).campaign
            campaign.remediation_grace_days, campaign.alert_hour = 20, 8
        assert replan_campaign(session, "tuky-2023", at(date(2023, 9, 1))) == 35
    moved = alerts_of(db, inspection.id)
    assert moved[("remediation", 2)].fire_at == moment(date(2023, 10, 9), 8)  # 20 d after Mon 18/09 = Sun 08/10 → Mon
    assert moved[("remediation", 0)].fire_at == moment(date(2023, 9, 8), 8)


def test_a_change_writes_only_the_alert_rows_whose_moment_changed_one_statement_each_way(db):
    inspection = first_case(db, "direct")  # planned, visit Thu 27/07/2023
    before = alerts_of(db, inspection.id)
    statements: list[str] = []

    def alert_statements(_conn, _cursor, statement: str, *_args) -> None:
        if " alert" in statement:
            statements.append(statement.split()[0])

    event.listen(db.engine, "before_cursor_execute", alert_statements)
    try:
        moved = fire_in(db, inspection.id, "reschedule", at(date(2023, 7, 10)), visit_date="2023-08-03")
        assert statements == ["SELECT", "UPDATE"]  # the three notice levels moved in one executemany
        after = alerts_of(db, inspection.id)
        assert {key: alert.id for key, alert in after.items()} == {key: alert.id for key, alert in before.items()}
        assert all(after[key].fire_at != before[key].fire_at for key in before)
        visit = date(2023, 8, 3)
        statements.clear()
        notified = fire_in(db, inspection.id, "notify", at(notice_day(visit)), notice_date=notice_day(visit).isoformat())
        assert statements == ["SELECT", "DELETE", "INSERT"]  # notice levels dropped, report levels planned
        assert {key[0] for key in alerts_of(db, inspection.id)} == {"report"}
    finally:
        event.remove(db.engine, "before_cursor_execute", alert_statements)
    assert (moved.version, notified.version) == (inspection.version + 1, inspection.version + 2)
