"""Signing an issued document in the product, one step at a time (the steps: signing_steps).

Each step checks, before anything is written, that the version is the latest of an issued
document, that the step is the next one (the organisation only after the person: Nghị định
30/2020/NĐ-CP, Art. 32(2d)), that the actor is the one the document names for it, and that the
actor's registered key opens and carries the right certificate (a person's, in the actor's
name, for a person's step; an organisation's for the organisation's). The signed PDF is a new
version made from the one signed, with the verdict of documents.signatures.check_pdf on it, and
the step is audited on the case's (or campaign's) chain.
"""
from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from documents import texts
from documents.minutes import signed_name
from documents.signatures.checking import TrustStore, check_pdf
from documents.signatures.keys import CertificateInfo, KeySpec, SigningError, open_signer
from documents.signatures.placement import Box, person_box, seal_box
from documents.signatures.signing import sign_annex, sign_organisation, sign_person
from models import Attachment, Campaign, Inspection, SigningKey, User
from vocabulary.i18n import N_, Text, _, gettext
from workflow.casefile.issuing import document_change
from workflow.casefile.rendering import annexed_report
from workflow.casefile.signing_steps import (
    ANNEX, CAMPAIGN_SIGNER, CHAIR, CLERK, ORGANISATION, PERSON, SECRETARY, SIGNER_LABELS, SIGNING_STEPS, Step,
)
from workflow.casefile.versions import ISSUED, SIGNED, signed_name as version_name, steps_done
from workflow.errors import GuardRefused, NotPermitted
from workflow.people.permissions import Actor
from workflow.people.signing_keys import opened_certificate
from workflow.records.attachments import get_attachment, new_attachment
from workflow.records.files import PDF, FileStore

SIGN = "sign_document"


@dataclass(frozen=True)
class Signer:
    """Who a step names, as the document prints it: the last line of the signature's title
    ("CHỦ TỊCH", "TRƯỞNG ĐOÀN") and the name under it (None: the văn thư, named by role)."""

    title_line: str | None
    name: str | None


def _same_name(a: str | None, b: str | None) -> bool:
    def normal(text: str | None) -> str:
        return " ".join(unicodedata.normalize("NFC", text or "").split()).casefold()
    return bool(normal(a)) and normal(a) == normal(b)


def named_signer(signer: str, campaign: Campaign, inspection: Inspection | None) -> Signer:
    if signer == CAMPAIGN_SIGNER:
        return Signer(campaign.signer_title.upper().splitlines()[-1].strip(), campaign.signer_name)
    if signer == CHAIR:
        return Signer(texts.MINUTES_HEAD.splitlines()[-1], signed_name(inspection.chair if inspection else None))
    if signer == SECRETARY:
        return Signer(texts.MINUTES_SECRETARY_SIGNER.splitlines()[-1], signed_name(inspection.secretary if inspection else None))
    return Signer(None, None)


@dataclass(frozen=True)
class Progress:
    """Where a version stands: the steps of its document, how many are done, the next one."""

    steps: tuple[Step, ...]
    done: int

    @property
    def next(self) -> Step | None:
        return self.steps[self.done] if self.done < len(self.steps) else None


def progress(attachment: Attachment) -> Progress | None:
    """None for a file that is not an issued or signed version of a document that is signed."""
    steps = SIGNING_STEPS.get(attachment.document or "")
    if not steps or attachment.stage not in (ISSUED, SIGNED):
        return None
    return Progress(steps, steps_done(attachment))


def step_label(step: Step, campaign: Campaign, inspection: Inspection | None) -> str:
    """"the signer of the body (Nguyễn Văn A)", for the page and the refusals."""
    who = named_signer(step.signer, campaign, inspection).name
    label = gettext(SIGNER_LABELS[step.signer])
    return f"{label} ({who})" if who else label


def may_sign_next(session: Session, attachment: Attachment, user: User) -> bool:
    """The case page's question: is ``user`` the one the next step names?"""
    state = progress(attachment)
    if state is None or state.next is None or _has_next_version(session, attachment):
        return False
    return _refusal(state.next, user, attachment) is None


@dataclass(frozen=True)
class StepView:
    label: str
    done: bool


def steps_view(attachment: Attachment) -> list[StepView]:
    """The steps of a version's document, done and to do, for the case page."""
    state = progress(attachment)
    if state is None:
        return []
    return [StepView(step_label(step, attachment.campaign, attachment.inspection), index < state.done)
            for index, step in enumerate(state.steps)]


def _has_next_version(session: Session, attachment: Attachment) -> bool:
    return session.scalar(select(Attachment.id).where(Attachment.parent_id == attachment.id).limit(1)) is not None


def _refusal(step: Step, user: User, attachment: Attachment) -> Text | None:
    """Why ``user`` may not take ``step`` (None: they may)."""
    campaign, inspection = attachment.campaign, attachment.inspection
    if step.signer == CLERK:
        if user.role != "clerk":
            return _("This step is the organisation's signature, applied by the records clerk (văn thư).")
        return None
    named = named_signer(step.signer, campaign, inspection)
    if not _same_name(user.name, named.name) or (step.signer == CAMPAIGN_SIGNER and user.role != "leader"):
        return _("The document names {signer} for this step, not you.", signer=step_label(step, campaign, inspection))
    return None


