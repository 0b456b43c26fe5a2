from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vocabulary.campaigns import UNIT_CATEGORY_CODES, UNIT_CHANGES
from vocabulary.states import UnitKind

from .base import Audited, Base, UTCDateTime, one_of


class Unit(Audited, Base):
    """A district office (phòng) or a commune-level People's Committee (UBND xã / thị trấn).

    Units are data: names change and communes merge. A case keeps the unit's name as it was
    when the case was created, so the 2023 cases keep the 2023 names.
    """

    __tablename__ = "unit"
    __table_args__ = (
        one_of("kind", [k.value for k in UnitKind], "kind"),
        one_of("category", UNIT_CATEGORY_CODES, "category"),
    )
    audit_entity = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    full_name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    # How the plan names its kind (vocabulary.campaigns.UNIT_CATEGORIES): phong, so, xa, phuong…
    category: Mapped[str | None] = mapped_column(String(20))
    # The days the unit exists under this name (both ends included; open when None).
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(50))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return self.name


class UnitChange(Base):
    """One step of the units' history: a rename (from and to the same unit, with the old and new
    names), a merge (one row per unit merged into ``to_unit``) or a split (one row per unit
    ``from_unit`` was split into), effective on a day."""

    __tablename__ = "unit_change"
    __table_args__ = (one_of("change", UNIT_CHANGES, "change"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change: Mapped[str] = mapped_column(String(10))
    effective_date: Mapped[date] = mapped_column(Date)
    from_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    from_name: Mapped[str] = mapped_column(String(200))
    to_name: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
