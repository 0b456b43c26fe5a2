"""Issue #15: every date and every field of every step checked, the register kept the way a văn
thư keeps it, and reports that count the steps missed. Each case the issue lists is tried here
(on both databases) and refused with the rule and the dates named, or accepted only with a
recorded reason where the rule allows one; a hypothesis property checks the date rules of every
trigger against an independent oracle."""
from __future__ import annotations

import io
import json
from datetime import date

from docx import Document

import holidays
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from models import Alert, AuditEntry, Campaign, Finding, Inspection, RegisterEntry
from models.db import Database, write_transaction
from tests.helpers import (
    COORDINATOR, DAY, FINDINGS, PAPER, PARTICIPANTS, TEAM, agency_number, at, case, direct_path, fire_in,
    first_case, run_path, scan,
)
from jobs.recipients import AddressBook
from workflow.alerts.rules import REMINDER, RULES_BY_NAME
from workflow.casefile import case_edits
from workflow.casefile.rendering import render_document
from workflow.deadlines.due_dates import late_steps, missed_steps
from workflow.errors import BadData, GuardRefused, WorkflowError
from workflow.people.permissions import Actor
from workflow.queries import dashboard
from workflow.records import register
from workflow.records.files import FileStore

D = date.fromisoformat
REASON = "Lãnh đạo UBND huyện chỉ đạo kiểm tra vào ngày này"


def refused(call) -> str:
    with pytest.raises(WorkflowError) as error:
        call()
    return str(error.value)


def fields_of(call) -> list[str | None]:
    with pytest.raises(WorkflowError) as error:
        call()
    return [problem.field for problem in error.value.problems]


def notified(db: Database, visit: date | None = None) -> Inspection:
    """The first direct case, notified on time for its planned visit (27/07/2023)."""
    inspection = first_case(db, "direct")
    run_path(db, inspection.id, direct_path(visit or inspection.visit_date)[:1])
    return case(db, inspection.id)


# --- 1. The campaign's date rules on every step -------------------------------------------


def test_a_notice_before_the_team_decision_or_on_a_sunday_is_refused(db):
    inspection = first_case(db, "direct")
    early = refused(lambda: fire_in(db, inspection.id, "notify", at(D("2023-07-01")), notice_date="2023-07-01"))
    assert "01/07/2023 trước ngày ban hành Quyết định thành lập Đoàn kiểm tra (17/07/2023)" in early
    sunday = refused(lambda: fire_in(db, inspection.id, "notify", at(D("2023-07-16")), notice_date="2023-07-16"))
    assert "16/07/2023 là ngày nghỉ cuối tuần" in sunday
    assert case(db, inspection.id).state == "planned"


@pytest.mark.parametrize(("visit", "words"), [
    ("2023-08-19", ["19/08/2023 là ngày nghỉ cuối tuần"]),
    ("2023-09-04", ["04/09/2023 là ngày lễ, Tết", "ngoài thời gian kiểm tra của đợt, từ 01/07/2023 đến 31/08/2023"]),
    ("2023-10-16", ["16/10/2023 ngoài thời gian kiểm tra"]),
    ("2024-01-15", ["15/01/2024 ngoài thời gian kiểm tra"]),
])
def test_visits_on_days_off_or_outside_the_window_need_a_reason(db, visit, words):
    inspection = first_case(db, "direct")
    day = D(visit)
    notice = day - 14 * DAY
    while notice.weekday() >= 5 or notice in holidays.VN():
        notice -= DAY
    message = refused(lambda: fire_in(db, inspection.id, "notify", at(notice), notice_date=notice.isoformat(), visit_date=visit))
    assert all(word in message for word in words), message
    assert case(db, inspection.id).state == "planned"
    done = fire_in(db, inspection.id, "notify", at(notice), notice_date=notice.isoformat(), visit_date=visit, date_reason=REASON)
    assert done.to_state == "notified"
    with db.session() as session:
        assert json.loads(session.get(AuditEntry, done.audit_entry_id).data_json)["date_reason"] == REASON


def test_quoc_khanh_is_a_day_off_by_its_name(db):
    inspection = first_case(db, "direct")
    message = refused(lambda: fire_in(db, inspection.id, "reschedule", at(D("2023-08-01")), visit_date="2023-09-02"))
    assert "02/09/2023 là ngày lễ, Tết (Quốc khánh" in message or "02/09/2023 là ngày nghỉ cuối tuần" in message


