"""Declarative base, the UTC time column type and the audited-entity mixin."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, ClassVar

from sqlalchemy import CheckConstraint, DateTime, Integer, MetaData, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

GENESIS_HASH = "0" * 64


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as naive UTC, identical on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=timezone.utc) if value is not None else None


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def one_of(column: str, values: Any, name: str) -> CheckConstraint:
    """A CHECK that ``column`` holds one of ``values`` (an enum's stored strings)."""
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)


class Audited:
    """An entity whose every change is written to the audit log, hash-chained per entity.

    The head of the chain (hash of the newest entry and its sequence number) is kept on the row
    itself, so it changes in the same row write as the data it certifies.
    """

    audit_entity: ClassVar[str]

    audit_seq: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    audit_head: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH, nullable=False)
