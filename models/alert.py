"""Alerts on deadlines and the e-mail they cause.

An ``alert`` row is one (case, rule, level) of the timed rules. It is written as ``planned`` with
the moment it is due (``fire_at``) whenever the case changes, in the same transaction, so that a
sweep only reads the rows whose moment has come (index on status and moment) and never scans the
cases. Raising it turns it ``open``; it becomes ``resolved`` when the case moves on, its date
changes or a higher level of the same rule is raised. The unique key makes every (case, rule,
level) fire at most once, whatever the scheduler does.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Audited, Base, UTCDateTime, one_of

ALERT_STATUSES = ("planned", "open", "acknowledged", "resolved")
RAISED_STATUSES = ("open", "acknowledged")
OUTBOX_STATUSES = ("pending", "sent", "failed")


class Alert(Audited, Base):
    """One (case, rule, level): a reminder (level 0), an overdue alert (1) or an escalation (2).

    Audited: a coordinator's acknowledgement is appended to the alert's own chain (so it does
    not bump the case's version under someone's open form)."""

    __tablename__ = "alert"
    __table_args__ = (
        UniqueConstraint("inspection_id", "rule", "level"),
        one_of("status", ALERT_STATUSES, "status"),
        Index("ix_alert_status_fire_at", "status", "fire_at", "id"),  # the sweep's ORDER BY: reads exactly a batch
        Index("ix_alert_action_status", "action", "status"),
        # The dashboard's open alerts of a campaign, counted and then a level at a time, the earliest
        # due first: reads what it shows.
        Index("ix_alert_campaign_id_status_level_due_on_id", "campaign_id", "status", "level", "due_on", "id"),
    )
    audit_entity = "alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"))  # first in the unique (case, rule, level)
    # The case's campaign, copied when the alert is planned (a case never changes campaign), so
    # the dashboard counts a campaign's open alerts on an index, without reading their cases.
    # A copy, so no foreign key of its own (the case's is the one), and nullable only because
    # revision 0014 added it to a table SQLite cannot alter.
    campaign_id: Mapped[int | None] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(30))
    level: Mapped[int] = mapped_column(Integer)
    # The due date the rule watches, and the moment this level comes due.
    due_on: Mapped[date] = mapped_column(Date)
    fire_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A trigger the scheduler fires when this level is raised (the timed transition).
    action: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), default="planned")
    raised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The case's version when the alert was raised: its action fires only on that version.
    case_version: Mapped[int | None] = mapped_column(Integer)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(String(30))

    inspection = relationship("Inspection")

    def __str__(self) -> str:
        return f"#{self.id} {self.rule}/{self.level}"


class OutboxMessage(Base):
    """An e-mail, written in the transaction that caused it and sent later by the scheduler.

    One row per (alert, recipient) or per (digest day, recipient), or per recipient of a receipt of
    a unit's files (workflow.records.receipts); ``message_id`` is fixed when
    the row is written, so a resend after a crash carries the same Message-ID."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        UniqueConstraint("alert_id", "recipient"),
        UniqueConstraint("digest_on", "recipient"),
        one_of("status", OUTBOX_STATUSES, "status"),
        Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"), index=True)
    digest_on: Mapped[date | None] = mapped_column(Date)
    recipient: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A sender that took the row for sending; another sender leaves it alone until then.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The claiming sender's random token: a row is recorded as sent only by the sender whose token
    # it still carries (jobs.mailer).
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    alert = relationship("Alert")
