"""A campaign's life: a draft is planned (settings, units, outlines, schedule), activated — all
its cases opened in one audited transaction —, run, and closed (read-only afterwards). A new
year's draft can start as a copy of an earlier campaign with its dates moved."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Campaign, CampaignUnit, Inspection, Unit, UnitChange
from vocabulary.campaigns import ACTIVE, CLOSED, DRAFT
from vocabulary.i18n import _
from vocabulary.states import Kind
from workflow import audit
from workflow.alerts.plan import replan_alerts
from workflow.audit.edits import changed_values
from workflow.deadlines.counting import counting_of
from workflow.engine.locking import change_transaction, lock_campaign
from workflow.errors import BadData, ConcurrentUpdate, Problem
from workflow.people.permissions import Actor
from workflow.people.unit_names import unit_named
from workflow.scoring.criteria import copy_criteria

from .outlines import export_outline, outline_of, store_outline
from .plan_file import PlanFile, PlanOutline, problem_text, validate_plan
from .plans import (
    CAMPAIGN_FIELDS,
    COLUMN_PATHS,
    ImportReport,
    build_campaign,
    campaign_values,
    find_campaign,
    open_listed_cases,
    plan_settings,
    require,
    schedule_lines,
)
from .team import set_team
from .units import current_successors


def _locked(session: Session, campaign_id: int, expected_version: int | None, *statuses: str) -> Campaign:
    campaign = lock_campaign(session, campaign_id)
    if expected_version is not None and campaign.version != expected_version:
        raise ConcurrentUpdate(_("The campaign was changed by someone else at the same time; reload it and try again."))
    if statuses and campaign.status not in statuses:
        if campaign.status == DRAFT:
            raise BadData(_("The campaign \u201c{code}\u201d is still a draft: start it first.", code=campaign.code), field="status")
        if campaign.status == CLOSED:
            raise BadData(_("The campaign \u201c{code}\u201d is closed: it can be read and reported on, not changed.", code=campaign.code), field="status")
        raise BadData(_("The campaign \u201c{code}\u201d is running: its cases are open, so its plan is no longer a draft.", code=campaign.code), field="status")
    return campaign


def create_draft(session: Session, plan_or_fields: PlanFile | Mapping[str, Any], *, actor: Actor, now: datetime,
                 code: str | None = None) -> Campaign:
    """A draft campaign from a plan (or the plan file's fields, validated the same way): its
    settings, units, outlines and planned list, no cases yet."""
    require(actor, "edit_campaign")
    plan = plan_or_fields if isinstance(plan_or_fields, PlanFile) else validate_plan(dict(plan_or_fields), source=str(_("the form")))
    code = code or plan.code
    with change_transaction(session):
        if session.scalar(select(Campaign.id).where(Campaign.code == code)) is not None:
            raise BadData(_("A campaign with the code \u201c{code}\u201d already exists.", code=code), field="code")
        campaign = build_campaign(session, plan, code=code, status=DRAFT, actor=actor, now=now, report=ImportReport(code=code))
    return campaign


def _merged(base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    result = dict(base)
    for key, value in changes.items():
        result[key] = _merged(result[key], value) if isinstance(value, Mapping) and isinstance(result.get(key), dict) else value
    return result


def update_settings(session: Session, campaign_id: int, changes: Mapping[str, Any], *, actor: Actor, now: datetime,
                    expected_version: int | None = None) -> Campaign:
    """Change a draft's settings, given as parts of a plan file (``{"window": {"start": …}}``),
    validated as a plan file is; audited with the old and new values."""
    return _update(session, campaign_id, lambda current: validate_plan(_merged(current, changes), source=str(_("the form"))),
                   actor=actor, now=now, expected_version=expected_version)


def update_columns(session: Session, campaign_id: int, columns: Mapping[str, Any], *, actor: Actor, now: datetime,
                   expected_version: int | None = None) -> Campaign:
    """Change a draft's settings given by column (``{"window_end": date(…)}``, as a form has them),
    validated as a plan file is; every refusal names its column."""
    return _update(session, campaign_id, lambda current: _plan_from_columns(current, columns),
                   actor=actor, now=now, expected_version=expected_version)


def _update(session: Session, campaign_id: int, make_plan, *, actor: Actor, now: datetime, expected_version: int | None) -> Campaign:
    require(actor, "edit_campaign")
    with change_transaction(session):
        campaign = _locked(session, campaign_id, expected_version, DRAFT)
        plan = make_plan(PlanFile(**plan_settings(campaign)).model_dump(exclude={"units", "outlines"}))
        if plan.code != campaign.code:
            raise BadData(_("The code of a campaign does not change."), field="code")
        for name, value in campaign_values(plan).items():
            setattr(campaign, name, value)
        changes_made = changed_values(campaign)
        if changes_made:
            campaign.updated_at = now
            audit.append(session, campaign, at=now, actor=actor.name, trigger="edit", data={"changes": changes_made})
    return campaign


_PATH_COLUMNS = {".".join(path): column for column, path in COLUMN_PATHS.items()}
# A rule over several fields of a part is reported on the field a reader would change.
_PATH_COLUMNS.update({"window": "window_end", "issuer": "issuer"})


def _plan_from_columns(current: dict[str, Any], columns: Mapping[str, Any]) -> PlanFile:
    data = _merged(current, {})
    unknown = [column for column in columns if column not in COLUMN_PATHS and column != "code"]
    if unknown:
        raise BadData([Problem(_("is not a field of a plan file"), column) for column in unknown])
    for column, value in columns.items():
        if column == "code":
            data["code"] = value
            continue
        *parents, leaf = COLUMN_PATHS[column]
        part = data
        for name in parents:
            part = part.setdefault(name, {})
        part[leaf] = value
    try:
        return PlanFile.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            path = ".".join(str(part) for part in item["loc"])
            column = _PATH_COLUMNS.get(path) or _PATH_COLUMNS.get(path.rsplit(".", 1)[0]) or path or "code"
            problems.append(Problem(problem_text(item), column))
        raise BadData(problems) from None


def create_draft_from_columns(session: Session, columns: Mapping[str, Any], *, actor: Actor, now: datetime) -> Campaign:
    """A blank draft from a form's columns (at least ``code``, ``year``, ``title``): the issuing
    body is the most recent campaign's unless given, the window July–August of the year, the rest
    the plan file's defaults. Refusals name their column."""
    require(actor, "edit_campaign")
    year = columns.get("year")
    latest = session.scalar(select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc()))
    base: dict[str, Any] = {"code": columns.get("code"), "year": year, "title": columns.get("title")}
    if latest is not None:
        body = plan_settings(latest)
        base["issuer"] = body["issuer"].model_dump()
    else:
        base["issuer"] = {}
    if isinstance(year, int):
        base["window"] = {"start": date(year, 7, 1), "end": date(year, 8, 31)}
    else:
        base["window"] = {}
    plan = _plan_from_columns(base, {key: value for key, value in columns.items() if key not in ("code", "year", "title")})
    return create_draft(session, plan, actor=actor, now=now)


