"""``documents …``: render, list, download and add the files of a case or a campaign, the
register of outgoing documents, and the cleanup of orphan files."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import click
from sqlalchemy import select

from models import Campaign, RegisterEntry
from vocabulary.bounds import EARLIEST_DATE, LATEST_DATE, is_digits
from vocabulary.i18n import N_, _, format_date, format_datetime, format_size, gettext
from vocabulary.roles import actor_label
from web.files import file_store
from workflow.campaigns.current import default_campaign
from workflow.casefile.rendering import DOCUMENT_KINDS, FORMATS, pdf_converter, render_document
from vocabulary.config import Settings
from workflow.casefile.issuing import issue_document
from workflow.casefile.uploads import UPLOAD_KINDS, attach
from workflow.casefile.signed_elsewhere import attach_signed_version
from workflow.casefile.versions import file_summary, stage_label
from workflow.errors import BadData, WorkflowError
from workflow.records.attachments import campaign_attachments, case_attachments, checked_now, get_attachment, kind_label
from workflow.records.register import purpose_label
from workflow.records.files import DEFAULT_GRACE

from .common import ISO_DATE, RECORD_ID, acting_as, as_option, at_option, database, fail, moment_option, say


@click.group("documents", help=N_("The case file: generated documents, uploaded files, the register."))
def group() -> None:
    pass


def _campaign_id(session, code: str | None, actor) -> int:
    """``--campaign CODE``; without it, the user's default campaign (the most recent running one)."""
    if code is None:
        campaign = default_campaign(session, actor)
        if campaign is None:
            raise click.BadParameter("no campaign yet", param_hint="--campaign")
        return campaign.id
    campaign_id = session.scalar(select(Campaign.id).where(Campaign.code == code))
    if campaign_id is None:
        raise click.BadParameter(f"no campaign {code}", param_hint="--campaign")
    return campaign_id


def _save(content: bytes, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)


@group.command("render", help=N_("Produce a document and keep it as a file of the case (unit-schedule-notice, minutes, "
               "conclusion-notice) or of the campaign (schedule-notice, summary-report, summary-xlsx)."))
@click.argument("kind", type=click.Choice([kind.replace("_", "-") for kind in DOCUMENT_KINDS]))
@click.option("--case", "inspection_id", type=RECORD_ID, help=N_("The case (unit-schedule-notice, minutes, conclusion-notice)."))
@click.option("--campaign", "campaign_code", help=N_("The campaign (campaign documents). Default: the most recent running one."))
@click.option("--number", help=N_("The number the văn thư gave (e.g. 57/TB-UBND; without it such a document is a draft with "
              "no number), or for a type this register numbers another than its next one (needs --reason)."))
@click.option("--reason", help=N_("Why another number is used."))
@click.option("--date", "doc_date", type=ISO_DATE, help=N_("Date of the document (default: today)."))
@click.option("--format", "file_format", type=click.Choice(FORMATS), default="docx", show_default=True,
              help=N_("pdf: the DOCX (XLSX) converted by LibreOffice (setting SOFFICE), kept beside it."))
@click.option("--out", type=click.Path(path_type=Path), help=N_("Also write the file here."))
@as_option
@at_option
def render_command(kind: str, inspection_id: int | None, campaign_code: str | None, number: str | None, reason: str | None,
                   doc_date, file_format: str, out: Path | None, as_email: str | None, at: str | None) -> None:
    now = moment_option(at)
    kind = kind.replace("-", "_")
    store = file_store()
    with database().session() as session:
        actor = acting_as(session, as_email)
        campaign_id = _campaign_id(session, campaign_code, actor) if DOCUMENT_KINDS[kind].scope == "campaign" else None
        try:
            attachment = render_document(
                session, store, kind, actor=actor, now=now, inspection_id=inspection_id, campaign_id=campaign_id,
                number=number, doc_date=doc_date, number_reason=reason,
                format=file_format, pdf=pdf_converter(Settings.from_env().soffice) if file_format == "pdf" else None,
            )
        except WorkflowError as error:
            fail(error)
        say("File #{id}: {name} ({size} bytes).", id=attachment.id, name=attachment.original_name, size=attachment.size)
        if out:
            _save(store.read(attachment.sha256), out)


@group.command("list", help=N_("The files of a case (--case) or of a campaign."))
@click.option("--case", "inspection_id", type=RECORD_ID)
@click.option("--campaign", "campaign_code", help=N_("The campaign's code. Default: the most recent running one."))
@click.option("--json", "as_json", is_flag=True, help=N_("One JSON list: each file's id, kind, stage and label (draft, issued, "
              "signed), name, document, the version it was made from and the verdict on its signatures."))
