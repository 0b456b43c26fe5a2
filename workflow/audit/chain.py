"""The audit log: append-only, hash-chained per entity, sealed, verifiable.

Every entry's hash covers the previous entry's hash and all of its own fields — since hash
version 2 its own id too, so two entries cannot swap places in the log — and the head of each
chain (last hash, last sequence number) is kept on the entity's row. So an edited entry no longer
matches its hash, an inserted or deleted one breaks the sequence or the links, and a deleted last
entry no longer matches the head. The database itself refuses UPDATE and DELETE on
``audit_entry`` (triggers created by the migrations), and :func:`verify` checks they are there.

Since revision 0019 every entry also carries a seal (:mod:`workflow.audit.seal`): an HMAC of its
hash under the audit key, which the database never holds. Whoever can write the database can hash
a forged or rewritten entry correctly, but not seal it. And every case, campaign, unit and user row
is compared with the end of its own chain (:mod:`workflow.audit.records`): a row changed without
an entry, or with no creation entry, is named.

What is left to someone with the database alone — a chain's last entries deleted and its row and
head put back as they were before them — is caught by comparing with the latest checkpoint, which
is an entry of the log's own chain (``log`` #0) and a file outside the database
(:mod:`workflow.audit.checkpoint`).

Entries written before revision 0007 keep hash version 1 (the same fields without the id), so the
chains of an existing log stay verifiable; every entry written since is version 2, and a version-1
entry after the first version-2 one is a forgery.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import Any, ClassVar, Collection, Iterator, Mapping

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from models import AUDITED_MODELS, GENESIS_HASH, Audited, AuditEntry
from vocabulary.i18n import _
from workflow.audit.problems import AuditProblem, subject_text
from workflow.audit.records import COMPARED, recorded_after, row_problems
from workflow.audit.seal import audit_key, is_sealed, seal

APPEND_ONLY_TRIGGERS = ("audit_entry_no_update", "audit_entry_no_delete")
HASH_VERSION = 2
ChainKey = tuple[str, int]
LOG_ENTITY = "log"


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"cannot record {type(value).__name__} in the audit log")


def canonical_json(data: Any) -> str:
    """One spelling for one value: sorted keys, no spaces, UTF-8 text kept as is."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def entry_hash(
    *,
    hash_version: int = HASH_VERSION,
    id: int | None = None,
    prev_hash: str,
    entity: str,
    entity_id: int,
    seq: int,
    at: datetime,
    actor: str,
    trigger: str,
    from_state: str | None,
    to_state: str | None,
    comment: str | None,
    data_json: str,
) -> str:
    """Version 1: the entry's fields; version 2: its version and id first, then the same."""
    fields: list[Any] = [prev_hash, entity, entity_id, seq, at.astimezone(timezone.utc).isoformat(timespec="microseconds"),
                         actor, trigger, from_state, to_state, comment, data_json]
    if hash_version != 1:
        fields = [hash_version, id, *fields]
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def _stored_hash(entry: AuditEntry) -> str:
    return entry_hash(
        hash_version=entry.hash_version,
        id=entry.id,
        prev_hash=entry.prev_hash,
        entity=entry.entity,
        entity_id=entry.entity_id,
        seq=entry.seq,
        at=entry.at,
        actor=entry.actor,
        trigger=entry.trigger,
        from_state=entry.from_state,
        to_state=entry.to_state,
        comment=entry.comment,
        data_json=entry.data_json,
    )


def is_genuine(entry: AuditEntry, key: bytes) -> bool:
    """The entry matches its hash and carries the seal of ``key``."""
    return _stored_hash(entry) == entry.hash and is_sealed(entry.hash, entry.mac, key)


# Bookkeeping columns that are not part of what an entity "is".
_NOT_RECORDED = {"id", "version", "audit_seq", "audit_head", "created_at", "updated_at", "step_marks", "password_hash", "api_token_hash", "session_generation"}


def snapshot(subject: Any) -> dict[str, Any]:
    """The recordable column values of a row, for a "create" or "edit" entry."""
    return {
        column.key: getattr(subject, column.key)
        for column in sa_inspect(subject).mapper.column_attrs
        if column.key not in _NOT_RECORDED and getattr(subject, column.key) is not None
    }


@dataclass
class LogChain:
    """The log's own chain (``log`` #0): the sealing of the existing entries by revision 0019 and
    every checkpoint. It has no row: its head is read from its last entry."""

    audit_entity: ClassVar[str] = LOG_ENTITY
    id: int = 0
    audit_seq: int = 0
    audit_head: str = GENESIS_HASH


