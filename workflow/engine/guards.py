"""The rules a trigger must pass, each a small function of the case.

A guard returns None when the rule holds, or a :class:`Problem` naming the field and the rule in
words a coordinator understands. Guards marked :func:`needs_data` judge the data given with the
trigger; when the UI only asks which actions are possible (no data yet) they let it pass.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from sqlalchemy import select

from models import Outline, OutlineSection, Unit
from vocabulary.i18n import N_, _
from vocabulary.states import Kind
from workflow.engine.context import CaseContext
from workflow.errors import Problem

Guard = Callable[[CaseContext], Problem | None]


def needs_data(check: Guard) -> Guard:
    @wraps(check)
    def guard(case: CaseContext) -> Problem | None:
        return None if case.preview else check(case)

    return guard


@needs_data
def notice_in_time(case: CaseContext) -> Problem | None:
    """Plan III.1.b: the schedule notice goes out at least N days before the visit."""
    data, lead = case.data, case.campaign.notice_lead_days
    limit = case.counting.limit_before(data.visit_date, lead)
    if data.notice_date <= limit:
        return None
    due = case.counting.due_before(data.visit_date, lead)
    text = _(
        "The schedule notice must be sent at least {days} days before the inspection: for an "
        "inspection on {visit} it is due by {limit}, and it is dated {given}.",
        days=lead, visit=data.visit_date, limit=limit, given=data.notice_date,
    )
    if due != limit:
        text = _("{text} ({limit} is a day off; the last working day before it is {due}.)", text=text, limit=limit, due=due)
    return Problem(text, "notice_date")


def not_in_future(field: str) -> Guard:
    """Something is recorded as done on a date that has not come yet."""

    @needs_data
    def guard(case: CaseContext) -> Problem | None:
        value = getattr(case.data, field)
        if value is None or value <= case.today:
            return None
        return case.data.field_problem(field, _("{value} is after today ({today}); record it on the day it happens.", value=value, today=case.today))

    guard.__name__ = f"{field}_not_in_future"
    return guard


# What the earlier date of a step is, as the refusal names it (issue #11: both steps' dates named).
EARLIER_DATES = {
    "notice_date": N_("the date of the schedule notice"),
    "visited_date": N_("the inspection date"),
    "minutes_date": N_("the date the minutes were adopted"),
    "conclusion_date": N_("the date of the conclusion notice"),
}


def not_before(field: str, earlier: str) -> Guard:
    """A step is dated before the step it follows (e.g. minutes before the visit): "Ngày kết luận
    (20/07/2023) không được trước ngày thông qua biên bản (27/07/2023)"."""

    @needs_data
    def guard(case: CaseContext) -> Problem | None:
        value, before = getattr(case.data, field), getattr(case.inspection, earlier)
        if value is None or before is None or value >= before:
            return None
        return Problem(_("{label} ({value}) may not be before {earlier} ({before}).", label=case.data.field_label(field), value=value,
                         earlier=_(EARLIER_DATES[earlier]), before=before), field)

    guard.__name__ = f"{field}_not_before_{earlier}"
    return guard


def _waived(case: CaseContext, reason_field: str | None) -> bool:
    """The team gave a reason for a date outside the rule (kept in the audit entry)."""
    return bool(reason_field and getattr(case.data, reason_field, None))


def _named(guard: Guard, name: str) -> Guard:
    guard.__name__ = name
    return guard


def not_before_campaign_start(field: str) -> Guard:
    """Nothing of the campaign is sent before the plan is signed and the team is set up."""

    @needs_data
    def guard(case: CaseContext) -> Problem | None:
        value, campaign = getattr(case.data, field), case.campaign
        starts = [(day, label) for day, label in (
            (campaign.plan_date, _("the plan")),
            (campaign.team_decision_date, _("the decision setting up the inspection team")),
        ) if day is not None]
        if value is None or not starts:
            return None
        start, label = max(starts, key=lambda pair: pair[0])
        if value >= start:
            return None
        return case.data.field_problem(field, _("{value} is before {what}, dated {start}: nothing of the campaign is sent before it.", value=value, what=label, start=start))

    return _named(guard, f"{field}_not_before_campaign_start")


