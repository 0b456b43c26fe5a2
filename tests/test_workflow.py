"""Every transition of the three tables and every guard, through the service, on both databases."""
from datetime import date

import pytest
from sqlalchemy import select

from models import Campaign, Finding, Inspection, Unit
from models.db import write_transaction
from tests.helpers import COORDINATOR, DAY, FINDINGS, at, audit_count, case, direct_path, fire_in, first_case, run_path
from workflow.casefile.findings import review_finding
from workflow.engine.cases import open_case
from workflow.errors import BadData, ConcurrentUpdate, GuardRefused, NotFound, NotPermitted, TransitionNotAllowed
from workflow.people.permissions import Actor


def findings_of(session, inspection_id: int) -> list[Finding]:
    return session.scalars(select(Finding).where(Finding.inspection_id == inspection_id).order_by(Finding.position)).all()


def test_direct_case_from_planned_to_closed_without_findings(db):
    inspection = first_case(db, "direct")
    results = run_path(db, inspection.id, direct_path(inspection.visit_date, findings=[]))
    assert [r.to_state for r in results] == ["notified", "report_received", "visited", "minutes_signed", "concluded"]
    closed = fire_in(db, inspection.id, "accept", at(inspection.visit_date + 11 * DAY), comment="Đạt yêu cầu")
    assert closed.to_state == "closed"
    final = case(db, inspection.id)
    assert final.closed_date == inspection.visit_date + 11 * DAY
    # The văn thư's number as typed; the team's minutes from the register's own sequence.
    assert final.notice_number == results[0].extra["register"]["number"] and final.minutes_number == "01/BB-ĐKT"
    with db.session() as session:
        assert audit_count(session, inspection.id) == 1 + 6  # "create" and one per change


def test_direct_case_with_findings_through_remediation(db):
    inspection = first_case(db, "direct")
    visit = inspection.visit_date
    run_path(db, inspection.id, direct_path(visit))
    with db.session() as session:
        findings = session.scalars(select(Finding).where(Finding.inspection_id == inspection.id).order_by(Finding.position)).all()
        assert [(f.position, f.section_code, f.status) for f in findings] == [(1, "B.3", "open"), (2, "B.7", "open")]
    fire_in(db, inspection.id, "start_remediation", at(visit + 11 * DAY))
    assert case(db, inspection.id).remediation_due == findings[0].due_date
    fire_in(db, inspection.id, "report_remediation", at(visit + 30 * DAY), statuses='{"1": "done", "2": {"status": "done", "note": "Đã số hoá"}}')
    with db.session() as session:
        notes = session.scalars(select(Finding.unit_note).where(Finding.inspection_id == inspection.id).order_by(Finding.position)).all()
    assert notes == [None, "Đã số hoá"]
    with pytest.raises(GuardRefused) as refused:  # reported done is not accepted yet: the team decides
        fire_in(db, inspection.id, "accept", at(visit + 31 * DAY))
    assert "số 1, 2" in str(refused.value)
    for number in (1, 2):
        with db.session() as session:
            review_finding(session, inspection.id, number, accepted=True, note=None, actor=COORDINATOR, now=at(visit + 31 * DAY))
    assert fire_in(db, inspection.id, "accept", at(visit + 31 * DAY)).to_state == "closed"
    with db.session() as session:
        assert session.scalars(select(Finding.accepted).where(Finding.inspection_id == inspection.id)).all() == [True, True]


def test_remediation_deadline_is_the_latest_open_finding(db):
    inspection = first_case(db, "direct")
    visit = inspection.visit_date
    findings = [dict(FINDINGS[0], due_date="2023-09-30"), dict(FINDINGS[1], due_date="2023-10-15")]
    run_path(db, inspection.id, direct_path(visit, findings=findings))
    fire_in(db, inspection.id, "start_remediation", at(visit + 11 * DAY))
    assert case(db, inspection.id).remediation_due == date(2023, 10, 16)  # 15/10 is a Sunday: Art. 148


