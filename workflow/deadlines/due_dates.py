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
| self_check_due    | the self-inspection itself         | the campaign's date (15/8/2023 in the plan) |

The plan writes its self-inspection dates as "trước ngày 20/8/2023" (before the 20th): with the
campaign's ``self_dates_before`` the last day on time is the day before the date it gives.
"""
from __future__ import annotations

from datetime import date, timedelta

from models import Campaign, Inspection
from vocabulary.states import Kind, State
from workflow.deadlines.counting import counting_of


def announced(inspection: Inspection) -> bool:
    """Whether the case gets a notice and a report in advance."""
    return inspection.kind == Kind.DIRECT or (inspection.kind == Kind.REINSPECTION and not inspection.unannounced)


def last_day_on_time(campaign: Campaign, written: date | None) -> date | None:
    """A self-inspection date as the plan writes it → the last day that is on time."""
    if written is None:
        return None
    return written - timedelta(days=1) if campaign.self_dates_before else written


def due_dates(inspection: Inspection, campaign: Campaign) -> dict[str, date | None]:
    counting = counting_of(campaign)
    visit, visited = inspection.visit_date, inspection.visited_date
    in_advance = announced(inspection) and visit is not None
    open_deadlines = [f.due_date for f in inspection.findings if f.accepted is not True]
    return {
        "notice_due": counting.due_before(visit, campaign.notice_lead_days) if in_advance else None,
        "report_due": counting.due_before(visit, campaign.report_lead_days) if in_advance else None,
        "minutes_due": counting.period_end(visited, campaign.minutes_days) if visited else None,
        "conclusion_due": counting.period_end(visited, campaign.conclusion_days) if visited else None,
        "remediation_due": max(open_deadlines) if open_deadlines else None,
        "self_report_due": last_day_on_time(campaign, campaign.self_report_due) if inspection.kind == Kind.SELF else None,
        "self_check_due": last_day_on_time(campaign, campaign.self_check_by) if inspection.kind == Kind.SELF else None,
    }


def refresh_due_dates(inspection: Inspection, campaign: Campaign) -> None:
    """The stored due dates, and the next one the case waits on, made to equal the rules."""
    for name, value in due_dates(inspection, campaign).items():
        if getattr(inspection, name) != value:
            setattr(inspection, name, value)
    waiting = next_due(inspection)
    if inspection.next_due_on != (waiting[1] if waiting else None):
        inspection.next_due_on = waiting[1] if waiting else None
    marks = step_marks(inspection, campaign)
    if inspection.step_marks != marks:  # read first, so that the flush knows what the tally held
        inspection.step_marks = marks


def late_steps(inspection: Inspection, campaign: Campaign) -> list[str]:
    """Steps that were done, but after their deadline: ``self_check``, ``report``, ``minutes``,
    ``conclusion``, ``remediation``. A report is late after the plan's limit (visit − 5 days),
    even when that limit falls on a day off; the visit is the one that happened when it came
    earlier than notified."""
    late = []
    if inspection.self_check_date and inspection.self_check_due and inspection.self_check_date > inspection.self_check_due:
        late.append("self_check")
    limit = report_limit(inspection, campaign)
    if inspection.received_date and limit and inspection.received_date > limit:
        late.append("report")
    for step, done, due in (
        ("minutes", inspection.minutes_date, inspection.minutes_due),
        ("conclusion", inspection.conclusion_date, inspection.conclusion_due),
        ("remediation", inspection.remediation_reported_date, inspection.remediation_due),
    ):
        if done and due and done > due:
            late.append(step)
    return late


# The field a late step's date is in.
DONE_ON = {"self_check": "self_check_date", "report": "received_date", "minutes": "minutes_date",
           "conclusion": "conclusion_date", "remediation": "remediation_reported_date"}


def report_limit(inspection: Inspection, campaign: Campaign) -> date | None:
    """The last day the unit's report is on time: the self-inspection's date, or the plan's
    "trước 05 ngày" counted back from the visit (the actual one when it came earlier)."""
    if inspection.kind == Kind.SELF:
        return inspection.self_report_due
    if not announced(inspection) or inspection.visit_date is None:
        return None
    visit = min(inspection.visit_date, inspection.visited_date or inspection.visit_date)
    return counting_of(campaign).limit_before(visit, campaign.report_lead_days)


# Steps whose deadline can pass with nothing done: (step, due-date field, field set when it is
# done). A step counts as missed on a day after its due date while it is still not done.
STEPS: tuple[tuple[str, str, str], ...] = (
    ("notice", "notice_due", "notice_date"),
    ("self_check", "self_check_due", "self_check_date"),
    ("report", "report_due", "received_date"),
    ("self_report", "self_report_due", "received_date"),
    ("visit", "visit_date", "visited_date"),
    ("minutes", "minutes_due", "minutes_date"),
    ("conclusion", "conclusion_due", "conclusion_date"),
    ("remediation", "remediation_due", "remediation_reported_date"),
)


# A step of the unit or of the visit waits for the notice of an announced case: a unit never
# notified has not missed its report (the office missed the notice).
_AFTER_THE_NOTICE = frozenset({"report", "visit"})


def missed_steps(inspection: Inspection, as_of: date) -> list[str]:
    """Steps whose deadline had passed on ``as_of`` without the step being done by then (a step
    done later than ``as_of`` was still missing on that day), in the order of :data:`STEPS`; each
    missed once, where the chain broke. A cancelled case misses nothing."""
    if inspection.state == State.CANCELLED:
        return []
    notified = inspection.notice_date is not None and inspection.notice_date <= as_of
    missed = []
    for step, due_field, done_field in STEPS:
        due, done = getattr(inspection, due_field), getattr(inspection, done_field)
        if step == "self_check" and done is None:
            done = inspection.received_date  # a report handed in says the self-inspection is over
        if step in _AFTER_THE_NOTICE and announced(inspection) and not notified:
            continue
        if due is not None and due < as_of and (done is None or done > as_of):
            missed.append(step)
    return missed


# What a case waits for in each state, by how it is run: (category, state) -> (what, date field).
# refresh_due_dates stores next_due's date as next_due_on, which sorting and "overdue" filters read.
SELF, ANNOUNCED, UNANNOUNCED = "self", "announced", "unannounced"
_AFTER_THE_VISIT = {
    "report_received": ("visit", "visit_date"),
    "visited": ("minutes", "minutes_due"),
    "minutes_signed": ("conclusion", "conclusion_due"),
    "remediation": ("remediation", "remediation_due"),
}
WAITING_FOR: dict[tuple[str, str], tuple[str, str]] = {
    (SELF, "planned"): ("self_report", "self_report_due"),
    (ANNOUNCED, "planned"): ("notice", "notice_due"),
    (ANNOUNCED, "notified"): ("report", "report_due"),
    (UNANNOUNCED, "planned"): ("visit", "visit_date"),
    **{(category, state): due for category in (ANNOUNCED, UNANNOUNCED) for state, due in _AFTER_THE_VISIT.items()},
}


def category(inspection: Inspection) -> str:
    if inspection.kind == Kind.SELF:
        return SELF
    return ANNOUNCED if announced(inspection) else UNANNOUNCED


def next_due(inspection: Inspection) -> tuple[str, date] | None:
    """The deadline the case is waiting on in its current state, if it has one."""
    what, field = WAITING_FOR.get((category(inspection), inspection.state), (None, None))
    value = getattr(inspection, field) if field else None
    return (what, value) if value else None


def missed_spans(inspection: Inspection) -> list[tuple[str, date, date | None]]:
    """The days each step counts as missed, as (step, first day, day it was done or None): the
    step is in :func:`missed_steps` of exactly the days from the first up to, not including, the
    last."""
    if inspection.state == State.CANCELLED:
        return []
    spans = []
    for step, due_field, done_field in STEPS:
        due, done = getattr(inspection, due_field), getattr(inspection, done_field)
        if due is None:
            continue
        if step == "self_check" and done is None:
            done = inspection.received_date
        first = due + timedelta(days=1)
        if step in _AFTER_THE_NOTICE and announced(inspection):
            if inspection.notice_date is None:
                continue
            first = max(first, inspection.notice_date)
        if done is None or done > first:
            spans.append((step, first, done))
    return spans


def _merged(spans: list[tuple[str, date, date | None]]) -> list[tuple[date, date | None]]:
    """The days on which at least one of the spans runs, as disjoint (first, end or None) spans."""
    merged: list[tuple[date, date | None]] = []
    for _step, first, end in sorted(spans, key=lambda span: span[1]):
        if merged and (merged[-1][1] is None or first <= merged[-1][1]):
            last_first, last_end = merged[-1]
            merged[-1] = (last_first, None if end is None or last_end is None else max(end, last_end))
        else:
            merged.append((first, end))
    return merged


def step_marks(inspection: Inspection, campaign: Campaign) -> list[list]:
    """What the case adds to the dashboard's day tally (models.step_tally): [measure, step, ISO
    day, n] — for every span of :func:`missed_spans` +1 on its first day and -1 on its end, the
    same for the days any step is missed (step ""), and +1 on the day a step was done late
    (:func:`late_steps`), and on the first such day for "any step"."""
    spans = missed_spans(inspection)
    marks = []
    for step, first, end in [*spans, *(("", first, end) for first, end in _merged(spans))]:
        marks.append(["missed", step, first.isoformat(), 1])
        if end is not None:
            marks.append(["missed", step, end.isoformat(), -1])
    late = {step: getattr(inspection, DONE_ON[step]) for step in late_steps(inspection, campaign)}
    marks += [["late", step, day.isoformat(), 1] for step, day in late.items()]
    if late:
        marks.append(["late", "", min(late.values()).isoformat(), 1])
    return marks
