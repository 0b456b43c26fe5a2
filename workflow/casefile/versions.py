"""The versions of a document the office draws up: draft, issued, signed (n of m steps). Each
version is its own attachment, made from the one before (``parent``), with its own name and
label, so that two files of one document never look alike."""
from __future__ import annotations

from typing import Any

from models import Attachment
from documents import texts
from vocabulary.i18n import N_, gettext
from workflow.casefile.signing_steps import SIGNING_STEPS

DRAFT, ISSUED, SIGNED = "draft", "issued", "signed"
STAGE_LABELS = {DRAFT: N_("Draft"), ISSUED: N_("Issued"), SIGNED: N_("Signed ({done}/{total})")}
SIGNED_IN_NAME = "(đã ký {done}-{total})"


def steps_done(attachment: Attachment) -> int:
    """How many signing steps the version carries: the signed versions down to the issued one."""
    done = 0
    while attachment is not None and attachment.stage == SIGNED:
        done, attachment = done + 1, attachment.parent
    return done


def stage_label(attachment: Attachment) -> str:
    """"Dự thảo", "Ban hành", "Đã ký (1/2)"; empty for a file that is no document version."""
    if attachment.stage is None:
        return ""
    total = len(SIGNING_STEPS.get(attachment.document or "", ()))
    return gettext(STAGE_LABELS[attachment.stage]).format(done=steps_done(attachment), total=total)


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0]


def draft_name(name: str) -> str:
    """"Biên bản kiểm tra X.docx" → "Biên bản kiểm tra X (dự thảo).docx" (once)."""
    if texts.DRAFT_IN_NAME in name:
        return name
    stem, _dot, extension = name.rpartition(".")
    return f"{stem} {texts.DRAFT_IN_NAME}.{extension}"


def issued_name(name: str, symbol: str | None) -> str:
    """The issued PDF: the draft's name without "(dự thảo)", with the number if it lacks it."""
    stem = _stem(name).replace(texts.DRAFT_IN_NAME, "").strip()
    number = symbol.replace("/", "-") if symbol else ""
    if number and number not in stem:
        stem = f"{stem} {number}"
    return f"{stem}.pdf"


def signed_name(issued: str, done: int, total: int) -> str:
    stem = _stem(issued).split(" (đã ký ")[0]
    return f"{stem} {SIGNED_IN_NAME.format(done=done, total=total)}.pdf"



def file_summary(attachment: Attachment) -> dict[str, Any]:
    """A file as ``documents list --json`` and the API give it."""
    verdict = attachment.signature_check
    return {
        "id": attachment.id, "kind": attachment.kind, "stage": attachment.stage, "label": stage_label(attachment),
        "name": attachment.original_name, "document": attachment.document, "parent": attachment.parent_id,
        "signatures": {"status": verdict.get("status"), "message": verdict.get("message")} if verdict else None,
    }