def test_the_visit_is_not_earlier_than_notified_unless_a_reason_and_the_report_is_judged_on_the_actual_date(db):
    inspection = notified(db, D("2023-08-01"))  # notified on 21/07 for 01/08
    on_time = fire_in(db, inspection.id, "receive_report", at(D("2023-07-21")), received_date="2023-07-21")
    assert on_time.extra["late"] is False  # 01/08 − 5 days = 27/07
    early = refused(lambda: fire_in(db, inspection.id, "visit", at(D("2023-07-24")), visit_date="2023-07-24"))
    assert "24/07/2023 trước ngày kiểm tra đã thông báo cho đơn vị (01/08/2023)" in early
    assert case(db, inspection.id).state == "report_received"
    fire_in(db, inspection.id, "visit", at(D("2023-07-24")), visit_date="2023-07-24", date_reason=REASON)
    with db.session() as session:  # judged against the visit that happened: 24/07 − 5 days = 19/07
        current = session.get(Inspection, inspection.id)
        assert current.visited_date == D("2023-07-24") and late_steps(current, current.campaign) == ["report"]


def test_a_finding_deadline_on_a_day_off_is_moved_and_the_move_is_said(db):
    inspection = first_case(db, "direct")
    steps = direct_path(inspection.visit_date, findings=[dict(FINDINGS[0], due_date="2023-09-02")])
    results = run_path(db, inspection.id, steps)
    assert results[-1].extra["deadlines_moved"] == {"1": {"given": "2023-09-02", "moved_to": "2023-09-05"}}
    with db.session() as session:
        assert session.scalar(select(Finding.due_date).where(Finding.inspection_id == inspection.id)) == D("2023-09-05")


def test_the_self_inspection_date_is_asked_and_used_and_truoc_ngay_is_read_as_the_plan_writes_it(db):
    own = first_case(db, "self")
    assert (own.self_check_due, own.self_report_due) == (D("2023-08-14"), D("2023-08-19"))
    missing = fields_of(lambda: fire_in(db, own.id, "receive_report", at(D("2023-08-18")), complete=False, paper_reason=PAPER))
    assert "self_check_date" in missing
    after = refused(lambda: fire_in(db, own.id, "receive_report", at(D("2023-08-18")), self_check_date="2023-08-19"))
    assert "19/08/2023 sau ngày báo cáo 18/08/2023" in after
    late = fire_in(db, own.id, "receive_report", at(D("2023-08-18")), self_check_date="2023-08-16")
    assert late.extra == {"late": False, "self_check_late": True}
    with db.session() as session:
        assert session.get(Campaign, own.campaign_id).self_dates_before is True


# --- 2. Who may set which date ------------------------------------------------------------


def test_a_unit_cannot_choose_its_submission_date_and_the_office_records_a_paper_copy_with_a_reason(db):
    inspection = notified(db)
    unit = Actor("vt@tnmt.local", "unit", unit_id=inspection.unit_id)
    when = at(inspection.visit_date - 4 * DAY)
    backdated = refused(lambda: fire_in(db, inspection.id, "receive_report", when, actor=unit, received_date=(inspection.visit_date - 8 * DAY).isoformat()))
    assert "hệ thống ghi ngày hôm nay" in backdated
    paper = fields_of(lambda: fire_in(db, inspection.id, "receive_report", when, actor=unit, paper_reason="bản giấy"))
    assert "paper_reason" in paper
    no_reason = refused(lambda: fire_in(db, inspection.id, "receive_report", when, complete=False, file=scan(), received_date=(inspection.visit_date - 8 * DAY).isoformat()))
    assert "chỉ ghi ngày khác ngày gửi đối với bản giấy nhận trực tiếp" in no_reason
    assert case(db, inspection.id).state == "notified"
    done = fire_in(db, inspection.id, "receive_report", when, received_date=(inspection.visit_date - 8 * DAY).isoformat(), paper_reason=PAPER)
    assert done.extra["late"] is False and case(db, inspection.id).received_date == inspection.visit_date - 8 * DAY


def test_a_unit_submission_is_dated_by_the_server(db):
    inspection = notified(db)
    unit = Actor("vt@tnmt.local", "unit", unit_id=inspection.unit_id)
    when = at(inspection.visit_date - 6 * DAY)
    fire_in(db, inspection.id, "receive_report", when, actor=unit)
    assert case(db, inspection.id).received_date == when.date()


