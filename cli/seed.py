import click

from vocabulary.i18n import N_
from plans import tuky_2023
from workflow.errors import WorkflowError

from .common import database, fail, say, wall_clock


@click.group("seed", help=N_("Load an inspection plan."))
def group() -> None:
    pass


@group.command("tuky-2023", help=N_("The 2023 CCHC inspection plan of UBND huyện Tứ Kỳ. Safe to run again."))
def tuky() -> None:
    with database().session() as session:
        try:
            report = tuky_2023.load(session, wall_clock())
        except WorkflowError as error:
            fail(error)
    if report.changed:
        say("Loaded: {what}.", what=", ".join(f"{count} {what}" for what, count in report.created.items()))
    else:
        say("Nothing to load: the plan is already in the database.")
