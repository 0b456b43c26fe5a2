"""Importing a plan file into a campaign, and exporting a campaign as one.

Importing creates what is missing and leaves alone what exists — the campaign, its units (found
by name), its outlines, its planned list, the proposed schedule and its cases — so the same file
imported twice changes nothing, and a coordinator's later edits survive. A dry run does the whole
import in a transaction it then rolls back, so its report is exactly what an import would do.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Campaign, CampaignUnit, Inspection, Unit
from models.db import write_transaction
from vocabulary.campaigns import ACTIVE, CLOSED, DRAFT, PLANNED_KINDS
from vocabulary.i18n import N_, _, gettext
from vocabulary.states import Kind
from workflow import audit
from workflow.deadlines.schedule import propose_schedule
from workflow.engine.cases import open_case
from workflow.errors import BadData, NotFound, NotPermitted
from workflow.people.permissions import Actor

from .outlines import export_outline, outline_of, store_outline
from .team import set_team
from .plan_file import (
    DayCounting,
    DayNote,
    Decision,
    Issuer,
    LeadTimes,
    PlanDocument,
    PlanFile,
    PlanFileError,
    PlanMember,
    PlanUnit,
    SelfInspection,
    TimedRules,
    Uploads,
    Window,
    validation_problems,
)

TIMED_RULE_FIELDS = tuple(TimedRules.model_fields)

# What an import report counts, as it says it.
REPORT_LABELS = {
    "campaign": N_("campaign"),
    "unit": N_("new unit"),
    "outline": N_("outline"),
    "planned unit": N_("unit in the plan's list"),
    "proposed visit": N_("proposed visit"),
    "direct case": N_("direct inspection case"),
    "self case": N_("self-inspection case"),
}


@dataclass
class ImportReport:
    """What an import created (or, in a dry run, would create), counted by kind of thing."""

    code: str
    dry_run: bool = False
    created: dict[str, int] = field(default_factory=dict)
    campaign_id: int | None = None

    def count(self, what: str, by: int = 1) -> None:
        if by:
            self.created[what] = self.created.get(what, 0) + by

    @property
    def changed(self) -> bool:
        return bool(self.created)

    def summary(self) -> str:
        """"1 đợt kiểm tra, 35 đơn vị mới, …"."""
        return ", ".join(f"{count} {gettext(REPORT_LABELS.get(what, what))}" for what, count in self.created.items())


class _DryRun(Exception):
    """Raised at the end of a dry run so that its transaction rolls back."""


def require(actor: Actor, action: str) -> None:
    if not actor.may_manage(action):
        raise NotPermitted(_("Only coordinators may change campaigns and units."))


def _days(notes: list[DayNote]) -> list[dict[str, Any]]:
    return [{"date": note.date.isoformat(), "note": note.note} for note in notes]


# The campaign's columns a plan file sets (campaign_values' keys).
CAMPAIGN_FIELDS = (
    "year", "title", "plan_number", "plan_date", "basis", "issuer", "issuer_short", "issuer_level", "office",
    "office_head_title", "office_head_name", "place", "signer_title", "signer_name", "team_decision_number",
    "team_decision_date", "window_start", "window_end", "schedule_from", "visits_per_day", "notice_lead_days", "report_lead_days", "minutes_days", "conclusion_days",
    "remediation_days", "reinspection_lead_days", "self_check_by", "self_report_due", "self_dates_before", "numbering",
    "day_counting", "extra_days_off", "makeup_workdays", "unsigned_uploads",
    *TIMED_RULE_FIELDS,
)


# Where each of those columns is in a plan file.
COLUMN_PATHS: dict[str, tuple[str, ...]] = {
    "year": ("year",), "title": ("title",),
    "plan_number": ("plan", "number"), "plan_date": ("plan", "date"), "basis": ("plan", "basis"),
    "issuer": ("issuer", "name"), "issuer_short": ("issuer", "short_name"), "issuer_level": ("issuer", "level"),
    "office": ("issuer", "office"), "office_head_title": ("issuer", "office_head_title"),
    "office_head_name": ("issuer", "office_head_name"), "place": ("issuer", "place"), "signer_title": ("issuer", "signer_title"),
    "signer_name": ("issuer", "signer_name"),
    "team_decision_number": ("team_decision", "number"), "team_decision_date": ("team_decision", "date"),
    "window_start": ("window", "start"), "window_end": ("window", "end"), "schedule_from": ("window", "schedule_from"),
    "visits_per_day": ("window", "visits_per_day"),
    "notice_lead_days": ("lead_times", "notice"), "report_lead_days": ("lead_times", "report"),
    "minutes_days": ("lead_times", "minutes"), "conclusion_days": ("lead_times", "conclusion"),
    "remediation_days": ("lead_times", "remediation"), "reinspection_lead_days": ("lead_times", "reinspection"),
    "self_check_by": ("self_inspection", "done_by"), "self_report_due": ("self_inspection", "report_due"),
    "self_dates_before": ("self_inspection", "dates_before"), "numbering": ("numbering",),
    "day_counting": ("day_counting", "mode"), "extra_days_off": ("day_counting", "extra_days_off"),
    "makeup_workdays": ("day_counting", "makeup_workdays"), "unsigned_uploads": ("uploads", "unsigned"),
    **{name: ("timed_rules", name) for name in TIMED_RULE_FIELDS},
}


def campaign_values(plan: PlanFile) -> dict[str, Any]:
    """The campaign's columns from a plan (all but its code and status)."""
    return dict(
        year=plan.year,
        title=plan.title,
        plan_number=plan.plan.number,
        plan_date=plan.plan.date,
        basis=plan.plan.basis,
        issuer=plan.issuer.name,
        issuer_short=plan.issuer.short_name,
        issuer_level=plan.issuer.level,
        office=plan.issuer.office,
        office_head_title=plan.issuer.office_head_title,
        office_head_name=plan.issuer.office_head_name,
        place=plan.issuer.place,
        signer_title=plan.issuer.signer_title,
        signer_name=plan.issuer.signer_name,
        team_decision_number=plan.team_decision.number,
        team_decision_date=plan.team_decision.date,
        window_start=plan.window.start,
        window_end=plan.window.end,
        schedule_from=plan.window.schedule_from,
        visits_per_day=plan.window.visits_per_day,
        notice_lead_days=plan.lead_times.notice,
        report_lead_days=plan.lead_times.report,
        minutes_days=plan.lead_times.minutes,
        conclusion_days=plan.lead_times.conclusion,
        remediation_days=plan.lead_times.remediation,
        reinspection_lead_days=plan.lead_times.reinspection,
        self_check_by=plan.self_inspection.done_by,
        self_report_due=plan.self_inspection.report_due,
        self_dates_before=plan.self_inspection.dates_before,
        numbering=dict(plan.numbering) or None,
        day_counting=plan.day_counting.mode,
        extra_days_off=_days(plan.day_counting.extra_days_off),
        makeup_workdays=_days(plan.day_counting.makeup_workdays),
        unsigned_uploads=plan.uploads.unsigned,
        **{name: getattr(plan.timed_rules, name) for name in TIMED_RULE_FIELDS},
    )


