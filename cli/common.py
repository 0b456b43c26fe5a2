from __future__ import annotations

import getpass
from datetime import datetime, timezone
from typing import Sequence

import click
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import User
from models.db import Database
from vocabulary.config import parse_moment
from vocabulary.i18n import _, gettext
from workflow.errors import WorkflowError
from workflow.people.permissions import Actor


def say(msgid: str, *, err: bool = False, **params: object) -> None:
    """Print a translated line (Vietnamese unless the locale says otherwise)."""
    click.echo(str(_(msgid, **params)), err=err)


def database() -> Database:
    return current_app.extensions["database"]


def wall_clock() -> datetime:
    return datetime.now(timezone.utc)


def moment_option(value: str | None) -> datetime:
    """``--at`` / ``--now``: an ISO time, local time zone when no offset is given."""
    if not value:
        return wall_clock()
    try:
        return parse_moment(value)
    except ValueError:
        raise click.BadParameter(str(_("not an ISO time: {value} (for example 2023-07-20T09:00)", value=value))) from None


def fail(error: WorkflowError, *, one_per_line: bool = False) -> None:
    """Print a refusal's reason on stderr (each problem on its line, if asked) and leave with a
    non-zero exit code."""
    click.echo("\n".join(str(problem.text) for problem in error.problems) if one_per_line else str(error), err=True)
    raise SystemExit(2 if error.http_status in (400, 422) else 1)


def acting_as(session: Session, as_email: str | None) -> Actor:
    """``--as EMAIL``: that active user, with their role; without it the command line, as admin."""
    if not as_email:
        return Actor.command_line(getpass.getuser())
    user = session.scalar(select(User).where(User.email == as_email.strip().lower(), User.active.is_(True)))
    if user is None:
        raise click.BadParameter(f"no active user {as_email}", param_hint="--as")
    return Actor.for_user(user)


as_option = click.option("--as", "as_email", help="Act as this user (their role applies). Default: the command line, as admin.")
at_option = click.option("--at", "at", help="The moment of the change (ISO time, local time zone). Default: now.")


def print_table(header_ids: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Columns padded to their widest cell; the headers are message ids, shown translated."""
    headers = [gettext(h) for h in header_ids]
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    for line in [headers, *rows]:
        click.echo("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths)).rstrip())
