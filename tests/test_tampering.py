"""Every way of rewriting the audit log quietly that the probe of issue 12 tried, each detected —
by the chains themselves or against the latest signed checkpoint — and the case or user whose
history it was, named. On both databases; and on PostgreSQL, the application's runtime role
cannot even try."""
from __future__ import annotations

import importlib.util
import json
import shutil
import uuid
from pathlib import Path
from typing import Callable

import psycopg
import pytest
from sqlalchemy import text

from models.db import Database
from tests.conftest import BACKENDS, SEED_NOW
from tests.helpers import direct_path, first_case, run_path
from tests.test_pages_at_scale import recounted, tallied
from workflow.audit.chain import entry_hash, verify
from workflow.audit.checkpoint import CheckpointStore, make_checkpoint, verify_against

KEY = b"test-audit-key"
_spec = importlib.util.spec_from_file_location("initial_schema", Path(__file__).parent.parent / "migrations" / "versions" / "0001_initial_schema.py")
INITIAL = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(INITIAL)  # type: ignore[union-attr]


def _dialect(session) -> str:
    return session.bind.dialect.name


def drop_guards(session) -> None:
    on = "" if _dialect(session) == "sqlite" else " ON audit_entry"
    for name in ("audit_entry_no_update", "audit_entry_no_delete"):
        session.execute(text(f"DROP TRIGGER {name}{on}"))
    # The forger also cuts the links of the case file to the entries (an attachment names the change
    # that brought it), so that deleting entries is not stopped by the foreign key.
    session.execute(text("UPDATE attachment SET audit_entry_id = NULL"))


def restore_guards(session) -> None:
    """What a careful forger does last: the triggers back, as the migration made them."""
    for statement in INITIAL.APPEND_ONLY[_dialect(session)]:
        if "FUNCTION audit_entry_append_only()" in statement and "CREATE FUNCTION" in statement:
            continue
        if "no_truncate" in statement:
            continue
        session.execute(text(statement))


def one(session, sql: str, **params):
    return session.execute(text(sql), params).scalar()


def rows(session, sql: str, **params):
    return session.execute(text(sql), params).mappings().all()


def rehash_from(session, entity: str, entity_id: int, seq: int, table: str, key_column: str = "id") -> None:
    """The full forge: every hash from entry ``seq`` on recomputed, and the head on the row."""
    previous = one(session, "SELECT hash FROM audit_entry WHERE entity = :e AND entity_id = :i AND seq = :s",
                   e=entity, i=entity_id, s=seq - 1) or "0" * 64
    for entry in rows(session, "SELECT * FROM audit_entry WHERE entity = :e AND entity_id = :i AND seq >= :s ORDER BY seq",
                      e=entity, i=entity_id, s=seq):
        from datetime import timezone

        at = entry["at"] if not isinstance(entry["at"], str) else __import__("datetime").datetime.fromisoformat(entry["at"])
        new = entry_hash(hash_version=entry["hash_version"], id=entry["id"], prev_hash=previous, entity=entry["entity"],
                         entity_id=entry["entity_id"], seq=entry["seq"], at=at.replace(tzinfo=timezone.utc), actor=entry["actor"],
                         trigger=entry["trigger"], from_state=entry["from_state"], to_state=entry["to_state"],
                         comment=entry["comment"], data_json=entry["data_json"])
        session.execute(text("UPDATE audit_entry SET prev_hash = :p, hash = :h WHERE id = :id"), {"p": previous, "h": new, "id": entry["id"]})
        previous = new
    last = one(session, "SELECT max(seq) FROM audit_entry WHERE entity = :e AND entity_id = :i", e=entity, i=entity_id) or 0
    session.execute(text(f"UPDATE {table} SET audit_seq = :s, audit_head = :h WHERE {key_column} = :i"),
                    {"s": last, "h": previous if last else "0" * 64, "i": entity_id})


# Each scenario tampers with a log holding case C (a few changes) and user U, and returns what
# the report must name.
def edit_comment(s, c, u):
    drop_guards(s)
    s.execute(text("UPDATE audit_entry SET comment = 'đã sửa' WHERE inspection_id = :c AND seq = 2"), {"c": c})
    return f"hồ sơ #{c}"