def test_a_coordinator_corrects_a_recorded_date_with_a_reason_audited_old_to_new(db):
    inspection = notified(db)
    fire_in(db, inspection.id, "receive_report", at(D("2026-12-02")))  # "Nhận báo cáo" a long time after, with today's date
    assert case(db, inspection.id).received_date == D("2026-12-02")
    with db.session() as session:
        no_reason = fields_of(lambda: case_edits.correct(session, inspection.id, COORDINATOR, at(D("2026-12-02")), received_date="2023-07-20"))
    assert no_reason == ["correction_reason"]
    with db.session() as session:
        case_edits.correct(session, inspection.id, COORDINATOR, at(D("2026-12-02"), 10), received_date="2023-07-20",
                           correction_reason="Báo cáo bản giấy đến ngày 20/07/2023, nhập muộn")
    corrected = case(db, inspection.id)
    assert corrected.received_date == D("2023-07-20")
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.inspection_id == inspection.id).order_by(AuditEntry.id.desc())).first()
        data = json.loads(entry.data_json)
        assert entry.trigger == "correct" and data["changes"]["received_date"] == {"old": "2026-12-02", "new": "2023-07-20"}
        assert data["correction_reason"].startswith("Báo cáo bản giấy")


# --- 3. Required means required -----------------------------------------------------------


def test_a_report_needs_its_file_or_a_paper_reason(db):
    inspection = notified(db)
    problems = fields_of(lambda: fire_in(db, inspection.id, "receive_report", at(inspection.visit_date - 6 * DAY), complete=False))
    assert problems == ["file"]


def test_a_visit_needs_its_team_and_signed_minutes_their_participants_and_scan(db):
    inspection = first_case(db, "direct")
    steps = direct_path(inspection.visit_date)
    run_path(db, inspection.id, steps[:2])
    assert fields_of(lambda: fire_in(db, inspection.id, "visit", at(inspection.visit_date), complete=False, team="")) == ["team"]
    fire_in(db, inspection.id, "visit", at(inspection.visit_date), team=TEAM)
    assert fields_of(lambda: fire_in(db, inspection.id, "sign_minutes", at(inspection.visit_date, 17), complete=False)) == ["participants", "file"]
    assert case(db, inspection.id).state == "visited"


def test_a_half_filled_finding_row_is_an_error_on_that_row_never_dropped(db):
    inspection = first_case(db, "direct")
    steps = direct_path(inspection.visit_date)
    run_path(db, inspection.id, steps[:4])
    day = inspection.visit_date + 10 * DAY
    half = [FINDINGS[0] | {"due_date": "2023-09-30"}, {"section": "B.7", "due_date": "2023-09-30"}]
    problems = fields_of(lambda: fire_in(db, inspection.id, "conclude", at(day), findings=half))
    assert problems == ["findings.1.text"]
    no_deadline = fields_of(lambda: fire_in(db, inspection.id, "conclude", at(day), complete=False, conclusion_number=agency_number(), findings=[FINDINGS[0]]))
    assert no_deadline == ["findings.0.due_date"]
    assert case(db, inspection.id).state == "minutes_signed"


def test_the_remediation_report_starts_with_no_status_chosen(db):
    inspection = first_case(db, "direct")
    run_path(db, inspection.id, direct_path(inspection.visit_date))
    fire_in(db, inspection.id, "start_remediation", at(inspection.visit_date + 11 * DAY))
    blank = fields_of(lambda: fire_in(db, inspection.id, "report_remediation", at(inspection.visit_date + 30 * DAY),
                                      statuses={"1": {"status": ""}, "2": "done"}))
    assert blank == ["statuses.0.status"]


# --- 4. Phúc tra ---------------------------------------------------------------------------


def test_a_reinspection_gets_a_planned_date_its_deadlines_and_alerts_for_the_leaders(db):
    inspection = first_case(db, "direct")
    run_path(db, inspection.id, direct_path(inspection.visit_date))
    fire_in(db, inspection.id, "start_remediation", at(inspection.visit_date + 11 * DAY))
    ordered = fire_in(db, inspection.id, "order_reinspection", at(D("2023-10-02"), 7), actor=Actor.system())
    child = case(db, ordered.extra["reinspection_case"])
    assert child.visit_date == D("2023-10-23")  # 02/10 + 20 days = Sun 22/10 → Mon 23/10 (Art. 148)
    assert child.notice_due == D("2023-10-13")
    with db.session() as session:
        rules = {a.rule for a in session.scalars(select(Alert).where(Alert.inspection_id == child.id))}
        book = AddressBook(units={}, case_coordinator={}, coordinators=["c@tuky.local"], leaders=["lead@tuky.local"])
        assert "lead@tuky.local" in book.for_level(RULES_BY_NAME["reinspection"], REMINDER, child.id, child.unit_id)
    assert {"notice", "reinspection"} <= rules


