from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vocabulary.states import UnitKind

from .base import Base, one_of


class Outline(Base):
    """A report outline (đề cương báo cáo) of a campaign, one per kind of unit."""

    __tablename__ = "outline"
    __table_args__ = (
        UniqueConstraint("campaign_id", "unit_kind"),
        one_of("unit_kind", [k.value for k in UnitKind], "unit_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    unit_kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(Text)

    campaign = relationship("Campaign", back_populates="outlines")
    sections = relationship(
        "OutlineSection",
        back_populates="outline",
        order_by="OutlineSection.position",
        cascade="all, delete-orphan",
    )


class OutlineSection(Base):
    """A heading of an outline: ``A``, ``B.3``, ``C.III.1``…

    ``assessed`` sections have the plan's two parts: "a) Kết quả đạt được" (the items) and
    "b) Tồn tại, hạn chế và nguyên nhân".
    """

    __tablename__ = "outline_section"
    __table_args__ = (UniqueConstraint("outline_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outline_id: Mapped[int] = mapped_column(ForeignKey("outline.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("outline_section.id"))
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(20))
    heading: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    assessed: Mapped[bool] = mapped_column(Boolean, default=False)

    outline = relationship("Outline", back_populates="sections")
    items = relationship(
        "OutlineItem",
        back_populates="section",
        order_by="OutlineItem.position",
        cascade="all, delete-orphan",
    )


class OutlineItem(Base):
    """One listed point of a section ("- Việc …"), possibly under another ("+ …")."""

    __tablename__ = "outline_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("outline_section.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("outline_item.id"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    section = relationship("OutlineSection", back_populates="items")
    parent = relationship("OutlineItem", remote_side=[id])
