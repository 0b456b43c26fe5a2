"""The facts a document is built from, gathered from the database by ``workflow.casefile.rendering``."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from . import texts



def dmy(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def weekday_and_date(day: date) -> str:
    """"Thứ Năm, 27/07/2023"."""
    return f"{texts.WEEKDAYS[day.weekday()]}, {dmy(day)}"


def clock(moment: time | None, blank: str = "") -> str:
    """"08 giờ 00"; ``blank`` when there is no time (dots to write it by hand)."""
    return texts.TIME.format(hour=moment.hour, minute=moment.minute) if moment else blank


@dataclass(frozen=True)
class CampaignFacts:
    title: str  # "Kiểm tra công tác cải cách hành chính, hoạt động công vụ năm 2023"
    year: int
    issuer: str  # "Ủy ban nhân dân huyện Tứ Kỳ"
    place: str
    plan: str  # how the documents cite the plan: "Kế hoạch số …/KH-UBND ngày …/…/2023 của UBND huyện Tứ Kỳ về …"
    team_decision: str | None  # "Quyết định số 2025/QĐ-UBND ngày 17/07/2023 của UBND huyện Tứ Kỳ về việc kiện toàn …"
    signer_title: str
    signer_name: str
    report_lead_days: int
    office: str = "Phòng Nội vụ"  # who reports to the Chairman (plan, V.1)
    office_head_title: str = "Trưởng phòng"
    office_head_name: str | None = None
    summary_assessment: str | None = None
    summary_models: str | None = None
    summary_reminders: str | None = None
    summary_violations: str | None = None

    @property
    def locality(self) -> str:
        """"huyện Tứ Kỳ": the issuer without "Ủy ban nhân dân"."""
        return self.issuer.replace("Ủy ban nhân dân", "", 1).strip()

    @property
    def radio(self) -> str:
        return texts.RADIO.format(locality=self.locality)

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
    causes: str | None = None
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
        return texts.STATUS[self.status]

    @property
    def decision_text(self) -> str:
        return texts.DECISION[self.accepted]


@dataclass(frozen=True)
class CaseFacts:
    id: int
    unit: str  # the unit's name as the plan writes it
    unit_full: str  # its full official name
    unit_kind: str  # "office" / "commune"
    kind: str  # "direct", "surprise", …
    kind_label: str
    state_label: str
    visit_date: date | None = None
    visit_time: time | None = None
    visited_date: date | None = None
    notice_number: str | None = None
    notice_date: date | None = None
    received_date: date | None = None
    team: str | None = None
    radio: str | None = None
    chair: str | None = None
    secretary: str | None = None
    visit_started: time | None = None
    visit_ended: time | None = None
    unit_attendees: tuple[str, ...] = ()
    participants: str | None = None
    unit_signer: str | None = None
    unit_signer_title: str | None = None
    team_assessment: str | None = None
    unit_opinion: str | None = None
    minutes_number: str | None = None
    minutes_date: date | None = None
    conclusion_number: str | None = None
    conclusion_date: date | None = None
    remediation_due: date | None = None
    remediation_reported_date: date | None = None
    closed_date: date | None = None
    late_steps: tuple[str, ...] = ()
    sections: tuple[SectionFacts, ...] = ()
    findings: tuple[FindingFacts, ...] = field(default_factory=tuple)

    @property
    def accepted_findings(self) -> int:
        return sum(1 for finding in self.findings if finding.accepted)

    @property
    def late_text(self) -> str:
        return ", ".join(texts.LATE.get(step, step) for step in self.late_steps)
