"""Command-line entry points, all under ``flask --app wsgi``. Each is a thin shell over the
service and the queries in ``workflow``."""
from __future__ import annotations

from flask import Flask

from . import alerts, audit, db, documents, inspections, jobs, outbox, seed, users
from .common import translate_help


def register(app: Flask) -> None:
    for module in (db, seed, users, inspections, audit, documents, jobs, alerts, outbox):
        translate_help(module.group)
        app.cli.add_command(module.group)