def _certificate_refusal(step: Step, certificate: CertificateInfo, user: User) -> Text | None:
    if step.kind == PERSON:
        if certificate.is_organisation:
            return _("Your key holds an organisation's certificate ({subject}): a person signs this step with a certificate in their own name.",
                     subject=certificate.common_name)
        if not _same_name(certificate.common_name, user.name):
            return _("Your key's certificate is in the name of {subject}, not {name}.", subject=certificate.common_name, name=user.name or user.email)
        return None
    if not certificate.is_organisation:
        return _("Your key holds a person's certificate ({subject}): the organisation's signature needs the organisation's certificate.",
                 subject=certificate.common_name)
    return None


def _check_order(session: Session, attachment: Attachment, state: Progress | None, user: User) -> Step:
    if attachment.stage == "draft":
        raise GuardRefused(_("File #{id} is a draft: issue it first (\u201c{action}\u201d), then sign the issued PDF.",
                             id=attachment.id, action=gettext(N_("Issue"))))
    if state is None:
        raise GuardRefused(_("File #{id} is not an issued document to sign.", id=attachment.id))
    if state.next is None:
        raise GuardRefused(_("Every signing step of this document is done."))
    if _has_next_version(session, attachment):
        raise GuardRefused(_("File #{id} has a newer version: sign the latest one.", id=attachment.id))
    step = state.next
    if user.role == "clerk" and step.kind == PERSON:
        raise GuardRefused(_("The organisation signs only after the person (Nghị định 30/2020/NĐ-CP, Art. 32(2d)): {signer} has not signed yet.",
                             signer=step_label(step, attachment.campaign, attachment.inspection)))
    if (refusal := _refusal(step, user, attachment)) is not None:
        raise NotPermitted(refusal)
    return step


def _image(session: Session, store: FileStore, user_id: int | None) -> bytes | None:
    sha256 = session.scalar(select(SigningKey.image_sha256).where(SigningKey.user_id == user_id)) if user_id else None
    return store.read(sha256) if sha256 else None


def _person_box(pdf: bytes, signer: str, attachment: Attachment) -> Box:
    named = named_signer(signer, attachment.campaign, attachment.inspection)
    try:
        return person_box(pdf, named.title_line, named.name)
    except SigningError as error:
        raise GuardRefused(_("The signature's place cannot be found on the document: {reason}", reason=str(error))) from None


def _signed_pdf(session: Session, pdf: bytes, step: Step, index: int, attachment: Attachment, *, key: SigningKey,
                seal_or_image: bytes | None, now: datetime, environ: Mapping[str, str]) -> bytes:
    field = f"step{index + 1}_{step.kind}_{step.signer}"
    try:
        with open_signer(KeySpec.from_json(key.spec), environ) as signer:
            if step.kind == PERSON:
                box = _person_box(pdf, step.signer, attachment)
                return sign_person(pdf, signer, box=box, image_png=seal_or_image, field_name=field, when=now)
            if step.kind == ORGANISATION:
                box = seal_box(_person_box(pdf, step.seal_over, attachment))
                return sign_organisation(pdf, signer, box=box, seal_png=seal_or_image, field_name=field, when=now)
            report = annexed_report(session, attachment.campaign)
            number = report.symbol if report else gettext(N_("(no number)"))
            return sign_annex(pdf, signer, number=number, when=now, field_name=field)
    except SigningError as error:
        raise GuardRefused(_("The key cannot sign: {reason}", reason=str(error))) from None


def sign_document(
    session: Session,
    store: FileStore,
    file_id: int,
    *,
    actor: Actor,
    now: datetime,
    trust: TrustStore,
    environ: Mapping[str, str] = os.environ,
) -> Attachment:
    """Take the next signing step on version ``file_id`` as ``actor``; returns the signed
    version. Every refusal leaves the case and its files as they were."""
    attachment = get_attachment(session, file_id, actor)
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None:
        raise NotPermitted(_("Only a user with a registered key signs documents."))
    state = progress(attachment)
    step = _check_order(session, attachment, state, user)
    key = session.scalar(select(SigningKey).where(SigningKey.user_id == user.id))
    if key is None:
        raise GuardRefused(_("No signing key is registered for {email} (command \u201cusers signing-key\u201d).", email=user.email))
    certificate = opened_certificate(KeySpec.from_json(key.spec), environ)
    if (refusal := _certificate_refusal(step, certificate, user)) is not None:
        raise GuardRefused(refusal)
    image = _image(session, store, user.id) if step.kind != ANNEX else None
    signed = _signed_pdf(session, store.read(attachment.sha256), step, state.done, attachment, key=key,
                         seal_or_image=image, now=now, environ=environ)
    verdict = check_pdf(signed, trust)
    total = len(state.steps)
    stored = store.store_generated(signed, version_name(attachment.original_name, state.done + 1, total), PDF)
    with document_change(session, attachment, SIGN, actor, now) as change:
        if _has_next_version(session, attachment):  # signed by someone else meanwhile
            raise GuardRefused(_("File #{id} has a newer version: sign the latest one.", id=attachment.id))
        version = new_attachment(
            session, stored, kind=attachment.kind, trigger=SIGN, actor=actor, now=now, inspection=attachment.inspection,
            campaign=attachment.campaign, generated=True, stage=SIGNED, document=attachment.document, parent=attachment,
            signature_check=verdict.as_json(),
        )
        change.attachments.append(version)
        change.data = {
            "document": attachment.document, "signed": attachment.id, "step": f"{state.done + 1}/{total}", "kind": step.kind,
            "signer": user.name, "certificate": {"subject": certificate.common_name, "organisation": certificate.organisation,
                                                 "serial": certificate.serial, "issuer": certificate.issuer},
            "verdict": verdict.status, "file": stored.recorded(),
        }
    return version