# --- 5. The register by the agency's rules ------------------------------------------------


def test_the_vanthu_number_57_is_recorded_with_no_reason_and_a_second_57_in_the_year_is_refused(db):
    first, second = first_case(db, "direct"), first_case(db, "direct", "commune")
    result = fire_in(db, first.id, "notify", at(D("2023-07-17")), notice_number="57/TB-UBND")
    assert result.extra["register"] == {"number": "57/TB-UBND", "date": "2023-07-17"}
    assert case(db, first.id).notice_number == "57/TB-UBND"
    again = refused(lambda: fire_in(db, second.id, "notify", at(D("2023-07-18")), notice_number="57/TB-UBND"))
    assert "Số 57/TB-UBND đã cấp cho văn bản khác ngày 17/07/2023" in again
    unnumbered = fields_of(lambda: fire_in(db, second.id, "notify", at(D("2023-07-18")), complete=False))
    assert unnumbered == ["notice_number"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(RegisterEntry)) == 1
        assert register.propose(session, session.get(Inspection, second.id), "notify", D("2023-07-18")).number == ""
    # Another year is another register: 57 is free again in 2024.
    with db.session() as session, write_transaction(session):
        entry = register.issue(session, campaign=session.scalar(select(Campaign)), doc_type="TB", purpose="test",
                               doc_date=D("2024-01-05"), actor=COORDINATOR, now=at(D("2024-01-05")), given="57/TB-UBND")
        assert entry.year == 2024


def test_numbers_out_of_date_order_are_flagged_and_a_number_is_corrected_with_a_reason(db):
    first, second = first_case(db, "direct"), first_case(db, "direct", "commune")
    fire_in(db, first.id, "notify", at(D("2023-07-17")), notice_number="60/TB-UBND")
    later_lower = fire_in(db, second.id, "notify", at(D("2023-07-18")), notice_number="58/TB-UBND")
    assert later_lower.extra["register"]["out_of_date_order"] == ["60/TB-UBND"]
    with db.session() as session:
        no_reason = fields_of(lambda: case_edits.correct(session, second.id, COORDINATOR, at(D("2023-07-20")), notice_number="61/TB-UBND"))
    assert no_reason == ["correction_reason"]
    with db.session() as session:
        taken = refused(lambda: case_edits.correct(session, second.id, COORDINATOR, at(D("2023-07-20")), notice_number="60/TB-UBND", correction_reason="x"))
    assert "đã cấp cho văn bản khác" in taken
    with db.session() as session:
        case_edits.correct(session, second.id, COORDINATOR, at(D("2023-07-20")), notice_number="61/TB-UBND",
                           correction_reason="Văn thư cấp số 61, nhập nhầm 58")
    assert case(db, second.id).notice_number == "61/TB-UBND"
    with db.session() as session:
        assert session.scalars(select(RegisterEntry.symbol).order_by(RegisterEntry.number)).all() == ["60/TB-UBND", "61/TB-UBND"]
        entry = session.scalars(select(AuditEntry).where(AuditEntry.inspection_id == second.id).order_by(AuditEntry.id.desc())).first()
        assert json.loads(entry.data_json)["register"] == {"notice_number": {"old": "58/TB-UBND", "new": "61/TB-UBND"}}


def test_a_draft_has_no_number_and_drawing_it_up_again_takes_no_other(db, tmp_path):
    store = FileStore(tmp_path / "files", 1 << 20)
    inspection = first_case(db, "direct")
    with db.session() as session:
        draft = render_document(session, store, "summary_report", actor=COORDINATOR, now=at(D("2023-09-01")), campaign_id=inspection.campaign_id)
        assert draft.original_name.endswith("(dự thảo).docx")
        assert session.scalar(select(func.count()).select_from(RegisterEntry)) == 0
    document = Document(io.BytesIO(store.read(draft.sha256)))
    cells = [paragraph.text for table in document.tables for row in table.rows for cell in row.cells for paragraph in cell.paragraphs]
    assert "Số: …/BC-NV" in cells + [paragraph.text for paragraph in document.paragraphs]
    for _ in range(2):
        with db.session() as session:
            render_document(session, store, "summary_report", actor=COORDINATOR, now=at(D("2023-09-01")),
                            campaign_id=inspection.campaign_id, number="12/BC-NV")
    with db.session() as session:
        assert session.scalars(select(RegisterEntry.symbol)).all() == ["12/BC-NV"]


