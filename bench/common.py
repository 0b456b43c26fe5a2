"""What the benchmarks share: a migrated database with the 2023 plan loaded, and DB-API
statements run through SQLAlchemy Core (the floor a service written on SQLAlchemy stands on)."""
from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import TextClause, TextualSelect, column, text

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


class CoreConnection:
    """A DB-API connection's ``cursor().execute / executemany / fetchone / fetchall`` over a
    SQLAlchemy ``Connection``: DB-API statements (``?`` placeholders, each text compiled once) run
    through SQLAlchemy Core — their ``BEGIN`` and ``COMMIT`` as the connection's transaction, so
    SQLite's ``BEGIN IMMEDIATE`` comes from our engine set-up as in the service."""

    def __init__(self, database: Database):
        self.connection = database.engine.connect().execution_options(sqlite_begin="IMMEDIATE")
        self.transaction: Any = None
        self.result: Any = None

    def cursor(self) -> "CoreConnection":
        return self

    def execute(self, sql: str, args: tuple = ()) -> None:
        if sql.startswith("BEGIN"):
            self.transaction = self.connection.begin()
        elif sql == "COMMIT":
            self.transaction.commit()
        else:
            self.result = self.connection.execute(_known[sql] if sql in _known else statement(sql), bind(args))
            if self.result.returns_rows and sql not in _known:
                # Its columns named, so SQLAlchemy keeps the result's make-up with the compiled
                # statement instead of building it from the cursor on every execution.
                _known[sql] = statement(sql).columns(*(column(name) for name in self.result.keys()))

    def executemany(self, sql: str, rows: list[tuple]) -> None:
        self.result = self.connection.execute(statement(sql), [bind(row) for row in rows])

    @property
    def description(self) -> Any:
        """Not None when the last statement returns rows, as a DB-API cursor's."""
        return () if self.result is not None and self.result.returns_rows else None

    def fetchone(self) -> Any:
        return self.result.fetchone()

    def fetchall(self) -> list:
        return self.result.fetchall()

    def close(self) -> None:
        self.connection.close()


_known: dict[str, TextualSelect] = {}  # the statements returning rows, with their columns


@cache
def statement(sql: str) -> TextClause:
    """The SQLAlchemy statement of a DB-API query, built once per text (so the lines that run
    through SQLAlchemy do not pay for building it on every change)."""
    return text(_named(sql))


def _named(sql: str) -> str:
    """DB-API "?" placeholders as SQLAlchemy's ":p0, :p1, …"."""
    parts = sql.split("?")
    return "".join(part + (f":p{i}" if i < len(parts) - 1 else "") for i, part in enumerate(parts))


def bind(params: tuple) -> dict:
    return {f"p{i}": value for i, value in enumerate(params)}
