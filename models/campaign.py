from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, Time, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vocabulary.campaigns import ACCEPT_UNSIGNED, ACTIVE, CAMPAIGN_STATUSES, ISSUER_LEVEL_CODES, LISTED_KINDS, TEAM_ROLES, UNSIGNED_POLICIES
from vocabulary.day_counting import COUNTING_MODES

from .base import Audited, Base, UTCDateTime, one_of


class Campaign(Audited, Base):
    """One inspection campaign (đợt kiểm tra), set up by one plan (Kế hoạch)."""

    __tablename__ = "campaign"
    __table_args__ = (
        one_of("day_counting", COUNTING_MODES, "day_counting"),
        one_of("status", CAMPAIGN_STATUSES, "status"),
        one_of("issuer_level", ISSUER_LEVEL_CODES, "issuer_level"),
        one_of("unsigned_uploads", UNSIGNED_POLICIES, "unsigned_uploads"),
    )
    audit_entity = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    year: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    # draft: being planned, no cases yet; active: its cases run; closed: read-only.
    status: Mapped[str] = mapped_column(String(20), default=ACTIVE, server_default=ACTIVE)
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"))
    plan_number: Mapped[str | None] = mapped_column(String(50))
    plan_date: Mapped[date | None] = mapped_column(Date)
    basis: Mapped[str | None] = mapped_column(Text)
    issuer: Mapped[str] = mapped_column(String(200))
    issuer_short: Mapped[str] = mapped_column(String(100))
    # tinh / huyen / xa (vocabulary.campaigns.ISSUER_LEVELS): the words the texts use for the body.
    issuer_level: Mapped[str] = mapped_column(String(10), default="huyen", server_default="huyen")
    # The body's office that runs the campaign ("Phòng Nội vụ", "Sở Nội vụ", …).
    office: Mapped[str] = mapped_column(String(200), default="Phòng Nội vụ", server_default="Phòng Nội vụ")
    place: Mapped[str] = mapped_column(String(100))
    signer_title: Mapped[str] = mapped_column(String(100))
    signer_name: Mapped[str] = mapped_column(String(100))
    team_decision_number: Mapped[str | None] = mapped_column(String(50))
    team_decision_date: Mapped[date | None] = mapped_column(Date)
    # Who reports the campaign to the Chairman (plan, section V.1) and signs the summary report.
    office_head_title: Mapped[str] = mapped_column(String(100), default="Trưởng phòng", server_default="Trưởng phòng")
    office_head_name: Mapped[str | None] = mapped_column(String(100))
    # The summary report's own content (V.1): the overall assessment, good models and initiatives
    # to replicate (I.1), collectives and individuals to be reminded, proposed handling of violations.
    summary_assessment: Mapped[str | None] = mapped_column(Text)
    summary_models: Mapped[str | None] = mapped_column(Text)
    summary_reminders: Mapped[str | None] = mapped_column(Text)
    summary_violations: Mapped[str | None] = mapped_column(Text)

    # Direct inspections happen inside this window; notices go out from schedule_from on.
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date] = mapped_column(Date)
    schedule_from: Mapped[date | None] = mapped_column(Date)
    visits_per_day: Mapped[int] = mapped_column(Integer, default=2)

    # Lead times and periods, in days (calendar or working, see day_counting).
    notice_lead_days: Mapped[int] = mapped_column(Integer, default=10)
    report_lead_days: Mapped[int] = mapped_column(Integer, default=5)
    minutes_days: Mapped[int] = mapped_column(Integer, default=5)
    conclusion_days: Mapped[int] = mapped_column(Integer, default=15)
    remediation_days: Mapped[int] = mapped_column(Integer, default=30)

    # Self-inspection: done by, reported by.
    self_check_by: Mapped[date | None] = mapped_column(Date)
    self_report_due: Mapped[date | None] = mapped_column(Date)
    # The plan writes "trước ngày 20/8/2023": True reads both self-inspection dates as the first
    # day that is late (the report is due by 19/8); False reads them as the last day on time.
    self_dates_before: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A phúc tra ordered on day D is planned for D + this many days (Art. 148 on a day off).
    reinspection_lead_days: Mapped[int] = mapped_column(Integer, default=20, server_default="20")
    # Who numbers each type of outgoing document: {"TB": "agency", "BB": "own", …}; a type left
    # out takes workflow.records.register.DEFAULT_NUMBERING.
    numbering: Mapped[dict[str, str] | None] = mapped_column(JSON)

    # Timed rules (DESIGN.md "Timed rules"): days before a due date for the reminder, days after
    # a missed one for the next level, the grace period before the timed re-inspection, and the
    # local hour at which a day's alerts come due. Counted the campaign's way (day_counting).
    notice_reminder_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    notice_escalation_lead_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    report_reminder_days: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    report_escalation_lead_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    conclusion_escalation_days: Mapped[int] = mapped_column(Integer, default=7, server_default="7")
    remediation_reminder_days: Mapped[int] = mapped_column(Integer, default=7, server_default="7")
    remediation_grace_days: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    self_reminder_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    self_escalation_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    alert_hour: Mapped[int] = mapped_column(Integer, default=7, server_default="7")

    day_counting: Mapped[str] = mapped_column(String(20), default="calendar")
    # A unit's report, remediation report or evidence without a valid digital signature: accepted
    # and flagged, or refused (vocabulary.campaigns.UNSIGNED_POLICIES).
    unsigned_uploads: Mapped[str] = mapped_column(String(10), default=ACCEPT_UNSIGNED, server_default=ACCEPT_UNSIGNED)
    # Lists of {"date": "YYYY-MM-DD", "note": "..."}.
    extra_days_off: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    makeup_workdays: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    inspections = relationship("Inspection", back_populates="campaign")
    outlines = relationship("Outline", back_populates="campaign")
    units = relationship("CampaignUnit", back_populates="campaign", order_by="CampaignUnit.position",
                         cascade="all, delete-orphan")
    copied_from = relationship("Campaign", remote_side=[id])
    team_members = relationship("TeamMember", back_populates="campaign", order_by="TeamMember.position",
                                cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return self.title


class CampaignUnit(Base):
    """One line of a campaign's planned list: which unit, as the plan writes its name, inspected
    how (direct / self; a surprise case opened on the day adds its unit too), and when."""

    __tablename__ = "campaign_unit"
    __table_args__ = (
        UniqueConstraint("campaign_id", "unit_id"),
        one_of("kind", LISTED_KINDS, "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    unit_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    visit_date: Mapped[date | None] = mapped_column(Date)
    visit_time: Mapped[time | None] = mapped_column(Time)
    position: Mapped[int] = mapped_column(Integer)

    campaign = relationship("Campaign", back_populates="units")
    unit = relationship("Unit")


class TeamMember(Base):
    """One member of the inspection team as the team decision (team_decision_number) lists them:
    name, title and place of work as the minutes print them, and the role in the team. A visit
    picks its members from these rows by ``position`` (1, 2, …, the decision's order)."""

    __tablename__ = "team_member"
    __table_args__ = (
        UniqueConstraint("campaign_id", "position"),
        one_of("role", TEAM_ROLES, "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))  # chức vụ: "Trưởng phòng Nội vụ"
    workplace: Mapped[str | None] = mapped_column(String(200))  # nơi công tác: "UBND huyện Tứ Kỳ"
    role: Mapped[str] = mapped_column(String(20))

    campaign = relationship("Campaign", back_populates="team_members")

    def record(self) -> dict[str, Any]:
        """The member as the audit log, the plan file and a visiting case's copy hold it."""
        return {"position": self.position, "name": self.name, "title": self.title, "workplace": self.workplace, "role": self.role}
