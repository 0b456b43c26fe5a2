from __future__ import annotations

from datetime import datetime, timezone

import click
from flask import current_app

from models.db import Database
from workflow.config import parse_moment
from workflow.errors import WorkflowError
from workflow.i18n import _


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
