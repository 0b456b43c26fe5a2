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
    """The campaign as its documents name it. Every word about the issuing body comes from here
    (the campaign's data), none is written into a document's text."""

    title: str  # "Kiểm tra công tác cải cách hành chính, hoạt động công vụ năm 2023"
    year: int
    issuer: str  # "Ủy ban nhân dân <level> <place>"
    place: str
    plan: str  # how the documents cite the plan: "Kế hoạch số …/KH-UBND ngày …/…/2023 của UBND huyện Tứ Kỳ về …"
    team_decision: str | None  # "Quyết định số 2025/QĐ-UBND ngày 17/07/2023 của UBND huyện Tứ Kỳ về việc kiện toàn …"
    signer_title: str
    signer_name: str
    report_lead_days: int
    abbreviation: str = "UBND"  # the body's short form
    level: str = ""  # the word of the body's level (vocabulary.campaigns.ISSUER_LEVELS)
    office: str = "Phòng Nội vụ"  # the office that runs the campaign and reports to the Chairman (plan, V.1)
    radio: str = ""  # the local broadcaster invited to report (ISSUER_LEVELS)
    communes: str = ""  # how the notice names the communes it visits: "xã", "xã, phường"
    office_head_title: str = "Trưởng phòng"
    office_head_name: str | None = None
    summary_assessment: str | None = None
    summary_models: str | None = None
    summary_reminders: str | None = None
    summary_violations: str | None = None

    def _split(self) -> tuple[str, str]:
        """("Ủy ban nhân dân", "<level> <place>"): the body, and its level with its place."""
        head, found, tail = self.issuer.partition(f" {self.level} ") if self.level else ("", "", "")
        return (head, f"{self.level} {tail}") if found else (self.issuer, "")

    @property
    def issuer_short(self) -> str:
        """"UBND <level> <place>"."""
        _head, tail = self._split()
        return f"{self.abbreviation} {tail}" if tail else self.issuer

    @property
    def body(self) -> str:
        """The body named without its place, as its own documents do: "UBND <level>"."""
        return f"{self.abbreviation} {self.level}".strip()

    @property
    def agency(self) -> tuple[str, ...]:
        """The agency block in capitals, split before the level: ("ỦY BAN NHÂN DÂN", "<LEVEL> <PLACE>")."""
        head, tail = self._split()
        return (head.upper(), tail.upper()) if tail else (self.issuer.upper(),)

    @property
    def on_behalf(self) -> str:
        """"TM. ỦY BAN NHÂN DÂN": the signature of a collective body."""
        return f"TM. {self.agency[0]}"


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
class MemberFacts:
    """A member of the team at the visit, from the campaign's roster: ``role`` their role in the
    team (head, deputy, secretary, member), ``part`` what they did at this visit (chair, secretary)."""

    name: str
    title: str
    role: str = "member"
    workplace: str | None = None
    part: str | None = None


@dataclass(frozen=True)
class PersonFacts:
    """One of the unit's people at the visit."""

    name: str
    title: str | None = None


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
    unit_category: str | None = None  # how the plan names its kind (vocabulary.campaigns.UNIT_CATEGORIES)
    visit_date: date | None = None
    visit_time: time | None = None
    visited_date: date | None = None
    notice_number: str | None = None
    notice_date: date | None = None
    received_date: date | None = None
    team: str | None = None  # the team in words (a case recorded before the roster)
    team_members: tuple[MemberFacts, ...] = ()  # the roster's members who made the visit
    visit_reason: str | None = None  # why a surprise inspection, or a visit without the report
    unannounced: bool = False  # a re-inspection not announced to the unit
    radio: str | None = None  # the radio reporter at a surprise visit
    chair: str | None = None
    secretary: str | None = None
    visit_started: time | None = None
    visit_ended: time | None = None
    unit_attendees: tuple[str, ...] = ()
    participants: str | None = None
    unit_people: tuple[PersonFacts, ...] = ()
    unit_signer: str | None = None
    unit_signer_title: str | None = None
    team_assessment: str | None = None
    unit_opinion: str | None = None
    minutes_number: str | None = None
    minutes_date: date | None = None
    conclusion_number: str | None = None
    conclusion_date: date | None = None
    remediation_due: date | None = None
    # A phúc tra: the conclusion notice it follows up, its number and date.
    follows_up_number: str | None = None
    follows_up_date: date | None = None
    remediation_reported_date: date | None = None
    closed_date: date | None = None
    late_steps: tuple[str, ...] = ()
    # Steps whose deadline had passed on the report's date with nothing done.
    missed_steps: tuple[str, ...] = ()
    sections: tuple[SectionFacts, ...] = ()
    findings: tuple[FindingFacts, ...] = field(default_factory=tuple)

    @property
    def surprise(self) -> bool:
        """Not announced to the unit: a surprise inspection, or a phúc tra made unannounced."""
        return self.kind == "surprise" or (self.kind == "reinspection" and self.unannounced)

    @property
    def member_in(self) -> dict[str, MemberFacts]:
        """The members by what they did at the visit: {"chair": …, "secretary": …}."""
        return {member.part: member for member in self.team_members if member.part}

    @property
    def accepted_findings(self) -> int:
        return sum(1 for finding in self.findings if finding.accepted)

    @property
    def late_text(self) -> str:
        return ", ".join(texts.LATE.get(step, step) for step in self.late_steps)

    @property
    def missed_text(self) -> str:
        return ", ".join(texts.MISSED.get(step, step) for step in self.missed_steps)
