from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from .database import db_session

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    """No login: the database's state (reachable, schema revision)."""
    session = db_session()
    try:
        revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        database = {"ok": True, "dialect": session.bind.dialect.name, "revision": revision}
    except Exception as error:  # the point is to report it, whatever it is
        session.rollback()
        database = {"ok": False, "error": type(error).__name__}
    status = 200 if database["ok"] else 503
    return jsonify({"ok": database["ok"], "database": database}), status
