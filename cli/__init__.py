"""Command-line entry points, all under ``flask --app wsgi``. Each is a thin shell over the
service and the queries in ``workflow``."""
from __future__ import annotations

from flask import Flask

from . import alerts, audit, db, documents, inspections, jobs, outbox, plans, scoring, seed, users
from .common import guard


def register(app: Flask) -> None:
    for module in (db, seed, plans, users, inspections, audit, documents, jobs, alerts, outbox, scoring):
        app.cli.add_command(guard(module.group))
