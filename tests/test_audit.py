"""The audit log: append-only in the database, hash-chained per entity, and verified."""
import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.helpers import at, direct_path, fire_in, first_case, notice_day, run_path
from workflow.audit import verify


def drop_guards(session) -> None:
    """What someone with direct database access would do first."""
    session.execute(text("DROP TRIGGER audit_entry_no_update" + ("" if session.bind.dialect.name == "sqlite" else " ON audit_entry")))
    session.execute(text("DROP TRIGGER audit_entry_no_delete" + ("" if session.bind.dialect.name == "sqlite" else " ON audit_entry")))


def a_case_with_history(db) -> int:
    inspection = first_case(db, "direct")
    run_path(db, inspection.id, direct_path(inspection.visit_date))
    return inspection.id


def test_the_seeded_log_verifies(session):
    report = verify(session)
    assert report.ok and report.entries >= 35 + 35 + 1 and report.chains >= 71


@pytest.mark.parametrize("statement", [
    "UPDATE audit_entry SET comment = 'sửa' WHERE id = 1",
    "DELETE FROM audit_entry WHERE id = 1",
])
def test_the_database_refuses_to_change_the_log(session, statement):
    with pytest.raises(DBAPIError) as refused:
        session.execute(text(statement))
    assert "append-only" in str(refused.value)


def test_an_edited_entry_is_named(db):
    case_id = a_case_with_history(db)
    with db.session() as session:
        drop_guards(session)
        entry_id, number = session.execute(text("SELECT id, data_json FROM audit_entry WHERE inspection_id = :c AND trigger = 'notify'"), {"c": case_id}).one()
        number = json.loads(number)["register"]["number"]
        session.execute(text("UPDATE audit_entry SET data_json = replace(data_json, :number, '99/TB-UBND') WHERE id = :id"), {"id": entry_id, "number": number})
        session.commit()
        report = verify(session)
    assert not report.ok
    messages = [str(p) for p in report.problems]
    assert any(f"#{entry_id}" in m and "đã bị sửa" in m for m in messages), messages
    assert any("trigger" in m for m in messages)  # the missing guards are reported too


def test_a_deleted_entry_is_found(db):
    case_id = a_case_with_history(db)
    with db.session() as session:
        drop_guards(session)
        session.execute(text("DELETE FROM audit_entry WHERE inspection_id = :c AND seq = 3"), {"c": case_id})
        session.commit()
        messages = [str(p) for p in verify(session).problems]
    assert any(f"hồ sơ #{case_id}" in m and "xóa" in m for m in messages), messages


def test_a_deleted_last_entry_is_found_from_the_head(db):
    case_id = a_case_with_history(db)
    with db.session() as session:
        drop_guards(session)
        session.execute(text("DELETE FROM audit_entry WHERE inspection_id = :c AND trigger = 'conclude'"), {"c": case_id})
        session.commit()
        messages = [str(p) for p in verify(session).problems]
    assert any(f"hồ sơ #{case_id}" in m and "kết thúc ở mục số 5" in m for m in messages), messages


def test_an_inserted_entry_is_found(db):
    case_id = a_case_with_history(db)
    with db.session() as session:
        session.execute(text(
            "INSERT INTO audit_entry (entity, entity_id, seq, inspection_id, at, actor, trigger, from_state, to_state, comment, data_json, prev_hash, hash) "
            "SELECT entity, entity_id, seq + 1, inspection_id, at, 'ke-gian', trigger, from_state, to_state, comment, data_json, hash, hash "
            "FROM audit_entry WHERE inspection_id = :c AND trigger = 'conclude'"), {"c": case_id})
        session.commit()
        report = verify(session)
    assert not report.ok
    assert any("đã bị sửa" in str(p) or "kết thúc" in str(p) or "giả mạo" in str(p) for p in report.problems)


def test_a_forged_head_is_found(db):
    case_id = a_case_with_history(db)
    with db.session() as session:
        session.execute(text("UPDATE inspection SET audit_seq = audit_seq - 1 WHERE id = :c"), {"c": case_id})
        session.commit()
        assert not verify(session).ok


def test_times_are_kept_to_the_microsecond_on_both_databases(db):
    inspection = first_case(db, "direct")
    moment = at(notice_day(inspection.visit_date)).replace(microsecond=123456)
    fire_in(db, inspection.id, "notify", moment)
    with db.session() as session:
        assert verify(session).ok
