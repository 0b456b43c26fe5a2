import json

import click

from jobs.mailer import retry, send_pending
from jobs.outbox import OUTBOX_STATUS_LABELS, list_messages, message_summary
from jobs.settings import JobSettings
from models import OUTBOX_STATUSES, OutboxMessage
from vocabulary.i18n import N_, format_datetime, gettext

from .common import RECORD_ID, database, moment_option, print_table, say


@click.group("outbox", help=N_("E-mail written by the deadline engine: pending, sent, failed."))
def group() -> None:
    pass


@group.command("list", help=N_("Messages, newest first."))
@click.option("--status", type=click.Choice(OUTBOX_STATUSES))
@click.option("--alert", "alert_id", type=RECORD_ID)
@click.option("--limit", type=click.IntRange(1, 100_000), default=200, show_default=True)
@click.option("--json", "as_json", is_flag=True, help=N_("One JSON list of objects, for scripts."))
def list_command(status: str | None, alert_id: int | None, limit: int, as_json: bool) -> None:
    with database().session() as session:
        messages = list_messages(session, status=status, alert_id=alert_id, limit=limit)
        if as_json:
            click.echo(json.dumps([message_summary(m) for m in messages], ensure_ascii=False, indent=2))
            return
        rows = [[str(m.id), gettext(OUTBOX_STATUS_LABELS[m.status]), m.recipient, m.subject, format_datetime(m.sent_at), m.last_error or ""]
                for m in messages]
    print_table((N_("ID"), N_("Status"), N_("Recipient"), N_("Subject"), N_("Sent at"), N_("Last error")), rows)


@group.command("show", help=N_("One message as it is sent."))
@click.argument("message_id", type=RECORD_ID)
def show_command(message_id: int) -> None:
    with database().session() as session:
        message = session.get(OutboxMessage, message_id)
        if message is None:
            raise click.BadParameter(f"no message #{message_id}")
        click.echo(f"To: {message.recipient}\nSubject: {message.subject}\nMessage-ID: {message.message_id}\n\n{message.body}")


@group.command("send", help=N_("Send the pending messages now over SMTP_URL (the scheduler does this on its own)."))
def send_command() -> None:
    settings = JobSettings.from_env()
    if not settings.smtp_url:
        raise click.UsageError("SMTP_URL is not set")
    with database().session() as session:
        report = send_pending(session, moment_option(None), settings)
    say("{sent} sent, {retried} to retry later, {failed} failed.", sent=len(report.sent), retried=len(report.retried), failed=len(report.failed))


@group.command("retry", help=N_("Queue a failed message again."))
@click.argument("message_id", type=RECORD_ID)
def retry_command(message_id: int) -> None:
    with database().session() as session:
        if not retry(session, message_id, moment_option(None)):
            raise click.UsageError(f"message #{message_id} is not a failed message")
    say("Message #{id} queued again.", id=message_id)
