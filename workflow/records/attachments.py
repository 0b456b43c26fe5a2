"""Attachments: files of a case (or of a campaign) recorded in the database, and who may see them.

The bytes are already in the store (``workflow.records.files``) when a row is added here; the row is
added in the transaction of the change that took the file, and linked to its audit entry.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Attachment, Campaign, Finding, Inspection
from vocabulary.i18n import N_, _, gettext
from workflow.errors import BadData, NotFound
from workflow.people.permissions import Actor
from workflow.records.arrival import admit
from workflow.records.files import PDF, FileStore, StoredFile

# Campaign documents every role may read; the others are the office's own (not the units').
PUBLIC_CAMPAIGN_KINDS = frozenset({"schedule_notice"})


def new_attachment(
    session: Session,
    stored: StoredFile,
    *,
    kind: str,
    trigger: str,
    actor: Actor,
    now: datetime,
    inspection: Inspection | None = None,
    campaign: Campaign | None = None,
    finding: Finding | None = None,
    generated: bool = False,
    field: str = "file",
    stage: str | None = None,
    document: str | None = None,
    parent: Attachment | None = None,
    signature_check: dict | None = None,
) -> Attachment:
    """The row of a file a change took. A unit's file is checked on arrival first
    (:func:`workflow.records.arrival.admit`: refused, naming ``field``, when it may not come in)."""
    if campaign is not None:
        admit(stored, kind=kind, campaign=campaign, field=field)
    attachment = Attachment(
        inspection=inspection,
        campaign=campaign,
        finding=finding,
        kind=kind,
        trigger=trigger,
        sha256=stored.sha256,
        size=stored.size,
        content_type=stored.content_type,
        original_name=stored.original_name,
        generated=generated,
        uploaded_by=actor.name,
        uploaded_at=now,
        stage=stage,
        document=document,
        parent=parent,
        signature_check=signature_check if signature_check is not None else stored.signatures,
    )
    session.add(attachment)
    return attachment


def can_download(actor: Actor, attachment: Attachment) -> bool:
    """Whoever may see the case may download its files; a unit sees only its own cases and, of
    the campaign's documents, the schedule notice sent to every unit."""
    if attachment.inspection_id is not None:
        return actor.sees_unit(attachment.inspection.unit_id)
    return actor.role != "unit" or attachment.kind in PUBLIC_CAMPAIGN_KINDS


def get_attachment(session: Session, attachment_id: int, actor: Actor) -> Attachment:
    """The attachment, or :class:`NotFound` when it does not exist or the actor may not see it
    (the same answer, so that a unit cannot probe other units' files)."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or not can_download(actor, attachment):
        raise NotFound(_("File #{id} does not exist.", id=attachment_id))
    return attachment


def checked_now(session: Session, store: FileStore, attachment_id: int, actor: Actor) -> dict:
    """The verdict on a stored PDF's signatures, checked again now against the trust roots (a
    CRL added since the file arrived counts); :class:`NotFound` as :func:`get_attachment`."""
    attachment = get_attachment(session, attachment_id, actor)
    if attachment.content_type != PDF.content_type:
        raise BadData(_("File #{id} is not a PDF: it carries no digital signature.", id=attachment_id), field="file_id")
    return store.signatures(store.read(attachment.sha256))


def case_attachments(session: Session, inspection_id: int, actor: Actor) -> list[Attachment]:
    inspection = session.get(Inspection, inspection_id)
    if inspection is None or not actor.sees_unit(inspection.unit_id):
        raise NotFound(_("Case #{id} does not exist.", id=inspection_id))
    return list(session.scalars(select(Attachment).where(Attachment.inspection_id == inspection_id).order_by(Attachment.id)))


def entry_attachments(session: Session, audit_entry_id: int) -> list[Attachment]:
    """The files one change took (its audit entry), e.g. to show their verdicts after it."""
    return list(session.scalars(select(Attachment).where(Attachment.audit_entry_id == audit_entry_id).order_by(Attachment.id)))


def campaign_attachments(session: Session, campaign_id: int, actor: Actor) -> list[Attachment]:
    query = select(Attachment).where(Attachment.campaign_id == campaign_id, Attachment.inspection_id.is_(None)).order_by(Attachment.id)
    return [attachment for attachment in session.scalars(query) if can_download(actor, attachment)]


KIND_LABELS = {
    "report": N_("Unit's report"),
    "appendix": N_("Appendix"),
    "minutes": N_("Signed minutes"),
    "conclusion": N_("Signed conclusion notice"),
    "remediation_report": N_("Remediation report"),
    "evidence": N_("Evidence of remediation"),
    "schedule_notice": N_("Schedule notice"),
    "minutes_draft": N_("Inspection minutes (generated)"),
    "conclusion_notice": N_("Conclusion notice (generated)"),
    "summary_report": N_("Summary report to the Chairman"),
    "summary_xlsx": N_("Campaign summary (spreadsheet)"),
    "other": N_("Other"),
}


def kind_label(kind: str) -> str:
    return gettext(KIND_LABELS.get(kind, kind))


def signed_in_product(session: Session, inspection_id: int, document: str) -> StoredFile | None:
    """The case's ``document`` as signed in the product to its last step — the newest signed
    version carrying a valid organisation's signature (the văn thư signs last) — for a step that
    records the signed paper and was given no scan of it."""
    versions = session.scalars(select(Attachment).where(Attachment.inspection_id == inspection_id, Attachment.document == document,
                                                        Attachment.stage == "signed").order_by(Attachment.id.desc()))
    for version in versions:
        verdict = version.signature_check or {}
        if verdict.get("status") == "valid" and verdict.get("has_organisation"):
            return StoredFile(version.sha256, version.size, version.content_type, version.original_name, verdict)
    return None
