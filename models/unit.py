from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vocabulary.states import UnitKind

from .base import Audited, Base, UTCDateTime, one_of


class Unit(Audited, Base):
    """A district office (phòng) or a commune-level People's Committee (UBND xã / thị trấn).

    Units are data: names change and communes merge. A case keeps the unit's name as it was
    when the case was created, so the 2023 cases keep the 2023 names.
    """

    __tablename__ = "unit"
    __table_args__ = (one_of("kind", [k.value for k in UnitKind], "kind"),)
    audit_entity = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    full_name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
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