def log_chain(session: Session) -> LogChain:
    last = session.execute(select(AuditEntry.seq, AuditEntry.hash).where(AuditEntry.entity == LOG_ENTITY)
                           .order_by(AuditEntry.seq.desc()).limit(1)).first()
    return LogChain(audit_seq=last.seq, audit_head=last.hash) if last else LogChain()


def append(
    session: Session,
    subject: Audited | LogChain,
    *,
    at: datetime,
    actor: str,
    trigger: str,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add the next entry of ``subject``'s chain, sealed, and move the head kept on its row.

    Runs inside the caller's transaction; ``subject`` must already have an id. The only place an
    entry is written (revision 0019's own entry aside).
    """
    if subject.id is None:  # type: ignore[union-attr]
        session.flush()
    # Microseconds are the precision both databases keep; hash what will be read back.
    fields = dict(
        hash_version=HASH_VERSION,
        id=_next_entry_id(session),
        prev_hash=subject.audit_head or GENESIS_HASH,
        entity=subject.audit_entity,
        entity_id=subject.id,  # type: ignore[union-attr]
        seq=(subject.audit_seq or 0) + 1,
        at=at,
        actor=actor,
        trigger=trigger,
        from_state=from_state,
        to_state=to_state,
        comment=comment or None,
        data_json=canonical_json(data or {}),
    )
    fields["hash"] = entry_hash(**fields)
    # Entries of a case (or of something of a case, like its alerts) carry the case's id, so the
    # log can be filtered by case and unit.
    inspection_id = fields["entity_id"] if subject.audit_entity == "inspection" else getattr(subject, "inspection_id", None)
    entry = AuditEntry(inspection_id=inspection_id, mac=seal(fields["hash"], audit_key(session)), **fields)
    session.add(entry)
    subject.audit_seq = fields["seq"]
    subject.audit_head = fields["hash"]
    return entry


# Built once: one of them runs on every change.
_NEXT_ID_POSTGRES = text("SELECT nextval(pg_get_serial_sequence('audit_entry', 'id'))")
_LAST_ID = select(func.max(AuditEntry.id))


def _next_entry_id(session: Session) -> int:
    """The id the entry will have, known before it is written because the hash covers it.

    PostgreSQL: the column's sequence. SQLite: one above the largest id, the log's and the
    session's unwritten entries' — every append runs under the write lock (``BEGIN IMMEDIATE``),
    so no other writer can take it meanwhile."""
    # Never an autoflush here: it would write the subject's row before its head moves, and the
    # change's own flush would then UPDATE it again (two version steps for one change).
    with session.no_autoflush:
        if session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
            return session.execute(_NEXT_ID_POSTGRES).scalar_one()
        stored = session.execute(_LAST_ID).scalar() or 0
    pending = [entry.id for entry in session.new if isinstance(entry, AuditEntry) and entry.id is not None]
    return max([stored, *pending]) + 1


@dataclass
class VerifyReport:
    chains: int = 0
    entries: int = 0
    problems: list[AuditProblem] = field(default_factory=list)
    # Every chain found in the log: its length and last hash (what a new checkpoint records)…
    heads: dict[ChainKey, tuple[int, str]] = field(default_factory=dict)
    # …and the hash at the positions a checkpoint asked about.
    hashes_at: dict[tuple[ChainKey, int], str] = field(default_factory=dict)
    # The latest checkpoint the log was checked against (a workflow.audit.checkpoint.Checkpoint).
    checkpoint: Any = None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Row:
    """What an entity's row says of its chain: the head kept on it, and the compared columns."""

    seq: int
    head: str
    values: dict[str, Any]


def _check_chain(entity: str, entity_id: int, entries: list[AuditEntry], row: _Row | None,
                 first_v2_id: int | None, key: bytes) -> Iterator[AuditProblem]:
    expected_prev = GENESIS_HASH
    recorded: dict[str, Any] = {}
    for position, entry in enumerate(entries, start=1):
        where = dict(id=entry.id, subject=subject_text(entity, entity_id), seq=entry.seq)
        if entry.hash_version == 1 and first_v2_id is not None and entry.id > first_v2_id:
            yield AuditProblem(_("Audit entry #{id} ({subject}, no. {seq}) carries the old hash, which no entry written since the upgrade may: it was forged.", **where), entry.id)
            return
        if entry.seq != position:
            yield AuditProblem(_("Audit entry #{id} ({subject}) has sequence number {seq}, expected {expected}: an entry before it was deleted or inserted.", expected=position, **where), entry.id)
            return
        if entry.prev_hash != expected_prev:
            yield AuditProblem(_("Audit entry #{id} ({subject}, no. {seq}) does not link to the entry before it: entries were inserted, deleted or reordered.", **where), entry.id)
            return
        if _stored_hash(entry) != entry.hash:
            yield AuditProblem(_("Audit entry #{id} ({subject}, no. {seq}) was altered: its content no longer matches its hash.", **where), entry.id)
            return
        if not is_sealed(entry.hash, entry.mac, key):
            yield AuditProblem(_("Audit entry #{id} ({subject}, no. {seq}) has no valid seal of the audit key: it was written or rewritten by someone without the key.", **where), entry.id)
            return
        recorded_after(entity, entry.trigger, entry.to_state, entry.data_json, recorded)
        expected_prev = entry.hash
    if entity == LOG_ENTITY:
        return
    if row is None:
        yield AuditProblem(_("Audit entries of {subject} exist but the record itself does not.", subject=subject_text(entity, entity_id)))
        return
    if row.seq != len(entries) or row.head != expected_prev:
        yield AuditProblem(_("The audit chain of {subject} ends at no. {found} but the record says no. {recorded}: entries were deleted or the record was altered.", subject=subject_text(entity, entity_id), found=len(entries), recorded=row.seq))
        return
    if entity in COMPARED:
        yield from row_problems(entity, entity_id, row.values, recorded, entries[0].trigger)


def _append_only_triggers_present(session: Session) -> bool:
    if session.bind.dialect.name == "sqlite":  # type: ignore[union-attr]
        rows = session.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_entry'"))
    else:
        rows = session.execute(text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_entry'::regclass AND NOT tgisinternal AND tgenabled <> 'D'"))
    present = {row[0] for row in rows}
    return all(name in present for name in APPEND_ONLY_TRIGGERS)


def _rows(session: Session) -> dict[ChainKey, _Row]:
    rows: dict[ChainKey, _Row] = {}
    for model in AUDITED_MODELS:
        compared = COMPARED.get(model.audit_entity, ())
        columns = [getattr(model, name) for name in compared]
        for entity_id, seq, head, *values in session.execute(select(model.id, model.audit_seq, model.audit_head, *columns)):  # type: ignore[attr-defined]
            rows[(model.audit_entity, entity_id)] = _Row(seq, head, dict(zip(compared, values)))
    return rows


def verify(session: Session, *, positions: Mapping[ChainKey, Collection[int]] | None = None, key: bytes | None = None) -> VerifyReport:
    """Check every chain, seal, head and row. Streams the log once, ordered by chain; records
    each chain's head and, for the chains in ``positions``, the hashes at those sequence numbers."""
    report = VerifyReport()
    key = key or audit_key(session)
    positions = positions or {}
    first_v2_id = session.scalar(select(func.min(AuditEntry.id)).where(AuditEntry.hash_version >= 2))
    if not _append_only_triggers_present(session):
        report.problems.append(AuditProblem(_("The database triggers that keep the audit log append-only are missing or disabled.")))
    rows = _rows(session)
    stream = session.execute(
        select(AuditEntry).order_by(AuditEntry.entity, AuditEntry.entity_id, AuditEntry.seq, AuditEntry.id)
        .execution_options(yield_per=2000)
    ).scalars()
    current: ChainKey | None = None
    chain: list[AuditEntry] = []

    def close_chain() -> None:
        if current is None:
            return
        report.chains += 1
        report.problems.extend(_check_chain(*current, chain, rows.pop(current, None), first_v2_id, key))
        report.heads[current] = (chain[-1].seq, chain[-1].hash)
        for wanted in positions.get(current, ()):
            if 0 < wanted <= len(chain) and chain[wanted - 1].seq == wanted:
                report.hashes_at[(current, wanted)] = chain[wanted - 1].hash

    for entry in stream:
        report.entries += 1
        key_of_entry = (entry.entity, entry.entity_id)
        if key_of_entry != current:
            close_chain()
            current, chain = key_of_entry, []
        chain.append(entry)
    close_chain()
    if (LOG_ENTITY, 0) not in report.heads:
        report.problems.append(AuditProblem(_("The audit log's own chain (the sealing of its entries and its checkpoints) is missing: it was deleted.")))
    for (entity, entity_id), row in rows.items():
        if row.seq:
            report.problems.append(AuditProblem(_("{subject} records {recorded} audit entries but none is in the log: they were deleted.", subject=subject_text(entity, entity_id), recorded=row.seq)))
        elif entity in COMPARED:
            report.problems.extend(row_problems(entity, entity_id, row.values, {}, None))
    return report
