"""Checkpoints: the heads of every chain, folded into one digest, signed, kept outside the database.

A chain can prove it was not edited in place, but not that it was not deleted whole, rolled back
with its head, or rewritten with every hash after the change recomputed — whoever can write the
database can do all three. A checkpoint records each chain's length and last hash as they were
when it was made; its ``root`` is a chained digest over those heads in order, its ``previous`` the
root of the checkpoint before, and an HMAC-SHA256 signature with a key that is not in the database
(``AUDIT_KEY`` or ``AUDIT_KEY_FILE``) covers them. It is written to a file in the checkpoint
directory (beside the backups) at every sweep and on demand, and mailed to the auditors daily.

:func:`verify_against` then checks the log against a checkpoint: every chain it recorded must
still be there, at least as long, with the same hash at the recorded position. The case or user
whose history was removed, rolled back or rewritten is named.

A checkpoint is only made of a log that verifies — against its own chains and against the latest
checkpoint — so a forgery is never blessed by the next checkpoint.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.orm import Session

from vocabulary.i18n import _
from workflow.audit.chain import AuditProblem, ChainKey, VerifyReport, canonical_json, subject_text, verify

FORMAT = "cchc-audit-checkpoint/1"
_FILE = re.compile(r"checkpoint-(\d{8})\.json")


def chain_name(key: ChainKey) -> str:
    return f"{key[0]}:{key[1]}"


def _chain_key(name: str) -> ChainKey:
    entity, _sep, number = name.partition(":")
    return entity, int(number)


def fold(heads: dict[ChainKey, tuple[int, str]]) -> str:
    """The chained digest of the heads, in (entity, id) order: each step hashes the digest so far
    with one chain's name, length and last hash."""
    digest = hashlib.sha256(FORMAT.encode()).hexdigest()
    for key in sorted(heads):
        seq, head = heads[key]
        digest = hashlib.sha256(f"{digest}|{chain_name(key)}|{seq}|{head}".encode()).hexdigest()
    return digest


@dataclass(frozen=True)
class Checkpoint:
    number: int
    made_at: datetime
    heads: dict[ChainKey, tuple[int, str]]
    entries: int
    root: str
    previous: str | None
    signature: str = ""

    def signed_part(self) -> str:
        return canonical_json({"format": FORMAT, "number": self.number, "made_at": self.made_at.isoformat(),
                               "chains": len(self.heads), "entries": self.entries, "root": self.root,
                               "previous": self.previous})

    def sign(self, key: bytes) -> "Checkpoint":
        signature = hmac.new(key, self.signed_part().encode(), hashlib.sha256).hexdigest()
        return Checkpoint(self.number, self.made_at, self.heads, self.entries, self.root, self.previous, signature)

    def signed_by(self, key: bytes) -> bool:
        expected = hmac.new(key, self.signed_part().encode(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.signature) and fold(self.heads) == self.root

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT, "number": self.number, "made_at": self.made_at.isoformat(), "chains": len(self.heads),
            "entries": self.entries, "root": self.root, "previous": self.previous, "signature": self.signature,
            "heads": {chain_name(key): [seq, head] for key, (seq, head) in sorted(self.heads.items())},
        }, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "Checkpoint":
        """Raises ValueError for anything that is not a checkpoint of this format."""
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT:
                raise ValueError("not a checkpoint")
            heads = {_chain_key(name): (int(seq), str(head)) for name, (seq, head) in data["heads"].items()}
            return cls(int(data["number"]), datetime.fromisoformat(data["made_at"]), heads, int(data["entries"]),
                       str(data["root"]), data.get("previous"), str(data["signature"]))
        except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as error:
            raise ValueError(f"not a checkpoint: {error}") from None