def edit_data(s, c, u):
    drop_guards(s)
    s.execute(text("UPDATE audit_entry SET data_json = replace(data_json, '0', '9') WHERE inspection_id = :c AND trigger = 'notify'"), {"c": c})
    return f"hồ sơ #{c}"


def edit_time(s, c, u):
    drop_guards(s)
    s.execute(text("UPDATE audit_entry SET at = at - INTERVAL '1 day' WHERE inspection_id = :c AND seq = 2") if _dialect(s) == "postgresql"
              else text("UPDATE audit_entry SET at = datetime(at, '-1 day') WHERE inspection_id = :c AND seq = 2"), {"c": c})
    return f"hồ sơ #{c}"


def edit_actor(s, c, u):
    drop_guards(s)
    s.execute(text("UPDATE audit_entry SET actor = 'nguoi-khac@tuky.local' WHERE inspection_id = :c AND seq = 3"), {"c": c})
    return f"hồ sơ #{c}"


def move_entry_to_another_case(s, c, u):
    drop_guards(s)
    s.execute(text("UPDATE audit_entry SET entity_id = entity_id + 1, inspection_id = inspection_id + 1 WHERE inspection_id = :c AND seq = 4"), {"c": c})
    return f"hồ sơ #{c}"


def delete_middle_entry(s, c, u):
    drop_guards(s)
    s.execute(text("DELETE FROM audit_entry WHERE inspection_id = :c AND seq = 2"), {"c": c})
    return f"hồ sơ #{c}"


def delete_last_entry(s, c, u):
    drop_guards(s)
    s.execute(text("DELETE FROM audit_entry WHERE inspection_id = :c AND seq = (SELECT max(seq) FROM audit_entry WHERE inspection_id = :c)"), {"c": c})
    return f"hồ sơ #{c}"


def delete_last_entry_and_roll_back_the_head(s, c, u):
    drop_guards(s)
    last = one(s, "SELECT max(seq) FROM audit_entry WHERE entity = 'inspection' AND entity_id = :c", c=c)
    s.execute(text("DELETE FROM audit_entry WHERE entity = 'inspection' AND entity_id = :c AND seq = :s"), {"c": c, "s": last})
    head = one(s, "SELECT hash FROM audit_entry WHERE entity = 'inspection' AND entity_id = :c AND seq = :s", c=c, s=last - 1)
    s.execute(text("UPDATE inspection SET audit_seq = :s, audit_head = :h WHERE id = :c"), {"s": last - 1, "h": head, "c": c})
    restore_guards(s)
    return f"hồ sơ #{c}"


def swap_primary_keys_in_a_chain(s, c, u):
    drop_guards(s)
    a, b = [r["id"] for r in rows(s, "SELECT id FROM audit_entry WHERE inspection_id = :c AND seq IN (2, 3) ORDER BY seq", c=c)]
    s.execute(text("UPDATE audit_entry SET id = -1 WHERE id = :a"), {"a": a})
    s.execute(text("UPDATE audit_entry SET id = :a WHERE id = :b"), {"a": a, "b": b})
    s.execute(text("UPDATE audit_entry SET id = :b WHERE id = -1"), {"b": b})
    restore_guards(s)
    return f"hồ sơ #{c}"


def swap_primary_keys_across_chains(s, c, u):
    drop_guards(s)
    a = one(s, "SELECT id FROM audit_entry WHERE inspection_id = :c AND seq = 3", c=c)
    b = one(s, "SELECT max(id) FROM audit_entry WHERE entity = 'user' AND entity_id = :u", u=u)
    s.execute(text("UPDATE audit_entry SET id = -1 WHERE id = :a"), {"a": a})
    s.execute(text("UPDATE audit_entry SET id = :a WHERE id = :b"), {"a": a, "b": b})
    s.execute(text("UPDATE audit_entry SET id = :b WHERE id = -1"), {"b": b})
    restore_guards(s)
    return f"hồ sơ #{c}"


def swap_sequence_numbers(s, c, u):
    drop_guards(s)
    s.execute(text("UPDATE audit_entry SET seq = -seq WHERE inspection_id = :c AND seq IN (2, 3)"), {"c": c})
    s.execute(text("UPDATE audit_entry SET seq = 3 WHERE inspection_id = :c AND seq = -2"), {"c": c})
    s.execute(text("UPDATE audit_entry SET seq = 2 WHERE inspection_id = :c AND seq = -3"), {"c": c})
    return f"hồ sơ #{c}"


