"""The numbers a leader looks at: cases per state and kind, what is overdue or due soon, the
visits ahead, and the campaign's progress day by day.

Every figure is an aggregate query on indexed columns of one campaign: the database counts, Python
only adds up a few grouped rows, and only the cases a list shows are loaded (at most ``LISTED``
per list, ``PER_DAY`` per day of the calendar), so the page costs what it shows, not what is
stored. The states of the cases "as of" a past day and the progress chart add up the moves of
``case_move_tally``, which a trigger on the audit log keeps per campaign, hour, kind and move: a
few rows a day, however many cases move."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache

from sqlalchemy import ColumnElement, and_, case, func, not_, or_, select
from sqlalchemy.orm import Session, contains_eager

from models import Alert, AuditEntry, Campaign, CaseMoveTally, Inspection, StepDayTally
from vocabulary.config import zone
from vocabulary.states import Kind, State
from workflow.alerts.rules import RULES
from workflow.deadlines.counting import counting_of
from workflow.deadlines.due_dates import STEPS, next_due
from workflow.people.permissions import Actor

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
LISTED = 15  # rows of each list on the page; the rest are counted and found in the case list
PER_DAY = 10  # visits shown per day of the calendar
VISIT_STATES = ("planned", "notified", "report_received")
LEVELS = sorted({level for rule in RULES for level in rule.levels}, reverse=True)  # of the alerts, highest first


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
    overdue: list[Deadline] = field(default_factory=list)  # the first LISTED, the most overdue first
    overdue_total: int = 0
    due_soon: list[Deadline] = field(default_factory=list)  # the first LISTED, the soonest first
    due_soon_total: int = 0
    visits: dict[date, list[Inspection]] = field(default_factory=dict)  # at most PER_DAY a day
    visits_total: Counter = field(default_factory=Counter)  # day -> all visits planned that day
    progress: list[tuple[date, Counter]] = field(default_factory=list)
    escalations: list[Alert] = field(default_factory=list)  # open alerts, the highest level first (LISTED)
    escalations_total: int = 0
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


def build(session: Session, actor: Actor, as_of: date, campaign_code: str | None = None, *, ahead: int = 14,
          today: date | None = None) -> Dashboard:
    """The dashboard of a campaign (the newest when none is named) as of a day. The counts are the
    cases' current states when ``as_of`` is ``today`` or later, else their states at the end of
    ``as_of`` read from the audit log (also when ``today`` is not given)."""
    campaign = session.scalar(
        select(Campaign).where(Campaign.code == campaign_code) if campaign_code
        else select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc()).limit(1)
    )
    board = Dashboard(campaign, as_of)
    if campaign is None:
        return board
    scope, whole = [Inspection.campaign_id == campaign.id], campaign.id
    if actor.role == "unit":
        scope.append(Inspection.unit_id == actor.unit_id)
        whole = None  # a unit's cases: their moves are read from the log, not from the campaign's tally
    board.counts = state_counts(session, scope, whole, None if today is not None and as_of >= today else as_of)
    _deadlines(session, board, scope)
    _steps(session, board, scope, campaign, whole)
    _visits(session, board, scope, ahead)
    board.progress = progress(session, scope, whole, as_of, total=sum(board.counts.values()))
    _escalations(session, board, scope, whole)
    return board


def _escalations(session: Session, board: Dashboard, scope: list, whole: int | None) -> None:
    """The open alerts, the highest level first, then the earliest due: a level at a time in the
    order of the index on (campaign, status, level, due_on, id), so only the rows shown are read
    (and for the whole campaign the count reads that index alone)."""
    campaign_open = select(Alert).where(Alert.campaign_id == board.campaign.id, Alert.status == "open")  # type: ignore[union-attr]
    alerts = campaign_open.join(Inspection, Alert.inspection_id == Inspection.id).where(*scope)
    board.escalations_total = _count(session, alerts if whole is None else campaign_open)
    for level in LEVELS:
        if len(board.escalations) == LISTED:
            break
        board.escalations += session.scalars(
            alerts.where(Alert.level == level).options(contains_eager(Alert.inspection))
            .order_by(Alert.due_on, Alert.id).limit(LISTED - len(board.escalations)))


def end_of(day: date) -> datetime:
    """The first moment after ``day`` in the configured time zone."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=zone())


