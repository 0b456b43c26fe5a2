"""Adding an uploaded file to a case outside a transition: a late appendix, more evidence, the
scan of the signed conclusion. The file is already in the store (``FileStore.store_upload``)."""
from __future__ import annotations

from datetime import datetime

from models import Attachment, Inspection
from vocabulary.i18n import _
from vocabulary.states import FINAL_STATES, State
from workflow.casefile.case_edits import case_change
from workflow.casefile.findings import finding_by_number
from workflow.errors import BadData, GuardRefused, NotPermitted
from workflow.people.permissions import Actor
from workflow.records.attachments import new_attachment
from workflow.records.files import StoredFile
from workflow.records.receipts import queue_receipt

UPLOAD_KINDS = ("report", "appendix", "minutes", "conclusion", "remediation_report", "evidence", "other")
UNIT_UPLOAD_KINDS = frozenset({"report", "appendix", "remediation_report", "evidence"})


def attach(
    session,
    inspection_id: int,
    stored: StoredFile,
    *,
    kind: str,
    actor: Actor,
    now: datetime,
    finding_number: int | None = None,
    comment: str | None = None,
    expected_version: int | None = None,
) -> Attachment:
    if kind not in UPLOAD_KINDS:
        raise BadData(_("Kind of file: must be one of {kinds}.", kinds=", ".join(UPLOAD_KINDS)), field="kind")
    if actor.role == "unit" and kind not in UNIT_UPLOAD_KINDS:
        raise NotPermitted(_("A unit adds only its reports, their appendices and evidence of remediation."))
    with case_change(session, inspection_id, "attach", actor, now, expected_version) as change:
        inspection: Inspection = change.subject
        if inspection.state in FINAL_STATES:
            raise GuardRefused(_("The case is \u201c{state}\u201d: no more files can be added.", state=State(inspection.state).label))
        finding = finding_by_number(inspection, finding_number) if finding_number is not None else None
        attachment = new_attachment(session, stored, kind=kind, trigger="attach", actor=actor, now=now,
                                    inspection=inspection, campaign=inspection.campaign, finding=finding)
        change.attachments.append(attachment)
        change.comment = comment
        change.data = {"kind": kind, "file": stored.recorded(), **({"finding": finding_number} if finding else {})}
        queue_receipt(session, inspection, [attachment], now)
    return attachment