def _notes(days: list[dict[str, Any]] | None) -> list[DayNote]:
    return [DayNote(date=date.fromisoformat(day["date"]), note=day.get("note") or "") for day in days or []]


def plan_settings(campaign: Campaign) -> dict[str, Any]:
    """A campaign's settings as the parts of a plan file (everything but units and outlines)."""
    try:
        return _plan_settings(campaign)
    except ValidationError as error:
        raise PlanFileError(validation_problems(error, None, campaign.code)) from None


def _plan_settings(campaign: Campaign) -> dict[str, Any]:
    return dict(
        code=campaign.code,
        year=campaign.year,
        title=campaign.title,
        issuer=Issuer(name=campaign.issuer, short_name=campaign.issuer_short, level=campaign.issuer_level, place=campaign.place,
                      office=campaign.office, office_head_title=campaign.office_head_title,
                      office_head_name=campaign.office_head_name, signer_title=campaign.signer_title, signer_name=campaign.signer_name),
        plan=PlanDocument(number=campaign.plan_number, date=campaign.plan_date, basis=campaign.basis),
        team_decision=Decision(number=campaign.team_decision_number, date=campaign.team_decision_date,
                               members=[PlanMember(**{key: value for key, value in member.record().items() if key != "position"})
                                        for member in campaign.team_members]),
        window=Window(start=campaign.window_start, end=campaign.window_end, schedule_from=campaign.schedule_from,
                      visits_per_day=campaign.visits_per_day),
        lead_times=LeadTimes(notice=campaign.notice_lead_days, report=campaign.report_lead_days, minutes=campaign.minutes_days,
                             conclusion=campaign.conclusion_days, remediation=campaign.remediation_days,
                             reinspection=campaign.reinspection_lead_days),
        self_inspection=SelfInspection(done_by=campaign.self_check_by, report_due=campaign.self_report_due,
                                       dates_before=campaign.self_dates_before),
        numbering=campaign.numbering or {},
        day_counting=DayCounting(mode=campaign.day_counting, extra_days_off=_notes(campaign.extra_days_off),
                                 makeup_workdays=_notes(campaign.makeup_workdays)),
        timed_rules=TimedRules(**{name: getattr(campaign, name) for name in TIMED_RULE_FIELDS}),
        uploads=Uploads(unsigned=campaign.unsigned_uploads),
    )


