"""The planned list of a draft as the planning pages and the spreadsheets change it: which units,
how each is inspected, and the visit dates — always saved whole through
``workflow.campaigns.drafts.set_campaign_units``, whose refusals name a row (``units[3].visit_date``);
here they are renamed after the unit (``visit_date-17``, ``unit-17``) so that the page shows each
next to its unit."""
from __future__ import annotations

import re
from datetime import date, datetime, time

from sqlalchemy.orm import Session

from models import Campaign, Unit
from workflow.campaigns import drafts
from workflow.errors import Problem, WorkflowError
from workflow.people.permissions import Actor

ROW_FIELD = re.compile(r"units\[(\d+)\]\.(\w+)")


def in_plan_order(campaign: Campaign, units: list[Unit]) -> list[Unit]:
    """The units of the campaign's list in its order, then the others, offices before communes (as plans list them)."""
    position = {line.unit_id: line.position for line in campaign.units}
    return sorted(units, key=lambda unit: (unit.id not in position, position.get(unit.id, 0), unit.kind != "office", unit.name))


def unit_field(name: str, unit_id: int) -> str:
    return f"{name}-{unit_id}" if name.startswith("visit_") else f"unit-{unit_id}"


def _rows(campaign: Campaign, kinds: dict[int, str], dates: dict[int, tuple[date | None, time | None]]) -> list[dict]:
    """The units kept in their order, then those added; a direct one with its date and time."""
    kept = [line.unit_id for line in campaign.units if line.unit_id in kinds]
    order = kept + [unit_id for unit_id in kinds if unit_id not in kept]
    rows = []
    for unit_id in order:
        day, hour = dates.get(unit_id, (None, None)) if kinds[unit_id] == "direct" else (None, None)
        rows.append({"unit_id": unit_id, "kind": kinds[unit_id], "visit_date": day, "visit_time": hour})
    return rows


def _save(session: Session, campaign: Campaign, rows: list[dict], actor: Actor, now: datetime) -> None:
    try:
        drafts.set_campaign_units(session, campaign.id, rows, actor=actor, now=now)
    except WorkflowError as error:
        renamed = []
        for problem in error.problems:
            match = ROW_FIELD.fullmatch(problem.field or "")
            if match and 0 < int(match[1]) <= len(rows):
                problem = Problem(problem.text, unit_field(match[2], rows[int(match[1]) - 1]["unit_id"]))
            renamed.append(problem)
        raise type(error)(renamed) from error


def save_units(session: Session, campaign: Campaign, kinds: dict[int, str], actor: Actor, now: datetime) -> None:
    """The units chosen (unit id → direct / self); the dates already set are kept."""
    dates = {line.unit_id: (line.visit_date, line.visit_time) for line in campaign.units}
    _save(session, campaign, _rows(campaign, kinds, dates), actor, now)


def save_schedule(session: Session, campaign: Campaign, schedule: list[tuple[int, date | None, time | None]],
                  actor: Actor, now: datetime) -> None:
    """The date and time of each directly inspected unit; the list itself is unchanged."""
    kinds = {line.unit_id: line.kind for line in campaign.units}
    dates = {line.unit_id: (line.visit_date, line.visit_time) for line in campaign.units}
    dates.update({unit_id: (day, hour) for unit_id, day, hour in schedule})
    _save(session, campaign, _rows(campaign, kinds, dates), actor, now)
