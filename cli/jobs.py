import click

from jobs.digest import queue_digest
from jobs.settings import JobSettings
from jobs.sweep import SweepReport, sweep
from jobs.witness import mail_checkpoint
from vocabulary.i18n import N_, format_datetime, gettext
from vocabulary.states import trigger_label
from web.files import checkpoint_store, file_store
from workflow.alerts.actions import RESOLUTION_LABELS
from workflow.alerts.plan import replan_campaign
from workflow.alerts.rules import LEVEL_LABELS, RULES_BY_NAME

from .audit import checkpoint_and_report
from .common import database, moment_option, say


@click.group("jobs", help=N_("The deadline engine: sweeps, digests and the scheduler process."))
def group() -> None:
    pass


def print_report(report: SweepReport) -> None:
    for event in report.raised:
        say("raised   alert #{id}: {level} — {what} — {unit} (case #{case}), due {due}", id=event.alert_id,
            level=gettext(LEVEL_LABELS[event.level]), what=gettext(RULES_BY_NAME[event.rule].label), unit=event.unit,
            case=event.case_id, due=event.due_on)
    for event in report.resolved:
        say("resolved alert #{id}: {level} — {what} — {unit} (case #{case}): {why}", id=event.alert_id,
            level=gettext(LEVEL_LABELS[event.level]), what=gettext(RULES_BY_NAME[event.rule].label), unit=event.unit,
            case=event.case_id, why=gettext(RESOLUTION_LABELS[event.resolution]))
    for fired in report.fired:
        say("fired    {trigger} on case #{case} ({unit}) as the scheduler: re-inspection case #{new}", trigger=trigger_label(fired.trigger),
            case=fired.case_id, unit=fired.unit, new=fired.new_case_id)
    for failed in report.failed:
        say("FAILED   {trigger} on case #{case}: {reason}", err=True, trigger=trigger_label(failed.trigger), case=failed.case_id, reason=failed.reason)


@group.command("sweep", help=N_("One deadline sweep as of --now (ISO time, local time zone; default: now). Prints what it did."))
@click.option("--now", "now_text", help=N_("The moment of the sweep, e.g. 2023-07-14T08:00."))
def sweep_command(now_text: str | None) -> None:
    now = moment_option(now_text)
    settings = JobSettings.from_env()
    with database().session() as session:
        report = sweep(session, now, batch_size=settings.sweep_batch, mail_domain=settings.mail_domain)
        print_report(report)
        say("Sweep as of {now}: {raised} raised, {resolved} resolved, {fired} fired, {mails} e-mails queued.", now=format_datetime(now),
            raised=len(report.raised), resolved=len(report.resolved), fired=len(report.fired), mails=report.mails)
        witnessed = checkpoint_and_report(session, now)
    if report.failed or not witnessed:
        raise SystemExit(1)


@group.command("digest", help=N_("Queue the daily digest for coordinators as of --now (once a day)."))
@click.option("--now", "now_text", help=N_("The moment, ISO time; default: now."))
def digest_command(now_text: str | None) -> None:
    now = moment_option(now_text)
    domain = JobSettings.from_env().mail_domain
    with database().session() as session:
        count = queue_digest(session, now, domain)
        result, mails = mail_checkpoint(session, checkpoint_store(), now, domain)
    say("Daily digest queued for {count} coordinator(s).", count=count)
    if result.checkpoint is None:
        for problem in result.report.problems:
            click.echo(str(problem), err=True)
        raise SystemExit(1)
    say("Checkpoint no. {number} mailed to {count} auditor(s).", number=result.checkpoint.number, count=mails)


@group.command("replan", help=N_("Re-plan the alerts of every open case, after a campaign's timed-rule settings changed."))
@click.option("--campaign", help=N_("Only this campaign (its code, e.g. tuky-2023)."))
@click.option("--now", "now_text", help=N_("The moment, ISO time; default: now."))
def replan_command(campaign: str | None, now_text: str | None) -> None:
    with database().session() as session:
        count = replan_campaign(session, campaign, moment_option(now_text))
    say("Alerts re-planned for {count} open case(s).", count=count)


@group.command("run", help=N_("The scheduler process: sweeps, the daily digest and the outbox. Run exactly one per site; a second one waits as a hot standby."))
def run_command() -> None:
    from jobs.scheduler import run_scheduler  # APScheduler: only for the process that runs it

    run_scheduler(database(), JobSettings.from_env(), file_store(), checkpoint_store())
