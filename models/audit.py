from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime


class AuditEntry(Base):
    """One change of one entity: who, when, what, from which state to which.

    Append-only (database triggers refuse UPDATE and DELETE) and hash-chained per entity:
    ``hash = sha256(hash_version, id, prev_hash, the entry's fields)``; see ``workflow.audit``
    (version 1, before revision 0007, left out the version and the id), and sealed:
    ``mac = HMAC-SHA256(audit key, hash)``. ``data_json`` is stored exactly as it was hashed.
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
    # HMAC-SHA256 of ``hash`` under the audit key, which the database never holds (revision 0019).
    mac: Mapped[str | None] = mapped_column(String(64))

    inspection = relationship("Inspection", viewonly=True)


class CaseMoveTally(Base):
    """How many times the cases of a campaign moved from one state to another within an hour (UTC),
    per kind of case: the audit log's case entries with a state, counted as they are written.

    Kept by a database trigger on the insert of an ``audit_entry`` (revision 0012), in the same
    transaction, so every writer keeps it right and a refused change counts nothing. Read by the
    dashboard's progress chart and its "as of" counts instead of the log itself. A case's creation
    (no state before) is counted with ``from_state`` ``""``. Whole UTC hours give the local day of
    any zone whose offset is a whole number of hours (Asia/Ho_Chi_Minh: +7).
    """

    __tablename__ = "case_move_tally"
    __table_args__ = (PrimaryKeyConstraint("campaign_id", "hour", "kind", "from_state", "to_state"),)

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    hour: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str] = mapped_column(String(30))
    to_state: Mapped[str] = mapped_column(String(30))
    n: Mapped[int] = mapped_column(Integer)
