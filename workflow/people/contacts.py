"""Where a unit is written to: its contact address and its active users (role ``unit``)."""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Unit, User


def emails(values: Iterable[str | None]) -> list[str]:
    """The addresses among ``values``, trimmed, lower-case, each once, sorted."""
    return sorted({value.strip().lower() for value in values if value and "@" in value})


def unit_contacts(session: Session, unit_ids: Iterable[int]) -> dict[int, list[str]]:
    """Unit id → its addresses, with two queries whatever the number of units."""
    unit_ids = set(unit_ids)
    found: dict[int, list[str | None]] = defaultdict(list)
    for unit_id, email in session.execute(select(Unit.id, Unit.contact_email).where(Unit.id.in_(unit_ids))):
        found[unit_id].append(email)
    users = select(User.unit_id, User.email).where(User.role == "unit", User.active.is_(True), User.unit_id.in_(unit_ids))
    for unit_id, email in session.execute(users):
        found[unit_id].append(email)
    return {unit_id: emails(values) for unit_id, values in found.items()}