class CheckpointStore:
    """The checkpoint files of one installation (``AUDIT_CHECKPOINT_DIR``) and its signing key."""

    def __init__(self, directory: Path, key: bytes):
        self.directory = Path(directory)
        self.key = key

    def files(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return sorted(path for path in self.directory.iterdir() if _FILE.fullmatch(path.name))

    def latest(self) -> Checkpoint | None:
        files = self.files()
        return Checkpoint.from_json(files[-1].read_text(encoding="utf-8")) if files else None

    def write(self, checkpoint: Checkpoint) -> Path:
        """Written whole (a temporary file renamed), fsync'ed; never overwrites one."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"checkpoint-{checkpoint.number:08d}.json"
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write(checkpoint.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        finally:
            temporary.unlink()
        return path


def _compare(report: VerifyReport, checkpoint: Checkpoint) -> list[AuditProblem]:
    where = dict(number=checkpoint.number, made_at=checkpoint.made_at)
    problems = []
    for key, (seq, head) in sorted(checkpoint.heads.items()):
        subject = subject_text(*key)
        found = report.heads.get(key)
        if found is None:
            problems.append(AuditProblem(_("The history of {subject} was removed: checkpoint no. {number} ({made_at}) recorded {seq} entries, the log has none.", subject=subject, seq=seq, **where)))
        elif found[0] < seq:
            problems.append(AuditProblem(_("The history of {subject} was rolled back: checkpoint no. {number} ({made_at}) recorded {seq} entries, the log has {found}.", subject=subject, seq=seq, found=found[0], **where)))
        elif report.hashes_at.get(key) != head:
            problems.append(AuditProblem(_("The history of {subject} was rewritten: entry no. {seq} is not the one checkpoint no. {number} ({made_at}) recorded.", subject=subject, seq=seq, **where)))
    return problems


def verify_against(session: Session, checkpoint: Checkpoint | None, key: bytes | None) -> VerifyReport:
    """:func:`verify`, then the log against ``checkpoint`` (its signature checked with ``key``
    when one is given)."""
    if checkpoint is None:
        return verify(session)
    report = verify(session, positions={chain: seq for chain, (seq, _head) in checkpoint.heads.items()})
    if key is not None and not checkpoint.signed_by(key):
        report.problems.append(AuditProblem(_("Checkpoint no. {number} is not signed with this installation's key, or was altered: it proves nothing.", number=checkpoint.number)))
        return report
    report.problems.extend(_compare(report, checkpoint))
    return report


@dataclass
class CheckpointResult:
    report: VerifyReport
    checkpoint: Checkpoint | None = None
    path: Path | None = None


def latest_or_problem(store: CheckpointStore) -> tuple[Checkpoint | None, AuditProblem | None]:
    """The latest checkpoint, or the problem that it cannot be read."""
    try:
        return store.latest(), None
    except (OSError, ValueError, UnicodeDecodeError):
        return None, AuditProblem(_("The latest checkpoint file in {directory} cannot be read: it was damaged or replaced.", directory=str(store.directory)))


def make_checkpoint(session: Session, store: CheckpointStore, now: datetime) -> CheckpointResult:
    """Verify the log against the latest checkpoint and, when it holds, write the next one."""
    previous, unreadable = latest_or_problem(store)
    report = verify_against(session, previous, store.key)
    if unreadable is not None:
        report.problems.append(unreadable)
    session.rollback()
    if not report.ok:
        return CheckpointResult(report)
    checkpoint = Checkpoint(
        number=(previous.number + 1) if previous else 1 + len(store.files()),
        made_at=now.astimezone(timezone.utc),
        heads=dict(report.heads),
        entries=report.entries,
        root=fold(report.heads),
        previous=previous.root if previous else None,
    ).sign(store.key)
    try:
        return CheckpointResult(report, checkpoint, store.write(checkpoint))
    except FileExistsError:  # another process wrote this number meanwhile: its checkpoint stands
        report.problems.append(AuditProblem(_("Checkpoint no. {number} was written by another process at the same moment; run again.", number=checkpoint.number)))
        return CheckpointResult(report)