def test_findings_default_to_the_campaigns_remediation_period(db):
    inspection = first_case(db, "direct")
    visit = inspection.visit_date  # 27/07/2023
    run_path(db, inspection.id, direct_path(visit))
    with db.session() as session:
        dues = session.scalars(select(Finding.due_date).where(Finding.inspection_id == inspection.id)).all()
    # conclusion 06/08/2023 + 30 days = 05/09/2023 (a Tuesday, a working day)
    assert dues == [date(2023, 9, 5), date(2023, 9, 5)]


def test_notice_nine_days_before_the_visit_is_refused_in_vietnamese(db):
    inspection = first_case(db, "direct")
    visit = inspection.visit_date
    with pytest.raises(GuardRefused) as refused:
        fire_in(db, inspection.id, "notify", at(visit - 9 * DAY), notice_date=(visit - 9 * DAY).isoformat())
    message = str(refused.value)
    assert "ít nhất 10 ngày" in message and visit.strftime("%d/%m/%Y") in message
    assert (visit - 10 * DAY).strftime("%d/%m/%Y") in message
    assert refused.value.problems[0].field == "notice_date"
    unchanged = case(db, inspection.id)
    assert (unchanged.state, unchanged.version, unchanged.notice_date) == ("planned", inspection.version, None)


def test_notice_on_a_day_off_exactly_ten_days_ahead_is_accepted(db):
    inspection = first_case(db, "direct")
    visit = date(2023, 8, 2)  # Wednesday; ten days before is Sunday 23/07
    result = fire_in(db, inspection.id, "notify", at(date(2023, 7, 23)), notice_date="2023-07-23", visit_date=visit.isoformat(),
                     date_reason="Gửi qua hệ thống quản lý văn bản ngày Chủ nhật")  # a notice on a day off needs a reason
    assert result.to_state == "notified"
    assert case(db, inspection.id).notice_due == date(2023, 7, 21)  # the working day before


def test_notice_refusal_names_the_last_working_day_when_the_limit_is_a_day_off(db):
    inspection = first_case(db, "direct")
    with pytest.raises(GuardRefused) as refused:
        fire_in(db, inspection.id, "notify", at(date(2023, 7, 24)), notice_date="2023-07-24", visit_date="2023-08-02")
    assert "23/07/2023 là ngày nghỉ" in str(refused.value) and "21/07/2023" in str(refused.value)


def test_report_after_the_limit_is_accepted_and_flagged_late(db):
    inspection = first_case(db, "direct")
    visit = inspection.visit_date
    fire_in(db, inspection.id, "notify", at(visit - 10 * DAY))
    on_time = fire_in(db, inspection.id, "receive_report", at(visit - 4 * DAY))
    assert on_time.to_state == "report_received" and on_time.extra == {"late": True}


def test_visit_before_the_report_needs_a_reason(db):
    inspection = first_case(db, "direct")
    visit = inspection.visit_date
    fire_in(db, inspection.id, "notify", at(visit - 10 * DAY))
    with pytest.raises(GuardRefused) as refused:
        fire_in(db, inspection.id, "visit", at(visit))
    assert refused.value.problems[0].field == "reason" and "Lý do" in str(refused.value)
    assert fire_in(db, inspection.id, "visit", at(visit), reason="Đơn vị chưa gửi báo cáo; vẫn kiểm tra theo lịch").to_state == "visited"


def test_visit_cannot_be_recorded_in_the_future(db):
    inspection = first_case(db, "direct")
    visit = inspection.visit_date
    run_path(db, inspection.id, direct_path(visit)[:2])
    with pytest.raises(GuardRefused) as refused:
        fire_in(db, inspection.id, "visit", at(visit - 3 * DAY), visit_date=visit.isoformat())
    assert refused.value.problems[0].field == "visit_date"


def test_steps_cannot_be_dated_before_the_step_they_follow(db):
    inspection = first_case(db, "direct")
    visit = inspection.visit_date
    run_path(db, inspection.id, direct_path(visit)[:3])
    with pytest.raises(GuardRefused) as refused:
        fire_in(db, inspection.id, "sign_minutes", at(visit), minutes_date=(visit - DAY).isoformat())
    assert refused.value.problems[0].field == "minutes_date"


