"""The audit log's seals: every entry's HMAC under the audit key, the existing ones sealed once

Revision ID: 0019
Revises: 0014
Create Date: 2026-12-08

``audit_entry.mac`` is HMAC-SHA256 of the entry's hash under the audit key (``AUDIT_KEY`` or
``AUDIT_KEY_FILE``, never in the database), so that an entry appended or rewritten with database
access alone is named by ``audit verify``. The entries already written are sealed here once —
only after the log was verified (every chain's order, links and hashes, every head on its row):
a log that does not verify is not sealed, and the upgrade stops naming the first problem. The
revision then opens the log's own chain (``log`` #0) with an entry saying how many entries it
sealed; the checkpoints follow it on that chain.

The rules of the hash are this revision's own copy (a revision never imports the engine); the
key comes from the settings (vocabulary/config.py) as the application reads it, so run the
upgrade with the application's environment. A downgrade removes the log's own chain and the seals.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from contextlib import contextmanager
from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Any, Iterator

from alembic import op
import sqlalchemy as sa

from vocabulary.config import Settings
from vocabulary.i18n import _

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
LOG_ENTITY = "log"
HEAD_TABLES = {"inspection": "inspection", "campaign": "campaign", "unit": "unit", "user": "app_user", "alert": "alert"}

entries = sa.table(
    "audit_entry",
    sa.column("id", sa.Integer), sa.column("entity", sa.String), sa.column("entity_id", sa.Integer),
    sa.column("seq", sa.Integer), sa.column("inspection_id", sa.Integer), sa.column("at", sa.DateTime),
    sa.column("actor", sa.String), sa.column("trigger", sa.String), sa.column("from_state", sa.String),
    sa.column("to_state", sa.String), sa.column("comment", sa.Text), sa.column("data_json", sa.Text),
    sa.column("prev_hash", sa.String), sa.column("hash", sa.String), sa.column("hash_version", sa.Integer),
    sa.column("mac", sa.String),
)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _hash(row: Any) -> str:
    """The entry's hash as revisions 0001 (version 1) and 0007 (version 2) defined it."""
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=timezone.utc)
    fields: list[Any] = [row.prev_hash, row.entity, row.entity_id, row.seq, at.astimezone(timezone.utc).isoformat(timespec="microseconds"),
                         row.actor, row.trigger, row.from_state, row.to_state, row.comment, row.data_json]
    if row.hash_version != 1:
        fields = [row.hash_version, row.id, *fields]
    return hashlib.sha256(_canonical(fields).encode("utf-8")).hexdigest()


def _mac(key: bytes, entry_hash: str) -> str:
    return hmac.new(key, entry_hash.encode("ascii"), hashlib.sha256).hexdigest()


def _problems(connection: sa.Connection) -> Iterator[str]:
    """What keeps the log from being sealed: a chain out of order, unlinked or altered, or not
    ending at the head its row keeps."""
    heads = {}
    for entity, table in HEAD_TABLES.items():
        for entity_id, seq, head in connection.execute(sa.text(f"SELECT id, audit_seq, audit_head FROM {table}")):
            heads[(entity, entity_id)] = (seq, head)
    first_v2 = connection.execute(sa.text("SELECT min(id) FROM audit_entry WHERE hash_version >= 2")).scalar()
    current, position, previous = None, 0, GENESIS
    stream = connection.execute(sa.select(entries).order_by(entries.c.entity, entries.c.entity_id, entries.c.seq, entries.c.id)
                                .execution_options(yield_per=2000))

    def chain_end() -> Iterator[str]:
        if current is not None and heads.pop(current, None) != (position, previous):
            yield f"{current[0]} #{current[1]}: the chain ends at no. {position}, its row says otherwise"

    for row in stream:
        if (row.entity, row.entity_id) != current:
            yield from chain_end()
            current, position, previous = (row.entity, row.entity_id), 0, GENESIS
        position += 1
        if row.hash_version == 1 and first_v2 is not None and row.id > first_v2:
            yield f"entry #{row.id}: the old hash after the upgrade"
        elif row.seq != position or row.prev_hash != previous or _hash(row) != row.hash:
            yield f"entry #{row.id} ({row.entity} #{row.entity_id}, no. {row.seq}): out of order, unlinked or altered"
        previous = row.hash
    yield from chain_end()
    for (entity, entity_id), (seq, _head) in heads.items():
        if seq:
            yield f"{entity} #{entity_id}: {seq} entries recorded, none in the log"


@contextmanager
def _writable(connection: sa.Connection, trigger: str) -> Iterator[None]:
    """One append-only trigger off for this revision's own write, then back as it was (SQLite:
    dropped and recreated from its own definition)."""
    if connection.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE audit_entry DISABLE TRIGGER {trigger}")
        yield
        op.execute(f"ALTER TABLE audit_entry ENABLE TRIGGER {trigger}")
        return
    definition = connection.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :n"), {"n": trigger}).scalar()
    op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    yield
    if definition:
        op.execute(definition)


def _next_id(connection: sa.Connection) -> int:
    if connection.dialect.name == "postgresql":
        return connection.execute(sa.text("SELECT nextval(pg_get_serial_sequence('audit_entry', 'id'))")).scalar_one()
    return (connection.execute(sa.text("SELECT max(id) FROM audit_entry")).scalar() or 0) + 1


def upgrade() -> None:
    # A plain ADD COLUMN: on SQLite a batch copy of audit_entry would lose its triggers.
    op.add_column("audit_entry", sa.Column("mac", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    problem = next(_problems(connection), None)
    if problem is not None:
        raise RuntimeError(str(_("Revision 0019 seals only an audit log that verifies, and this one does not: {problem}. Run `audit verify` on the previous version.", problem=problem)))
    key = Settings.from_env().audit_signing_key()
    sealed, last = 0, 0
    with _writable(connection, "audit_entry_no_update"):
        while batch := connection.execute(sa.select(entries.c.id, entries.c.hash).where(entries.c.id > last)
                                          .order_by(entries.c.id).limit(5000)).all():
            connection.execute(sa.text("UPDATE audit_entry SET mac = :mac WHERE id = :entry_id"),
                               [{"entry_id": entry_id, "mac": _mac(key, entry_hash)} for entry_id, entry_hash in batch])
            sealed, last = sealed + len(batch), batch[-1].id
    fields: dict[str, Any] = dict(
        hash_version=2, id=_next_id(connection), prev_hash=GENESIS, entity=LOG_ENTITY, entity_id=0, seq=1,
        at=datetime.now(timezone.utc).replace(tzinfo=None), actor="revision 0019", trigger="seal_entries", from_state=None,
        to_state=None, comment=None, data_json=_canonical({"revision": "0019", "sealed": sealed}),
    )
    fields["hash"] = _hash(SimpleNamespace(**fields))
    connection.execute(entries.insert().values(inspection_id=None, mac=_mac(key, fields["hash"]), **fields))


def downgrade() -> None:
    connection = op.get_bind()
    with _writable(connection, "audit_entry_no_delete"):
        op.execute(f"DELETE FROM audit_entry WHERE entity = '{LOG_ENTITY}'")
    op.drop_column("audit_entry", "mac")
