"""The facts a document is built from, gathered from the database by ``workflow.casefile.rendering``."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def dmy(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def weekday_and_date(day: date) -> str:
    """"Thứ Năm, 27/07/2023"."""
    return f"{WEEKDAYS[day.weekday()]}, {dmy(day)}"


def clock(moment: time | None) -> str:
    """"08 giờ 00"."""
    return f"{moment.hour:02d} giờ {moment.minute:02d}" if moment else ""


@dataclass(frozen=True)
class CampaignFacts:
    title: str  # "Kiểm tra công tác cải cách hành chính, hoạt động công vụ năm 2023"
    year: int
    issuer: str  # "Ủy ban nhân dân huyện Tứ Kỳ"
    place: str
    plan: str  # how the documents cite the plan
    team_decision: str | None  # "Quyết định số 2025/QĐ-UBND ngày 17/07/2023"
    signer_title: str
    signer_name: str
    report_lead_days: int

    @property
    def issuer_short(self) -> str:
        """"UBND huyện Tứ Kỳ"."""
        return self.issuer.replace("Ủy ban nhân dân", "UBND", 1)

    @property
    def agency(self) -> tuple[str, ...]:
        """The agency block in capitals, split before the place: ("ỦY BAN NHÂN DÂN", "HUYỆN TỨ KỲ")."""
        upper = self.issuer.upper()
        for level in (" HUYỆN ", " TỈNH ", " XÃ ", " THÀNH PHỐ ", " THỊ XÃ ", " QUẬN "):
            head, found, tail = upper.partition(level)
            if found:
                return (head, level.strip() + " " + tail)
        return (upper,)


@dataclass(frozen=True)
class SectionFacts:
    code: str  # "B.3"
    number: str  # "3"
    title: str
    achieved: str | None = None
    shortcomings: str | None = None
    missing: tuple[str, ...] = ()
    reviewed: bool = False


@dataclass(frozen=True)
class FindingFacts:
    number: int
    section_code: str
    section_title: str
    text: str
    due: date
    status: str = "open"  # what the unit reported: open (nothing yet), done, in_progress, not_done
    unit_note: str | None = None
    accepted: bool | None = None  # what the team decided
    review_note: str | None = None
    carried: bool = False

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status]

    @property
    def decision_text(self) -> str:
        return DECISION_TEXT[self.accepted]


@dataclass(frozen=True)
class CaseFacts:
    id: int
    unit: str  # the unit's name as the plan writes it
    unit_full: str  # its full official name
    unit_kind: str  # "office" / "commune"
    kind_label: str
    state_label: str
    visit_date: date | None = None
    visit_time: time | None = None
    visited_date: date | None = None
    notice_number: str | None = None
    notice_date: date | None = None
    received_date: date | None = None
    team: str | None = None
    participants: str | None = None
    minutes_number: str | None = None
    minutes_date: date | None = None
    conclusion_number: str | None = None
    conclusion_date: date | None = None
    remediation_due: date | None = None
    remediation_reported_date: date | None = None
    closed_date: date | None = None
    late_steps: tuple[str, ...] = ()
    # Steps whose deadline had passed on the report's date with nothing done.
    missed_steps: tuple[str, ...] = ()
    sections: tuple[SectionFacts, ...] = ()
    findings: tuple[FindingFacts, ...] = field(default_factory=tuple)

    @property
    def accepted_findings(self) -> int:
        return sum(1 for finding in self.findings if finding.accepted)

    @property
    def late_text(self) -> str:
        return ", ".join(LATE_TEXT.get(step, step) for step in self.late_steps)

    @property
    def missed_text(self) -> str:
        return ", ".join(MISSED_TEXT.get(step, step) for step in self.missed_steps)


STATUS_TEXT = {"open": "Chưa báo cáo", "done": "Đã khắc phục", "in_progress": "Đang khắc phục", "not_done": "Chưa khắc phục"}
DECISION_TEXT = {True: "Đạt yêu cầu", False: "Chưa đạt yêu cầu", None: "Chưa đánh giá"}
LATE_TEXT = {"report": "gửi báo cáo", "minutes": "thông qua biên bản", "conclusion": "ban hành kết luận", "remediation": "báo cáo khắc phục",
             "self_check": "hoàn thành tự kiểm tra"}
MISSED_TEXT = {"notice": "thông báo lịch kiểm tra", "self_check": "hoàn thành tự kiểm tra", "report": "gửi báo cáo",
               "self_report": "gửi báo cáo tự kiểm tra", "visit": "kiểm tra trực tiếp", "minutes": "thông qua biên bản",
               "conclusion": "ban hành kết luận", "remediation": "báo cáo khắc phục"}