def test_findings_must_name_a_section_of_the_units_outline(db):
    office = first_case(db, "direct", "office")
    run_path(db, office.id, direct_path(office.visit_date)[:4])
    with pytest.raises(GuardRefused) as refused:  # offices have B.1–B.8 only
        fire_in(db, office.id, "conclude", at(office.visit_date + 5 * DAY), findings=[{"section": "B.9", "text": "x"}])
    assert "B.9" in str(refused.value)
    with pytest.raises(BadData) as bad:
        fire_in(db, office.id, "conclude", at(office.visit_date + 5 * DAY), findings='[{"section": "B.1"}]')
    assert "Vui lòng nhập nội dung." in str(bad.value)


def test_start_remediation_needs_findings_and_accept_needs_none(db):
    inspection = first_case(db, "direct")
    run_path(db, inspection.id, direct_path(inspection.visit_date, findings=[]))
    with pytest.raises(GuardRefused):
        fire_in(db, inspection.id, "start_remediation", at(date(2023, 8, 10)))
    other = case(db, inspection.id + 1)
    run_path(db, other.id, direct_path(other.visit_date))
    with pytest.raises(GuardRefused) as refused:
        fire_in(db, other.id, "accept", at(date(2023, 8, 10)))
    assert "2 kiến nghị" in str(refused.value)


def test_unfinished_remediation_leads_to_a_reinspection_case(db):
    inspection = first_case(db, "direct")
    visit = inspection.visit_date
    run_path(db, inspection.id, direct_path(visit))
    fire_in(db, inspection.id, "start_remediation", at(visit + 11 * DAY))
    fire_in(db, inspection.id, "report_remediation", at(visit + 30 * DAY), statuses=["done", "in_progress"])
    with db.session() as session:
        review_finding(session, inspection.id, 1, accepted=True, note=None, actor=COORDINATOR, now=at(visit + 31 * DAY))
    with db.session() as session:
        review_finding(session, inspection.id, 2, accepted=False, note="Chưa số hoá xong", actor=COORDINATOR, now=at(visit + 31 * DAY))
    with pytest.raises(GuardRefused) as refused:
        fire_in(db, inspection.id, "accept", at(visit + 31 * DAY))
    assert "số 2 chưa" in str(refused.value)
    ordered = fire_in(db, inspection.id, "order_reinspection", at(visit + 31 * DAY), reason="Kiến nghị 2 chưa xong", planned_date=(visit + 60 * DAY).isoformat())
    assert ordered.to_state == "reinspection"
    child = case(db, ordered.extra["reinspection_case"])
    assert (child.kind, child.state, child.reinspection_of_id, child.visit_date) == ("reinspection", "planned", inspection.id, visit + 60 * DAY)
    assert child.notice_due is not None  # announced: runs on the direct table
    with db.session() as session:  # the finding not accepted is carried over, linked to its original
        carried = session.scalars(select(Finding).where(Finding.inspection_id == child.id)).all()
        assert [(f.position, f.section_code, f.status, f.carried_from_id) for f in carried] == [(1, "B.7", "open", findings_of(session, inspection.id)[1].id)]
    run_path(db, child.id, direct_path(child.visit_date, findings=[]))
    with pytest.raises(GuardRefused):  # the carried finding is still open
        fire_in(db, child.id, "accept", at(child.visit_date + 11 * DAY))
    with db.session() as session:  # checked on site during the phúc tra
        review_finding(session, child.id, 1, accepted=True, note="Đã số hoá 100% hồ sơ", actor=COORDINATOR, now=at(child.visit_date + 11 * DAY))
    fire_in(db, child.id, "accept", at(child.visit_date + 11 * DAY))
    # Closing the phúc tra completes the re-inspection of the original, in the same transaction.
    assert case(db, inspection.id).state == "closed"
    with db.session() as session:
        assert audit_count(session, inspection.id) == 1 + 9 + 2  # and the two decisions on findings


