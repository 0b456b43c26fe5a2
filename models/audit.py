from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime


class AuditEntry(Base):
    """One change of one entity: who, when, what, from which state to which.

    Append-only (database triggers refuse UPDATE and DELETE) and hash-chained per entity:
    ``hash = sha256(hash_version, id, prev_hash, the entry's fields)``; see ``workflow.audit``
    (version 1, before revision 0007, left out the version and the id).
    ``data_json`` is stored exactly as it was hashed.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (
        UniqueConstraint("entity", "entity_id", "seq"),
        Index("ix_audit_entry_at", "at"),
        Index("ix_audit_entry_actor", "actor"),
        Index("ix_audit_entry_trigger", "trigger"),
        # A case's history in time order: its state at a moment is its last entry before it.
        Index("ix_audit_entry_case_history", "inspection_id", "entity", "at", "id", "to_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"))  # ix_audit_entry_case_history
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    trigger: Mapped[str] = mapped_column(String(50))
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[str | None] = mapped_column(String(30))
    comment: Mapped[str | None] = mapped_column(Text)
    data_json: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    hash_version: Mapped[int] = mapped_column(Integer, server_default="1")

    inspection = relationship("Inspection", viewonly=True)
