from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from flask import Blueprint, jsonify
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from jobs.lease import current_lease
from jobs.settings import JobSettings
from models import JobRun

from .database import db_session

blueprint = Blueprint("health", __name__)


def scheduler_state(session: Session, now: datetime, settings: JobSettings) -> dict[str, Any]:
    """The active scheduler instance, the age of its heartbeat and its jobs' last runs. ``ok``
    when the heartbeat is younger than a lease (it is renewed every third of one)."""
    lease = current_lease(session)
    if lease is None:
        return {"ok": False, "active": None, "heartbeat_age_seconds": None}
    age = (now - lease.heartbeat_at).total_seconds()
    jobs = {
        row.name: {"last_run_at": row.last_run_at.isoformat() if row.last_run_at else None,
                   "next_run_at": row.next_run_at.isoformat() if row.next_run_at else None, "runs": row.runs}
        for row in session.scalars(select(JobRun))
    }
    return {"ok": age <= settings.lease_seconds, "active": lease.holder, "heartbeat_at": lease.heartbeat_at.isoformat(),
            "heartbeat_age_seconds": round(age, 1), "jobs": jobs}


@blueprint.get("/healthz")
def healthz():
    """No login: the database's state (reachable, schema revision) and the scheduler's (its
    heartbeat's age). Only the database decides the status code: the web works without the
    scheduler, and a load balancer should not take web workers out because it is down."""
    session = db_session()
    scheduler = None
    try:
        revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        database = {"ok": True, "dialect": session.bind.dialect.name, "revision": revision}
        scheduler = scheduler_state(session, datetime.now(timezone.utc), JobSettings.from_env())
    except Exception as error:  # the point is to report it, whatever it is
        session.rollback()
        database = {"ok": False, "error": type(error).__name__}
    status = 200 if database["ok"] else 503
    return jsonify({"ok": database["ok"], "database": database, "scheduler": scheduler}), status
