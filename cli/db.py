import click

from models import migrate
from vocabulary.i18n import N_

from .common import database, say


@click.group("db", help=N_("Database schema (Alembic migrations)."))
def group() -> None:
    pass


@group.command("upgrade", help=N_("Create or migrate the schema to the latest revision."))
def upgrade() -> None:
    migrate.upgrade(database().url)
    say("The database schema is up to date.")


@group.command("revision", help=N_("(Developers) autogenerate a migration from the models."))
@click.option("-m", "--message", required=True)
def revision(message: str) -> None:
    migrate.revision(database().url, message)


@group.command("count-steps", help=N_("Count the cases stored before the dashboard's day tally into it (once, after upgrading)."))
def count_steps() -> None:
    from workflow.deadlines.uncounted import count_uncounted

    counted = 0
    for counted, total in count_uncounted(database()):
        say("Counted {done} of {total} cases.", done=counted, total=total)
    say("Every case is counted in the dashboard's tally ({counted} just now).", counted=counted)
