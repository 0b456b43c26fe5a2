from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from models.db import Database


def init_database(app: Flask, database: Database) -> None:
    app.extensions["database"] = database

    @app.teardown_appcontext
    def close_session(_error: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def db_session() -> Session:
    """The session of the current request (or CLI command), closed when it ends."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["database"].sessions()
    return g.db_session
