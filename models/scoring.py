"""Scoring against the Chỉ số CCHC (PAR Index): the criteria set of a campaign and kind of unit,
and each case's score sheet (the unit's self-assessment, then the team's appraisal)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vocabulary.states import UnitKind

from .base import Base, UTCDateTime, one_of

SCORING_METHODS = ("yes_no", "level", "rate")
SHEET_STATUSES = ("draft", "submitted")
APPRAISAL_DECISIONS = ("accepted", "corrected")
Points = Numeric(7, 2)


class CriteriaSet(Base):
    """A Bộ tiêu chí: fields → criteria → sub-criteria, and the ranking bands, for one campaign
    and one kind of unit."""

    __tablename__ = "criteria_set"
    __table_args__ = (
        UniqueConstraint("campaign_id", "unit_kind"),
        one_of("unit_kind", [k.value for k in UnitKind], "unit_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    unit_kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    # A sample shipped with the product, to be replaced by the province's own set.
    sample: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    # [{"label": "Xuất sắc", "min_percent": 90}, …], the highest first; the last starts at 0.
    bands: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    campaign = relationship("Campaign")
    criteria = relationship("Criterion", back_populates="criteria_set", order_by="Criterion.position",
                            cascade="all, delete-orphan")


class Criterion(Base):
    """A field (lĩnh vực, depth 0), a criterion (tiêu chí, 1) or a sub-criterion (tiêu chí
    thành phần, 2). Only the leaves are scored (``method``); a parent scores the sum of its
    children, capped at its own maximum."""

    __tablename__ = "criterion"
    __table_args__ = (
        UniqueConstraint("set_id", "code"),
        one_of("method", SCORING_METHODS, "method"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("criteria_set.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("criterion.id"))
    position: Mapped[int] = mapped_column(Integer)
    depth: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    max_points: Mapped[Decimal] = mapped_column(Points)
    method: Mapped[str | None] = mapped_column(String(20))
    # level: [{"label": …, "points": …}]; rate: [{"from": 95, "points": 1.5}], the highest first.
    levels: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    rate_bands: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    evidence_required: Mapped[bool] = mapped_column(Boolean, default=False)
    section_code: Mapped[str | None] = mapped_column(String(20))  # the outline section it belongs to
    guidance: Mapped[str | None] = mapped_column(Text)

    criteria_set = relationship("CriteriaSet", back_populates="criteria")
    parent = relationship("Criterion", remote_side=[id])


class ScoreSheet(Base):
    """One case's scores: the unit's self-assessment (locked once submitted) and the team's
    appraisal of each scored criterion."""

    __tablename__ = "score_sheet"
    __table_args__ = (one_of("status", SHEET_STATUSES, "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), unique=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("criteria_set.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by: Mapped[str | None] = mapped_column(String(200))

    inspection = relationship("Inspection")
    criteria_set = relationship("CriteriaSet")
    entries = relationship("ScoreEntry", back_populates="sheet", cascade="all, delete-orphan")


class ScoreEntry(Base):
    """One scored criterion of a sheet. ``*_value`` is what was answered (yes/no as 1/0, the
    level's index, the rate in %), ``*_points`` what it is worth."""

    __tablename__ = "score_entry"
    __table_args__ = (
        UniqueConstraint("sheet_id", "criterion_id"),
        one_of("decision", APPRAISAL_DECISIONS, "decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheet.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"), index=True)
    self_value: Mapped[Decimal | None] = mapped_column(Points)
    self_points: Mapped[Decimal | None] = mapped_column(Points)
    explanation: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(String(20))
    final_value: Mapped[Decimal | None] = mapped_column(Points)
    final_points: Mapped[Decimal | None] = mapped_column(Points)
    reason: Mapped[str | None] = mapped_column(Text)
    appraised_by: Mapped[str | None] = mapped_column(String(200))
    appraised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Marked by the team to become a finding of the conclusion.
    as_finding: Mapped[bool] = mapped_column(Boolean, default=False)

    sheet = relationship("ScoreSheet", back_populates="entries")
    criterion = relationship("Criterion")
    evidence = relationship("ScoreEvidence", back_populates="entry", order_by="ScoreEvidence.id", cascade="all, delete-orphan")


class ScoreEvidence(Base):
    """A file of the case (``attachment``, kind ``score_evidence``) given as evidence
    (tài liệu kiểm chứng) of one scored criterion."""

    __tablename__ = "score_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("score_entry.id"), index=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachment.id"), unique=True)

    entry = relationship("ScoreEntry", back_populates="evidence")
    attachment = relationship("Attachment")
