from __future__ import annotations

from flask import Flask, current_app
from sqlalchemy.orm import Session, scoped_session

from models.db import Database


def init_database(app: Flask, database: Database) -> None:
    """One session per request (thread), shared by our views and Flask-Admin's, closed at the end."""
    app.extensions["database"] = database
    app.extensions["db_session"] = sessions = scoped_session(database.sessions)

    @app.teardown_appcontext
    def close_session(_error: BaseException | None) -> None:
        sessions.remove()


def scoped() -> scoped_session:
    return current_app.extensions["db_session"]


def db_session() -> Session:
    """The session of the current request (or CLI command)."""
    return scoped()()
