"""The one way to change a case.

The admin UI, the JSON API, the CLI and the scheduler all call :func:`fire`. In one database
transaction it locks the case, checks who is asking, parses the trigger's data, asks the state
machine and its guards, writes the effects and the recomputed due dates, appends the audit entry
and commits. A refusal raises one of the errors of :mod:`workflow.errors` and changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from models import Inspection
from vocabulary.campaigns import CLOSED
from vocabulary.i18n import _
from vocabulary.states import State, trigger_label
from workflow import audit
from workflow.alerts.plan import replan_alerts
from workflow.deadlines.due_dates import refresh_due_dates
from workflow.engine import trigger_data
from workflow.engine.context import CaseContext
from workflow.engine.effects import EFFECTS, closes_a_reinspection
from workflow.engine.locking import change_transaction, lock_case
from workflow.engine.machines import workflow_for
from workflow.errors import BadData, ConcurrentUpdate, GuardRefused, NotFound, NotPermitted, TransitionNotAllowed
from workflow.people.permissions import Actor
from workflow.records.receipts import queue_receipt


@dataclass(frozen=True)
class FireResult:
    inspection_id: int
    trigger: str
    from_state: str
    to_state: str
    version: int
    audit_entry_id: int
    extra: dict[str, Any] = field(default_factory=dict)


def fire(
    session: Session,
    inspection_id: int,
    trigger: str,
    actor: Actor,
    now: datetime,
    *,
    expected_version: int | None = None,
    **data: Any,
) -> FireResult:
    """Fire ``trigger`` on case ``inspection_id`` as ``actor`` at ``now`` with ``data``.

    ``expected_version`` is the version the caller last saw (a form, an API client): if the case
    changed since, :class:`ConcurrentUpdate` is raised instead of acting on a stale view.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    with change_transaction(session):
        inspection = lock_case(session, inspection_id)
        if expected_version is not None and inspection.version != expected_version:
            raise ConcurrentUpdate()
        result = _fire_locked(session, inspection, trigger, actor, now, data)
        if closes_a_reinspection(inspection):
            _complete_original(session, inspection, actor, now)
    return result


def _fire_locked(
    session: Session,
    inspection: Inspection,
    trigger: str,
    actor: Actor,
    now: datetime,
    data: dict[str, Any],
    *,
    check_permission: bool = True,
) -> FireResult:
    if not actor.sees_unit(inspection.unit_id):
        raise NotFound(_("Case #{id} does not exist.", id=inspection.id))
    if trigger not in trigger_data.SCHEMAS:
        raise BadData(_("Unknown action \u201c{trigger}\u201d.", trigger=trigger), field="trigger")
    if check_permission and not actor.may_fire(trigger, inspection.unit_id):
        raise NotPermitted(_("Your role may not \u201c{action}\u201d.", action=trigger_label(trigger)))
    workflow = workflow_for(inspection.kind, inspection.unannounced)
    from_state = inspection.state
    if trigger not in workflow.triggers_from(from_state):
        raise TransitionNotAllowed(_not_allowed(inspection, trigger, workflow.triggers_from(from_state)))
    parsed = trigger_data.parse(trigger, data)

    campaign = inspection.campaign
    case = CaseContext(session, inspection, campaign, now, actor, parsed)
    # Nothing is flushed before the end: one UPDATE of the case per change (so one version step),
    # and every SELECT on the way reads what the transaction already wrote, not the session's
    # unwritten changes (the guards and effects read those from the objects themselves).
    with session.no_autoflush:
        parsed.resolve(case)
        if problems := parsed.problems(case):
            raise BadData(problems)
        if not workflow.fire(case, trigger):
            raise GuardRefused(case.refusals or _("A rule of this action does not hold."))
        extra = EFFECTS[trigger](case) or {}
        refresh_due_dates(inspection, campaign)
        inspection.updated_at = now
        entry = audit.append(
            session,
            inspection,
            at=now,
            actor=actor.name,
            trigger=trigger,
            from_state=from_state,
            to_state=inspection.state,
            comment=parsed.comment,
            data={**parsed.recorded(), **extra},
        )
        for attachment in case.attachments:  # issue #5: files are tied to the change that took them
            attachment.audit_entry = entry
        queue_receipt(session, inspection, case.attachments, now)  # the unit's files, confirmed the same day
        replan_alerts(session, inspection, now)
    session.flush()  # the one flush of the change
    return FireResult(inspection.id, trigger, from_state, inspection.state, inspection.version, entry.id, extra)


def _complete_original(session: Session, reinspection: Inspection, actor: Actor, now: datetime) -> None:
    """A closed phúc tra completes the re-inspection of its original, in the same transaction."""
    original = lock_case(session, reinspection.reinspection_of_id)
    if original.state != State.REINSPECTION:
        return
    comment = str(_("Re-inspection case #{id} was closed.", id=reinspection.id))
    _fire_locked(session, original, "complete_reinspection", actor, now, {"result": "resolved", "comment": comment}, check_permission=False)


def _not_allowed(inspection: Inspection, trigger: str, possible: list[str]):
    state = State(inspection.state).label
    if not possible:
        return _("\u201c{action}\u201d is not possible: the case is {state} and nothing more can be done.", action=trigger_label(trigger), state=state)
    return _(
        "\u201c{action}\u201d is not possible while the case is \u201c{state}\u201d; possible now: {possible}.",
        action=trigger_label(trigger),
        state=state,
        possible=", ".join(trigger_label(t) for t in possible),
    )


def available_triggers(session: Session, inspection: Inspection, actor: Actor, now: datetime) -> list[str]:
    """The triggers ``actor`` could fire on the case now: allowed from its state, allowed for the
    role, and passing every guard that does not depend on data still to be entered."""
    workflow = workflow_for(inspection.kind, inspection.unannounced)
    if not actor.sees_unit(inspection.unit_id) or inspection.campaign.status == CLOSED:  # a closed campaign is read only
        return []
    allowed = [t for t in workflow.triggers_from(inspection.state) if actor.may_fire(t, inspection.unit_id)]
    return workflow.possible(CaseContext(session, inspection, inspection.campaign, now, actor), allowed)