def full_forge(s, c, u):
    """Drop the triggers, edit an entry, recompute every hash after it and the head, restore the triggers."""
    drop_guards(s)
    s.execute(text("UPDATE audit_entry SET comment = 'giả mạo' WHERE entity = 'inspection' AND entity_id = :c AND seq = 2"), {"c": c})
    rehash_from(s, "inspection", c, 2, "inspection")
    restore_guards(s)
    return f"hồ sơ #{c}"


def forge_with_the_old_hash_version(s, c, u):
    """The last entry rewritten and hashed as version 1 (which leaves the id out), head updated."""
    drop_guards(s)
    last = one(s, "SELECT max(seq) FROM audit_entry WHERE entity = 'inspection' AND entity_id = :c", c=c)
    s.execute(text("UPDATE audit_entry SET hash_version = 1, comment = 'giả mạo' WHERE entity = 'inspection' AND entity_id = :c AND seq = :s"), {"c": c, "s": last})
    rehash_from(s, "inspection", c, last, "inspection")
    restore_guards(s)
    return f"hồ sơ #{c}"


def delete_a_whole_case_chain_with_the_head_reset(s, c, u):
    drop_guards(s)
    s.execute(text("DELETE FROM audit_entry WHERE entity = 'inspection' AND entity_id = :c"), {"c": c})
    s.execute(text("UPDATE inspection SET audit_seq = 0, audit_head = :g WHERE id = :c"), {"g": "0" * 64, "c": c})
    restore_guards(s)
    return f"hồ sơ #{c}"


def delete_a_whole_user_chain_with_the_head_reset(s, c, u):
    drop_guards(s)
    s.execute(text("DELETE FROM audit_entry WHERE entity = 'user' AND entity_id = :u"), {"u": u})
    s.execute(text("UPDATE app_user SET audit_seq = 0, audit_head = :g WHERE id = :u"), {"g": "0" * 64, "u": u})
    restore_guards(s)
    return f"tài khoản #{u}"


def delete_a_user_with_its_chain(s, c, u):
    drop_guards(s)
    s.execute(text("DELETE FROM audit_entry WHERE entity = 'user' AND entity_id = :u"), {"u": u})
    s.execute(text("DELETE FROM app_user WHERE id = :u"), {"u": u})
    restore_guards(s)
    return f"tài khoản #{u}"


def rewrite_a_user_chain(s, c, u):
    drop_guards(s)
    s.execute(text("UPDATE audit_entry SET data_json = '{}' WHERE entity = 'user' AND entity_id = :u AND seq = 1"), {"u": u})
    rehash_from(s, "user", u, 1, "app_user")
    restore_guards(s)
    return f"tài khoản #{u}"


def forge_the_head_only(s, c, u):
    s.execute(text("UPDATE inspection SET audit_seq = audit_seq - 1 WHERE id = :c"), {"c": c})
    return f"hồ sơ #{c}"


def append_without_moving_the_head(s, c, u):
    s.execute(text(
        "INSERT INTO audit_entry (entity, entity_id, seq, inspection_id, at, actor, trigger, from_state, to_state, comment, data_json, prev_hash, hash, hash_version) "
        "SELECT entity, entity_id, seq + 1, inspection_id, at, 'ke-gian', trigger, from_state, to_state, comment, data_json, hash, hash, 2 "
        "FROM audit_entry WHERE entity = 'inspection' AND entity_id = :c ORDER BY seq DESC LIMIT 1"), {"c": c})
    return f"hồ sơ #{c}"


def drop_the_triggers(s, c, u):
    drop_guards(s)
    return "trigger"


def empty_the_log(s, c, u):
    drop_guards(s)
    s.execute(text("DELETE FROM audit_entry"))
    s.execute(text("UPDATE inspection SET audit_seq = 0, audit_head = :g"), {"g": "0" * 64})
    s.execute(text("UPDATE app_user SET audit_seq = 0, audit_head = :g"), {"g": "0" * 64})
    s.execute(text("UPDATE campaign SET audit_seq = 0, audit_head = :g"), {"g": "0" * 64})
    s.execute(text("UPDATE unit SET audit_seq = 0, audit_head = :g"), {"g": "0" * 64})
    restore_guards(s)
    return f"hồ sơ #{c}"


