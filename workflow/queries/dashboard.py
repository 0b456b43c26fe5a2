"""The numbers a leader looks at: cases per state and kind, what is overdue or due soon, the
visits ahead, and the campaign's progress day by day (replayed from the audit log)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Alert, AuditEntry, Campaign, Inspection
from vocabulary.config import zone
from workflow.alerts.actions import list_alerts
from workflow.deadlines.due_dates import STEPS, late_steps, missed_steps, next_due
from workflow.people.permissions import Actor
from workflow.queries.case_list import list_cases

# The campaign's progress is shown in these stages, earliest first.
STAGES: dict[str, tuple[str, ...]] = {
    "planned": ("planned",),
    "notified": ("notified", "report_received"),
    "inspected": ("visited", "minutes_signed"),
    "concluded": ("concluded", "remediation", "remediation_reported", "reinspection"),
    "closed": ("closed",),
    "cancelled": ("cancelled",),
}
STAGE_OF = {state: stage for stage, states in STAGES.items() for state in states}


@dataclass
class Deadline:
    case: Inspection
    what: str
    due: date
    days: int  # negative when overdue


@dataclass
class Dashboard:
    campaign: Campaign | None
    as_of: date
    counts: Counter = field(default_factory=Counter)  # (kind, state) -> number of cases
    overdue: list[Deadline] = field(default_factory=list)
    due_soon: list[Deadline] = field(default_factory=list)
    visits: dict[date, list[Inspection]] = field(default_factory=dict)
    progress: list[tuple[date, Counter]] = field(default_factory=list)
    escalations: list[Alert] = field(default_factory=list)  # open alerts, the highest level first
    # As of the dashboard's date: step → number of units that did it late / missed it (deadline
    # passed, step not done); and the units with at least one of each.
    late_steps: Counter = field(default_factory=Counter)
    missed_steps: Counter = field(default_factory=Counter)
    units_late: int = 0
    units_missed: int = 0

    @property
    def counted_steps(self) -> list[str]:
        """The steps missed or done late, in the order of the case."""
        return [step for step, *_fields in STEPS if self.missed_steps[step] or self.late_steps[step]]

    @property
    def kinds(self) -> list[str]:
        return sorted({kind for kind, _state in self.counts})

    @property
    def states(self) -> list[str]:
        return [state for state in STAGE_OF if any(s == state for _k, s in self.counts)]


def build(session: Session, actor: Actor, as_of: date, campaign_code: str | None = None, *, ahead: int = 14) -> Dashboard:
    campaign = session.scalar(
        select(Campaign).where(Campaign.code == campaign_code) if campaign_code
        else select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc()).limit(1)
    )
    board = Dashboard(campaign, as_of)
    if campaign is None:
        return board
    cases = list_cases(session, actor, campaign=campaign.code)
    board.visits = {as_of + timedelta(days=offset): [] for offset in range(ahead)}
    for case in cases:
        board.counts[(case.kind, case.state)] += 1
        waiting = next_due(case)
        if waiting:
            deadline = Deadline(case, waiting[0], waiting[1], (waiting[1] - as_of).days)
            if deadline.days < 0:
                board.overdue.append(deadline)
            elif deadline.days < 7:
                board.due_soon.append(deadline)
        late, missed = late_steps(case, campaign), missed_steps(case, as_of)
        board.late_steps.update(late)
        board.missed_steps.update(missed)
        board.units_late += bool(late)
        board.units_missed += bool(missed)
        if case.state in ("planned", "notified", "report_received") and case.visit_date in board.visits:
            board.visits[case.visit_date].append(case)
    board.overdue.sort(key=lambda d: d.days)
    board.due_soon.sort(key=lambda d: d.days)
    board.progress = progress(session, [case.id for case in cases], as_of)
    open_alerts = list_alerts(session, status="open", campaign_id=campaign.id)
    board.escalations = sorted(open_alerts, key=lambda alert: (-alert.level, alert.due_on))
    return board


def progress(session: Session, case_ids: list[int], until: date) -> list[tuple[date, Counter]]:
    """How many of the cases were at each stage at the end of every day, from the first change."""
    if not case_ids:
        return []
    moves = session.execute(
        select(AuditEntry.inspection_id, AuditEntry.at, AuditEntry.to_state)
        .where(AuditEntry.entity == "inspection", AuditEntry.inspection_id.in_(case_ids), AuditEntry.to_state.is_not(None))
        .order_by(AuditEntry.at, AuditEntry.id)
    ).all()
    if not moves:
        return []
    tz = zone()
    state = {case_id: "planned" for case_id in case_ids}  # every case starts planned
    days: list[tuple[date, Counter]] = []
    day, index = moves[0].at.astimezone(tz).date(), 0
    while day <= until:
        end_of_day = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)
        while index < len(moves) and moves[index].at < end_of_day:
            state[moves[index].inspection_id] = moves[index].to_state
            index += 1
        days.append((day, Counter(STAGE_OF[s] for s in state.values())))
        day += timedelta(days=1)
    return days
