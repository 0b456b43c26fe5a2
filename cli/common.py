from __future__ import annotations

import getpass
import re
from datetime import datetime, timezone
from typing import Sequence

import click
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import User
from models.db import Database
from vocabulary.config import parse_moment
from vocabulary.i18n import N_, _, gettext
from workflow.errors import WorkflowError
from workflow.people.permissions import Actor


# Click's own words in the help pages, looked up in our catalog.
CLICK_WORDS = (N_("Usage: "), N_("Options"), N_("Commands"), N_("Arguments"), N_("Show this message and exit."),
               N_("default"), N_("required"))
_EXTRAS = re.compile(r"\b(default|required)\b(?=[^\[]*\]$)")  # inside the note that ends an option's help


class TranslatedHelpFormatter(click.HelpFormatter):
    """Click's help page with its headings and notes ("[default: …]") in the current language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, gettext("Usage: ") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(gettext(heading))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, self._translated(text)) for term, text in rows], col_max, col_spacing)

    @staticmethod
    def _translated(text: str) -> str:
        return _EXTRAS.sub(lambda match: gettext(match.group(1)), gettext(text)) if text else text


class TranslatedContext(click.Context):
    formatter_class = TranslatedHelpFormatter


def translate_help(command: click.Command) -> None:
    """Show the help texts of ``command`` and its subcommands (English message ids, ``N_``) in
    the current language. The message id is kept, so running this again re-translates."""
    for item in (command, *command.params):
        msgid = item.__dict__.setdefault("help_msgid", getattr(item, "help", None))
        if msgid:
            item.help = gettext(msgid)
    command.context_class = TranslatedContext
    for sub in getattr(command, "commands", {}).values():
        translate_help(sub)


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


def fail(error: WorkflowError) -> None:
    """Print a refusal's reason on stderr and leave with a non-zero exit code."""
    click.echo(str(error), err=True)
    raise SystemExit(2 if error.http_status in (400, 422) else 1)


def acting_as(session: Session, as_email: str | None) -> Actor:
    """``--as EMAIL``: that active user, with their role; without it the command line, as admin."""
    if not as_email:
        return Actor.command_line(getpass.getuser())
    user = session.scalar(select(User).where(User.email == as_email.strip().lower(), User.active.is_(True)))
    if user is None:
        raise click.BadParameter(f"no active user {as_email}", param_hint="--as")
    return Actor.for_user(user)


as_option = click.option("--as", "as_email", help=N_("Act as this user (their role applies). Default: the command line, as admin."))
at_option = click.option("--at", "at", help=N_("The moment of the change (ISO time, local time zone). Default: now."))


def print_table(header_ids: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Columns padded to their widest cell; the headers are message ids, shown translated."""
    headers = [gettext(h) for h in header_ids]
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    for line in [headers, *rows]:
        click.echo("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths)).rstrip())
