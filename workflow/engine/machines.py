"""The three workflows of a case, declared as data and run by ``transitions``.

Read each table as "trigger: from → to, if these rules hold". A surprise inspection has no notice
and no report in advance and then goes on as a direct one from the visit; a self-inspection is
reported and accepted; a re-inspection (phúc tra) runs on the direct table, or on the surprise one
when unannounced.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Sequence

from transitions import Machine
from transitions.core import EventData

from vocabulary.states import FINAL_STATES, Kind, State
from workflow.engine.context import CaseContext
from workflow.engine.guards import (
    Guard,
    all_findings_accepted,
    arrival_date,
    findings_valid,
    has_findings,
    has_no_findings,
    in_window,
    is_silent,
    not_before,
    not_before_campaign_start,
    not_in_future,
    notice_in_time,
    on_working_day,
    paper_reason_by_office,
    reason_for_early_visit,
    required,
    result_is,
    self_check_dated,
    visit_not_before_notified,
    visit_not_in_past,
)
from workflow.engine.trigger_data import SCHEMAS

S = State
OPEN_STATES = [s for s in State if s not in FINAL_STATES]


@dataclass(frozen=True)
class Row:
    trigger: str
    source: Sequence[State]
    dest: State
    guards: tuple[Guard, ...] = ()


def row(trigger: str, source: State | Sequence[State], dest: State, *guards: Guard) -> Row:
    return Row(trigger, [source] if isinstance(source, State) else list(source), dest, guards)


def _required(trigger: str) -> tuple[Guard, ...]:
    """What the trigger's schema says the step must carry (``TriggerData.required``)."""
    return tuple(required(name, needed.why, unless=needed.unless) for name, needed in SCHEMAS[trigger].required.items())


# Every rule on the data a step records, in one place per trigger: its dates first (each refusal
# names the rule and the dates; those a reason may waive take ``date_reason`` or, for a paper
# copy, ``paper_reason``), then what it must carry. The rows below add the rules on the case.
STEP_RULES: dict[str, tuple[Guard, ...]] = {
    "notify": (
        not_in_future("notice_date"), not_before_campaign_start("notice_date"), on_working_day("notice_date"),
        notice_in_time, in_window("visit_date"), on_working_day("visit_date"),
    ),
    "receive_report": (
        not_in_future("received_date"), arrival_date("received_date"), not_before("received_date", "notice_date"),
        self_check_dated, paper_reason_by_office, *_required("receive_report"),
    ),
    "visit": (
        not_in_future("visit_date"), not_before("visit_date", "notice_date"), visit_not_before_notified,
        in_window("visit_date"), on_working_day("visit_date"), *_required("visit"),
    ),
    "sign_minutes": (not_in_future("minutes_date"), not_before("minutes_date", "visited_date"), *_required("sign_minutes")),
    "conclude": (not_in_future("conclusion_date"), not_before("conclusion_date", "minutes_date"), findings_valid),
    "report_remediation": (
        not_in_future("reported_date"), arrival_date("reported_date"), not_before("reported_date", "conclusion_date"),
        paper_reason_by_office, *_required("report_remediation"),
    ),
    "reschedule": (visit_not_in_past, in_window("visit_date"), on_working_day("visit_date")),
}
R = STEP_RULES

FROM_THE_VISIT_ON = [
    row("sign_minutes",          S.VISITED,                 S.MINUTES_SIGNED,       *R["sign_minutes"]),
    row("conclude",              S.MINUTES_SIGNED,          S.CONCLUDED,            *R["conclude"]),
    row("start_remediation",     S.CONCLUDED,               S.REMEDIATION,          has_findings),
    row("accept",                S.CONCLUDED,               S.CLOSED,               has_no_findings),
    row("report_remediation",    S.REMEDIATION,             S.REMEDIATION_REPORTED, *R["report_remediation"]),
    row("accept",                S.REMEDIATION_REPORTED,    S.CLOSED,               all_findings_accepted),
    row("order_reinspection",    [S.REMEDIATION, S.REMEDIATION_REPORTED], S.REINSPECTION),
    row("complete_reinspection", S.REINSPECTION,            S.CLOSED,               result_is("resolved")),
    row("complete_reinspection", S.REINSPECTION,            S.REMEDIATION,          result_is("not_resolved")),
    row("cancel",                OPEN_STATES,               S.CANCELLED),
]

