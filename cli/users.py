import getpass

import click

from vocabulary.i18n import N_
from workflow.errors import WorkflowError
from workflow.people.accounts import save_user
from workflow.people.permissions import ROLES, Actor, role_label

from .common import database, fail, say, wall_clock


@click.group("users", help=N_("User accounts."))
def group() -> None:
    pass


@group.command("create", help=N_("Create a login. Without --password a random one is generated and printed once."))
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--unit", "unit_name", help=N_("The unit's name, for role 'unit'."))
@click.option("--password", help=N_("At least 10 characters, neither a common password nor a run like 1234567890, nor containing the e-mail; random when left out."))
@click.option("--reset", is_flag=True, help=N_("If the user exists, set role, unit and a new password."))
def create(email: str, role: str, unit_name: str | None, password: str | None, reset: bool) -> None:
    with database().session() as session:
        try:
            user, password_set, created = save_user(
                session, email=email, role=role, unit_name=unit_name, password=password,
                reset_existing=reset, actor=Actor.command_line(getpass.getuser()), now=wall_clock(),
            )
        except WorkflowError as error:
            fail(error)
        if created:
            say("Created {email} ({role}).", email=user.email, role=role_label(role))
        else:
            say("Updated {email} ({role}).", email=user.email, role=role_label(role))
        if not password:
            say("Password: {password}", password=password_set)