def find_campaign(session: Session, code: str) -> Campaign:
    campaign = session.scalar(select(Campaign).where(Campaign.code == code))
    if campaign is None:
        raise NotFound(_("There is no campaign \u201c{code}\u201d.", code=code), field="campaign")
    return campaign


def export_campaign(session: Session, code: str) -> PlanFile:
    """The campaign as a plan file: its settings, its planned list (not the surprise cases opened
    on the day) with the dates the list holds, and its outlines."""
    campaign = find_campaign(session, code)
    units = [
        PlanUnit(name=line.unit_name, full_name=line.unit.full_name, kind=line.unit.kind, category=line.unit.category,
                 email=line.unit.contact_email, inspection=line.kind, visit_date=line.visit_date, visit_time=line.visit_time)
        for line in campaign.units
        if line.kind in PLANNED_KINDS
    ]
    outlines = [export_outline(outline) for outline in sorted(campaign.outlines, key=lambda o: o.id)]
    try:
        return PlanFile(**plan_settings(campaign), units=units, outlines=outlines)
    except ValidationError as error:  # data entered elsewhere (the admin) that a plan file cannot hold
        raise PlanFileError(validation_problems(error, None, code)) from None


# --- building a campaign from a plan ----------------------------------------------------------

def find_unit(session: Session, name: str) -> Unit | None:
    return session.scalar(select(Unit).where(Unit.name == name))


def ensure_unit(session: Session, spec: PlanUnit, *, actor: str, now: datetime, report: ImportReport) -> Unit:
    """The unit of that name, created (and audited) when the registry does not have it."""
    unit = find_unit(session, spec.name)
    if unit is None:
        unit = Unit(name=spec.name, full_name=spec.full_name or spec.name, kind=spec.kind, category=spec.category,
                    contact_email=spec.email, active=True, created_at=now, updated_at=now)
        session.add(unit)
        session.flush()
        audit.append(session, unit, at=now, actor=actor, trigger="create", data=audit.snapshot(unit))
        report.count("unit")
    return unit


