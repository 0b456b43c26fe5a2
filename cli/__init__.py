"""Command-line entry points, all under ``flask --app wsgi``. Each is a thin shell over the
service and the queries in ``workflow``."""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from flask.cli import AppGroup

if TYPE_CHECKING:
    import click
    from flask import Flask

# The command groups, named as on the command line (``flask --app wsgi <name> …``); each is the
# ``group`` of the module of that name. wsgi reads this list before importing any of them.
GROUP_NAMES = ("db", "seed", "plans", "users", "inspections", "audit", "documents", "jobs", "alerts", "outbox", "scoring")


class LazyCommands(AppGroup):
    """The app's commands, with our groups imported when they are looked up: a command loads
    its own module and what that uses, not the other ten groups' (``flask --help``, which lists
    them all, loads them all). Each group's help is shown in the command line's language."""

    def __init__(self, existing: AppGroup):
        super().__init__(existing.name)
        self.commands.update(existing.commands)

    def get_command(self, ctx: "click.Context", cmd_name: str) -> "click.Command | None":
        if cmd_name in GROUP_NAMES and cmd_name not in self.commands:
            from .common import guard, translate_help, use_cli_language

            use_cli_language()
            group = importlib.import_module(f"{__name__}.{cmd_name}").group
            translate_help(group)
            self.add_command(guard(group))
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: "click.Context") -> list[str]:
        return sorted(set(self.commands) | set(GROUP_NAMES))


def register(app: "Flask") -> None:
    app.cli = LazyCommands(app.cli)
