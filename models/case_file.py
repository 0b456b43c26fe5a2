"""The case file: attached files, the outline review, and the register of outgoing documents."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, one_of

ATTACHMENT_KINDS = (
    "report",  # the unit's report against the outline
    "appendix",  # its appendices
    "minutes",  # the signed minutes (scan)
    "conclusion",  # the signed conclusion notice (scan)
    "remediation_report",
    "evidence",  # evidence of one finding's remediation
    "schedule_notice",  # generated documents from here on
    "minutes_draft",
    "conclusion_notice",
    "summary_report",
    "summary_xlsx",
    "score_evidence",  # evidence of a criterion of the self-assessment (tài liệu kiểm chứng)
    "other",
)
DOCUMENT_TYPES = ("TB", "BB", "BC")
# Where a document the office draws up stands (workflow.casefile.issuing): drawn up without its number,
# issued with its number and date, signed (by one or more of its signing steps). NULL: any other file.
DOCUMENT_STAGES = ("draft", "issued", "signed")


class Attachment(Base):
    """A file of a case (or, for campaign documents, of a campaign).

    The bytes live outside the database and any static folder, under their SHA-256
    (``workflow.records.files``); the row says whose it is, which change took it and under which name.
    """

    __tablename__ = "attachment"
    __table_args__ = (
        one_of("kind", ATTACHMENT_KINDS, "kind"),
        one_of("stage", DOCUMENT_STAGES, "stage"),
        CheckConstraint("inspection_id IS NOT NULL OR campaign_id IS NOT NULL", name="owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"), index=True)
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("finding.id"), index=True)
    audit_entry_id: Mapped[int | None] = mapped_column(ForeignKey("audit_entry.id"))
    kind: Mapped[str] = mapped_column(String(30))
    trigger: Mapped[str] = mapped_column(String(50))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(100))
    original_name: Mapped[str] = mapped_column(String(255))
    generated: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A document's versions: its stage, its kind ("minutes", "conclusion_notice" …), the version it
    # was made from, and what documents.signatures.check_pdf said of its signatures (Verdict.as_json()).
    stage: Mapped[str | None] = mapped_column(String(10))
    document: Mapped[str | None] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"), index=True)
    signature_check: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))

    inspection = relationship("Inspection")
    campaign = relationship("Campaign")
    finding = relationship("Finding")
    audit_entry = relationship("AuditEntry")
    parent = relationship("Attachment", remote_side=[id])


class SectionReview(Base):
    """What the team found in the unit's report for one outline section (B.1, B.2 …)."""

    __tablename__ = "section_review"
    __table_args__ = (UniqueConstraint("inspection_id", "section_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    section_code: Mapped[str] = mapped_column(String(20))
    achieved: Mapped[str | None] = mapped_column(Text)
    shortcomings: Mapped[str | None] = mapped_column(Text)
    causes: Mapped[str | None] = mapped_column(Text)
    # Ids of the section's outline items the report does not cover.
    missing_items: Mapped[list[int]] = mapped_column(JSON, default=list)
    reviewed_by: Mapped[str] = mapped_column(String(200))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RegisterCounter(Base):
    """The last number given in one year to one type of outgoing document; the row each
    allocation locks, so that two coordinators never get the same number."""

    __tablename__ = "register_counter"
    __table_args__ = (UniqueConstraint("year", "doc_type"), one_of("doc_type", DOCUMENT_TYPES, "doc_type"))

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    doc_type: Mapped[str] = mapped_column(String(10))
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class RegisterEntry(Base):
    """One outgoing document in the register (sổ đăng ký văn bản đi): "05/TB-UBND"."""

    __tablename__ = "register_entry"
    __table_args__ = (
        UniqueConstraint("year", "doc_type", "number"),
        one_of("doc_type", DOCUMENT_TYPES, "doc_type"),
        Index("ix_register_entry_campaign_purpose_symbol", "campaign_id", "purpose", "symbol"),  # a campaign's notices
        Index("ix_register_entry_year_doc_type_doc_date", "year", "doc_type", "doc_date"),  # numbers out of date order
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    doc_type: Mapped[str] = mapped_column(String(10))
    number: Mapped[int] = mapped_column(Integer)
    symbol: Mapped[str] = mapped_column(String(50))
    doc_date: Mapped[date] = mapped_column(Date)
    purpose: Mapped[str] = mapped_column(String(30))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"), index=True)
    # For a schedule notice: the cases it lists, {case id: "visit date"}.
    covers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    override_reason: Mapped[str | None] = mapped_column(Text)
    issued_by: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)


RENDER_JOB_STATUSES = ("queued", "running", "done", "failed")


class RenderJob(Base):
    """A campaign document drawn up in the background (a large campaign takes longer than a
    request may): who asked for what, how far it is, and the attachment it became. The row is
    the state, so every web worker shows the same progress."""

    __tablename__ = "render_job"
    __table_args__ = (one_of("status", RENDER_JOB_STATUSES, "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    options: Mapped[dict] = mapped_column(JSON)  # number, number_reason, doc_date, format
    actor: Mapped[dict] = mapped_column(JSON)  # name, role, user_id, unit_id of who asked
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)  # per cent
    cases: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