# --- 6. Reports that count steps missed ---------------------------------------------------


def test_missed_steps_are_counted_as_of_the_reports_date(db):
    inspection = first_case(db, "direct")
    with db.session() as session:
        board = dashboard.build(session, Actor("lead@tuky.local", "leader"), D("2023-08-25"))
    # On 25/08 nothing was done: every direct case missed its notice, every self-inspection its
    # completion (14/08) and its report (19/08).
    assert board.missed_steps["notice"] == 25 and board.missed_steps["self_report"] == 10
    assert board.missed_steps["self_check"] == 10 and board.units_missed == 35
    assert board.missed_steps["report"] == 0 and board.missed_steps["visit"] == 0  # never notified: the notice was missed
    with db.session() as session:
        early = dashboard.build(session, Actor("lead@tuky.local", "leader"), D("2023-07-17"))
    assert sum(early.missed_steps.values()) == 0
    run_path(db, inspection.id, direct_path(inspection.visit_date))
    with db.session() as session:
        current = session.get(Inspection, inspection.id)
        assert missed_steps(current, D("2023-08-25")) == []
        assert missed_steps(current, D("2023-07-19")) == []  # noticed 17/07, report due 21/07: nothing missed yet


# --- 7. The property: a change is accepted exactly when every date rule holds or a reason is given


NOW = at(D("2023-08-16"), 10)
TODAY = NOW.date()
TEAM_DECISION = D("2023-07-17")
WINDOW = (D("2023-07-01"), D("2023-08-31"))
VN_HOLIDAYS = holidays.VN(years=range(2023, 2025))


def working(day: date) -> bool:
    return day.weekday() < 5 and day not in VN_HOLIDAYS


def next_working(day: date) -> date:
    while not working(day):
        day += DAY
    return day


def in_window(day: date) -> bool:
    return WINDOW[0] <= day <= WINDOW[1]


# Each trigger: the state it starts from, the case's dates before it, and the oracle on the
# random dates (d) and whether a reason was given (r).
PLANNED_VISIT, NOTICE, VISITED, MINUTES, CONCLUDED = D("2023-08-01"), D("2023-07-20"), D("2023-08-01"), D("2023-08-02"), D("2023-08-05")
SCENARIOS = {
    "notify": ("planned", {}, lambda d, r: d[0] <= TODAY and d[0] >= TEAM_DECISION and (working(d[0]) or r) and d[0] <= d[1] - 10 * DAY
               and ((in_window(d[1]) and working(d[1])) or r)),
    "visit": ("report_received", {"notice_date": NOTICE, "received_date": NOTICE + DAY},
              lambda d, r: d[0] <= TODAY and d[0] >= NOTICE and ((d[0] >= PLANNED_VISIT and in_window(d[0]) and working(d[0])) or r)),
    "receive_report": ("notified", {"notice_date": NOTICE}, lambda d, r: d[0] <= TODAY and (d[0] == TODAY or r) and d[0] >= NOTICE),
    "sign_minutes": ("visited", {"notice_date": NOTICE, "received_date": NOTICE, "visited_date": VISITED}, lambda d, r: VISITED <= d[0] <= TODAY),
    "conclude": ("minutes_signed", {"notice_date": NOTICE, "received_date": NOTICE, "visited_date": VISITED, "minutes_date": MINUTES},
                 lambda d, r: MINUTES <= d[0] <= TODAY and next_working(d[1]) > d[0]),
    "report_remediation": ("remediation", {"notice_date": NOTICE, "received_date": NOTICE, "visited_date": VISITED, "minutes_date": MINUTES,
                                           "conclusion_date": CONCLUDED},
                           lambda d, r: d[0] <= TODAY and (d[0] == TODAY or r) and d[0] >= CONCLUDED),
    "reschedule": ("planned", {}, lambda d, r: d[1] >= TODAY and ((in_window(d[1]) and working(d[1])) or r)),
}