def _count(session: Session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def state_counts(session: Session, scope: list, campaign_id: int | None, as_of: date | None) -> Counter:
    """(kind, state) -> number of cases, now (``as_of`` None) or at the end of ``as_of``: every
    case planned, then moved on by the moves up to then (see :func:`moves`)."""
    if as_of is None:
        rows = session.execute(select(Inspection.kind, Inspection.state, func.count()).where(*scope)
                               .group_by(Inspection.kind, Inspection.state))
        return Counter({(kind, state): number for kind, state, number in rows})
    planned = State.PLANNED.value
    counts = Counter({(kind, planned): number for kind, number in session.execute(
        select(Inspection.kind, func.count()).where(*scope).group_by(Inspection.kind))})
    for kind, from_state, to_state, number in moves(session, scope, campaign_id, as_of, per_day=False):
        counts[(kind, from_state or planned)] -= number
        counts[(kind, to_state)] += number
    return +counts


def _deadlines(session: Session, board: Dashboard, scope: list) -> None:
    due, as_of = Inspection.next_due_on, board.as_of
    for name, condition in (("overdue", due < as_of), ("due_soon", and_(due >= as_of, due < as_of + timedelta(days=7)))):
        query = select(Inspection).where(*scope, condition)
        setattr(board, f"{name}_total", _count(session, query))
        rows = []
        for inspection in session.scalars(query.order_by(due, Inspection.id).limit(LISTED)):
            what, day = next_due(inspection)  # type: ignore[misc]  # the condition says it has one
            rows.append(Deadline(inspection, what, day, (day - as_of).days))
        setattr(board, name, rows)


def _announced() -> ColumnElement:
    return or_(Inspection.kind == Kind.DIRECT.value,
               and_(Inspection.kind == Kind.REINSPECTION.value, Inspection.unannounced.is_(False)))


def _flag(condition: ColumnElement) -> ColumnElement:
    return case((condition, 1), else_=0)


# A step of the unit or of the visit waits for the notice of an announced case (as in
# workflow.deadlines.due_dates.missed_steps).
_AFTER_THE_NOTICE = frozenset({"report", "visit"})
_LATE_BY_DATES = (("self_check", "self_check_date", "self_check_due"), ("minutes", "minutes_date", "minutes_due"),
                  ("conclusion", "conclusion_date", "conclusion_due"),
                  ("remediation", "remediation_reported_date", "remediation_due"))


def _missed(step: str, due_field: str, done_field: str, as_of: date) -> ColumnElement:
    """:func:`workflow.deadlines.due_dates.missed_steps` of one step, in SQL."""
    due, done = getattr(Inspection, due_field), getattr(Inspection, done_field)
    if step == "self_check":
        done = func.coalesce(done, Inspection.received_date)  # a report handed in says the self-inspection is over
    condition = and_(Inspection.state != State.CANCELLED.value, due.is_not(None), due < as_of,
                     or_(done.is_(None), done > as_of))
    if step in _AFTER_THE_NOTICE:
        notified = and_(Inspection.notice_date.is_not(None), Inspection.notice_date <= as_of)
        condition = and_(condition, or_(not_(_announced()), notified))
    return _flag(condition)


def _steps(session: Session, board: Dashboard, scope: list, campaign: Campaign, whole: int | None) -> None:
    """Steps missed as of the board's day and steps done late by then: for the whole campaign
    from its day tally (models.step_tally), adding the cases not counted there yet one by one;
    for a unit's cases, one by one."""
    if whole is not None:
        _tallied_steps(session, board, whole)
        scope = [*scope, Inspection.step_marks.is_(None)]
    _steps_case_by_case(session, board, scope, campaign)


def _tallied_steps(session: Session, board: Dashboard, campaign_id: int) -> None:
    tally = StepDayTally
    for measure, step, number in session.execute(
            select(tally.measure, tally.step, func.sum(tally.n)).where(tally.campaign_id == campaign_id, tally.day <= board.as_of)
            .group_by(tally.measure, tally.step)):
        if not number:
            continue
        if step:
            (board.missed_steps if measure == "missed" else board.late_steps)[step] += number
        elif measure == "missed":
            board.units_missed += number
        else:
            board.units_late += number


def _steps_case_by_case(session: Session, board: Dashboard, scope: list, campaign: Campaign) -> None:
    """The same counts in one grouped query over the cases: the groups are the combinations of
    flags (and, for an announced case's report, the visit and receipt dates, whose limit the
    campaign's day counting gives), never the cases."""
    as_of = board.as_of
    missed = [(step, _missed(step, due, done, as_of)) for step, due, done in STEPS]
    late = [(step, _flag(and_(getattr(Inspection, done) > getattr(Inspection, due), getattr(Inspection, done) <= as_of)))
            for step, done, due in _LATE_BY_DATES]
    late.append(("self_report", _flag(and_(Inspection.kind == Kind.SELF.value, Inspection.received_date > Inspection.self_report_due,
                                           Inspection.received_date <= as_of))))
    counted = and_(_announced(), Inspection.received_date <= as_of, Inspection.visit_date.is_not(None))
    earliest_visit = case((Inspection.visited_date < Inspection.visit_date, Inspection.visited_date), else_=Inspection.visit_date)
    report_visit, report_received = case((counted, earliest_visit)), case((counted, Inspection.received_date))
    columns = [flag.label(f"missed_{step}") for step, flag in missed] + [flag.label(f"late_{step}") for step, flag in late]
    cases = select(*columns, report_visit.label("report_visit"), report_received.label("report_received")).where(*scope).subquery()
    keys = [column for column in cases.c]
    counting, lead = counting_of(campaign), campaign.report_lead_days
    limit = cache(lambda visit: counting.limit_before(visit, lead))
    for row in session.execute(select(*keys, func.count()).group_by(*keys)):
        values, number = row._mapping, row[-1]
        steps_missed = [step for step, _flag_ in missed if values[f"missed_{step}"]]
        steps_late = [step for step, _flag_ in late if values[f"late_{step}"]]
        if values["report_visit"] is not None and values["report_received"] > limit(values["report_visit"]):
            steps_late.append("report")
        steps_late = ["report" if step == "self_report" else step for step in steps_late]
        for step in steps_missed:
            board.missed_steps[step] += number
        for step in set(steps_late):
            board.late_steps[step] += number
        board.units_missed += number if steps_missed else 0
        board.units_late += number if steps_late else 0


def _visits(session: Session, board: Dashboard, scope: list, ahead: int) -> None:
    first, end = board.as_of, board.as_of + timedelta(days=ahead)
    board.visits = {first + timedelta(days=offset): [] for offset in range(ahead)}
    planned = and_(*scope, Inspection.state.in_(VISIT_STATES), Inspection.visit_date >= first, Inspection.visit_date < end)
    board.visits_total = Counter(dict(session.execute(
        select(Inspection.visit_date, func.count()).where(planned).group_by(Inspection.visit_date)).all()))
    ranked = select(Inspection.id, func.row_number().over(
        partition_by=Inspection.visit_date, order_by=(Inspection.visit_time, Inspection.id)).label("rank")).where(planned).subquery()
    # The ids first: given the ranked rows as a subquery, a planner expects all of the window's
    # cases back and reads the whole table to join them.
    ids = list(session.scalars(select(ranked.c.id).where(ranked.c.rank <= PER_DAY)))
    shown = select(Inspection).where(Inspection.id.in_(ids)).order_by(Inspection.visit_date, Inspection.visit_time, Inspection.id)
    for inspection in session.scalars(shown):
        board.visits[inspection.visit_date].append(inspection)


def _local_day(session: Session, moment: ColumnElement, until: date) -> ColumnElement:
    """The local calendar day of a stored (naive UTC) moment, as ISO text. PostgreSQL converts
    with the zone's rules; SQLite adds the zone's offset on ``until`` (exact for zones without
    summer time, as Asia/Ho_Chi_Minh)."""
    tz = zone()
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone(tz.key, func.timezone("UTC", moment)), "YYYY-MM-DD")
    offset = datetime.combine(until, time(12), tzinfo=tz).utcoffset() or timedelta()
    return func.date(moment, f"{int(offset.total_seconds() // 60):+d} minutes")