@as_option
def list_command(inspection_id: int | None, campaign_code: str | None, as_json: bool, as_email: str | None) -> None:
    with database().session() as session:
        actor = acting_as(session, as_email)
        try:
            files = (case_attachments(session, inspection_id, actor) if inspection_id
                     else campaign_attachments(session, _campaign_id(session, campaign_code, actor), actor))
        except WorkflowError as error:
            fail(error)
        if as_json:
            click.echo(json.dumps([file_summary(item) for item in files], ensure_ascii=False, indent=2))
            return
        for item in files:
            label = f"  [{stage_label(item)}]" if item.stage else ""
            click.echo(f"#{item.id}  {kind_label(item.kind)}{label}  {item.original_name}  {format_size(item.size)}  "
                       f"{format_datetime(item.uploaded_at)}  {actor_label(item.uploaded_by)}")


@group.command("issue", help=N_("Issue draft FILE_ID: its number and date from the register, drawn up again and kept as PDF "
               "(the version that is signed). Prints the new file's id on its last line."))
@click.argument("file_id", type=RECORD_ID)
@click.option("--number", help=N_("The number the văn thư gave (types it numbers), or another than the register's next (needs --reason)."))
@click.option("--reason", help=N_("Why another number is used."))
@click.option("--date", "doc_date", type=ISO_DATE, help=N_("Date of the document (default: today)."))
@as_option
@at_option
def issue_command(file_id: int, number: str | None, reason: str | None, doc_date, as_email: str | None, at: str | None) -> None:
    now = moment_option(at)
    with database().session() as session:
        actor = acting_as(session, as_email)
        try:
            issued = issue_document(session, file_store(), file_id, actor=actor, now=now, pdf=pdf_converter(Settings.from_env().soffice),
                                    number=number, doc_date=doc_date, number_reason=reason)
        except WorkflowError as error:
            fail(error)
        say("File #{id}: {name} ({size} bytes).", id=issued.id, name=issued.original_name, size=issued.size)
        click.echo(issued.id)


@group.command("sign", help=N_("Take the next signing step on issued (or partly signed) PDF FILE_ID with the key registered "
               "for --as (command users signing-key). Prints the new file's id on its last line; refuses out of order."))
@click.argument("file_id", type=RECORD_ID)
@as_option
@at_option
def sign_command(file_id: int, as_email: str | None, at: str | None) -> None:
    from documents.signatures.checking import TrustStore  # pyHanko: loaded by this command only
    from workflow.casefile.signing import sign_document

    now = moment_option(at)
    with database().session() as session:
        actor = acting_as(session, as_email)
        try:
            signed = sign_document(session, file_store(), file_id, actor=actor, now=now,
                                   trust=TrustStore.from_folder(Settings.from_env().trust_roots))
        except WorkflowError as error:
            fail(error)
        say("File #{id}: {name} ({size} bytes).", id=signed.id, name=signed.original_name, size=signed.size)
        if signed.signature_check:
            click.echo(signed.signature_check["message"])
        click.echo(signed.id)


@group.command("get", help=N_("Download file ATTACHMENT_ID to --out (only for users who may see it)."))
@click.argument("attachment_id", type=RECORD_ID)
@click.option("--out", type=click.Path(path_type=Path), required=True)
@as_option
def get_command(attachment_id: int, out: Path, as_email: str | None) -> None:
    with database().session() as session:
        actor = acting_as(session, as_email)
        try:
            attachment = get_attachment(session, attachment_id, actor)
        except WorkflowError as error:
            fail(error)
        _save(file_store().read(attachment.sha256), out)
        say("Saved {name} to {path}.", name=attachment.original_name, path=str(out))


@group.command("attach", help=N_("Add a file (PDF, DOCX, XLSX, JPEG, PNG) to case ID outside a transition."))
@click.argument("inspection_id", type=RECORD_ID)
@click.argument("kind", type=click.Choice(UPLOAD_KINDS))
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--finding", "finding_number", type=RECORD_ID, help=N_("The finding this evidence belongs to."))
@click.option("--comment")
@as_option
@at_option
def attach_command(inspection_id: int, kind: str, path: Path, finding_number: int | None, comment: str | None,
                   as_email: str | None, at: str | None) -> None:
    now = moment_option(at)
    with database().session() as session:
        actor = acting_as(session, as_email)
        try:
            stored = file_store().store_path(path)
            attachment = attach(session, inspection_id, stored, kind=kind, actor=actor, now=now,
                                finding_number=finding_number, comment=comment)
        except WorkflowError as error:
            fail(error)
        say("File #{id}: {name} ({size} bytes).", id=attachment.id, name=attachment.original_name, size=attachment.size)
        if attachment.signature_check is not None:
            click.echo(attachment.signature_check["message"])


