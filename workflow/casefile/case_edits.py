"""Changes of a case's file that are not transitions: reviews, finding decisions, added files,
rendered documents. Each one locks the case exactly as :func:`workflow.engine.service.fire` does, checks
the actor, and appends an audit entry (old and new values) on the case's chain in the same
transaction; the state does not move. Campaign documents do the same on the campaign's row.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterator

from sqlalchemy.orm import Session

from models import Attachment, Audited
from vocabulary.i18n import _
from workflow import audit
from workflow.audit.edits import changed_values
from workflow.engine import trigger_data
from workflow.engine.locking import change_transaction, lock_campaign, lock_case
from workflow.errors import ConcurrentUpdate, NotFound, NotPermitted
from workflow.people.permissions import Actor


@dataclass
class Change:
    """What the body of a change fills in: the audit entry's data and comment, and the files it
    recorded (linked to that entry)."""

    subject: Any
    data: dict[str, Any] = field(default_factory=dict)
    comment: str | None = None
    attachments: list[Attachment] = field(default_factory=list)


@contextmanager
def _locked_change(
    session: Session,
    lock: Callable[[], Audited],
    unit_of: Callable[[Any], int | None],
    action: str,
    actor: Actor,
    now: datetime,
    expected_version: int | None,
) -> Iterator[Change]:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    with change_transaction(session):
        subject = lock()
        unit_id = unit_of(subject)
        if unit_id is not None and not actor.sees_unit(unit_id):
            raise NotFound(_("Case #{id} does not exist.", id=subject.id))
        if expected_version is not None and subject.version != expected_version:
            raise ConcurrentUpdate()
        if not actor.may_edit(action, unit_id):
            raise NotPermitted(_("Your role may not do this: {action}.", action=action_label(action)))
        change = Change(subject)
        yield change
        subject.updated_at = now
        state = getattr(subject, "state", None)
        entry = audit.append(session, subject, at=now, actor=actor.name, trigger=action, from_state=state,
                             to_state=state, comment=change.comment, data=change.data)
        for attachment in change.attachments:
            attachment.audit_entry = entry
        session.flush()


def case_change(session: Session, inspection_id: int, action: str, actor: Actor, now: datetime, expected_version: int | None = None):
    """``with case_change(…) as change:`` — ``change.subject`` is the locked case."""
    return _locked_change(session, lambda: lock_case(session, inspection_id), lambda case: case.unit_id, action, actor, now, expected_version)


def campaign_change(session: Session, campaign_id: int, action: str, actor: Actor, now: datetime, expected_version: int | None = None):
    """``with campaign_change(…) as change:`` — ``change.subject`` is the locked campaign."""
    return _locked_change(session, lambda: lock_campaign(session, campaign_id), lambda campaign: None, action, actor, now, expected_version)


ACTION_LABELS = {
    "correct": _("correct a case's data"),
    "review_section": _("review the report against the outline"),
    "review_finding": _("accept or reject the remediation of a finding"),
    "attach": _("add a file"),
    "render_document": _("produce a document"),
    "summary_content": _("write the summary report's content"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def correct(session: Session, inspection_id: int, actor: Actor, now: datetime, *,
            expected_version: int | None = None, **data: Any) -> None:
    """Correct a case's own data (``trigger_data.CaseEdit``: numbers, names, the visit time).
    Only the keys given change (an empty value clears a field); the entry records old and new."""
    parsed = trigger_data.parse("correct", data, trigger_data.CaseEdit)
    with case_change(session, inspection_id, "correct", actor, now, expected_version) as change:
        for name in parsed.model_fields_set - {"comment"}:
            setattr(change.subject, name, getattr(parsed, name))
        change.data = {"changes": changed_values(change.subject)}
        change.comment = parsed.comment