def build_campaign(session: Session, plan: PlanFile, *, code: str, status: str, actor: Actor, now: datetime,
                   report: ImportReport, copied_from: Campaign | None = None) -> Campaign:
    """The campaign ``code`` with what the plan holds; parts that exist are left as they are."""
    campaign = session.scalar(select(Campaign).where(Campaign.code == code))
    if campaign is None:
        campaign = Campaign(code=code, status=status, copied_from=copied_from, **campaign_values(plan), created_at=now, updated_at=now)
        members = set_team(campaign, [member.model_dump() for member in plan.team_decision.members])
        session.add(campaign)
        session.flush()
        audit.append(session, campaign, at=now, actor=actor.name, trigger="create",
                     data={**audit.snapshot(campaign), **({"team_members": members} if members else {})})
        report.count("campaign")
    elif campaign.status == CLOSED:
        raise BadData(_("The campaign \u201c{code}\u201d is closed: nothing can be added to it.", code=code), field="code")
    report.campaign_id = campaign.id
    for outline in plan.outlines:
        if outline_of(session, campaign, outline.unit_kind) is None:
            store_outline(session, campaign, outline, actor=actor.name, now=now)
            report.count("outline")
    listed = {line.unit_id for line in campaign.units}
    added = []
    for spec in plan.units:
        unit = ensure_unit(session, spec, actor=actor.name, now=now, report=report)
        if unit.id in listed:
            continue
        line = CampaignUnit(unit=unit, unit_name=spec.name, kind=spec.inspection, visit_date=spec.visit_date,
                            visit_time=spec.visit_time, position=len(campaign.units) + 1)
        campaign.units.append(line)
        listed.add(unit.id)
        added.append(spec.name)
    if added:
        session.flush()
        audit.append(session, campaign, at=now, actor=actor.name, trigger="plan_units", data={"added": added})
        report.count("planned unit", len(added))
    return campaign


def free_slots(campaign: Campaign, count: int, *, visits_per_day: int | None = None, slot_times=None, days_to_avoid=(),
               first_notice: date | None = None) -> list[tuple[date, time]]:
    """``count`` visit slots from the proposer, around the visits the planned list already holds."""
    taken = [(line.visit_date, line.visit_time) for line in campaign.units if line.visit_date is not None]
    options: dict[str, Any] = {"visits_per_day": visits_per_day, "days_to_avoid": days_to_avoid, "taken": taken}
    if slot_times:
        options["slot_times"] = slot_times
    return propose_schedule(campaign, count, first_notice or campaign.schedule_from or campaign.window_start, **options)


def schedule_lines(campaign: Campaign, lines: list[CampaignUnit], **options: Any) -> list[CampaignUnit]:
    """Give the direct ``lines`` without a date the proposer's slots (``free_slots``' options).
    Returns the lines it dated."""
    undated = [line for line in lines if line.kind == Kind.DIRECT and line.visit_date is None]
    if not undated:
        return []
    for line, (visit_date, visit_time) in zip(undated, free_slots(campaign, len(undated), **options)):
        line.visit_date, line.visit_time = visit_date, visit_time
    return undated


def existing_case(session: Session, campaign: Campaign, unit_id: int, kind: str) -> Inspection | None:
    return session.scalar(
        select(Inspection).where(Inspection.campaign_id == campaign.id, Inspection.unit_id == unit_id, Inspection.kind == kind)
    )


def open_listed_cases(session: Session, campaign: Campaign, *, actor: Actor, now: datetime, report: ImportReport) -> list[Inspection]:
    """One case per line of the planned list that has none yet, in the list's order."""
    opened = []
    for line in campaign.units:
        if line.kind not in PLANNED_KINDS or existing_case(session, campaign, line.unit_id, line.kind) is not None:
            continue
        comment = str(_("Schedule proposed by the plan")) if line.kind == Kind.DIRECT else None
        opened.append(open_case(session, campaign=campaign, unit=line.unit, kind=line.kind, actor=actor, now=now,
                                visit_date=line.visit_date, visit_time=line.visit_time, comment=comment))
        report.count(f"{line.kind} case")
    return opened


def import_plan(session: Session, plan: PlanFile, *, actor: Actor, now: datetime, code: str | None = None,
                dry_run: bool = False) -> ImportReport:
    """Create the campaign of ``plan`` (under ``code``, default the plan's own), its units,
    outlines and planned list, propose the visits the plan leaves undated, and open the cases;
    all in one transaction, audited. With ``dry_run`` nothing is written."""
    require(actor, "import_plan")
    report = ImportReport(code=code or plan.code, dry_run=dry_run)
    try:
        with write_transaction(session):
            campaign = build_campaign(session, plan, code=report.code, status=ACTIVE, actor=actor, now=now, report=report)
            if campaign.status != DRAFT:
                dated = schedule_lines(campaign, list(campaign.units))
                report.count("proposed visit", len(dated))
                open_listed_cases(session, campaign, actor=actor, now=now, report=report)
            if dry_run:
                raise _DryRun()
    except _DryRun:
        report.campaign_id = None
    return report
