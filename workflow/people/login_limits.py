"""Which login attempts get their password checked, decided before the check and in the database,
so that the limits hold across any number of web workers and hosts and concurrent requests.

The rules:

- **per address**: at most :data:`ADDRESS_LIMIT` attempts a minute; the rest are refused with
  429 and nothing is checked;
- **per account**: from the addresses an account has not logged in from in the last
  :data:`KNOWN_FOR`, all together, the first :data:`FREE_FAILURES` attempts since the account's
  last success there are checked at once; after the n-th, the next waits :func:`account_delay`
  (30 s, doubling, at most 15 minutes) and attempts meanwhile are refused unchecked with the same
  answer as a wrong password. From an address the account did log in from recently the same rule
  holds for that address alone: guessers elsewhere slow each other down, never the owner at the
  office. A success resets the count it was let through by; nothing ever locks an account.

Each rule is one ``INSERT … ON CONFLICT (key) DO UPDATE … RETURNING`` that counts the attempt
and decides it — never a read and a write that two requests could interleave — committed before
the password is checked. An account's row hands the attempt it lets through a random ticket: the
attempt reads back its own ticket if it was let through and another's if it was refused.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, literal, not_, null, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import LoginThrottle
from models.base import UTCDateTime
from models.db import write_transaction

ADDRESS_LIMIT = 20
ADDRESS_WINDOW = timedelta(minutes=1)
FREE_FAILURES = 5
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)
KNOWN_FOR = timedelta(days=30)
THROTTLE_KEPT = timedelta(days=1)

_TABLE = LoginThrottle.__table__
_KEY_LENGTH = 300


def account_delay(attempts: int) -> timedelta:
    """How long the next attempt waits after the ``attempts``-th checked since the last success:
    nothing for the first few, then doubling from 30 s, at most 15 minutes."""
    if attempts < FREE_FAILURES:
        return timedelta(0)
    return min(FIRST_DELAY * 2 ** min(attempts - FREE_FAILURES, 32), MAX_DELAY)


@dataclass(frozen=True)
class Admission:
    """The decision on one attempt. ``key`` is the row that let it through (reset on success)."""

    address_allowed: bool
    checked: bool
    key: str
    delay: timedelta = timedelta(0)  # the wait this attempt started, if it fails


def _insert(session: Session) -> Any:
    dialect = session.bind.dialect.name  # type: ignore[union-attr]
    return (postgresql if dialect == "postgresql" else sqlite).insert(_TABLE)


def _at(moment: datetime) -> Any:
    return literal(moment, UTCDateTime())


def _count_address(session: Session, address: str, now: datetime) -> int:
    """Count the attempt in its address's current window; the attempt's number in it."""
    expired = _TABLE.c.window_start <= _at(now - ADDRESS_WINDOW)
    statement = _insert(session).values(key=f"address:{address}"[:_KEY_LENGTH], window_start=now, attempts=1, failures=0,
                                        updated_at=now)
    statement = statement.on_conflict_do_update(index_elements=[_TABLE.c.key], set_={
        "window_start": case((expired, _at(now)), else_=_TABLE.c.window_start),
        "attempts": case((expired, 1), else_=_TABLE.c.attempts + 1),
        "updated_at": _at(now),
    })
    return session.execute(statement.returning(_TABLE.c.attempts)).scalar_one()


def _wait_after(attempts: Any, now: datetime) -> Any:
    """SQL for the moment the next attempt may be checked, after the ``attempts``-th (an SQL
    expression): a CASE over the few counts at which the delay still grows."""
    steps, count = [], FREE_FAILURES
    while account_delay(count) < MAX_DELAY:
        steps.append((attempts == count, _at(now + account_delay(count))))
        count += 1
    return case((attempts < FREE_FAILURES, null()), *steps, else_=_at(now + MAX_DELAY))


def _let_through(session: Session, key: str, now: datetime) -> tuple[bool, int]:
    """Count the attempt on ``key`` if it is not waiting: whether it was let through, and the
    number of attempts checked there since the last success."""
    ticket = secrets.token_hex(16)
    free = or_(_TABLE.c.blocked_until.is_(None), _TABLE.c.blocked_until <= _at(now))
    following = _TABLE.c.attempts + 1
    first_wait = now + account_delay(1) if account_delay(1) else None
    statement = _insert(session).values(key=key, window_start=now, attempts=1, failures=0, blocked_until=first_wait,
                                        ticket=ticket, updated_at=now)
    statement = statement.on_conflict_do_update(index_elements=[_TABLE.c.key], set_={
        "ticket": case((free, ticket), else_=_TABLE.c.ticket),
        "attempts": case((free, following), else_=_TABLE.c.attempts),
        "blocked_until": case((free, _wait_after(following, now)), else_=_TABLE.c.blocked_until),
        "updated_at": _at(now),
    })
    row = session.execute(statement.returning(_TABLE.c.ticket, _TABLE.c.attempts)).one()
    return row.ticket == ticket, row.attempts


def _known_key(address: str, email: str) -> str:
    return f"known:{address} {email}"[:_KEY_LENGTH]


def admit(session: Session, email: str, address: str, now: datetime) -> Admission:
    """Count a login attempt of ``email`` from ``address`` and decide whether its password is
    checked; committed before it is."""
    with write_transaction(session):
        session.execute(delete(LoginThrottle).where(
            LoginThrottle.updated_at < now - THROTTLE_KEPT,
            or_(LoginThrottle.updated_at < now - KNOWN_FOR, not_(LoginThrottle.key.startswith("known:")))))
        if _count_address(session, address, now) > ADDRESS_LIMIT:
            return Admission(address_allowed=False, checked=False, key="")
        known = session.scalar(select(LoginThrottle.key).where(
            and_(LoginThrottle.key == _known_key(address, email), LoginThrottle.updated_at >= now - KNOWN_FOR)))
        key = (f"pair:{address} {email}" if known else f"account:{email}")[:_KEY_LENGTH]
        checked, attempts = _let_through(session, key, now)
    return Admission(address_allowed=True, checked=checked, key=key, delay=account_delay(attempts) if checked else timedelta(0))


def record_success(session: Session, admission: Admission, email: str, address: str, now: datetime) -> None:
    """In the caller's transaction: the count that let the login through starts again, and the
    address is known to the account from now on."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == admission.key))
    statement = _insert(session).values(key=_known_key(address, email), window_start=now, attempts=0, failures=0,
                                        updated_at=now)
    session.execute(statement.on_conflict_do_update(index_elements=[_TABLE.c.key], set_={"updated_at": _at(now)}))
