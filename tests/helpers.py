"""Small helpers shared by the tests: moments in Vietnam, actors, counting audit entries."""
from __future__ import annotations

import itertools
import tempfile
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import AuditEntry, Campaign, Inspection, Unit
from models.db import Database, write_transaction
from tests import samples
from tests.conftest import VN
from workflow.casefile.review import review_section, review_sheet
from workflow.deadlines.counting import WorkCalendar
from workflow.engine.service import FireResult, fire
from workflow.errors import ConcurrentUpdate, TransitionNotAllowed
from workflow.people.permissions import Actor
from workflow.records import register
from workflow.records.files import FileStore, StoredFile

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


# The visit's team: members no. 1 to 3 of the roster (plans/tuky-2023.toml: the head, the deputy
# and the secretary); a campaign without a roster takes the team in words.
TEAM = [1, 2, 3]
TEAM_IN_WORDS = "Đoàn kiểm tra theo Quyết định 2025/QĐ-UBND"
PARTICIPANTS = "Lãnh đạo đơn vị; Đoàn kiểm tra"


def filled(session: Session, inspection_id: int, trigger: str, now: datetime, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with what the step requires and the test left out (issue #15: required means
    required): the văn thư's number, the team, the participants and the signed scan, the report's
    file (a unit uploads it; the office may record a paper copy), each finding's deadline."""
    data = dict(data)
    campaign = session.get(Inspection, inspection_id).campaign if session.get(Inspection, inspection_id) else None
    if trigger in ("notify", "conclude") and campaign is not None and register.numbered_by(campaign, "TB") == register.AGENCY:
        number = "notice_number" if trigger == "notify" else "conclusion_number"
        data.setdefault(number, agency_number())
    if trigger == "visit":
        data.setdefault("team", TEAM if campaign is not None and campaign.team_members else TEAM_IN_WORDS)
    if trigger == "sign_minutes":
        if not session.get(Inspection, inspection_id).participants:
            data.setdefault("participants", PARTICIPANTS)
        data.setdefault("file", scan())
    if trigger in ("receive_report", "report_remediation") and "file" not in data and "paper_reason" not in data:
        if actor.role == "unit":
            data["file"] = scan("bao-cao.pdf")
        else:
            data["paper_reason"] = PAPER
    inspection = session.get(Inspection, inspection_id)
    if trigger == "receive_report" and inspection is not None and inspection.kind == "self" and inspection.self_check_due:
        data.setdefault("self_check_date", min(now.date(), inspection.self_check_due).isoformat())
    if trigger == "conclude" and isinstance(data.get("findings"), list):
        concluded = date.fromisoformat(data.get("conclusion_date") or now.date().isoformat())
        data["findings"] = with_deadlines(data["findings"], concluded)
    return data


def fire_in(db: Database, inspection_id: int, trigger: str, now: datetime, actor: Actor = COORDINATOR, *,
            complete: bool = True, **data: Any) -> FireResult:
    """Fire ``trigger``; with ``complete`` the data gets what the step requires (:func:`filled`)."""
    with db.session() as session:
        given = filled(session, inspection_id, trigger, now, actor, data) if complete else data
        session.rollback()  # nothing read here may stay in the session the change runs in
        return fire(session, inspection_id, trigger, actor, now, **given)


# The văn thư's numbers of the notices in a test: unique in a run, as the UBND's register would be.
_AGENCY_NUMBERS = itertools.count(101)
PAPER = "Nhận bản giấy trực tiếp tại Phòng Nội vụ"


def agency_number(doc_type: str = "TB", issuer: str = "UBND") -> str:
    return f"{next(_AGENCY_NUMBERS)}/{doc_type}-{issuer}"


def notice_day(visit: date) -> date:
    """The last working day at least 10 days before the visit (the notice's due date)."""
    return WorkCalendar().on_or_before(visit - 10 * DAY)


@lru_cache(maxsize=1)
def _scan_store() -> FileStore:
    return FileStore(Path(tempfile.mkdtemp(prefix="cchc-scans-")), 1 << 20)


def scan(name: str = "bien-ban-da-ky.pdf") -> StoredFile:
    """A small PDF really kept in a file store: the signed scan a step requires."""
    path = _scan_store().directory / f"upload-{name}"
    path.write_bytes(samples.PDF)
    return _scan_store().store_path(path)


def own_numbering(db: Database, *doc_types: str) -> None:
    """Let this register number ``doc_types`` itself (the sequence the register tests exercise)."""
    with db.session() as session, write_transaction(session):
        campaign = session.scalar(select(Campaign))
        campaign.numbering = {**(campaign.numbering or {}), **{doc_type: "own" for doc_type in doc_types}}


FINDINGS = [
    {"section": "B.3", "text": "Chưa công khai đầy đủ thủ tục hành chính tại Bộ phận Tiếp nhận và Trả kết quả."},
    {"section": "B.7", "text": "Tỷ lệ hồ sơ xử lý trên môi trường mạng còn thấp."},
]


def with_deadlines(findings: list[dict], concluded: date) -> list[dict]:
    """Each finding with a deadline (30 days after the conclusion unless it has one)."""
    return [{"due_date": (concluded + 30 * DAY).isoformat(), **finding} for finding in findings]


def direct_path(visit: date, *, findings: list[dict] | None = None) -> list[tuple[str, datetime, dict[str, Any]]]:
    """The steps of a direct case from planned to concluded, each on time and complete (the
    văn thư's numbers, when the campaign has them, come from :func:`filled`)."""
    notified, concluded = notice_day(visit), visit + 10 * DAY
    return [
        ("notify", at(notified), {"notice_date": notified.isoformat(), "visit_date": visit.isoformat()}),
        ("receive_report", at(visit - 7 * DAY), {"received_date": (visit - 7 * DAY).isoformat(), "paper_reason": PAPER}),
        ("visit", at(visit, 16), {"visit_date": visit.isoformat()}),
        ("sign_minutes", at(visit, 17), {"minutes_date": visit.isoformat(), "participants": PARTICIPANTS, "file": scan()}),
        ("conclude", at(concluded), {"conclusion_date": concluded.isoformat(),
                                     "findings": with_deadlines(FINDINGS if findings is None else findings, concluded)}),
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


def notify_at_once(url: str, inspection_id: int, visit_iso: str, barrier, number: str | None = None) -> str:
    """For the concurrency tests (threads and processes): wait for the others at ``barrier``, fire
    ``notify`` on time (with the văn thư's ``number``, or the register's own next one), and return
    the notice's number or the name of the refusal."""
    database = Database(url)
    visit = date.fromisoformat(visit_iso)
    try:
        barrier.wait(timeout=60)
        with database.session() as session:
            given = {"notice_number": number} if number else {}
            return fire(session, inspection_id, "notify", COORDINATOR, at(notice_day(visit)), **given).extra["register"]["number"]
    except (TransitionNotAllowed, ConcurrentUpdate) as refused:
        return type(refused).__name__
    finally:
        database.dispose()
