"""The receipt a unit gets the day its files arrive (NĐ 30/2020/NĐ-CP Art. 21(2)): the date
received, each file and the verdict on its digital signatures, mailed to the unit's contacts.

The mail is written to the outbox in the transaction of the change that took the files, so it
exists exactly when the files do; the scheduler sends it within minutes.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

from sqlalchemy.orm import Session

from models import Attachment, Inspection, OutboxMessage
from vocabulary.config import mail_domain, new_message_id
from vocabulary.i18n import DEFAULT_LOCALE, _, format_datetime, use_locale
from workflow.people.contacts import unit_contacts
from workflow.records.arrival import CHECKED_KINDS, verdict_of
from workflow.records.attachments import kind_label


def verdict_text(attachment: Attachment) -> str:
    """The verdict on a file's signatures in one line (or why there is none)."""
    if attachment.signature_check is None:
        return str(_("not a PDF file: no digital signature to check"))
    return verdict_of(attachment.signature_check).message


def receipt_body(inspection: Inspection, files: list[Attachment], now: datetime) -> tuple[str, str]:
    """The subject and the text of the receipt."""
    subject = str(_("[CCHC] Receipt of {unit}'s files, {when}", unit=inspection.unit_name, when=format_datetime(now)))
    lines = [
        str(_("{office} received on {when} the following files of {unit} (case #{id}):", office=inspection.campaign.office,
              when=format_datetime(now), unit=inspection.unit_name, id=inspection.id)),
        "",
        *(str(_("- {name} ({kind}): {verdict}", name=file.original_name, kind=kind_label(file.kind), verdict=verdict_text(file)))
          for file in files),
        "",
        str(_("This message was sent automatically by the CCHC inspection system of {office}. Please do not reply to it.",
              office=inspection.campaign.office)),
    ]
    return subject, "\n".join(lines)


def queue_receipt(session: Session, inspection: Inspection, attachments: Iterable[Attachment], now: datetime) -> int:
    """Write the receipt of the unit's files among ``attachments`` to the outbox, one message per
    contact of the unit; returns how many."""
    files = [attachment for attachment in attachments if attachment.kind in CHECKED_KINDS]
    recipients = unit_contacts(session, [inspection.unit_id]).get(inspection.unit_id, []) if files else []
    if not recipients:
        return 0
    with use_locale(DEFAULT_LOCALE):  # the units read Vietnamese, whatever the uploader's page shows
        subject, body = receipt_body(inspection, files, now)
    domain = mail_domain()
    for recipient in recipients:
        session.add(OutboxMessage(recipient=recipient, subject=subject[:500], body=body, message_id=new_message_id(domain),
                                  status="pending", attempts=0, next_attempt_at=now, created_at=now))
    return len(recipients)
