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
from vocabulary.i18n import _
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


def not_before(field: str, earlier: str) -> Guard:
    """A step is dated before the step it follows (e.g. minutes before the visit)."""

    @needs_data
    def guard(case: CaseContext) -> Problem | None:
        value, before = getattr(case.data, field), getattr(case.inspection, earlier)
        if value is None or before is None or value >= before:
            return None
        return case.data.field_problem(field, _("{value} is before the previous step, dated {before}.", value=value, before=before))

    guard.__name__ = f"{field}_not_before_{earlier}"
    return guard


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
            return case.data.field_problem("findings", _("finding no. {number}: section \u201c{section}\u201d is not in this unit's outline (for example B.1, B.2 …).", number=number, section=finding.section))
        if finding.due_date <= case.data.conclusion_date:
            return case.data.field_problem("findings", _("finding no. {number}: the deadline {due} must come after the conclusion date {date}.", number=number, due=finding.due_date, date=case.data.conclusion_date))
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
