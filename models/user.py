from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vocabulary.roles import ROLES

from .base import Audited, Base, UTCDateTime, one_of


class User(Audited, Base):
    __tablename__ = "app_user"
    __table_args__ = (one_of("role", ROLES, "role"),)
    audit_entity = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Raised by a logout, a password change or reset, a role change and a deactivation: every
    # session carries the generation it began in, and one from an older generation is refused.
    session_generation: Mapped[int] = mapped_column(Integer, default=1, server_default="1", nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # SHA-256 of the user's API token (the token itself is shown once, never stored).
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    unit = relationship("Unit")

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return self.email


class LoginThrottle(Base):
    """Login attempts, kept in the database so that the limits hold across web workers and hosts;
    each attempt is counted and decided by one upsert (workflow.people.login_limits).

    ``address:<ip>``: attempts in the current one-minute window from one address.
    ``account:<email>``: attempts checked since the last success on one account (existing or not)
    from addresses it has not logged in from, and until when the next must wait.
    ``pair:<ip> <email>``: the same for one address the account has logged in from.
    ``known:<ip> <email>``: the account logged in from that address (``updated_at``: the last time)."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    failures: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The random ticket of the attempt the row last let through: the upsert's RETURNING tells an
    # attempt whether it was let through (its own ticket) or refused (another's).
    ticket: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