def disable_the_triggers(s, c, u):
    if _dialect(s) == "sqlite":
        pytest.skip("SQLite triggers cannot be disabled, only dropped")
    s.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
    return "trigger"


def replica_mode_bypass(s, c, u):
    """PostgreSQL: the triggers stay enabled but do not fire; the edit shows anyway."""
    if _dialect(s) == "sqlite":
        pytest.skip("PostgreSQL only")
    s.execute(text("SET session_replication_role = replica"))
    s.execute(text("UPDATE audit_entry SET comment = 'replica' WHERE inspection_id = :c AND seq = 2"), {"c": c})
    s.execute(text("SET session_replication_role = origin"))
    return f"hồ sơ #{c}"


SCENARIOS: list[Callable] = [
    edit_comment, edit_data, edit_time, edit_actor, move_entry_to_another_case, delete_middle_entry, delete_last_entry,
    delete_last_entry_and_roll_back_the_head, swap_primary_keys_in_a_chain, swap_primary_keys_across_chains,
    swap_sequence_numbers, full_forge, forge_with_the_old_hash_version, delete_a_whole_case_chain_with_the_head_reset,
    delete_a_whole_user_chain_with_the_head_reset, delete_a_user_with_its_chain, rewrite_a_user_chain,
    forge_the_head_only, append_without_moving_the_head, drop_the_triggers, empty_the_log, disable_the_triggers,
    replica_mode_bypass,
]


