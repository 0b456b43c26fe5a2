import click

from plans import load, shipped_codes
from plans.demo import DEMO_SOURCE, seed_demo
from vocabulary.i18n import N_
from web.files import file_store
from workflow.errors import WorkflowError

from .common import database, fail, say, wall_clock


@click.group("seed", help=N_("Load an inspection plan shipped with the project (plans/*.toml)."))
def group() -> None:
    pass


def _seed(code: str) -> None:
    with database().session() as session:
        try:
            report = load(session, wall_clock(), code)
        except WorkflowError as error:
            fail(error, one_per_line=True)
    if report.changed:
        say("Loaded: {what}.", what=report.summary())
    else:
        say("Nothing to load: the plan is already in the database.")


@group.command("tuky-2023", help=N_("The 2023 CCHC inspection plan of UBND huyện Tứ Kỳ (plans/tuky-2023.toml). Safe to run again."))
def tuky() -> None:
    _seed("tuky-2023")


@group.command("plan", help=N_("A plan shipped in plans/ by its code (e.g. sample-xa-2026). Safe to run again."))
@click.argument("code", type=click.Choice(shipped_codes()))
def shipped_plan(code: str) -> None:
    _seed(code)


@group.command("demo", help=N_("A living campaign for the demo: the 2023 plan of Tứ Kỳ copied to this year with dates around today, started. Safe to run again."))
def demo() -> None:
    now = wall_clock()
    _seed(DEMO_SOURCE)
    with database().session() as session:
        try:
            campaign, created = seed_demo(session, now, file_store())
        except WorkflowError as error:
            fail(error, one_per_line=True)
        if created:
            say("Demo campaign {code}: {count} cases around today.", code=campaign.code, count=len(campaign.inspections))
        else:
            say("Nothing to load: the demo campaign {code} exists.", code=campaign.code)