def data_for(trigger: str, days: tuple[date, date], reason: bool) -> dict:
    first, second = days[0].isoformat(), days[1].isoformat()
    why = {"date_reason": REASON} if reason else {}
    paper = {"paper_reason": PAPER} if reason else {}
    return {
        "notify": lambda: {"notice_date": first, "visit_date": second, "notice_number": agency_number(), **why},
        "visit": lambda: {"visit_date": first, "team": TEAM, **why},
        "receive_report": lambda: {"received_date": first, "file": scan(), **paper},
        "sign_minutes": lambda: {"minutes_date": first, "participants": PARTICIPANTS, "file": scan()},
        "conclude": lambda: {"conclusion_date": first, "conclusion_number": agency_number(),
                             "findings": [{"section": "B.3", "text": "Chưa niêm yết đủ TTHC", "due_date": second}]},
        "report_remediation": lambda: {"reported_date": first, "file": scan(), "statuses": {"1": "done"}, **paper},
        "reschedule": lambda: {"visit_date": second, **why},
    }[trigger]()


CLEARED = ("notice_number", "notice_date", "received_date", "visited_date", "team", "minutes_number", "minutes_date",
           "participants", "conclusion_number", "conclusion_date", "remediation_reported_date", "visit_reason")


def put_in_state(db: Database, case_id: int, state: str, dates: dict) -> None:
    """Test set-up only: the case as it stands before the trigger (not a change of the domain)."""
    with db.session() as session, write_transaction(session):
        inspection = session.get(Inspection, case_id)
        for name in CLEARED:
            setattr(inspection, name, None)
        inspection.state, inspection.visit_date = state, PLANNED_VISIT
        for name, value in dates.items():
            setattr(inspection, name, value)
        for finding in list(inspection.findings):
            session.delete(finding)
        if state == "remediation":
            inspection.findings.append(Finding(position=1, section_code="B.3", text="Chưa niêm yết đủ TTHC", due_date=D("2023-09-05"), status="open"))


def snapshot(db: Database, case_id: int) -> tuple:
    with db.session() as session:
        row = session.get(Inspection, case_id)
        columns = {c.key: getattr(row, c.key) for c in Inspection.__table__.columns}
        entries = [tuple(e) for e in session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id))]
        return columns, entries, session.scalar(select(func.count()).select_from(RegisterEntry))


# Dates around the campaign's (so that both outcomes come up often): the second (an inspection
# date, a finding's deadline) a few days before to a few weeks after the first.
days = st.dates(min_value=D("2023-07-10"), max_value=D("2023-08-22"))


@settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(trigger=st.sampled_from(sorted(SCENARIOS)), first_day=days, offset=st.integers(-3, 25), reason=st.booleans())
def test_a_change_is_accepted_exactly_when_every_date_rule_holds_or_a_reason_is_given(db, trigger, first_day, offset, reason):
    state, dates, holds = SCENARIOS[trigger]
    second_day = first_day + offset * DAY
    case_id = first_case(db, "direct").id
    put_in_state(db, case_id, state, dates)
    before = snapshot(db, case_id)
    expected = holds((first_day, second_day), reason)
    event(f"{trigger}: {'accepted' if expected else 'refused'}")
    try:
        fire_in(db, case_id, trigger, NOW, complete=False, **data_for(trigger, (first_day, second_day), reason))
    except (GuardRefused, BadData) as refusal:
        assert not expected, f"{trigger} {first_day} {second_day} reason={reason}: refused: {refusal}"
        assert snapshot(db, case_id) == before  # a refusal changes nothing: the case, the log, the register
    else:
        assert expected, f"{trigger} {first_day} {second_day} reason={reason}: accepted"


def test_the_summary_report_counts_the_steps_missed_by_its_date(db, tmp_path):
    store = FileStore(tmp_path / "files", 1 << 20)
    with db.session() as session:
        campaign_id = session.scalar(select(Campaign.id))
        sha256 = render_document(session, store, "summary_report", actor=COORDINATOR, now=at(D("2023-08-25")), campaign_id=campaign_id).sha256
    text = "\n".join(paragraph.text for paragraph in Document(io.BytesIO(store.read(sha256))).paragraphs)
    assert "Số đơn vị có bước thực hiện trễ hạn: 0 (0 bước)." in text
    assert "Số đơn vị có bước quá hạn chưa thực hiện đến ngày 25/08/2023: 35 (45 bước)." in text
    assert "- Chưa thông báo lịch kiểm tra: 25 đơn vị." in text and "- Chưa gửi báo cáo tự kiểm tra: 10 đơn vị." in text
