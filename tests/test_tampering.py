"""Every way of rewriting the audit log quietly that the probes of issues 12 and 28 tried, each
detected — by the chains, their seals and the rows themselves, or against the latest signed
checkpoint — and the case or user whose history it was, named. On both databases; and on
PostgreSQL, the application's runtime role cannot even try the rest."""
from __future__ import annotations

import importlib.util
import json
import shutil
import uuid
from datetime import timezone
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
from workflow.audit.checkpoint import Checkpoint, CheckpointStore, make_checkpoint, verify_log

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
        assert verify_log(session, store).ok
        try:
            expected = scenario(session, case_id, user_id)
            report = verify_log(session, store)
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
        report = verify_log(session, store)
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
        report = verify_log(session, store, Checkpoint.from_json(kept.read_text()))
    messages = [str(p) for p in report.problems]
    assert any(f"hồ sơ #{case_id}" in m and "quay lui" in m for m in messages), messages  # the kept copy tells…
    assert any(f"hồ sơ #{case_id}: trạng thái trong CSDL" in m for m in messages), messages  # …and so does the case's row


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


# --- issue 28: what got through before the seals, the rows' check and the checkpoints in the log ---

def _case_head(s, c) -> tuple[int, str]:
    return s.execute(text("SELECT audit_seq, audit_head FROM inspection WHERE id = :c"), {"c": c}).one()


def forge_an_entry(s, c, *, at=SEED_NOW) -> int:
    """Append a case entry with a correct hash, and move the case's head to it: all the database
    lets the runtime role do (no trigger dropped)."""
    seq, head = _case_head(s, c)
    entry_id = (one(s, "SELECT nextval(pg_get_serial_sequence('audit_entry', 'id'))") if _dialect(s) == "postgresql"
                else one(s, "SELECT max(id) + 1 FROM audit_entry"))
    state = one(s, "SELECT state FROM inspection WHERE id = :c", c=c)
    fields = dict(hash_version=2, id=entry_id, prev_hash=head, entity="inspection", entity_id=c, seq=seq + 1, at=at,
                  actor="ke-gian@tuky.local", trigger="correct", from_state=state, to_state=state, comment="giả mạo", data_json="{}")
    s.execute(text("INSERT INTO audit_entry (id, entity, entity_id, seq, inspection_id, at, actor, trigger, from_state, to_state, comment, "
                   "data_json, prev_hash, hash, hash_version) VALUES (:id, :entity, :entity_id, :seq, :entity_id, :at, :actor, :trigger, "
                   ":from_state, :to_state, :comment, :data_json, :prev_hash, :hash, :hash_version)"),
              {**fields, "at": at.astimezone(timezone.utc).replace(tzinfo=None), "hash": entry_hash(**fields)})
    s.execute(text("UPDATE inspection SET audit_seq = :s, audit_head = :h WHERE id = :c"), {"s": seq + 1, "h": entry_hash(**fields), "c": c})
    return entry_id


def _steps_after_the_checkpoint(db, case_id) -> None:
    inspection = first_case(db, "direct")
    run_path(db, case_id, direct_path(inspection.visit_date)[4:])


def delete_the_last_entry_after_the_checkpoint_and_fix_the_head(s, c, u):
    delete_last_entry_and_roll_back_the_head(s, c, u)
    return f"hồ sơ #{c}: trạng thái trong CSDL là 'concluded' nhưng nhật ký ghi"


def rewrite_only_the_entries_after_the_checkpoint(s, c, u):
    drop_guards(s)
    last = one(s, "SELECT max(seq) FROM audit_entry WHERE entity = 'inspection' AND entity_id = :c", c=c)
    s.execute(text("UPDATE audit_entry SET comment = 'giả mạo' WHERE entity = 'inspection' AND entity_id = :c AND seq = :s"), {"c": c, "s": last})
    rehash_from(s, "inspection", c, last, "inspection")
    restore_guards(s)
    return "không mang dấu xác thực hợp lệ"


def append_a_forged_entry_with_a_correct_hash(s, c, u):
    entry_id = forge_an_entry(s, c)
    return f"Mục nhật ký #{entry_id} (hồ sơ #{c}, số"


def close_the_case_without_an_entry(s, c, u):
    s.execute(text("UPDATE inspection SET state = 'closed' WHERE id = :c"), {"c": c})
    return f"hồ sơ #{c}: trạng thái trong CSDL là 'closed' nhưng nhật ký ghi 'concluded'"


def give_a_user_another_role_without_an_entry(s, c, u):
    s.execute(text("UPDATE app_user SET role = 'admin' WHERE id = :u"), {"u": u})
    return f"tài khoản #{u}: vai trò trong CSDL là 'admin' nhưng nhật ký ghi 'auditor'"


def add_a_case_without_its_creation_entry(s, c, u):
    s.execute(text("INSERT INTO inspection (campaign_id, unit_id, unit_name, unit_name_folded, kind, state, visit_date, unannounced, version, "
                   "audit_seq, audit_head, created_at, updated_at) SELECT campaign_id, unit_id, unit_name, unit_name_folded, 'surprise', 'closed', "
                   "visit_date, unannounced, 1, 0, :g, created_at, updated_at FROM inspection WHERE id = :c"), {"c": c, "g": "0" * 64})
    new = one(s, "SELECT max(id) FROM inspection")
    return f"hồ sơ #{new} không có mục tạo lập"


def delete_a_checkpoint_entry_of_the_log(s, c, u):
    drop_guards(s)
    s.execute(text("DELETE FROM audit_entry WHERE entity = 'log' AND trigger = 'checkpoint'"))
    restore_guards(s)
    return "không có trong nhật ký"


