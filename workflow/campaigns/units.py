"""The units as a registry with a history: renamed, merged and split on an effective date.

A rename keeps the unit (its contacts, its chain) under a new name; a merge ends the units merged
(the day before the effective date) and points them to the unit they became; a split ends the
unit and creates the ones it became. Every step is a ``unit_change`` row and an entry on each unit's
audit chain. Cases keep the name they had (``Inspection.unit_name``), so earlier campaigns still
read as they were.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models import Unit, UnitChange
from vocabulary.campaigns import UNIT_CATEGORIES
from vocabulary.config import local_date
from vocabulary.i18n import _
from workflow import audit
from workflow.engine.locking import change_transaction
from workflow.errors import BadData, ConcurrentUpdate, NotFound
from workflow.people.permissions import Actor
from workflow.people.unit_names import is_current

from .plans import require


def _current_condition(day: date):
    return (
        or_(Unit.valid_from.is_(None), Unit.valid_from <= day),
        or_(Unit.valid_to.is_(None), Unit.valid_to >= day),
    )


def units_current_on(session: Session, day: date) -> list[Unit]:
    """The units that exist on ``day``, offices first, by name: what a new campaign offers."""
    return list(session.scalars(select(Unit).where(*_current_condition(day)).order_by(Unit.kind.desc(), Unit.name)))


def current_successors(session: Session, unit: Unit, day: date) -> list[Unit]:
    """What ``unit`` is on ``day``: itself while it exists, else the units it was merged or
    split into (followed on, for a unit changed more than once)."""
    if is_current(unit, day):
        return [unit]
    found: list[Unit] = []
    steps = session.scalars(
        select(UnitChange).where(UnitChange.from_unit_id == unit.id, UnitChange.change != "rename",
                                 UnitChange.effective_date <= day).order_by(UnitChange.id)
    ).all()
    for step in steps:
        for successor in current_successors(session, session.get(Unit, step.to_unit_id), day):
            if successor not in found:
                found.append(successor)
    return found


def _lock_unit(session: Session, unit_id: int, expected_version: int | None) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.id == unit_id).with_for_update().execution_options(populate_existing=True))
    if unit is None:
        raise NotFound(_("Unit #{id} does not exist.", id=unit_id), field="unit")
    if expected_version is not None and unit.version != expected_version:
        raise ConcurrentUpdate(_("The unit was changed by someone else at the same time; reload it and try again."))
    return unit


def _free_name(session: Session, name: str, *, but: Unit | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise BadData(_("The unit's name is missing."), field="name")
    taken = session.scalar(select(Unit).where(Unit.name == name))
    if taken is not None and taken is not but:
        raise BadData(_("A unit called \u201c{name}\u201d already exists.", name=name), field="name")
    return name


def _category(category: str | None, kind: str) -> str | None:
    if category is None:
        return None
    if category not in UNIT_CATEGORIES or UNIT_CATEGORIES[category][0] != kind:
        choices = ", ".join(code for code, (of_kind, _label) in UNIT_CATEGORIES.items() if of_kind == kind)
        raise BadData(_("The category \u201c{category}\u201d is not one of {choices}.", category=category, choices=choices), field="category")
    return category


def _new_unit(session: Session, *, name: str, full_name: str | None, kind: str, category: str | None, email: str | None,
              valid_from: date | None, actor: Actor, now: datetime, comment: str | None = None) -> Unit:
    if kind not in ("office", "commune"):
        raise BadData(_("The kind of unit must be office or commune."), field="kind")
    name = _free_name(session, name)
    unit = Unit(name=name, full_name=(full_name or name).strip(), kind=kind, category=_category(category, kind),
                contact_email=(email or "").strip().lower() or None, active=True, valid_from=valid_from, created_at=now, updated_at=now)
    session.add(unit)
    session.flush()
    audit.append(session, unit, at=now, actor=actor.name, trigger="create", comment=comment, data=audit.snapshot(unit))
    return unit


def create_unit(session: Session, *, name: str, kind: str, actor: Actor, now: datetime, full_name: str | None = None,
                category: str | None = None, email: str | None = None, valid_from: date | None = None) -> Unit:
    """A new unit in the registry (a coordinator adding one to a plan)."""
    require(actor, "edit_units")
    with change_transaction(session):
        unit = _new_unit(session, name=name, full_name=full_name, kind=kind, category=category, email=email,
                         valid_from=valid_from, actor=actor, now=now)
    return unit


def _record(session: Session, change: str, day: date, source: Unit, target: Unit, from_name: str, note: str | None,
            actor: Actor, now: datetime) -> None:
    session.add(UnitChange(change=change, effective_date=day, from_unit_id=source.id, to_unit_id=target.id, from_name=from_name,
                           to_name=target.name, note=note, actor=actor.name, created_at=now))
    data = {"effective_date": day, "from": from_name, "to": target.name}
    for unit in {source.id: source, target.id: target}.values():
        unit.updated_at = now
        audit.append(session, unit, at=now, actor=actor.name, trigger=change, comment=note, data=data)


def _end(unit: Unit, day: date, now: datetime, successor: Unit | None) -> None:
    unit.valid_to = day - timedelta(days=1)
    unit.successor_id = successor.id if successor is not None else None
    unit.active = day > local_date(now)


def rename_unit(session: Session, unit_id: int, *, new_name: str, effective_date: date, actor: Actor, now: datetime,
                full_name: str | None = None, note: str | None = None, expected_version: int | None = None) -> Unit:
    """The unit goes on under a new name from ``effective_date``; its cases keep the old one."""
    require(actor, "edit_units")
    with change_transaction(session):
        unit = _lock_unit(session, unit_id, expected_version)
        old = unit.name
        unit.name = _free_name(session, new_name, but=unit)
        if full_name:
            unit.full_name = full_name.strip()
        _record(session, "rename", effective_date, unit, unit, old, note, actor, now)
    return unit


def merge_units(session: Session, unit_ids: Sequence[int], *, into_name: str, effective_date: date, actor: Actor, now: datetime,
                full_name: str | None = None, category: str | None = None, email: str | None = None,
                note: str | None = None) -> Unit:
    """Merge the units into one from ``effective_date``: into one of them (or another existing
    unit) when ``into_name`` is its name, else into a new unit of that name."""
    require(actor, "edit_units")
    if len(set(unit_ids)) < 1:
        raise BadData(_("Name the units to merge."), field="units")
    with change_transaction(session):
        sources = [_lock_unit(session, unit_id, None) for unit_id in dict.fromkeys(unit_ids)]
        kinds = {unit.kind for unit in sources}
        if len(kinds) > 1:
            raise BadData(_("Offices and communes cannot be merged together."), field="units")
        target = session.scalar(select(Unit).where(Unit.name == " ".join(into_name.split())))
        if target is None:
            target = _new_unit(session, name=into_name, full_name=full_name, kind=kinds.pop(), category=category or sources[0].category,
                               email=email, valid_from=effective_date, actor=actor, now=now, comment=note)
        for source in sources:
            if source.id == target.id:
                continue
            _end(source, effective_date, now, target)
            _record(session, "merge", effective_date, source, target, source.name, note, actor, now)
    return target


def split_unit(session: Session, unit_id: int, into: Sequence[Mapping[str, Any]], *, effective_date: date, actor: Actor,
               now: datetime, note: str | None = None) -> list[Unit]:
    """Split the unit from ``effective_date`` into new units, each given as ``{"name", "full_name",
    "category", "email"}`` (the kind is the unit's)."""
    require(actor, "edit_units")
    if len(into) < 2:
        raise BadData(_("A split needs at least two new units."), field="into")
    with change_transaction(session):
        source = _lock_unit(session, unit_id, None)
        targets = [
            _new_unit(session, name=part.get("name", ""), full_name=part.get("full_name"), kind=source.kind,
                      category=part.get("category", source.category), email=part.get("email"), valid_from=effective_date,
                      actor=actor, now=now, comment=note)
            for part in into
        ]
        _end(source, effective_date, now, None)
        for target in targets:
            _record(session, "split", effective_date, source, target, source.name, note, actor, now)
    return targets


def unit_history(session: Session, unit_id: int) -> list[UnitChange]:
    """Every change the unit took part in, oldest first."""
    return list(session.scalars(
        select(UnitChange).where(or_(UnitChange.from_unit_id == unit_id, UnitChange.to_unit_id == unit_id)).order_by(UnitChange.id)
    ))
