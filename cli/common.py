from __future__ import annotations

import functools
import getpass
import logging
import os
import re
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Sequence

import click
from flask import current_app

from vocabulary.bounds import EARLIEST_DATE, LATEST_DATE, MAX_ID, date_in_range, has_control_characters, is_digits
from vocabulary.config import SettingsError, parse_moment
from vocabulary.i18n import LOCALES, N_, _, gettext, set_locale
from workflow.errors import WorkflowError
from workflow.people.permissions import Actor
from workflow.records.provisional import provisional_uploads

if TYPE_CHECKING:  # the models and SQLAlchemy are loaded by a command that runs, not by its --help
    from sqlalchemy.orm import Session

    from models.db import Database

# Click's own words on a help page, looked up in our catalog.
CLICK_WORDS = (N_("Usage: "), N_("Options"), N_("Commands"), N_("Arguments"), N_("Show this message and exit."),
               N_("default"), N_("required"))
_EXTRAS = re.compile(r"\b(default|required)\b(?=[^\[]*\]$)")  # inside the note that ends an option's help
# The language of the command line: Vietnamese unless ``CLI_LANGUAGE=en``.
LANGUAGE_SETTING = "CLI_LANGUAGE"


class TranslatedHelpFormatter(click.HelpFormatter):
    """Click's help page with its headings and notes ("[default: …]", "[required]") in the
    current language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, gettext("Usage: ") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(gettext(heading))

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, self._translated(text)) for term, text in rows], col_max, col_spacing)

    @staticmethod
    def _translated(text: str) -> str:
        return _EXTRAS.sub(lambda match: gettext(match.group(1)), gettext(text)) if text else text


class TranslatedContext(click.Context):
    formatter_class = TranslatedHelpFormatter


def use_cli_language() -> None:
    """``CLI_LANGUAGE`` (vi, en) for what the command line prints; unset: Vietnamese."""
    wanted = os.environ.get(LANGUAGE_SETTING, "").strip().lower()
    if wanted in LOCALES:
        set_locale(wanted)


def translate_help(command: click.Command) -> None:
    """The help texts of ``command`` and its subcommands (English message ids, ``N_``) in the
    current language, with Click's own words (:class:`TranslatedHelpFormatter`). The message id
    is kept, so running this again in another language translates again."""
    for item in (command, *command.params):
        msgid = item.__dict__.setdefault("help_msgid", getattr(item, "help", None))
        if msgid:
            item.help = gettext(msgid)
    command.context_class = TranslatedContext
    for sub in getattr(command, "commands", {}).values():
        translate_help(sub)


# Every id argument: what a database column can hold (a larger one names nothing).
class RecordId(click.IntRange):
    """An id: ASCII digits only (``int`` would read ``１２`` as 12), from 1 to what both databases hold."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, str) and not is_digits(value.strip()) and not value.strip().startswith("-"):
            self.fail(str(_("not a whole number written in the digits 0-9: {value}", value=value)), param, ctx)
        return super().convert(value, param, ctx)


RECORD_ID = RecordId(1, MAX_ID)


class IsoDate(click.ParamType):
    """``YYYY-MM-DD`` between 2000 and 2100."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            day = None
        if day is None or not date_in_range(day):
            self.fail(str(_("not a date from {earliest} to {latest} (YYYY-MM-DD): {value}", earliest=EARLIEST_DATE, latest=LATEST_DATE, value=value)), param, ctx)
        return day


ISO_DATE = IsoDate()


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
        raise click.BadParameter(str(_("not an ISO time between 2000 and 2100: {value} (for example 2023-07-20T09:00)", value=value))) from None


def fail(error: WorkflowError, *, one_per_line: bool = False) -> None:
    """Print a refusal's reason on stderr (each problem on its line, if asked) and leave with a
    non-zero exit code."""
    click.echo("\n".join(str(problem.text) for problem in error.problems) if one_per_line else str(error), err=True)
    raise SystemExit(2 if error.http_status in (400, 422) else 1)


def acting_as(session: Session, as_email: str | None) -> Actor:
    """``--as EMAIL``: that active user, with their role; without it the command line, as admin."""
    if not as_email:
        return Actor.command_line(getpass.getuser())
    from sqlalchemy import select

    from models import User

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


UNEXPECTED = N_("Unexpected error ({kind}): the command stopped and what it had not finished was undone. "
                "Try again; if it happens again, tell the administrator.")
CONTROL_CHARACTERS = N_("contains a control character (such as NUL), which no value may hold; remove it.")


def _checked(callback: Callable[..., Any]) -> Callable[..., Any]:
    """A command's body, behind the checks every command shares: no control character in any
    value; a refusal of the service printed as its reason; any other error a Vietnamese line on
    stderr (the traceback goes to the log), never a Python stack on the screen."""

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        for name, value in kwargs.items():
            for text in value if isinstance(value, (tuple, list)) else (value,):
                if isinstance(text, str) and has_control_characters(text):
                    raise click.BadParameter(str(_(CONTROL_CHARACTERS)), param_hint="--" + name.replace("_", "-"))
        try:
            with provisional_uploads(lambda: database().session()):  # a refused change keeps none of its files
                return callback(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except WorkflowError as error:
            fail(error)
        except SettingsError as error:  # the installation's settings, not the command's input
            click.echo(str(error), err=True)
            raise SystemExit(1) from None
        except Exception as error:  # the point: whatever it is, a sentence, not a stack
            logging.getLogger("cchc.cli").debug("unexpected error", exc_info=True)
            click.echo(str(_(UNEXPECTED, kind=type(error).__name__)), err=True)
            raise SystemExit(3) from None

    return run


def guard(command: click.Command) -> click.Command:
    """:func:`_checked` around every command of ``command`` (a group: recursively)."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            guard(sub)
    elif command.callback is not None:
        command.callback = _checked(command.callback)
    return command