def moves(session: Session, scope: list, campaign_id: int | None, until: date, *, per_day: bool) -> list[tuple]:
    """The cases' moves up to the end of ``until``, counted per (local day or kind of case, from
    state, to state); a case's creation comes from no state. The whole campaign's
    (``campaign_id`` given) are read from ``case_move_tally``, which a trigger on the audit log
    keeps (a few rows an hour, whatever the number of cases); a part of it (a unit's cases) from
    the log itself."""
    if campaign_id is not None:
        tally = CaseMoveTally
        moment, kind, from_state, to_state = tally.hour, tally.kind, tally.from_state, tally.to_state
        query = select().where(tally.campaign_id == campaign_id)
        number: ColumnElement = func.sum(tally.n)
    else:
        entry = AuditEntry
        moment, kind, from_state, to_state = entry.at, Inspection.kind, entry.from_state, entry.to_state
        query = (select().join_from(entry, Inspection, entry.inspection_id == Inspection.id)
                 .where(*scope, entry.entity == "inspection", entry.to_state.is_not(None)))
        number = func.count()
    group = (_local_day(session, moment, until) if per_day else kind).label("group")
    return list(session.execute(query.add_columns(group, from_state, to_state, number)
                                .where(moment < end_of(until)).group_by(group, from_state, to_state)))


def progress(session: Session, scope: list, campaign_id: int | None, until: date, *, total: int) -> list[tuple[date, Counter]]:
    """How many of the ``total`` cases were at each stage at the end of every day, from the first
    change: every case starts planned; the moves, counted per day (:func:`moves`), move them on."""
    changes: dict[date, Counter] = {}
    for on, from_state, to_state, number in moves(session, scope, campaign_id, until, per_day=True):
        change = changes.setdefault(date.fromisoformat(on), Counter())
        change[STAGE_OF[from_state or State.PLANNED.value]] -= number
        change[STAGE_OF[to_state]] += number
    if not changes:
        return []
    stages = Counter({"planned": total})
    days: list[tuple[date, Counter]] = []
    current = min(changes)
    while current <= until:
        stages.update(changes.get(current, Counter()))
        days.append((current, Counter({stage: n for stage, n in stages.items() if n})))
        current += timedelta(days=1)
    return days
