"""``plans import`` and ``plans export``: campaigns as plan files (TOML)."""
from __future__ import annotations

from pathlib import Path

import click

from vocabulary.i18n import N_, _
from workflow.campaigns.plan_file import dump_plan, parse_plan
from workflow.campaigns.plans import ImportReport, export_campaign, import_plan
from workflow.errors import WorkflowError

from .common import acting_as, as_option, at_option, database, fail, moment_option, say


@click.group("plans", help=N_("Plan files: a campaign as TOML."))
def group() -> None:
    pass


def print_report(report: ImportReport) -> None:
    if report.dry_run and report.changed:
        say("Dry run, nothing written. Would create: {what}.", what=report.summary())
    elif report.dry_run:
        say("Dry run: nothing to create.")
    elif report.changed:
        say("Campaign {code}: created {what}.", code=report.code, what=report.summary())
    else:
        say("Nothing to create: campaign {code} already holds this plan.", code=report.code)


@group.command("import", help=N_("Create a campaign from a plan file: units, outlines, schedule, cases. Importing it again changes nothing."))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--code", help=N_("Import under this code instead of the plan's own."))
@click.option("--dry-run", is_flag=True, help=N_("Check the file and say what would be created; write nothing."))
@as_option
@at_option
def import_command(path: Path, code: str | None, dry_run: bool, as_email: str | None, at: str | None) -> None:
    now = moment_option(at)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.BadParameter(str(_("the file is not UTF-8 text")), param_hint="PATH") from None
    with database().session() as session:
        actor = acting_as(session, as_email)
        try:
            report = import_plan(session, parse_plan(text, source=path.name), actor=actor, now=now, code=code, dry_run=dry_run)
        except WorkflowError as error:
            fail(error, one_per_line=True)
    print_report(report)


@group.command("export", help=N_("Write campaign CODE as a plan file (to stdout, or --out PATH)."))
@click.argument("code")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help=N_("Write the file here."))
def export_command(code: str, out: Path | None) -> None:
    with database().session() as session:
        try:
            text = dump_plan(export_campaign(session, code))
        except WorkflowError as error:
            fail(error)
    if out is None:
        click.echo(text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    say("Written: {path}.", path=str(out))
