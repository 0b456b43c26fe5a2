"""Engines, sessions and the one kind of write transaction the service uses.

SQLite runs in WAL mode with ``synchronous=FULL`` (the audit log must survive a power cut) and
with pysqlite's own transaction handling turned off, so that we emit ``BEGIN`` ourselves: a write
transaction starts with ``BEGIN IMMEDIATE`` and so takes the write lock before it reads the case
(SQLite ignores ``SELECT … FOR UPDATE``). On PostgreSQL the service locks the row with
``FOR UPDATE`` instead.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from vocabulary.config import SettingsError
from vocabulary.i18n import N_, _

SQLITE_BUSY_TIMEOUT_MS = 30_000
UNUSABLE_URL = N_("DATABASE_URL: \u201c{scheme}\u201d is not a database this system can use; give "
                  "sqlite:///path/to/file.db or postgresql://user:password@host/name.")
_BEGIN_OPTION = "sqlite_begin"
_SYNCHRONOUS_OPTION = "sqlite_synchronous"


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (the driver we install)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        # Per transaction (outside one, where SQLite allows it): FULL unless the writer asked.
        connection.exec_driver_sql(f"PRAGMA synchronous = {options.get(_SYNCHRONOUS_OPTION, 'FULL')}")
        connection.exec_driver_sql(f"BEGIN {options.get(_BEGIN_OPTION, '')}".strip())


def engine_options(url: str) -> dict[str, Any]:
    """The ``create_engine`` arguments for ``url`` (also handed to Flask-SQLAlchemy-Lite)."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
        parsed.get_dialect()
    except (ArgumentError, NoSuchModuleError):  # only the scheme is shown: the rest may hold a password
        raise SettingsError(str(_(UNUSABLE_URL, scheme=url.partition(":")[0]))) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return {"url": url, "connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
    return {"url": url, "pool_pre_ping": True}


def configure_engine(engine: Engine) -> Engine:
    """Our connection set-up, before the engine's first connection (SQLite only)."""
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def make_engine(url: str, **kwargs: Any) -> Engine:
    options = engine_options(url)
    return configure_engine(create_engine(options.pop("url"), **options, **kwargs))


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine)


@contextmanager
def write_transaction(session: Session, *, flush_to_disk: bool = True) -> Iterator[Session]:
    """Run the block in a fresh transaction that holds the write lock (SQLite) and commit it.

    The session must have no unflushed changes: a read transaction it had open is ended first,
    since a deferred SQLite transaction cannot safely be upgraded to a writer.

    ``flush_to_disk=False``: the commit does not wait for the disk (SQLite ``synchronous=NORMAL``
    in WAL mode, PostgreSQL ``synchronous_commit=off``). It survives the process being killed,
    not the machine losing power — for a record whose loss in a power cut costs less than
    waiting for a flush at that moment (jobs.mailer's record of a message as sent).
    """
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("write_transaction() needs a session without pending changes")
    if session.in_transaction():
        session.rollback()
    session.connection(execution_options={_BEGIN_OPTION: "IMMEDIATE", _SYNCHRONOUS_OPTION: "FULL" if flush_to_disk else "NORMAL"})
    if not flush_to_disk and session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
        session.execute(text("SET LOCAL synchronous_commit = off"))
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def is_conflict(error: BaseException) -> bool:
    """Whether a database error means "someone else wrote first" rather than a bug."""
    if isinstance(error, StaleDataError):
        return True
    if isinstance(error, IntegrityError):  # a unique key taken by a concurrent writer
        sqlstate = getattr(error.orig, "sqlstate", None)
        return sqlstate == "23505" or "unique constraint failed" in str(error.orig).lower()
    if isinstance(error, DBAPIError):
        text = str(error.orig).lower()
        sqlstate = getattr(error.orig, "sqlstate", None)
        return "database is locked" in text or sqlstate in {"40001", "40P01", "55P03"}
    return False


class Database:
    """One database: its engine and its session factory, shared by every entry point."""

    def __init__(self, url: str | None = None, *, engine: Engine | None = None, **engine_options: Any):
        """From a URL, or from an engine made elsewhere (the web app's) and configured here."""
        self.engine = configure_engine(engine) if engine is not None else make_engine(url or "", **engine_options)
        self.url = self.engine.url.render_as_string(hide_password=False)
        self.sessions = make_session_factory(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
