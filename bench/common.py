"""What every benchmark starts from: a migrated database with the 2023 plan loaded."""
from __future__ import annotations

from datetime import datetime

from models.db import Database
from models.migrate import upgrade
from plans import tuky_2023


def plan_database(url: str, now: datetime) -> Database:
    """The database at ``url`` migrated to the newest revision, with the 2023 plan loaded at ``now``."""
    upgrade(url)
    database = Database(url)
    with database.session() as session:
        tuky_2023.load(session, now)
    return database