@pytest.fixture(scope="module", params=BACKENDS)
def shared_db(request, tmp_path_factory):
    """One database per backend for the scenarios: each tampers inside a transaction that is
    rolled back afterwards (DDL included — both databases roll back a dropped trigger)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("tampering") / "cchc.db"
        shutil.copy(request.getfixturevalue("sqlite_templates")["seeded"], path)
        url, drop = f"sqlite:///{path}", None
    else:
        server = request.getfixturevalue("postgres_server")
        name = f"t_{uuid.uuid4().hex[:12]}"
        server.execute(f"CREATE DATABASE {name} TEMPLATE {request.getfixturevalue('postgres_templates')['seeded']}")
        url, drop = server.url(name), lambda: server.execute(f"DROP DATABASE {name} WITH (FORCE)")
    database = Database(url)
    yield database
    database.dispose()
    if drop:
        drop()


@pytest.fixture(scope="module")
def shared_witnessed(shared_db, tmp_path_factory):
    return _witness(shared_db, tmp_path_factory.mktemp("checkpoints"))


@pytest.fixture
def witnessed(db, tmp_path):
    return _witness(db, tmp_path)


def _witness(db, directory):
    """A case with a few changes, a user with a login in its chain, and a checkpoint of it all."""
    from models import User
    from models.db import write_transaction
    from workflow import audit

    inspection = first_case(db, "direct")
    run_path(db, inspection.id, direct_path(inspection.visit_date)[:4])
    with db.session() as session:
        with write_transaction(session):  # a user's chain as accounts writes it, without hashing a password
            user = User(email="kiemtoan@tuky.local", role="auditor", password_hash="-", active=True, created_at=SEED_NOW, updated_at=SEED_NOW)
            session.add(user)
            session.flush()
            audit.append(session, user, at=SEED_NOW, actor="test", trigger="create", data=audit.snapshot(user))
            audit.append(session, user, at=SEED_NOW, actor=user.email, trigger="login")
        user_id = user.id
        store = CheckpointStore(directory / "checkpoints", KEY)
        assert make_checkpoint(session, store, SEED_NOW).checkpoint is not None
    return inspection.id, user_id, store


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_each_tampering_is_detected_and_named(shared_db, shared_witnessed, scenario):
    case_id, user_id, store = shared_witnessed
    with shared_db.session() as session:
        assert verify_against(session, store.latest(), KEY).ok
        try:
            expected = scenario(session, case_id, user_id)
            report = verify_against(session, store.latest(), KEY)
        finally:
            session.rollback()
    messages = [str(problem) for problem in report.problems]
    assert not report.ok
    assert any(expected in message for message in messages), messages


def test_a_checkpoint_file_that_was_edited_proves_nothing(db, witnessed):
    case_id, _user_id, store = witnessed
    path = store.files()[-1]
    data = json.loads(path.read_text())
    data["heads"][f"inspection:{case_id}"][0] -= 1
    path.write_text(json.dumps(data))
    with db.session() as session:
        report = verify_against(session, store.latest(), KEY)
    assert any("không được ký" in str(p) for p in report.problems)


def test_a_rollback_with_the_checkpoints_deleted_is_caught_by_the_copy_an_auditor_kept(db, witnessed, tmp_path):
    case_id, user_id, store = witnessed
    kept = tmp_path / "hop-thu-kiem-toan.json"
    kept.write_text(store.files()[-1].read_text())
    with db.session() as session:
        delete_last_entry_and_roll_back_the_head(session, case_id, user_id)
        session.commit()
        for path in store.files():
            path.unlink()
        assert verify(session).ok  # the database alone cannot tell…
        from workflow.audit.checkpoint import Checkpoint

        report = verify_against(session, Checkpoint.from_json(kept.read_text()), KEY)
    assert any(f"hồ sơ #{case_id}" in str(p) and "quay lui" in str(p) for p in report.problems)  # …the kept copy can


def test_a_tampered_log_gets_no_new_checkpoint(db, witnessed):
    case_id, user_id, store = witnessed
    with db.session() as session:
        full_forge(session, case_id, user_id)
        session.commit()
        result = make_checkpoint(session, store, SEED_NOW)
    assert result.checkpoint is None and len(store.files()) == 1


# --- PostgreSQL: the application runs as the runtime role ---------------------------------

RUNTIME_LOGIN = "cchc_app_test"


@pytest.fixture
def runtime_url(postgres_server, postgres_templates):
    name = f"t_{uuid.uuid4().hex[:12]}"
    postgres_server.execute(f"CREATE DATABASE {name} TEMPLATE {postgres_templates['seeded']}")
    postgres_server.execute(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{RUNTIME_LOGIN}') "
                            f"THEN CREATE ROLE {RUNTIME_LOGIN} LOGIN IN ROLE cchc_runtime; END IF; END $$")
    yield postgres_server.url(name).replace("//postgres@", f"//{RUNTIME_LOGIN}@")
    postgres_server.execute(f"DROP DATABASE {name} WITH (FORCE)")


BYPASSES = [
    "SET session_replication_role = replica",
    "ALTER TABLE audit_entry DISABLE TRIGGER USER",
    "DROP TRIGGER audit_entry_no_update ON audit_entry",
    "UPDATE audit_entry SET comment = 'x' WHERE id = 1",
    "DELETE FROM audit_entry WHERE id = 1",
    "TRUNCATE audit_entry",
    "ALTER TABLE audit_entry OWNER TO cchc_app_test",
    "SET ROLE cchc_owner",
    "CREATE TABLE audit_entry_copy (id integer)",
    # The tally of moves changes only by an entry appended (its trigger's function is the owner's).
    "UPDATE case_move_tally SET n = n + 1",
    "DELETE FROM case_move_tally",
    "INSERT INTO case_move_tally VALUES (1, now(), 'direct', '', 'planned', 1)",
    "DROP FUNCTION case_move_tally_count()",
]


@pytest.mark.postgres
def test_the_runtime_role_runs_the_application_but_cannot_bypass_the_log(runtime_url):
    database = Database(runtime_url)
    try:
        inspection = first_case(database, "direct")
        run_path(database, inspection.id, direct_path(inspection.visit_date)[:2])  # the service works as this role
        with database.session() as session:
            assert one(session, "SELECT current_user") == RUNTIME_LOGIN
            assert verify(session).ok
            assert tallied(session) == recounted(session)  # the trigger counted the changes as this role
    finally:
        database.dispose()
    refused = []
    with psycopg.connect(runtime_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
        for statement in BYPASSES:
            try:
                connection.execute(statement)
            except psycopg.errors.InsufficientPrivilege:
                refused.append(statement)
    assert refused == BYPASSES