class UnitRow(BaseModel):
    """One line of a draft's planned list, as the UI or a spreadsheet gives it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    unit_id: int | None = None
    unit: str | None = Field(None, description="the unit's name in the registry, when no unit_id")
    unit_name: str | None = Field(None, max_length=200, description="the name as the plan writes it; default: the registry's")
    kind: str = Field(pattern="^(direct|self)$")
    visit_date: date | None = None
    visit_time: time | None = None


def _rows(rows: Sequence[Mapping[str, Any] | UnitRow]) -> list[UnitRow]:
    parsed, problems = [], []
    for number, row in enumerate(rows, start=1):
        try:
            parsed.append(row if isinstance(row, UnitRow) else UnitRow.model_validate(dict(row)))
        except ValidationError as error:
            for item in error.errors():
                field = ".".join(str(part) for part in item["loc"])
                problems.append(Problem(_("Row {row}, {field}: {problem}", row=number, field=field, problem=item["msg"]), f"units[{number}].{field}"))
    if problems:
        raise BadData(problems)
    return parsed


def set_campaign_units(session: Session, campaign_id: int, rows: Sequence[Mapping[str, Any] | UnitRow], *, actor: Actor,
                       now: datetime, expected_version: int | None = None) -> list[CampaignUnit]:
    """Replace a draft's planned list by ``rows``, in their order: which units, inspected how,
    visited when (inside the window)."""
    require(actor, "edit_campaign")
    parsed = _rows(rows)
    if not parsed:
        raise BadData(_("The campaign has no units yet."), field="units")
    with change_transaction(session):
        campaign = _locked(session, campaign_id, expected_version, DRAFT)
        calendar = counting_of(campaign).calendar
        day = campaign.plan_date or campaign.window_start
        wanted: list[tuple[Unit, UnitRow]] = []
        problems = []
        for number, row in enumerate(parsed, start=1):
            try:
                unit = session.get(Unit, row.unit_id) if row.unit_id else unit_named(session, row.unit or row.unit_name or "", day=day)
            except BadData as error:
                problems.extend(Problem(p.text, f"units[{number}].unit") for p in error.problems)
                continue
            if unit is None:
                problems.append(Problem(_("Row {row}: there is no unit #{id}.", row=number, id=row.unit_id), f"units[{number}].unit_id"))
                continue
            if row.visit_date and not campaign.window_start <= row.visit_date <= campaign.window_end:
                problems.append(Problem(_("Row {row}: the visit of {unit} ({day}) is outside the window.", row=number, unit=unit.name, day=row.visit_date), f"units[{number}].visit_date"))
            elif row.visit_date and not calendar.is_working_day(row.visit_date):
                problems.append(Problem(_("Row {row}: the visit of {unit} ({day}) is not on a working day.", row=number, unit=unit.name, day=row.visit_date), f"units[{number}].visit_date"))
            if row.kind == Kind.SELF and row.visit_date:
                problems.append(Problem(_("Row {row}: a self-inspected unit has no visit date.", row=number), f"units[{number}].visit_date"))
            if any(unit.id == other.id for other, _row in wanted):
                problems.append(Problem(_("Row {row}: {unit} is listed twice.", row=number, unit=unit.name), f"units[{number}].unit"))
            wanted.append((unit, row))
        if problems:
            raise BadData(problems)
        existing = {line.unit_id: line for line in campaign.units}
        lines = []
        for position, (unit, row) in enumerate(wanted, start=1):
            line = existing.pop(unit.id, None) or CampaignUnit(unit=unit)
            line.unit_name = row.unit_name or (line.unit_name if line.id else unit.name)
            line.kind, line.visit_date, line.visit_time, line.position = row.kind, row.visit_date, row.visit_time, position
            lines.append(line)
        campaign.units = lines
        session.flush()
        campaign.updated_at = now
        audit.append(session, campaign, at=now, actor=actor.name, trigger="plan_units",
                     data={"units": [_line_record(line) for line in lines], "removed": [line.unit_name for line in existing.values()]})
    return list(campaign.units)


def _line_record(line: CampaignUnit) -> dict[str, Any]:
    return {"unit_id": line.unit_id, "name": line.unit_name, "kind": line.kind, "visit_date": line.visit_date, "visit_time": line.visit_time}


def propose_draft_schedule(session: Session, campaign_id: int, *, actor: Actor, now: datetime, visits_per_day: int | None = None,
                           slots: Sequence[time] | None = None, days_to_avoid: Sequence[date] = (), first_notice: date | None = None,
                           replace: bool = False, expected_version: int | None = None) -> list[CampaignUnit]:
    """Date the draft's direct units that have no visit yet (all of them with ``replace``) with the
    proposer: working days of the window, ``visits_per_day`` a day at ``slots``, never on
    ``days_to_avoid``, each notice still on time from ``first_notice`` (default: the campaign's)."""
    require(actor, "edit_campaign")
    with change_transaction(session):
        campaign = _locked(session, campaign_id, expected_version, DRAFT)
        if replace:
            for line in campaign.units:
                if line.kind == Kind.DIRECT:
                    line.visit_date = line.visit_time = None
        dated = schedule_lines(campaign, list(campaign.units), visits_per_day=visits_per_day, slot_times=slots,
                               days_to_avoid=days_to_avoid, first_notice=first_notice)
        session.flush()
        campaign.updated_at = now
        audit.append(session, campaign, at=now, actor=actor.name, trigger="propose_schedule",
                     data={"visits_per_day": visits_per_day or campaign.visits_per_day, "days_to_avoid": list(days_to_avoid),
                           "slots": [slot.strftime("%H:%M") for slot in slots or ()], "dated": [_line_record(line) for line in dated]})
    return list(campaign.units)


def set_outline(session: Session, campaign_id: int, outline: PlanOutline, *, actor: Actor, now: datetime,
                expected_version: int | None = None) -> None:
    """Give a draft the outline for one kind of unit (pasted and parsed, or another campaign's),
    replacing the one it had."""
    require(actor, "edit_campaign")
    with change_transaction(session):
        campaign = _locked(session, campaign_id, expected_version, DRAFT)
        old = outline_of(session, campaign, outline.unit_kind)
        if old is not None:
            for section in old.sections:  # the parts point at each other: unlink them first
                section.parent_id = None
                for item in section.items:
                    item.parent_id = None
            session.flush()
            session.delete(old)
            session.flush()
        store_outline(session, campaign, outline, actor=actor.name, now=now)


def reuse_outline(session: Session, campaign_id: int, *, from_code: str, unit_kind: str, actor: Actor, now: datetime,
                  expected_version: int | None = None) -> None:
    """Give a draft the outline another campaign has for that kind of unit."""
    source = outline_of(session, find_campaign(session, from_code), unit_kind)
    if source is None:
        raise BadData(_("The campaign \u201c{code}\u201d has no outline for that kind of unit.", code=from_code), field="outline")
    set_outline(session, campaign_id, export_outline(source), actor=actor, now=now, expected_version=expected_version)


def activate(session: Session, campaign_id: int, *, actor: Actor, now: datetime, expected_version: int | None = None) -> list[Inspection]:
    """Start a draft: one case per unit of its planned list, all in ONE audited transaction."""
    require(actor, "activate_campaign")
    with change_transaction(session):
        campaign = _locked(session, campaign_id, expected_version, DRAFT)
        if not campaign.units:
            raise BadData(_("The campaign has no units yet."), field="units")
        undated = [line.unit_name for line in campaign.units if line.kind == Kind.DIRECT and line.visit_date is None]
        if undated:
            raise BadData(_("These units have no visit date yet (ask for a schedule proposal): {units}.", units=", ".join(undated)), field="units")
        campaign.status = ACTIVE
        campaign.updated_at = now
        report = ImportReport(code=campaign.code)
        opened = open_listed_cases(session, campaign, actor=actor, now=now, report=report)
        audit.append(session, campaign, at=now, actor=actor.name, trigger="activate", from_state=DRAFT, to_state=ACTIVE,
                     data={"cases": [case.id for case in opened]})
    return opened


def close_campaign(session: Session, campaign_id: int, *, actor: Actor, now: datetime, expected_version: int | None = None,
                   comment: str | None = None) -> Campaign:
    """Close a running campaign: its cases become read-only and its alerts stop."""
    require(actor, "close_campaign")
    with change_transaction(session):
        campaign = _locked(session, campaign_id, expected_version, ACTIVE)
        campaign.status = CLOSED
        campaign.updated_at = now
        session.flush()
        for inspection in session.scalars(select(Inspection).where(Inspection.campaign_id == campaign.id)):
            replan_alerts(session, inspection, now)
        audit.append(session, campaign, at=now, actor=actor.name, trigger="close_campaign", from_state=ACTIVE, to_state=CLOSED, comment=comment)
    return campaign


def _moved(day: date | None, years: int) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _moved_days(days: list[dict[str, Any]] | None, years: int) -> list[dict[str, Any]]:
    return [{**day, "date": _moved(date.fromisoformat(day["date"]), years).isoformat()} for day in days or []]


def copy_campaign(session: Session, source_code: str, *, new_code: str, year: int, actor: Actor, now: datetime) -> Campaign:
    """A draft for ``year`` from an earlier campaign: its settings, timed rules and outlines, its
    dates (plan, window, team decision, self-inspection, days off) moved to the new year, and its
    units as they are on the new window's first day (a merged unit gives its successor, a split
    one the units it was split into), its criteria sets (the Bộ chỉ số, to be replaced when the
    province issues a new one), its team's roster (to be checked against the new team decision);
    numbers and visit dates are left for the new plan."""
    require(actor, "copy_campaign")
    source = find_campaign(session, source_code)
    years = year - source.year
    values = {name: getattr(source, name) for name in CAMPAIGN_FIELDS}
    for name in ("plan_date", "team_decision_date", "window_start", "window_end", "schedule_from", "self_check_by", "self_report_due"):
        values[name] = _moved(values[name], years)
    values.update(year=year, title=source.title.replace(str(source.year), str(year)), plan_number=None, team_decision_number=None,
                  extra_days_off=_moved_days(source.extra_days_off, years), makeup_workdays=_moved_days(source.makeup_workdays, years))
    outlines = [export_outline(outline) for outline in sorted(source.outlines, key=lambda o: o.id)]
    day = values["window_start"]
    lines: list[tuple[Unit, str, str]] = []
    for line in source.units:
        if line.kind == Kind.SURPRISE:
            continue
        for unit in current_successors(session, line.unit, day):
            if all(unit.id != other.id for other, _name, _kind in lines):
                renamed = session.scalar(select(UnitChange.id).where(UnitChange.change == "rename", UnitChange.from_unit_id == unit.id,
                                                                       UnitChange.from_name == line.unit_name))
                name = line.unit_name if unit.id == line.unit_id and renamed is None else unit.name
                lines.append((unit, name, line.kind))
    with change_transaction(session):
        if session.scalar(select(Campaign.id).where(Campaign.code == new_code)) is not None:
            raise BadData(_("A campaign with the code \u201c{code}\u201d already exists.", code=new_code), field="code")
        campaign = Campaign(code=new_code, status=DRAFT, copied_from_id=source.id, **values, created_at=now, updated_at=now)
        campaign.units = [CampaignUnit(unit=unit, unit_name=name, kind=kind, position=position)
                          for position, (unit, name, kind) in enumerate(lines, start=1)]
        members = set_team(campaign, [member.record() for member in source.team_members])  # to be checked against the new decision
        session.add(campaign)
        session.flush()
        criteria_sets = copy_criteria(session, source, campaign, now)
        audit.append(session, campaign, at=now, actor=actor.name, trigger="create", to_state=DRAFT,
                     data={**audit.snapshot(campaign), "copied_from": source.code, "units": [name for _unit, name, _kind in lines],
                           "criteria_sets": [criteria_set.unit_kind for criteria_set in criteria_sets], "team_members": members})
        for outline in outlines:
            store_outline(session, campaign, outline, actor=actor.name, now=now)
    return campaign