def test_unannounced_reinspection_runs_on_the_surprise_table(db):
    inspection = first_case(db, "direct")
    visit = inspection.visit_date
    run_path(db, inspection.id, direct_path(visit))
    fire_in(db, inspection.id, "start_remediation", at(visit + 11 * DAY))
    child_id = fire_in(db, inspection.id, "order_reinspection", at(visit + 50 * DAY), unannounced="true").extra["reinspection_case"]
    child = case(db, child_id)
    assert child.unannounced and child.notice_due is None
    with pytest.raises(TransitionNotAllowed):
        fire_in(db, child_id, "notify", at(visit + 51 * DAY))
    assert fire_in(db, child_id, "visit", at(visit + 53 * DAY), radio="Đài Phát thanh huyện").to_state == "visited"


def test_complete_reinspection_not_resolved_returns_to_remediation_with_a_new_deadline(db):
    inspection = first_case(db, "direct")
    visit = inspection.visit_date
    run_path(db, inspection.id, direct_path(visit))
    fire_in(db, inspection.id, "start_remediation", at(visit + 11 * DAY))
    fire_in(db, inspection.id, "order_reinspection", at(visit + 50 * DAY))
    with pytest.raises(BadData) as bad:
        fire_in(db, inspection.id, "complete_reinspection", at(visit + 70 * DAY), result="not_resolved")
    assert bad.value.problems[0].field == "due_date"
    back = fire_in(db, inspection.id, "complete_reinspection", at(visit + 70 * DAY), result="not_resolved", due_date="2023-11-30")
    assert back.to_state == "remediation"
    assert case(db, inspection.id).remediation_due == date(2023, 11, 30)


def test_surprise_case_starts_with_the_visit(db):
    with db.session() as session, write_transaction(session):
        campaign = session.scalar(select(Campaign))
        unit = session.scalar(select(Unit).where(Unit.name == "UBND xã Hà Kỳ"))
        surprise_id = open_case(session, campaign=campaign, unit=unit, kind="surprise", actor=COORDINATOR, now=at(date(2023, 8, 1))).id
    assert case(db, surprise_id).notice_due is None
    with pytest.raises(TransitionNotAllowed):
        fire_in(db, surprise_id, "notify", at(date(2023, 8, 1)))
    visited = fire_in(db, surprise_id, "visit", at(date(2023, 8, 9)), radio="Phóng viên Nguyễn Văn A, Đài Phát thanh huyện")
    assert visited.to_state == "visited"
    assert case(db, surprise_id).radio.startswith("Phóng viên")
    assert fire_in(db, surprise_id, "sign_minutes", at(date(2023, 8, 9))).to_state == "minutes_signed"


def test_self_inspection_is_reported_then_accepted(db):
    inspection = first_case(db, "self")
    assert inspection.self_report_due == date(2023, 8, 19)  # "trước ngày 20/8/2023"
    assert inspection.self_check_due == date(2023, 8, 14)  # "tự kiểm tra xong trước ngày 15/8/2023"
    with pytest.raises(TransitionNotAllowed):
        fire_in(db, inspection.id, "notify", at(date(2023, 8, 1)))
    late = fire_in(db, inspection.id, "receive_report", at(date(2023, 8, 22)))
    assert late.to_state == "report_received" and late.extra == {"late": True}
    assert fire_in(db, inspection.id, "accept", at(date(2023, 8, 25))).to_state == "closed"


def test_reschedule_voids_the_notice_which_must_be_sent_again(db):
    inspection = first_case(db, "direct")
    visit = inspection.visit_date
    fire_in(db, inspection.id, "notify", at(visit - 10 * DAY), notice_number="01/TB-UBND")
    moved = fire_in(db, inspection.id, "reschedule", at(visit - 8 * DAY), visit_date="2023-08-21", reason="Trùng lịch họp")
    assert moved.to_state == "planned" and moved.extra["voided_notice"]["notice_number"] == "01/TB-UBND"
    after = case(db, inspection.id)
    assert (after.notice_number, after.visit_date, after.notice_due) == (None, date(2023, 8, 21), date(2023, 8, 11))
    with pytest.raises(GuardRefused):
        fire_in(db, inspection.id, "reschedule", at(date(2023, 8, 1)), visit_date="2023-07-30")


