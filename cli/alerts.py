import json
from datetime import date

import click

from models import ALERT_STATUSES
from vocabulary.i18n import N_, format_date
from workflow.alerts.actions import acknowledge, alert_summary, list_alerts
from workflow.alerts.rules import RULES_BY_NAME
from workflow.errors import WorkflowError

from .common import RECORD_ID, acting_as, database, fail, moment_option, print_table, say


@click.group("alerts", help=N_("Deadline alerts: list and acknowledge."))
def group() -> None:
    pass


@group.command("list", help=N_("Raised alerts, newest first (planned ones with --status planned)."))
@click.option("--status", type=click.Choice(ALERT_STATUSES))
@click.option("--level", type=click.IntRange(0, 2))
@click.option("--rule", type=click.Choice(sorted(RULES_BY_NAME)))
@click.option("--case", "case_id", type=RECORD_ID)
@click.option("--json", "as_json", is_flag=True, help=N_("One JSON list of objects, for scripts."))
def list_command(status: str | None, level: int | None, rule: str | None, case_id: int | None, as_json: bool) -> None:
    with database().session() as session:
        alerts = [alert_summary(a) for a in list_alerts(session, status=status, level=level, rule=rule, inspection_id=case_id)]
    if as_json:
        click.echo(json.dumps(alerts, ensure_ascii=False, indent=2))
        return
    rows = [[str(a["id"]), str(a["inspection_id"]), a["unit"], a["what"], a["level_label"],
             format_date(date.fromisoformat(a["due_on"])), a["status_label"]] for a in alerts]
    print_table((N_("ID"), N_("Case"), N_("Unit"), N_("What"), N_("Level"), N_("Due date"), N_("Status")), rows)


@group.command("ack", help=N_("Acknowledge an open alert (coordinators)."))
@click.argument("alert_id", type=RECORD_ID)
@click.option("--as", "as_email", help=N_("The coordinator acknowledging it. Default: the command line, as admin."))
@click.option("--at", "at", help=N_("The moment (ISO time); default: now."))
@click.option("--comment")
def ack_command(alert_id: int, as_email: str | None, at: str | None, comment: str | None) -> None:
    with database().session() as session:
        actor = acting_as(session, as_email)
        try:
            alert = acknowledge(session, alert_id, actor, moment_option(at), comment)
        except WorkflowError as error:
            fail(error)
        say("Alert #{id} acknowledged by {who}.", id=alert.id, who=actor.name)
