"""The timed rules of DESIGN.md, declared as data, and the moments they give a case.

Read each rule as: while the case is in one of ``states``, it waits for what ``due_field`` holds;
each level comes due at its own moment, counted from a date of the case by a number of days that
is a setting of the campaign:

| rule        | state            | due date          | level 0 (reminder)    | level 1 (overdue) | level 2                          |
|-------------|------------------|-------------------|-----------------------|-------------------|----------------------------------|
| notice      | planned (direct) | notice_due        | 3 d before            | missed            | visit − 5 d                      |
| report      | notified         | report_due        | 2 d before, to unit   | missed            | on the visit date                |
| visit       | report_received  | visit_date        |                       | missed            |                                  |
| minutes     | visited          | minutes_due       |                       | missed            |                                  |
| conclusion  | minutes_signed   | conclusion_due    |                       | missed            | 7 d after it was missed          |
| remediation | remediation      | remediation_due   | 7 d before, to unit   | missed            | grace period on: order_reinspection |
| self_report | planned (self)   | self_report_due   | 5 d before, to unit   | missed            | 5 d after it was missed          |
| self_check  | planned (self)   | self_check_due    | 5 d before, to unit   |                   |                                  |
| reinspection| planned, notified (phúc tra) | visit_date | 3 d before      | missed            |                                  |

The phúc tra's rule also tells the leaders, at every level (``inform_leaders``): the plan orders a
re-inspection only "trường hợp cần thiết", and the leaders want to know when one is coming.

How days are counted (``counting_of(campaign)``): a reminder "N days before" is the latest working
day at least N days before; a date is "missed" on the first working day after it; "N days after
it was missed" ends like any forward period (Art. 148 BLDS 2015: on a day off it moves to the next
working day; in working-day mode N working days). A level comes due at the campaign's
``alert_hour`` (07:00 by default), local time, on its day.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Callable

from models import Campaign, Inspection
from vocabulary.campaigns import CLOSED
from vocabulary.config import zone
from vocabulary.i18n import N_
from vocabulary.states import Kind, State
from workflow.deadlines.counting import DayCounting, counting_of
from workflow.deadlines.due_dates import announced

REMINDER, OVERDUE, ESCALATION = 0, 1, 2
LEVEL_LABELS = {
    REMINDER: N_("Reminder"),
    OVERDUE: N_("Overdue (level 1)"),
    ESCALATION: N_("Escalated (level 2)"),
}

# Who must act on what a rule waits for: the unit, or the team (the coordinators).
UNIT, TEAM = "unit", "team"


@dataclass(frozen=True)
class Offset:
    """A moment counted from a date of the case by a campaign setting (or zero days)."""

    date_field: str
    direction: str  # "before" or "after_missed"
    days_setting: str | None = None

    def day(self, inspection: Inspection, campaign: Campaign) -> date | None:
        base = getattr(inspection, self.date_field)
        if base is None:
            return None
        days = getattr(campaign, self.days_setting) if self.days_setting else 0
        counting: DayCounting = counting_of(campaign)
        if self.direction == "before":
            return counting.due_before(base, days)
        missed = counting.calendar.on_or_after(base + timedelta(days=1))
        return counting.period_end(missed, days) if days else missed


def before(date_field: str, days_setting: str | None = None) -> Offset:
    return Offset(date_field, "before", days_setting)


def after_missed(date_field: str, days_setting: str | None = None) -> Offset:
    return Offset(date_field, "after_missed", days_setting)


@dataclass(frozen=True)
class Rule:
    name: str
    label: str  # what is due, for people
    states: frozenset[str]
    applies: Callable[[Inspection], bool]
    due_field: str
    responsible: str
    levels: dict[int, Offset]
    # Levels whose raising fires a trigger on the case as the scheduler.
    actions: dict[int, str] = field(default_factory=dict)
    # The leaders are mailed at every level, not only at level 2.
    inform_leaders: bool = False

    def in_force(self, inspection: Inspection) -> bool:
        return inspection.state in self.states and self.applies(inspection)


def _any(_inspection: Inspection) -> bool:
    return True


def _self(inspection: Inspection) -> bool:
    return inspection.kind == Kind.SELF


def _reinspection(inspection: Inspection) -> bool:
    return inspection.kind == Kind.REINSPECTION


RULES: tuple[Rule, ...] = (
    Rule("notice", N_("the schedule notice"), frozenset({State.PLANNED}), announced, "notice_due", TEAM, {
        REMINDER: before("notice_due", "notice_reminder_days"),
        OVERDUE: after_missed("notice_due"),
        ESCALATION: before("visit_date", "notice_escalation_lead_days"),
    }),
    Rule("report", N_("the unit's report"), frozenset({State.NOTIFIED}), announced, "report_due", UNIT, {
        REMINDER: before("report_due", "report_reminder_days"),
        OVERDUE: after_missed("report_due"),
        ESCALATION: before("visit_date", "report_escalation_lead_days"),
    }),
    Rule("visit", N_("the on-site inspection"), frozenset({State.REPORT_RECEIVED}), announced, "visit_date", TEAM, {
        OVERDUE: after_missed("visit_date"),
    }),
    Rule("minutes", N_("the signed inspection minutes"), frozenset({State.VISITED}), _any, "minutes_due", TEAM, {
        OVERDUE: after_missed("minutes_due"),
    }),
    Rule("conclusion", N_("the conclusion notice"), frozenset({State.MINUTES_SIGNED}), _any, "conclusion_due", TEAM, {
        OVERDUE: after_missed("conclusion_due"),
        ESCALATION: after_missed("conclusion_due", "conclusion_escalation_days"),
    }),
    Rule("remediation", N_("the remediation report"), frozenset({State.REMEDIATION}), _any, "remediation_due", UNIT, {
        REMINDER: before("remediation_due", "remediation_reminder_days"),
        OVERDUE: after_missed("remediation_due"),
        ESCALATION: after_missed("remediation_due", "remediation_grace_days"),
    }, actions={ESCALATION: "order_reinspection"}),
    Rule("self_report", N_("the self-inspection report"), frozenset({State.PLANNED}), _self, "self_report_due", UNIT, {
        REMINDER: before("self_report_due", "self_reminder_days"),
        OVERDUE: after_missed("self_report_due"),
        ESCALATION: after_missed("self_report_due", "self_escalation_days"),
    }),
    Rule("self_check", N_("the self-inspection"), frozenset({State.PLANNED}), _self, "self_check_due", UNIT, {
        REMINDER: before("self_check_due", "self_reminder_days"),
    }),
    Rule("reinspection", N_("the re-inspection (phúc tra)"), frozenset({State.PLANNED, State.NOTIFIED}), _reinspection, "visit_date", TEAM, {
        REMINDER: before("visit_date", "notice_reminder_days"),
        OVERDUE: after_missed("visit_date"),
    }, inform_leaders=True),
)
RULES_BY_NAME = {rule.name: rule for rule in RULES}


@dataclass(frozen=True)
class Moment:
    """When one level of one rule comes due for a case."""

    rule: str
    level: int
    due_on: date
    fire_at: datetime
    action: str | None


def moment_at(day: date, campaign: Campaign) -> datetime:
    """A day's alerts come due at the campaign's alert hour, local time."""
    return datetime.combine(day, time(campaign.alert_hour), tzinfo=zone())


def planned_moments(inspection: Inspection, campaign: Campaign) -> dict[tuple[str, int], Moment]:
    """Every level of every rule in force for the case as it is now, keyed by (rule, level);
    none once its campaign is closed."""
    moments: dict[tuple[str, int], Moment] = {}
    if campaign.status == CLOSED:
        return moments
    for rule in RULES:
        due_on = getattr(inspection, rule.due_field)
        if due_on is None or not rule.in_force(inspection):
            continue
        for level, offset in rule.levels.items():
            day = offset.day(inspection, campaign)
            if day is not None:
                moments[(rule.name, level)] = Moment(rule.name, level, due_on, moment_at(day, campaign), rule.actions.get(level))
    return moments
