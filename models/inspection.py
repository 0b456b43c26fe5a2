from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, Time, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from vocabulary.search import fold
from vocabulary.states import Kind, State

from .base import Audited, Base, UTCDateTime, one_of

# The due dates the timed rules run on; each is derived from the case's dates and the campaign's
# settings (workflow.deadlines.due_dates) and stored so that a deadline sweep is an indexed range query.
DUE_DATE_FIELDS = (
    "notice_due",
    "report_due",
    "minutes_due",
    "conclusion_due",
    "remediation_due",
    "self_report_due",
    "self_check_due",
)


class Inspection(Audited, Base):
    """One case: one unit in one campaign, of one kind. Its state moves only through
    ``workflow.engine.service.fire``."""

    __tablename__ = "inspection"
    audit_entity = "inspection"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))  # indexed first in the composites below
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    unit_name: Mapped[str] = mapped_column(String(200))
    # The unit's name folded for searching (vocabulary.search.fold), set with the name.
    unit_name_folded: Mapped[str] = mapped_column(String(200), default="", server_default="")
    kind: Mapped[str] = mapped_column(String(20))
    # A re-inspection runs on the surprise table when it is not announced.
    unannounced: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(30), default=State.PLANNED.value)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    reinspection_of_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"), index=True)

    # Schedule and notice
    visit_date: Mapped[date | None] = mapped_column(Date)
    visit_time: Mapped[time | None] = mapped_column(Time)
    notice_number: Mapped[str | None] = mapped_column(String(50))
    notice_date: Mapped[date | None] = mapped_column(Date)
    # The unit's report
    received_date: Mapped[date | None] = mapped_column(Date)
    # A self-inspection: the day the unit says it finished inspecting itself.
    self_check_date: Mapped[date | None] = mapped_column(Date)
    report_file: Mapped[str | None] = mapped_column(String(500))
    # The visit
    visited_date: Mapped[date | None] = mapped_column(Date)
    # Free text on cases recorded before the team roster; a visit now picks ``team_members``.
    team: Mapped[str | None] = mapped_column(Text)
    # The members of the campaign's roster who made the visit, as they were then:
    # [{"position", "name", "title", "workplace", "role"}] (workflow.campaigns.team).
    team_members: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    visit_reason: Mapped[str | None] = mapped_column(Text)
    radio: Mapped[str | None] = mapped_column(Text)
    # Who led the visit and who kept the minutes (members of the team), when it began and ended,
    # and who of the unit took part: the plan's section IV roles ticked, and their names.
    chair: Mapped[str | None] = mapped_column(String(200))
    secretary: Mapped[str | None] = mapped_column(String(200))
    visit_started: Mapped[time | None] = mapped_column(Time)
    visit_ended: Mapped[time | None] = mapped_column(Time)
    unit_attendees: Mapped[list[str] | None] = mapped_column(JSON)
    # The unit's people who took part, each with their title: [{"name", "title"}].
    unit_people: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    unit_signer: Mapped[str | None] = mapped_column(String(200))
    unit_signer_title: Mapped[str | None] = mapped_column(String(200))
    # The minutes' closing parts: the team's general assessment and the unit's opinion.
    team_assessment: Mapped[str | None] = mapped_column(Text)
    unit_opinion: Mapped[str | None] = mapped_column(Text)
    # Minutes and conclusion
    minutes_number: Mapped[str | None] = mapped_column(String(50))
    minutes_date: Mapped[date | None] = mapped_column(Date)
    participants: Mapped[str | None] = mapped_column(Text)
    minutes_file: Mapped[str | None] = mapped_column(String(500))
    conclusion_number: Mapped[str | None] = mapped_column(String(50))
    conclusion_date: Mapped[date | None] = mapped_column(Date)
    # Remediation and re-inspection
    remediation_reported_date: Mapped[date | None] = mapped_column(Date)
    remediation_file: Mapped[str | None] = mapped_column(String(500))
    reinspection_reason: Mapped[str | None] = mapped_column(Text)
    # End
    closed_date: Mapped[date | None] = mapped_column(Date)
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    # Derived due dates (see DUE_DATE_FIELDS)
    notice_due: Mapped[date | None] = mapped_column(Date)
    report_due: Mapped[date | None] = mapped_column(Date)
    minutes_due: Mapped[date | None] = mapped_column(Date)
    conclusion_due: Mapped[date | None] = mapped_column(Date)
    remediation_due: Mapped[date | None] = mapped_column(Date)
    self_report_due: Mapped[date | None] = mapped_column(Date)
    self_check_due: Mapped[date | None] = mapped_column(Date)

    # The one the case waits on in its state (workflow.deadlines.due_dates.next_due), kept with
    # them: the dashboard's overdue lists and the case list's sorting read it through an index.
    next_due_on: Mapped[date | None] = mapped_column(Date)
    # What the case adds to the dashboard's step_day_tally (workflow.deadlines.due_dates.step_marks),
    # kept with its dates; NULL for a case not counted there yet (written before revision 0014).
    step_marks: Mapped[list | None] = mapped_column(JSON(none_as_null=True))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    campaign = relationship("Campaign", back_populates="inspections")
    unit = relationship("Unit")
    findings = relationship(
        "Finding",
        back_populates="inspection",
        order_by="Finding.position",
        foreign_keys="Finding.inspection_id",
        cascade="all, delete-orphan",
    )
    reinspection_of = relationship("Inspection", remote_side=[id])

    __table_args__ = (
        one_of("kind", [k.value for k in Kind], "kind"),
        one_of("state", [s.value for s in State], "state"),
        # The plan gives each unit one direct and at most one self case per campaign.
        Index(
            "uq_inspection_campaign_unit_kind",
            "campaign_id",
            "unit_id",
            "kind",
            unique=True,
            sqlite_where=text("kind IN ('direct', 'self')"),
            postgresql_where=text("kind IN ('direct', 'self')"),
        ),
        *(Index(f"ix_inspection_state_{due}", "state", due) for due in DUE_DATE_FIELDS),
        Index("ix_inspection_state_visit_date", "state", "visit_date"),
        # The dashboard's counts and the case list's search and sorting, within a campaign.
        Index("ix_inspection_campaign_id_kind_state", "campaign_id", "kind", "state"),
        Index("ix_inspection_campaign_id_unit_name_folded", "campaign_id", "unit_name_folded"),
        # The visits ahead: counted per day and the first of each day read from the index alone.
        Index("ix_inspection_campaign_id_visit_date_state", "campaign_id", "visit_date", "state", "visit_time"),
        Index("ix_inspection_campaign_id_next_due_on", "campaign_id", "next_due_on"),
        Index("ix_inspection_campaign_id_uncounted", "campaign_id",
              sqlite_where=text("step_marks IS NULL"), postgresql_where=text("step_marks IS NULL")),
    )
    __mapper_args__ = {"version_id_col": version}

    @validates("unit_name")
    def _fold_unit_name(self, _key: str, name: str) -> str:
        self.unit_name_folded = fold(name)
        return name

    def __str__(self) -> str:
        return f"#{self.id} {self.unit_name}"


class Finding(Base):
    """A recommendation (kiến nghị) raised in the conclusion, tied to an outline section."""

    __tablename__ = "finding"
    __table_args__ = (
        one_of("status", ("open", "done", "in_progress", "not_done"), "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    section_code: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date] = mapped_column(Date)
    # What the unit reported, then what the team decided.
    status: Mapped[str] = mapped_column(String(20), default="open")
    unit_note: Mapped[str | None] = mapped_column(Text)
    accepted: Mapped[bool | None] = mapped_column(Boolean)
    review_note: Mapped[str | None] = mapped_column(Text)
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("finding.id"))
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    inspection = relationship("Inspection", back_populates="findings", foreign_keys=[inspection_id])