def on_working_day(field: str, reason_field: str = "date_reason") -> Guard:
    """A notice or a visit falls on a working day (weekends, public holidays and the campaign's own
    days off excluded), unless the team records why it must be that day."""

    @needs_data
    def guard(case: CaseContext) -> Problem | None:
        value = getattr(case.data, field)
        if value is None or case.counting.calendar.is_working_day(value) or _waived(case, reason_field):
            return None
        name = case.counting.calendar.day_off_name(value)
        what = _("a public holiday ({name})", name=name) if name else (_("a weekend") if value.weekday() >= 5 else _("a day off of the campaign"))
        return case.data.field_problem(field, _("{value} is {what}, not a working day: choose a working day, or give the reason for this date.", value=value, what=what))

    return _named(guard, f"{field}_on_working_day")


def in_window(field: str, reason_field: str = "date_reason") -> Guard:
    """The plan's direct inspections happen inside the campaign's window (July–August 2023). A
    phúc tra comes after the remediation deadline and a surprise inspection when it must: they
    are not bound by it."""

    @needs_data
    def guard(case: CaseContext) -> Problem | None:
        value, campaign = getattr(case.data, field), case.campaign
        if value is None or case.inspection.kind != Kind.DIRECT or _waived(case, reason_field):
            return None
        if campaign.window_start <= value <= campaign.window_end:
            return None
        return case.data.field_problem(field, _("{value} is outside the campaign's inspection period, from {start} to {end}: choose a date inside it, or give the reason for this date.", value=value, start=campaign.window_start, end=campaign.window_end))

    return _named(guard, f"{field}_in_window")


@needs_data
def visit_not_before_notified(case: CaseContext) -> Problem | None:
    """The visit does not come before the date the unit was notified of (the 10-day and 5-day
    rules were judged on that date), unless the team says why."""
    notified, value = case.inspection.visit_date, case.data.visit_date
    if notified is None or case.inspection.notice_date is None or value >= notified or _waived(case, "date_reason"):
        return None
    return case.data.field_problem("visit_date", _("{value} is before the date notified to the unit, {notified}: record the inspection on that date, or give the reason for coming earlier.", value=value, notified=notified))


def arrival_date(field: str, reason_field: str = "paper_reason") -> Guard:
    """A date that records when something reached the office is the server's day when the unit
    submits it; only the office records an earlier day (a paper received by hand), with a reason."""

    @needs_data
    def guard(case: CaseContext) -> Problem | None:
        value = getattr(case.data, field)
        if value is None or value >= case.today:
            return None
        if case.actor.role == "unit":
            return case.data.field_problem(field, _("is the day the report reaches the office: it is set to today ({today}) when you submit it.", today=case.today))
        if _waived(case, reason_field):
            return None
        return case.data.field_problem(field, _("{value} is before today ({today}): a date other than the day of submission is recorded only for a paper copy received by hand, with the reason.", value=value, today=case.today))

    return _named(guard, f"{field}_arrival_date")


@needs_data
def paper_reason_by_office(case: CaseContext) -> Problem | None:
    """Only the office records a paper copy received by hand."""
    if case.actor.role != "unit" or not getattr(case.data, "paper_reason", None):
        return None
    return case.data.field_problem("paper_reason", _("is recorded by the office when it receives a paper copy by hand; send the file instead."))


def required(field: str, why: str, *, unless: str | None = None) -> Guard:
    """What the step must carry (the report's file, the team, the participants…); ``unless``
    names the reason field that stands in for it (a paper copy)."""

    @needs_data
    def guard(case: CaseContext) -> Problem | None:
        if getattr(case.data, field) or _waived(case, unless):
            return None
        return case.data.field_problem(field, _(why))

    return _named(guard, f"{field}_required")


