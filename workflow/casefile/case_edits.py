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

from sqlalchemy import select

from models import Attachment, Audited, Inspection, RegisterEntry
from vocabulary.config import local_date
from vocabulary.i18n import _
from workflow import audit
from workflow.alerts.plan import replan_alerts
from workflow.audit.edits import changed_values
from workflow.deadlines.due_dates import refresh_due_dates
from workflow.engine import trigger_data
from workflow.errors import BadData
from workflow.records import register
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
    "record_results": _("record the team's assessment and the unit's opinion"),
    "team_roster": _("set the members of the inspection team"),
    "review_finding": _("accept or reject the remediation of a finding"),
    "attach": _("add a file"),
    "attach_signed": _("upload the version of a document signed elsewhere"),
    "render_document": _("produce a document"),
    "issue_document": _("issue a document"),
    "sign_document": _("sign a document"),
    "summary_content": _("write the summary report's content"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


# The dates a step recorded, and the numbers of the documents it issued (field → register purpose):
# correcting one needs a reason, and a number is corrected in the register too.
RECORDED_DATES = ("notice_date", "received_date", "self_check_date", "visited_date", "minutes_date", "conclusion_date",
                  "remediation_reported_date")
NUMBERS = {"notice_number": "notice", "minutes_number": "minutes", "conclusion_number": "conclusion"}


def correct(session: Session, inspection_id: int, actor: Actor, now: datetime, *,
            expected_version: int | None = None, **data: Any) -> None:
    """Correct a case's own data (``trigger_data.CaseEdit``). Only the keys given change (an
    empty value clears a text field; a recorded date is corrected, never cleared). A recorded
    date or a document's number needs ``correction_reason``; the entry records old and new, the
    due dates and alerts follow the corrected dates."""
    parsed = trigger_data.parse("correct", data, trigger_data.CaseEdit)
    with case_change(session, inspection_id, "correct", actor, now, expected_version) as change:
        inspection: Inspection = change.subject
        given = parsed.model_fields_set - {"comment", "correction_reason"}
        dates = {name for name in given & set(RECORDED_DATES) if getattr(parsed, name) is not None and getattr(parsed, name) != getattr(inspection, name)}
        numbers = {name for name in given & set(NUMBERS) if (getattr(parsed, name) or None) != getattr(inspection, name)}
        if (dates or numbers) and not parsed.correction_reason:
            field = sorted(dates | numbers)[0]
            raise BadData([trigger_data.CaseEdit.field_problem("correction_reason", _("is required to correct a recorded date or a document's number ({field}).", field=trigger_data.CaseEdit.field_label(field)))])
        for name in sorted(dates):
            if getattr(parsed, name) > local_date(now):
                raise BadData([trigger_data.CaseEdit.field_problem(name, _("{value} is after today ({today}).", value=getattr(parsed, name), today=local_date(now)))])
        registered = {name: _renumber(session, inspection, name, getattr(parsed, name), parsed.correction_reason) for name in sorted(numbers)}
        for name in (given - set(RECORDED_DATES) - set(NUMBERS)) | dates:
            setattr(inspection, name, getattr(parsed, name))
        for name, numbers_changed in registered.items():
            setattr(inspection, name, numbers_changed["new"])
        with session.no_autoflush:
            refresh_due_dates(inspection, inspection.campaign)
        change.data = {"changes": changed_values(inspection)}
        if registered:
            change.data["register"] = registered
        if parsed.correction_reason:
            change.data["correction_reason"] = parsed.correction_reason
        change.comment = parsed.comment
        if dates:
            replan_alerts(session, inspection, now)


def _renumber(session: Session, inspection: Inspection, field: str, new: str | None, reason: str | None) -> dict[str, str]:
    """Correct in the register the number of a document this case issued."""
    entry = session.scalar(select(RegisterEntry).where(
        RegisterEntry.inspection_id == inspection.id, RegisterEntry.purpose == NUMBERS[field],
        RegisterEntry.symbol == getattr(inspection, field)))
    if entry is None or not new:
        raise BadData([trigger_data.CaseEdit.field_problem(field, _("is not a number this case issued in the register; it cannot be corrected here."))])
    return register.correct(session, inspection.campaign, entry, new, reason, field)
