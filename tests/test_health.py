"""``/healthz`` reports the database and the scheduler's heartbeat, without a login."""
from datetime import datetime, timedelta, timezone

from alembic.script import ScriptDirectory

from jobs.lease import election_for
from models.migrate import alembic_config
from vocabulary.config import Settings
from wsgi import create_app


def test_healthz_reports_the_scheduler_heartbeat(db, database_url):
    client = create_app(Settings(database_url=database_url, secret_key="test")).test_client()
    before = client.get("/healthz")
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    assert before.status_code == 200 and before.json["database"]["revision"] == head
    assert before.json["scheduler"] == {"ok": False, "active": None, "heartbeat_age_seconds": None}
    election = election_for(db, seconds=30)
    assert election.acquire(datetime.now(timezone.utc))
    try:
        now = client.get("/healthz").json["scheduler"]
        assert now["ok"] and now["active"] == election.holder and now["heartbeat_age_seconds"] < 5
        assert not election_for(db, seconds=30, holder="standby:2").acquire(datetime.now(timezone.utc))  # a second instance stands by
        election.renew(datetime.now(timezone.utc) - timedelta(minutes=5))  # a heartbeat long ago: a dead scheduler
        stale = client.get("/healthz").json["scheduler"]
        assert not stale["ok"] and stale["heartbeat_age_seconds"] >= 300
    finally:
        election.release(datetime.now(timezone.utc))
