"""The demo of ``make run``: the 2023 plan copied to this year through the same functions a
coordinator uses (copy, settings, schedule proposal, activation), with dates around today, and a
story of the weeks since — notices sent, reports in, visits made, a few steps late — so the
dashboard, the due dates and the alerts mean something."""
from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Campaign, Inspection
from vocabulary.campaigns import ACTIVE
from vocabulary.config import local_date, zone
from vocabulary.states import Kind
from workflow.campaigns.drafts import activate, close_campaign, copy_campaign, propose_draft_schedule, update_settings
from workflow.engine.service import fire
from workflow.people.permissions import Actor
from workflow.records.files import DOCX, FileStore, StoredFile

DEMO_SOURCE = "tuky-2023"
DEMO_ACTOR = Actor("seed:demo", "coordinator")
# The cases (in visit order) whose next step the demo leaves undone, so that it is late.
LATE_NOTICE, LATE_REPORT, LATE_VISIT = {14, 15}, {3}, {6}
# The văn thư's numbers of the demo's notices: the UBND's register had issued others before.
FIRST_NOTICE_NUMBER = 41
PAPER_COPY = "Đơn vị gửi bản giấy qua bộ phận văn thư (dữ liệu mẫu)."
CLOSING_2023 = "Đợt kiểm tra năm 2023 đã kết thúc; dữ liệu trình diễn chạy trên đợt kiểm tra năm nay."


def demo_code(year: int) -> str:
    return f"demo-{year}"


def _at(day: date, hour: int, now: datetime) -> datetime:
    return min(datetime.combine(day, time(hour), tzinfo=zone()), now)


def _signed_scan(files: FileStore, unit: str) -> StoredFile:
    """Stands for the scan of the signed minutes a real team uploads (the demo has no scanner)."""
    from docx import Document  # python-docx only when the demo is seeded

    document = Document()
    document.add_paragraph(f"Biên bản kiểm tra {unit} đã ký (bản mẫu của dữ liệu trình diễn).")
    content = io.BytesIO()
    document.save(content)
    return files.store_generated(content.getvalue(), f"Biên bản đã ký {unit}.docx", DOCX)


def seed_demo(session: Session, now: datetime, files: FileStore) -> tuple[Campaign, bool]:
    """The demo campaign of this year, created and run up to today unless it exists."""
    today = local_date(now)
    code = demo_code(today.year)
    existing = session.scalar(select(Campaign).where(Campaign.code == code))
    if existing is not None:
        return existing, False
    planned = today - timedelta(days=25)
    planned_at = _at(planned, 8, now)
    draft = copy_campaign(session, DEMO_SOURCE, new_code=code, year=today.year, actor=DEMO_ACTOR, now=planned_at)
    update_settings(session, draft.id, {
        "plan": {"number": "01/KH-UBND", "date": planned},
        "team_decision": {"number": "02/QĐ-UBND", "date": planned + timedelta(days=3)},
        "window": {"start": planned + timedelta(days=4), "end": today + timedelta(days=45), "schedule_from": planned + timedelta(days=4)},
        "self_inspection": {"done_by": today + timedelta(days=7), "report_due": today + timedelta(days=12)},
    }, actor=DEMO_ACTOR, now=planned_at)
    propose_draft_schedule(session, draft.id, actor=DEMO_ACTOR, now=planned_at)
    source = session.scalar(select(Campaign).where(Campaign.code == DEMO_SOURCE))
    if source.status == ACTIVE:  # the 2023 campaign is over: closed, it raises no alerts on today's clock
        close_campaign(session, source.id, actor=DEMO_ACTOR, now=planned_at, comment=CLOSING_2023)
    cases = activate(session, draft.id, actor=DEMO_ACTOR, now=planned_at)
    direct = sorted((case for case in cases if case.kind == Kind.DIRECT), key=lambda case: (case.visit_date, case.visit_time))
    for position, case in enumerate(direct):
        _story(session, files, case.id, position, today, now)
    return session.get(Campaign, draft.id), True


def _story(session: Session, files: FileStore, case_id: int, position: int, today: date, now: datetime) -> None:
    case = session.get(Inspection, case_id)
    visit, notice_due, report_due = case.visit_date, case.notice_due, case.report_due
    if notice_due > today or position in LATE_NOTICE:
        return
    fire(session, case_id, "notify", DEMO_ACTOR, _at(notice_due, 9, now),
         notice_number=f"{FIRST_NOTICE_NUMBER + position:02d}/TB-UBND")
    if report_due - timedelta(days=1) > today or position in LATE_REPORT:
        return
    fire(session, case_id, "receive_report", DEMO_ACTOR, _at(report_due - timedelta(days=1), 10, now), paper_reason=PAPER_COPY)
    if visit >= today or position in LATE_VISIT:
        return
    fire(session, case_id, "visit", DEMO_ACTOR, _at(visit, 16, now), team=[1, 2, 3])  # the roster copied from 2023
    if visit + timedelta(days=2) < today:
        fire(session, case_id, "sign_minutes", DEMO_ACTOR, _at(visit + timedelta(days=1), 9, now),
             participants="Đại diện lãnh đạo đơn vị; công chức phụ trách CCHC", file=_signed_scan(files, case.unit_name))
