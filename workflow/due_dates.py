"""The due dates of a case, derived from its dates and its campaign's settings.

They are stored on the case (so that the deadline sweep is an indexed range query) and recomputed
by the service after every change, so the stored values always equal :func:`due_dates`.

| due date          | what is due                        | from                                      |
|-------------------|------------------------------------|-------------------------------------------|
| notice_due        | the schedule notice                | visit date − notice lead (back to a working day) |
| report_due        | the unit's report                  | visit date − report lead (back to a working day) |
| minutes_due       | the signed minutes                 | actual visit date + minutes period (Art. 148) |
| conclusion_due    | the conclusion notice              | actual visit date + conclusion period       |
| remediation_due   | the remediation report             | the latest deadline of the open findings    |
| self_report_due   | a self-inspection report           | the campaign's date (20/8/2023 in the plan) |
"""
from __future__ import annotations

from datetime import date

from models import Campaign, Inspection

from .states import Kind


def announced(inspection: Inspection) -> bool:
    """Whether the case gets a notice and a report in advance."""
    return inspection.kind == Kind.DIRECT or (inspection.kind == Kind.REINSPECTION and not inspection.unannounced)


def due_dates(inspection: Inspection, campaign: Campaign) -> dict[str, date | None]:
    counting = campaign.counting
    visit, visited = inspection.visit_date, inspection.visited_date
    in_advance = announced(inspection) and visit is not None
    open_deadlines = [f.due_date for f in inspection.findings if f.accepted is not True]
    return {
        "notice_due": counting.due_before(visit, campaign.notice_lead_days) if in_advance else None,
        "report_due": counting.due_before(visit, campaign.report_lead_days) if in_advance else None,
        "minutes_due": counting.period_end(visited, campaign.minutes_days) if visited else None,
        "conclusion_due": counting.period_end(visited, campaign.conclusion_days) if visited else None,
        "remediation_due": max(open_deadlines) if open_deadlines else None,
        "self_report_due": campaign.self_report_due if inspection.kind == Kind.SELF else None,
    }


def refresh_due_dates(inspection: Inspection, campaign: Campaign) -> None:
    for name, value in due_dates(inspection, campaign).items():
        if getattr(inspection, name) != value:
            setattr(inspection, name, value)


def late_steps(inspection: Inspection, campaign: Campaign) -> list[str]:
    """Steps that were done, but after their deadline: ``report``, ``minutes``, ``conclusion``,
    ``remediation``. A report is late after the plan's limit (visit − 5 days), even when that
    limit falls on a day off."""
    late = []
    if inspection.received_date:
        if inspection.kind == Kind.SELF:
            limit = campaign.self_report_due
        elif announced(inspection) and inspection.visit_date:
            limit = campaign.counting.limit_before(inspection.visit_date, campaign.report_lead_days)
        else:
            limit = None
        if limit and inspection.received_date > limit:
            late.append("report")
    for step, done, due in (
        ("minutes", inspection.minutes_date, inspection.minutes_due),
        ("conclusion", inspection.conclusion_date, inspection.conclusion_due),
        ("remediation", inspection.remediation_reported_date, inspection.remediation_due),
    ):
        if done and due and done > due:
            late.append(step)
    return late


# What the case is waiting for in each state, as (what is due, the case's date field).
_WAITING_FOR = {
    "planned": ("notice", "notice_due"),
    "notified": ("report", "report_due"),
    "report_received": ("visit", "visit_date"),
    "visited": ("minutes", "minutes_due"),
    "minutes_signed": ("conclusion", "conclusion_due"),
    "remediation": ("remediation", "remediation_due"),
}
_WAITING_FOR_SELF = {"planned": ("self_report", "self_report_due")}
_WAITING_FOR_UNANNOUNCED = {"planned": ("visit", "visit_date")}


def next_due(inspection: Inspection) -> tuple[str, date] | None:
    """The deadline the case is waiting on in its current state, if it has one."""
    if inspection.kind == Kind.SELF:
        table = _WAITING_FOR_SELF
    elif not announced(inspection):
        table = {**_WAITING_FOR, **_WAITING_FOR_UNANNOUNCED}
    else:
        table = _WAITING_FOR
    what, field = table.get(inspection.state, (None, None))
    value = getattr(inspection, field) if field else None
    return (what, value) if value else None
