"""Small helpers shared by the tests: moments in Vietnam, actors, counting audit entries."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import AuditEntry, Inspection, Unit
from models.db import Database
from tests.conftest import VN
from workflow.casefile.review import review_section, review_sheet
from workflow.engine.service import FireResult, fire
from workflow.errors import ConcurrentUpdate, TransitionNotAllowed
from workflow.people.permissions import Actor

COORDINATOR = Actor("coordinator@tuky.local", "coordinator")
DAY = timedelta(days=1)


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=VN)


def audit_count(session: Session, inspection_id: int | None = None) -> int:
    query = select(func.count()).select_from(AuditEntry)
    if inspection_id is not None:
        query = query.where(AuditEntry.inspection_id == inspection_id)
    return session.scalar(query)


def case(db: Database, inspection_id: int) -> Inspection:
    with db.session() as session:
        inspection = session.get(Inspection, inspection_id)
        session.expunge(inspection)
        return inspection


def first_case(db: Database, kind: str, unit_kind: str | None = None) -> Inspection:
    with db.session() as session:
        query = select(Inspection).join(Unit).where(Inspection.kind == kind).order_by(Inspection.id)
        if unit_kind:
            query = query.where(Unit.kind == unit_kind)
        inspection = session.scalars(query).first()
        session.expunge(inspection)
        return inspection


def fire_in(db: Database, inspection_id: int, trigger: str, now: datetime, actor: Actor = COORDINATOR, **data: Any) -> FireResult:
    with db.session() as session:
        return fire(session, inspection_id, trigger, actor, now, **data)


FINDINGS = [
    {"section": "B.3", "text": "Chưa công khai đầy đủ thủ tục hành chính tại Bộ phận Tiếp nhận và Trả kết quả."},
    {"section": "B.7", "text": "Tỷ lệ hồ sơ xử lý trên môi trường mạng còn thấp."},
]


def direct_path(visit: date, *, findings: list[dict] | None = None) -> list[tuple[str, datetime, dict[str, Any]]]:
    """The steps of a direct case from planned to concluded, each on time; the register numbers
    the notice, the minutes and the conclusion."""
    return [
        ("notify", at(visit - 12 * DAY), {"notice_date": (visit - 12 * DAY).isoformat(), "visit_date": visit.isoformat()}),
        ("receive_report", at(visit - 7 * DAY), {"received_date": (visit - 7 * DAY).isoformat()}),
        ("visit", at(visit, 16), {"visit_date": visit.isoformat(), "team": "Đoàn kiểm tra theo Quyết định 2025/QĐ-UBND"}),
        ("sign_minutes", at(visit, 17), {"minutes_date": visit.isoformat(), "participants": "Lãnh đạo đơn vị; Đoàn kiểm tra"}),
        ("conclude", at(visit + 10 * DAY), {"conclusion_date": (visit + 10 * DAY).isoformat(), "findings": FINDINGS if findings is None else findings}),
    ]


def run_path(db: Database, inspection_id: int, steps: list[tuple[str, datetime, dict[str, Any]]]) -> list[FireResult]:
    return [fire_in(db, inspection_id, trigger, now, **data) for trigger, now, data in steps]


REVIEWS = {
    "B.1": ("Đã ban hành Kế hoạch CCHC năm 2023 và các văn bản chỉ đạo, đôn đốc.", "Chưa có sáng kiến trong thực hiện công tác CCHC.", [5]),
    "B.3": ("Công khai đầy đủ thủ tục hành chính tại Bộ phận một cửa.", "Còn 3 hồ sơ giải quyết quá hạn do thiếu phối hợp.", []),
}


def reviewed_and_concluded(db: Database, unit_kind: str = "office") -> Inspection:
    """A direct case taken to its conclusion, with the team's review of two outline sections
    (B.1 noting its 5th item missing from the report) and the two FINDINGS."""
    inspection = first_case(db, "direct", unit_kind)
    visit = inspection.visit_date
    steps = direct_path(visit)
    run_path(db, inspection.id, steps[:3])
    for code, (achieved, shortcomings, missing) in REVIEWS.items():
        with db.session() as session:
            sheet = {entry.section.code: entry.section for entry in review_sheet(session, session.get(Inspection, inspection.id))}
            items = [sheet[code].items[number - 1].id for number in missing]
            session.rollback()
            review_section(session, inspection.id, code, achieved=achieved, shortcomings=shortcomings,
                           missing_items=items, actor=COORDINATOR, now=at(visit, 16))
    run_path(db, inspection.id, steps[3:])
    return case(db, inspection.id)


def notify_at_once(url: str, inspection_id: int, visit_iso: str, barrier) -> str:
    """For the concurrency tests (threads and processes): wait for the others at ``barrier``, fire
    ``notify`` on time, and return the notice's number or the name of the refusal."""
    database = Database(url)
    visit = date.fromisoformat(visit_iso)
    try:
        barrier.wait(timeout=60)
        with database.session() as session:
            return fire(session, inspection_id, "notify", COORDINATOR, at(visit - 10 * DAY)).extra["register"]["number"]
    except (TransitionNotAllowed, ConcurrentUpdate) as refused:
        return type(refused).__name__
    finally:
        database.dispose()