DIRECT = [
    row("notify",                S.PLANNED,                 S.NOTIFIED,             *R["notify"]),
    row("receive_report",        S.NOTIFIED,                S.REPORT_RECEIVED,      *R["receive_report"]),
    row("visit",                 S.REPORT_RECEIVED,         S.VISITED,              *R["visit"]),
    row("visit",                 S.NOTIFIED,                S.VISITED,              reason_for_early_visit, *R["visit"]),
    row("reschedule",            [S.PLANNED, S.NOTIFIED],   S.PLANNED,              *R["reschedule"]),
    *FROM_THE_VISIT_ON,
]

SURPRISE = [
    row("visit",                 S.PLANNED,                 S.VISITED,              *R["visit"]),
    row("reschedule",            S.PLANNED,                 S.PLANNED,              *R["reschedule"]),
    *FROM_THE_VISIT_ON,
]

SELF = [
    row("receive_report",        S.PLANNED,                 S.REPORT_RECEIVED,      *R["receive_report"]),
    row("accept",                S.REPORT_RECEIVED,         S.CLOSED),
    row("cancel",                [S.PLANNED, S.REPORT_RECEIVED], S.CANCELLED),
]


def _all_hold(guards: tuple[Guard, ...]):
    """One ``transitions`` condition that runs every guard of a row, so a refusal lists every
    broken rule at once rather than the first one only."""

    def condition(event: EventData) -> bool:
        case: CaseContext = event.model
        problems = [problem for problem in (guard(case) for guard in guards) if problem is not None]
        case.refusals.extend(problem for problem in problems if not is_silent(problem))
        return not problems

    return condition


class Workflow:
    """One table turned into a ``transitions`` Machine, shared by every case of its kind.

    Cases are added to the machine for one decision and removed right after: a shared Machine
    keeps a strong reference to every model it was given. The lock makes that safe across
    threads; the machine itself does no I/O beyond what the guards read.
    """

    def __init__(self, name: str, rows: list[Row]):
        self.name = name
        self.rows = rows
        self.states = list(dict.fromkeys([S.PLANNED, *(s for r in rows for s in (*r.source, r.dest))]))
        self.triggers = list(dict.fromkeys(r.trigger for r in rows))
        self._machine = Machine(
            model=None,
            states=[state.value for state in self.states],
            transitions=[
                {"trigger": r.trigger, "source": [s.value for s in r.source], "dest": r.dest.value,
                 "conditions": [_all_hold(r.guards)]}
                for r in rows
            ],
            initial=S.PLANNED.value,
            auto_transitions=False,
            send_event=True,
        )
        self._lock = threading.Lock()

    def triggers_from(self, state: str) -> list[str]:
        """Triggers with a transition out of ``state``, before any guard is asked."""
        return [t for t in self.triggers if any(state in r.source for r in self.rows if r.trigger == t)]

    def fire(self, case: CaseContext, trigger: str) -> bool:
        """Move ``case`` by ``trigger`` if a transition's guards hold; False (with
        ``case.refusals``) if they do not. The caller checks the trigger leaves this state."""
        return self._with(case, lambda: case.trigger(trigger))

    def possible(self, case: CaseContext, triggers: list[str]) -> list[str]:
        """Those of ``triggers`` whose guards hold for ``case`` (``may_<trigger>``)."""
        return self._with(case, lambda: [t for t in triggers if getattr(case, f"may_{t}")()])

    def _with(self, case: CaseContext, decide):
        with self._lock:
            self._machine.add_model(case, initial=case.state)
            try:
                return decide()
            finally:
                self._machine.remove_model(case)


WORKFLOWS = {
    "direct": Workflow("direct", DIRECT),
    "surprise": Workflow("surprise", SURPRISE),
    "self": Workflow("self", SELF),
}


def workflow_for(kind: str, unannounced: bool = False) -> Workflow:
    if kind == Kind.REINSPECTION:
        return WORKFLOWS["surprise" if unannounced else "direct"]
    return WORKFLOWS[kind]
