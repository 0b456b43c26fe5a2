"""The web app's database: Flask-SQLAlchemy-Lite gives each request its session (closed at the
end) and is the form Flask-Admin 2 prefers; the same engine serves the CLI commands."""
from __future__ import annotations

from flask import Flask
from flask_sqlalchemy_lite import SQLAlchemy
from sqlalchemy.orm import Session

from models.db import Database, engine_options

db = SQLAlchemy()


def init_database(app: Flask, url: str) -> Database:
    app.config["SQLALCHEMY_ENGINES"] = {"default": engine_options(url)}
    db.init_app(app)
    with app.app_context():
        database = Database(engine=db.engine)
    app.extensions["database"] = database
    return database


def db_session() -> Session:
    """The session of the current request (or CLI command)."""
    return db.session