ISSUE_28 = [delete_the_last_entry_after_the_checkpoint_and_fix_the_head, rewrite_only_the_entries_after_the_checkpoint,
            append_a_forged_entry_with_a_correct_hash, close_the_case_without_an_entry, give_a_user_another_role_without_an_entry,
            add_a_case_without_its_creation_entry, delete_a_checkpoint_entry_of_the_log]


@pytest.fixture(scope="module")
def after_checkpoint(shared_db, shared_witnessed):
    """The shared case taken to its conclusion after the checkpoint: entries no checkpoint holds."""
    case_id, user_id, store = shared_witnessed
    _steps_after_the_checkpoint(shared_db, case_id)
    return case_id, user_id, store


@pytest.mark.parametrize("scenario", ISSUE_28, ids=[s.__name__ for s in ISSUE_28])
def test_each_change_behind_the_log_s_back_is_named(shared_db, after_checkpoint, scenario):
    case_id, user_id, store = after_checkpoint
    with shared_db.session() as session:
        assert verify_log(session, store).ok
        try:
            expected = scenario(session, case_id, user_id)
            report = verify_log(session, store)
            plain = verify(session)
        finally:
            session.rollback()
    messages = [str(problem) for problem in report.problems]
    assert any(expected in message for message in messages), messages
    if scenario is not delete_a_checkpoint_entry_of_the_log:  # the log alone, without the checkpoint files, names it too
        assert any(expected in str(problem) for problem in plain.problems), [str(p) for p in plain.problems]


def test_a_case_s_whole_chain_deleted_before_any_checkpoint_is_named(db):
    case_id = first_case(db, "direct").id
    with db.session() as session:
        delete_a_whole_case_chain_with_the_head_reset(session, case_id, None)
        session.commit()
        messages = [str(p) for p in verify(session).problems]
    assert any(f"hồ sơ #{case_id} không có mục tạo lập" in m for m in messages), messages


def test_deleted_checkpoint_files_are_named_and_the_next_checkpoint_blesses_no_forgery(db, witnessed):
    case_id, user_id, store = witnessed
    with db.session() as session:
        assert make_checkpoint(session, store, SEED_NOW).checkpoint.number == 2
    with db.session() as session:
        full_forge(session, case_id, user_id)
        session.commit()
    for path in store.files():
        path.unlink()
    with db.session() as session:
        result = make_checkpoint(session, store, SEED_NOW)
    messages = [str(p) for p in result.report.problems]
    assert result.checkpoint is None and store.files() == [], messages
    assert any(f"hồ sơ #{case_id}" in m and "viết lại" in m for m in messages), messages  # against the log's checkpoint no. 2
    assert any("tệp mốc kiểm chứng số 1–2" in m and "đã bị xóa" in m for m in messages), messages


def test_a_gap_and_a_restart_of_the_checkpoints_are_named(db, witnessed, tmp_path):
    case_id, user_id, store = witnessed
    with db.session() as session:
        for _ in range(2):
            assert make_checkpoint(session, store, SEED_NOW).checkpoint is not None
    kept = Checkpoint.from_json(store.files()[-1].read_text())  # no. 3, as the auditors' mail has it
    with db.session() as session:  # no. 2 taken out of the log, its successor re-linked is beyond reach (sealed)
        drop_guards(session)
        session.execute(text("DELETE FROM audit_entry WHERE entity = 'log' AND data_json LIKE :second"), {"second": '%"number":2,%'})
        restore_guards(session)
        session.commit()
        messages = [str(p) for p in verify_log(session, store).problems]
    assert any("chính nhật ký kiểm tra" in m for m in messages), messages  # the log's chain broke
    with db.session() as session:  # every checkpoint of the log and every file deleted: a restart at no. 1
        drop_guards(session)
        session.execute(text("DELETE FROM audit_entry WHERE entity = 'log' AND trigger = 'checkpoint'"))
        restore_guards(session)
        session.commit()
    for path in store.files():
        path.unlink()
    with db.session() as session:
        restarted = make_checkpoint(session, store, SEED_NOW)
        assert restarted.checkpoint is not None and restarted.checkpoint.number == 1  # nothing inside can tell…
        messages = [str(p) for p in verify_log(session, store, kept).problems]
    assert any("Mốc kiểm chứng số 3 không có trong nhật ký" in m for m in messages), messages  # …the auditors' copy can


@pytest.mark.postgres
def test_the_runtime_role_cannot_append_an_entry_the_log_accepts(runtime_url):
    database = Database(runtime_url)
    try:
        inspection = first_case(database, "direct")
        with database.session() as session:
            assert one(session, "SELECT current_user") == RUNTIME_LOGIN
            entry_id = forge_an_entry(session, inspection.id)
            session.commit()
            messages = [str(p) for p in verify(session).problems]
    finally:
        database.dispose()
    assert any(f"Mục nhật ký #{entry_id} (hồ sơ #{inspection.id}, số 2) không mang dấu xác thực hợp lệ" in m for m in messages), messages


def test_every_entry_is_sealed_and_the_migration_said_so(session):
    assert one(session, "SELECT count(*) FROM audit_entry WHERE mac IS NULL") == 0
    first = rows(session, "SELECT trigger, data_json FROM audit_entry WHERE entity = 'log' AND seq = 1")
    assert first[0]["trigger"] == "seal_entries" and json.loads(first[0]["data_json"])["revision"] == "0019"


def test_under_another_key_no_entry_is_genuine(db):
    """The key is the installation's, registered per engine: under another one every chain is named."""
    from workflow.audit.seal import use_key

    use_key(db.engine, b"another installation")
    with db.session() as session:
        report = verify(session)
    assert sum("dấu xác thực" in str(problem) for problem in report.problems) == report.chains > 70