YES_NO = {True: N_("yes"), False: N_("no")}
ROLES = {"person": N_("person"), "organisation": N_("organisation")}


def _signature_line(check: dict) -> str:
    signed_at = datetime.fromisoformat(check["signed_at"]) if check.get("signed_at") else None
    return str(_("{signer}, signed {time}: intact {intact}, trusted {trusted}, covers the whole file {covers}, {role}",
                 signer=check["signer"], time=format_datetime(signed_at) or "?", intact=gettext(YES_NO[check["intact"]]),
                 trusted=gettext(YES_NO[check["trusted"]]), covers=gettext(YES_NO[check["covers_whole_file"]]),
                 role=gettext(ROLES.get(check["role"], check["role"]))))


@group.command("verify", help=N_("Check the digital signatures of a PDF, given by its path or as the id of a stored file: one line "
               "per signature, then the verdict. Exit code 0 when it carries at least one signature and every one is valid and "
               "trusted, 1 otherwise (an unsigned file too)."))
@click.argument("target", metavar="PATH_OR_FILE_ID")
@as_option
def verify_command(target: str, as_email: str | None) -> None:
    store = file_store()
    if is_digits(target) and not Path(target).exists():
        with database().session() as session:
            try:
                verdict = checked_now(session, store, int(target), acting_as(session, as_email))
            except WorkflowError as error:
                fail(error)
    else:
        try:
            verdict = store.signatures(Path(target).read_bytes())
        except OSError as error:
            fail(BadData(_("{name}: the file cannot be read ({reason}).", name=target, reason=error.strerror or str(error))))
    for check in verdict["signatures"]:
        click.echo(_signature_line(check))
    click.echo(verdict["message"])
    raise SystemExit(0 if verdict["status"] == "valid" else 1)


@group.command("attach-signed", help=N_("Record PATH, a PDF signed outside this system (e-office, vSignPDF), as the signed version "
               "of the issued PDF FILE_ID: every signature must be valid and cover the whole file, and what was signed must be "
               "that issued PDF byte for byte."))
@click.argument("file_id", type=RECORD_ID)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--comment")
@as_option
@at_option
def attach_signed_command(file_id: int, path: Path, comment: str | None, as_email: str | None, at: str | None) -> None:
    now = moment_option(at)
    store = file_store()
    with database().session() as session:
        actor = acting_as(session, as_email)
        try:
            attachment = attach_signed_version(session, store, file_id, store.store_path(path), actor=actor, now=now, comment=comment)
        except WorkflowError as error:
            fail(error)
        click.echo(attachment.signature_check["message"])
        say("File #{id}: {name} ({size} bytes).", id=attachment.id, name=attachment.original_name, size=attachment.size)


@group.command("register", help=N_("The register of outgoing documents of a year."))
@click.option("--year", type=click.IntRange(EARLIEST_DATE.year, LATEST_DATE.year), default=lambda: date.today().year)
def register_command(year: int) -> None:
    with database().session() as session:
        entries = session.scalars(select(RegisterEntry).where(RegisterEntry.year == year)
                                  .order_by(RegisterEntry.doc_type, RegisterEntry.number))
        for entry in entries:
            case = f"#{entry.inspection_id}" if entry.inspection_id else ""
            reason = f"  ({entry.override_reason})" if entry.override_reason else ""
            click.echo(f"{entry.symbol}  {format_date(entry.doc_date)}  {purpose_label(entry.purpose)}  {case}  "
                       f"{actor_label(entry.issued_by)}{reason}")


@group.command("cleanup", help=N_("Delete stored files no record refers to, older than the grace period."))
@click.option("--grace-hours", type=float, default=DEFAULT_GRACE.total_seconds() / 3600, show_default=True)
@at_option
def cleanup_command(grace_hours: float, at: str | None) -> None:
    now = moment_option(at)
    with database().session() as session:
        removed = file_store().cleanup_orphans(session, now, timedelta(hours=grace_hours))
    say("Removed {count} orphan file(s).", count=len(removed))