def test_cancel_needs_a_reason_and_ends_the_case(db):
    inspection = first_case(db, "direct")
    with pytest.raises(BadData) as bad:
        fire_in(db, inspection.id, "cancel", at(date(2023, 7, 12)))
    assert bad.value.problems[0].field == "reason"
    assert fire_in(db, inspection.id, "cancel", at(date(2023, 7, 12)), reason="Đơn vị sáp nhập").to_state == "cancelled"
    with pytest.raises(TransitionNotAllowed) as refused:
        fire_in(db, inspection.id, "notify", at(date(2023, 7, 13)))
    assert "Đã hủy" in str(refused.value)


def test_errors_are_distinct_and_change_nothing(db):
    inspection = first_case(db, "direct")
    with db.session() as session:
        before = audit_count(session)
    with pytest.raises(BadData):
        fire_in(db, inspection.id, "fly", at(date(2023, 7, 12)))
    with pytest.raises(BadData):
        fire_in(db, inspection.id, "notify", at(date(2023, 7, 12)), notice_date="12/07/2023")
    with pytest.raises(BadData):
        fire_in(db, inspection.id, "notify", at(date(2023, 7, 12)), colour="blue")
    with pytest.raises(TransitionNotAllowed):
        fire_in(db, inspection.id, "sign_minutes", at(date(2023, 7, 12)))
    with pytest.raises(NotFound):
        fire_in(db, 10_000, "notify", at(date(2023, 7, 12)))
    with pytest.raises(NotPermitted):
        fire_in(db, inspection.id, "notify", at(date(2023, 7, 12)), actor=Actor("lead@tuky.local", "leader"))
    with db.session() as session:
        assert audit_count(session) == before
        assert session.get(Inspection, inspection.id).version == inspection.version


def test_unit_contacts_act_only_on_their_own_unit(db):
    inspection = first_case(db, "direct")
    visit = inspection.visit_date
    fire_in(db, inspection.id, "notify", at(visit - 10 * DAY))
    own = Actor("vanthu@tnmt.tuky.local", "unit", unit_id=inspection.unit_id)
    stranger = Actor("vanthu@gddt.tuky.local", "unit", unit_id=inspection.unit_id + 1)
    with pytest.raises(NotFound):
        fire_in(db, inspection.id, "receive_report", at(visit - 6 * DAY), actor=stranger)
    with pytest.raises(NotPermitted):
        fire_in(db, inspection.id, "visit", at(visit), actor=own)
    assert fire_in(db, inspection.id, "receive_report", at(visit - 6 * DAY), actor=own).to_state == "report_received"


def test_expected_version_catches_a_stale_form(db):
    inspection = first_case(db, "direct")
    visit = inspection.visit_date
    fire_in(db, inspection.id, "notify", at(visit - 10 * DAY), expected_version=inspection.version)
    with pytest.raises(ConcurrentUpdate):
        fire_in(db, inspection.id, "reschedule", at(visit - 10 * DAY), visit_date="2023-08-30", expected_version=inspection.version)


def test_a_step_dated_before_the_one_it_follows_names_both_dates(db):
    inspection = first_case(db, "direct")
    visit = inspection.visit_date
    steps = direct_path(visit)
    run_path(db, inspection.id, steps[:4])  # the minutes adopted on the visit's day
    conclude, moment, data = steps[4]
    with pytest.raises(GuardRefused) as refused:
        fire_in(db, inspection.id, conclude, moment, **{**data, "conclusion_date": (visit - DAY).isoformat()})
    assert (f"Ngày kết luận ({(visit - DAY):%d/%m/%Y}) không được trước ngày thông qua biên bản ({visit:%d/%m/%Y})."
            in str(refused.value))
