import click

from vocabulary.i18n import N_
from workflow.audit import verify

from .common import database, say


@click.group("audit", help=N_("The audit log."))
def group() -> None:
    pass


@group.command("verify", help=N_("Check every hash chain of the log; exit code 1 if anything was altered."))
def verify_command() -> None:
    with database().session() as session:
        report = verify(session)
    for problem in report.problems:
        click.echo(str(problem), err=True)
    if report.ok:
        say("Audit log intact: {entries} entries in {chains} chains checked.", entries=report.entries, chains=report.chains)
    else:
        say("Audit log ALTERED: {count} problem(s) in {entries} entries, {chains} chains.", count=len(report.problems), entries=report.entries, chains=report.chains)
    if not report.ok:
        raise SystemExit(1)
