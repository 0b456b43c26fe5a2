"""Issuing a drawn-up document ("Ban hành"): the draft gets its number and date from the register,
is drawn up again with them and kept as PDF, the version that is signed.

Which number each document takes at issue:

* the minutes (BB, numbered by the team's own register unless the campaign says otherwise): the
  next number of the register, or the one given, recorded on the case (``minutes_number``,
  ``minutes_date``) without moving its state; ``sign_minutes`` later reuses it;
* the conclusion notice: the number ``conclude`` ("Issue the conclusion") took — the notice
  prints the findings that step records, so it is issued after it and takes no other number;
* a unit's schedule notice: the number ``notify`` recorded;
* the campaign's schedule notice: the number the văn thư gives (typed at issue) or the
  register's next, as when it is drawn up with a number;
* the scores annex: no number of its own (its signature names the summary report's).
"""
from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from documents.pdf import PdfConverter
from models import Attachment, Inspection
from vocabulary.config import local_date
from vocabulary.i18n import N_, _, gettext, use_locale
from workflow.casefile.case_edits import Change, campaign_change, case_change
from workflow.casefile.rendering import BUILDERS, Job, converted_pdf
from workflow.casefile.signing_steps import SIGNING_STEPS
from workflow.casefile.versions import DRAFT, ISSUED, issued_name
from workflow.errors import BadData, GuardRefused
from workflow.people.permissions import Actor
from workflow.records import register
from workflow.records.attachments import get_attachment, new_attachment
from workflow.records.files import PDF, FileStore

ISSUE = "issue_document"


def document_change(session: Session, attachment: Attachment, action: str, actor: Actor, now: datetime):
    """The audited change a version of ``attachment``'s document goes through: its case's, or
    for a campaign document its campaign's."""
    if attachment.inspection_id is not None:
        return case_change(session, attachment.inspection_id, action, actor, now)
    return campaign_change(session, attachment.campaign_id, action, actor, now)


def _number_minutes(job: Job, inspection: Inspection, change: Change) -> None:
    """Take the minutes' number from the register (once: an issued number is kept) and record it
    on the case."""
    if inspection.visited_date is None:
        raise GuardRefused(_("The minutes are drawn up at the on-site inspection, which is not recorded yet."))
    campaign = inspection.campaign
    entry = inspection.minutes_number and register.issued_for(job.session, campaign, "minutes", inspection.minutes_number, inspection)
    if entry and job.number and job.number.strip() != entry.symbol:
        raise BadData(_("The minutes were already issued as {number}: correct the number on the case page if it is wrong.",
                        number=entry.symbol), field="number")
    if not entry:
        entry = register.issue(job.session, campaign=campaign, doc_type="BB", purpose="minutes", doc_date=job.day,
                               actor=job.actor, now=job.now, inspection=inspection, given=job.number, reason=job.number_reason)
    inspection.minutes_number, inspection.minutes_date = entry.symbol, entry.doc_date
    change.data["register"] = register.recorded(entry, job.session)


def _drawn_number(draft: Attachment) -> str | None:
    """The number a campaign document was drawn up with (its render's register entry), which
    issuing it keeps."""
    if draft.audit_entry is None:
        return None
    return (json.loads(draft.audit_entry.data_json).get("register") or {}).get("number")


# The case's field holding each case document's number, and the step that records it (the
# minutes': the issue itself).
CASE_NUMBERS = {"minutes": ("minutes_number", None), "conclusion_notice": ("conclusion_number", N_("Issue the conclusion")),
                "unit_schedule_notice": ("notice_number", N_("Send the schedule notice"))}


def _recorded_number(inspection: Inspection, field: str, step: str) -> None:
    if getattr(inspection, field) is None:
        raise GuardRefused(_("The document takes the number of the step \u201c{action}\u201d: fire it first.", action=gettext(step)))


def issue_document(
    session: Session,
    store: FileStore,
    file_id: int,
    *,
    actor: Actor,
    now: datetime,
    pdf: PdfConverter | None,
    number: str | None = None,
    doc_date: date | None = None,
    number_reason: str | None = None,
) -> Attachment:
    """Issue the draft ``file_id``: number it (see the module), draw it up again and keep the
    PDF as the issued version, made from the draft. Refused without LibreOffice, and for a file
    that is not a draft of a document that is signed."""
    draft = get_attachment(session, file_id, actor)
    if draft.stage != DRAFT or draft.document not in SIGNING_STEPS:
        raise GuardRefused(_("File #{id} is not the draft of a document to issue.", id=file_id))
    if draft.content_type == PDF.content_type:
        raise GuardRefused(_("File #{id} is the PDF of a draft, for reading: issue the DOCX it was made from.", id=file_id))
    if pdf is None:
        raise GuardRefused(_("LibreOffice is not available here (not installed, or SOFFICE=off): the PDF cannot be made."))
    kind = draft.document
    drawn = _drawn_number(draft)
    if drawn and number and number.strip() != drawn:
        raise BadData(_("The draft was drawn up as {number}: issue it under that number, or draw it up again.", number=drawn), field="number")
    if doc_date is None and kind == "minutes" and draft.inspection is not None:
        doc_date = draft.inspection.visited_date  # drawn up and signed at the end of the visit, "cùng ngày"
    job = Job(session, actor, now, doc_date or local_date(now), drawn or number or None, number_reason)
    with use_locale("vi"), document_change(session, draft, ISSUE, actor, now) as change:
        subject = change.subject
        issued_before = session.scalar(select(Attachment.id).where(Attachment.parent_id == draft.id).limit(1))
        if issued_before is not None:
            raise GuardRefused(_("This draft was already issued: file #{id}.", id=issued_before))
        if kind == "minutes":
            _number_minutes(job, subject, change)
        elif kind in CASE_NUMBERS:
            _recorded_number(subject, *CASE_NUMBERS[kind])
        content, filename = BUILDERS[kind](job, subject, change)
        if change.data.pop("draft", False):  # the văn thư's type, and no number typed
            raise BadData(_("is given by the agency's văn thư: type the number it gave."), field="number")
        symbol = (getattr(subject, CASE_NUMBERS[kind][0]) if kind in CASE_NUMBERS
                  else (change.data.get("register") or {}).get("number"))  # None: the annex, which has none
        converted = converted_pdf(pdf, filename, content)
        stored = store.store_generated(converted, issued_name(draft.original_name, symbol), PDF)
        inspection = subject if isinstance(subject, Inspection) else None
        issued = new_attachment(
            session, stored, kind=draft.kind, trigger=ISSUE, actor=actor, now=now, inspection=inspection,
            campaign=inspection.campaign if inspection else subject, generated=True, stage=ISSUED, document=kind, parent=draft,
        )
        change.attachments.append(issued)
        change.data.update({"document": kind, "draft": draft.id, "number": symbol, "file": stored.recorded()})
    return issued

