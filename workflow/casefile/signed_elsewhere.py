"""A document signed outside the product (the office's e-office system, VGCA's vSignPDF): its PDF
is uploaded as the signed version of the issued PDF the product produced.

It is recorded only when every signature is valid and covers the whole file, and the file as it
was before its first signature is, byte for byte, the issued PDF: what was signed is what the
product issued. Otherwise the refusal says what differs.
"""
from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from models import Attachment
from vocabulary.i18n import Text, _
from workflow.casefile.case_edits import campaign_change, case_change
from workflow.errors import BadData
from workflow.people.permissions import Actor
from workflow.records.arrival import VALID, verdict_of
from workflow.records.attachments import get_attachment, new_attachment
from workflow.records.files import PDF, FileStore, StoredFile

ACTION = "attach_signed"


def _pages(pdf: bytes) -> int | None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return len(PdfReader(io.BytesIO(pdf), strict=False).pages)
    except (PyPdfError, ValueError, KeyError, TypeError):
        return None


def difference(issued: bytes, signed_from: bytes) -> Text | None:
    """What differs between the issued PDF and the file a signer started from (None: nothing)."""
    if issued == signed_from:
        return None
    offset = next((at for at, (a, b) in enumerate(zip(issued, signed_from)) if a != b), min(len(issued), len(signed_from)))
    pages = (_pages(issued), _pages(signed_from))
    details = [_("the first difference is at byte {offset}", offset=offset)]
    if len(issued) != len(signed_from):
        details.insert(0, _("it has {signed} bytes, the issued PDF {issued}", signed=len(signed_from), issued=len(issued)))
    if pages[0] != pages[1]:
        details.append(_("it has {signed} page(s), the issued PDF {issued}", signed=pages[1] if pages[1] is not None else "?", issued=pages[0]))
    return _("what was signed is not the issued PDF: {details}", details="; ".join(str(detail) for detail in details))


def _refusal(stored: StoredFile, pdf: bytes, issued_pdf: bytes) -> Text | None:
    """Why ``pdf`` is not a signed version of ``issued_pdf`` (None: it is)."""
    from documents.signatures.checking import first_signed_revision
    from documents.signatures.keys import SigningError

    if stored.signatures is None:
        return _("it is not a PDF file")
    verdict = verdict_of(stored.signatures)
    if not verdict.signatures:
        return _("it carries no digital signature")
    if verdict.status != VALID:
        return Text("{reason}", {"reason": verdict.message})
    if not all(check.covers_whole_file for check in verdict.signatures):
        return _("a signature does not cover the whole file")
    try:
        signed_from = first_signed_revision(pdf)
    except SigningError as error:
        return Text("{reason}", {"reason": str(error)})
    return difference(issued_pdf, signed_from)


def signers(stored: StoredFile) -> list[dict[str, Any]]:
    """Who signed, as who (person or organisation) and when, for the audit entry."""
    return [{"signer": check.signer, "organisation": check.organisation, "role": check.role,
             "signed_at": check.signed_at.isoformat() if check.signed_at else None}
            for check in verdict_of(stored.signatures).signatures]


def attach_signed_version(session: Session, store: FileStore, issued_file_id: int, stored: StoredFile, *,
                          actor: Actor, now: datetime, comment: str | None = None) -> Attachment:
    """Record ``stored`` (already in ``store``) as the signed version of issued file
    ``issued_file_id``; :class:`BadData` on the ``file`` field, saying why, when it is not one."""
    issued = get_attachment(session, issued_file_id, actor)
    if issued.stage != "issued" or issued.content_type != PDF.content_type:
        raise BadData(_("File #{id} is not an issued PDF: only the PDF of an issued document can be signed elsewhere.",
                        id=issued_file_id), field="file_id")
    reason = _refusal(stored, store.read(stored.sha256), store.read(issued.sha256))
    if reason is not None:
        raise BadData(_("{name}: not recorded as the signed version of {issued}: {reason}.", name=stored.original_name,
                        issued=issued.original_name, reason=reason), field="file")
    if issued.inspection_id is not None:
        changing = case_change(session, issued.inspection_id, ACTION, actor, now)
    else:
        changing = campaign_change(session, issued.campaign_id, ACTION, actor, now)
    with changing as change:
        attachment = new_attachment(session, stored, kind=issued.kind, trigger=ACTION, actor=actor, now=now,
                                    inspection=issued.inspection, campaign=issued.campaign, finding=issued.finding,
                                    stage="signed", document=issued.document, parent=issued)
        change.attachments.append(attachment)
        change.comment = comment
        change.data = {"file": stored.recorded(), "issued_file": issued.id, "signers": signers(stored)}
    return attachment