@needs_data
def self_check_dated(case: CaseContext) -> Problem | None:
    """A self-inspection report says when the self-inspection was done; not after the report."""
    value = case.data.self_check_date
    if case.inspection.kind != Kind.SELF:
        if value is None:
            return None
        return case.data.field_problem("self_check_date", _("is given only with a self-inspection report."))
    if value is None:
        return case.data.field_problem("self_check_date", _("is required: the day the unit finished inspecting itself."))
    if value > case.data.received_date:
        return case.data.field_problem("self_check_date", _("{value} is after the report's date {received}: the self-inspection is done before it is reported.", value=value, received=case.data.received_date))
    return None


@needs_data
def reason_for_early_visit(case: CaseContext) -> Problem | None:
    if case.data.reason:
        return None
    return case.data.field_problem("reason", _("is required: the unit's report has not been received yet, so say why the inspection goes ahead without it."))


@needs_data
def visit_not_in_past(case: CaseContext) -> Problem | None:
    if case.data.visit_date >= case.today:
        return None
    return case.data.field_problem("visit_date", _("{value} has already passed; choose today or a later date.", value=case.data.visit_date))


def _open_findings(case: CaseContext) -> list[int]:
    """Numbers of the findings not accepted yet (a phúc tra starts with those it carried over)."""
    return [number for number, finding in enumerate(case.inspection.findings, start=1) if finding.accepted is not True]


def has_findings(case: CaseContext) -> Problem | None:
    if _open_findings(case):
        return None
    return Problem(_("The conclusion has no findings, so there is nothing to remediate: accept and close the case instead."))


def has_no_findings(case: CaseContext) -> Problem | None:
    count = len(_open_findings(case))
    if not count:
        return None
    return Problem(_("The conclusion has {count} finding(s): start the remediation and wait for the unit's report first.", count=count))


def all_findings_accepted(case: CaseContext) -> Problem | None:
    """The team has accepted the remediation of every finding (``workflow.casefile.findings``)."""
    pending = _open_findings(case)
    if not pending:
        return None
    return Problem(_("Findings no. {numbers} are not accepted by the team: accept the remediation of each finding, or order a re-inspection instead of closing the case.", numbers=", ".join(map(str, pending))))


def _section_codes(case: CaseContext) -> set[str]:
    unit_kind = select(Unit.kind).where(Unit.id == case.inspection.unit_id).scalar_subquery()
    query = (
        select(OutlineSection.code)
        .join(Outline, OutlineSection.outline_id == Outline.id)
        .where(Outline.campaign_id == case.campaign.id, Outline.unit_kind == unit_kind)
    )
    return set(case.session.scalars(query))


@needs_data
def findings_valid(case: CaseContext) -> Problem | None:
    """Each finding points at a section of the unit's outline and is due after the conclusion."""
    codes = _section_codes(case) if case.data.findings else set()
    for number, finding in enumerate(case.data.findings, start=1):
        if codes and finding.section not in codes:
            return Problem(_("finding no. {number}: section \u201c{section}\u201d is not in this unit's outline (for example B.1, B.2 …).", number=number, section=finding.section), f"findings.{number - 1}.section")
        if finding.due_date <= case.data.conclusion_date:
            return Problem(_("finding no. {number}: the deadline {due} must come after the conclusion date {date}.", number=number, due=finding.due_date, date=case.data.conclusion_date), f"findings.{number - 1}.due_date")
    return None


def result_is(result: str) -> Guard:
    """Routes ``complete_reinspection`` by its result; says nothing, the data is already valid."""

    def guard(case: CaseContext) -> Problem | None:
        return None if case.preview or case.data.result == result else _SILENT

    guard.__name__ = f"result_is_{result}"
    return guard


# A refusal that only routes a trigger to its other transition; never shown to anyone.
_SILENT = Problem(_(""))


def is_silent(problem: Problem) -> bool:
    return problem is _SILENT
