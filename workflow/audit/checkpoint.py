"""Checkpoints: the heads of every chain, folded into one digest, signed, kept in the log itself
and outside the database.

A chain can prove it was not edited in place, its seals that no entry was written without the
key, and its row that it was not changed without an entry — but not that its last entries were
not deleted with its row and head put back as they were before them. A checkpoint records each
chain's length and last hash as they were when it was made; its ``root`` is a chained digest over
those heads in order, its ``previous`` the root of the checkpoint before, and an HMAC-SHA256
signature with the audit key (not in the database) covers them.

Each checkpoint is two things written together:

* an entry of the log's own chain (``log`` #0, trigger ``checkpoint``), sealed like every entry,
  holding the checkpoint's number, time, root, previous root, signature and the heads that moved
  since the checkpoint before (all of them are those entries' heads added up), so the log carries
  its own checkpoints and their order: one removed from the middle breaks the chain, and each
  must be numbered one above the one before and name its root;
* a file in the checkpoint directory, the same checkpoint with every head, mailed to the auditors
  daily. A file missing for a checkpoint the log holds, or a file numbered beyond the log's last
  checkpoint (the log's checkpoint entries deleted), is named.

:func:`verify_log` checks the log against the log's latest checkpoint, the latest file and, when
given, a copy an auditor kept: every chain they recorded must still be there, at least as long,
with the same hash at the recorded position. The case or user whose history was removed, rolled
back or rewritten is named. What someone with the database and the checkpoint directory, but
without the key, can still do — delete the log's latest checkpoints and their files together —
shows against the copies in the auditors' mail (``audit verify --against``).

A checkpoint is only made of a log that verifies, so a forgery is never blessed by the next one.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from models import AuditEntry
from models.db import is_conflict, write_transaction
from vocabulary.i18n import _
from workflow.audit.chain import LOG_ENTITY, ChainKey, VerifyReport, append, canonical_json, is_genuine, log_chain, verify
from workflow.audit.problems import AuditProblem, subject_text
from workflow.audit.seal import audit_key

FORMAT = "cchc-audit-checkpoint/1"
CHECKPOINT_TRIGGER = "checkpoint"
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

    def logged(self, moved: dict[ChainKey, tuple[int, str]]) -> dict[str, Any]:
        """The checkpoint's entry in the log: all but the heads that did not move since the one before."""
        return {"number": self.number, "made_at": self.made_at.isoformat(), "chains": len(self.heads), "entries": self.entries,
                "root": self.root, "previous": self.previous, "signature": self.signature,
                "heads": {chain_name(key): [seq, head] for key, (seq, head) in sorted(moved.items())}}

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

    def numbers(self) -> set[int]:
        return {int(_FILE.fullmatch(path.name).group(1)) for path in self.files()}  # type: ignore[union-attr]

    def latest(self) -> Checkpoint | None:
        files = self.files()
        return Checkpoint.from_json(files[-1].read_text(encoding="utf-8")) if files else None

    @contextmanager
    def staged(self, checkpoint: Checkpoint) -> Iterator[Callable[[], Path]]:
        """The file written whole to a temporary name and fsync'ed; the block publishes it under
        its own name (a hard link: never overwrites one) by calling what it is given, or leaves
        nothing when it does not."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"checkpoint-{checkpoint.number:08d}.json"
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write(checkpoint.to_json())
            handle.flush()
            os.fsync(handle.fileno())

        def publish() -> Path:
            os.link(temporary, path)
            return path

        try:
            yield publish
        finally:
            temporary.unlink()


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
        elif report.hashes_at.get((key, seq)) != head:
            problems.append(AuditProblem(_("The history of {subject} was rewritten: entry no. {seq} is not the one checkpoint no. {number} ({made_at}) recorded.", subject=subject, seq=seq, **where)))
    return problems


@dataclass
class LoggedCheckpoints:
    """The checkpoints of the log's own chain: the latest with every head, each one's signature."""

    latest: Checkpoint | None = None
    signatures: dict[int, str] = field(default_factory=dict)
    problems: list[AuditProblem] = field(default_factory=list)


def logged_checkpoints(session: Session, key: bytes) -> LoggedCheckpoints:
    """Read the checkpoint entries in order, adding up their heads. An entry that is not genuine
    (hash or seal) is left out here: :func:`verify` names it."""
    logged = LoggedCheckpoints()
    heads: dict[ChainKey, tuple[int, str]] = {}
    entries = session.execute(select(AuditEntry).where(AuditEntry.entity == LOG_ENTITY, AuditEntry.trigger == CHECKPOINT_TRIGGER)
                              .order_by(AuditEntry.seq).execution_options(yield_per=100)).scalars()
    latest: Checkpoint | None = None
    for entry in entries:
        if not is_genuine(entry, key):
            continue
        data = json.loads(entry.data_json)
        heads.update({_chain_key(name): (int(seq), str(head)) for name, (seq, head) in data["heads"].items()})
        checkpoint = Checkpoint(int(data["number"]), datetime.fromisoformat(data["made_at"]), {}, int(data["entries"]),
                                str(data["root"]), data.get("previous"), str(data["signature"]))
        if latest is not None and (checkpoint.number != latest.number + 1 or checkpoint.previous != latest.root):
            logged.problems.append(AuditProblem(_("Checkpoint no. {number} in the log does not follow checkpoint no. {before}: checkpoints were removed, or the numbering restarted.",
                                                  number=checkpoint.number, before=latest.number), entry.id))
        logged.signatures[checkpoint.number] = checkpoint.signature
        latest = checkpoint
    if latest is not None:
        logged.latest = replace(latest, heads=heads)
        if fold(heads) != latest.root:
            logged.problems.append(AuditProblem(_("The heads the log's checkpoint entries record do not add up to checkpoint no. {number}: a checkpoint entry was removed.", number=latest.number)))
    return logged


def _ranges(numbers: list[int]) -> str:
    """1, 2, 3, 5 → "1–3, 5"."""
    spans: list[list[int]] = []
    for number in sorted(numbers):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


def _file_problems(store: CheckpointStore, logged: LoggedCheckpoints) -> list[AuditProblem]:
    """The checkpoint files against the checkpoints of the log (files numbered below the log's
    first checkpoint were made before the log held them)."""
    if logged.latest is None:
        return []
    problems = []
    directory = str(store.directory)
    numbers = store.numbers()
    missing = [number for number in logged.signatures if number not in numbers]
    if missing:
        problems.append(AuditProblem(_("Checkpoint files no. {numbers} that the log records are missing from {directory}: they were deleted.", numbers=_ranges(missing), directory=directory)))
    beyond = [number for number in numbers if number > logged.latest.number]
    if beyond:
        problems.append(AuditProblem(_("Checkpoint files no. {numbers} in {directory} are not in the log: its checkpoint entries were deleted.", numbers=_ranges(beyond), directory=directory)))
    return problems


def _against_copy(report: VerifyReport, checkpoint: Checkpoint, key: bytes, logged: LoggedCheckpoints) -> list[AuditProblem]:
    """The log against a checkpoint from a file (the latest one, or a copy an auditor kept)."""
    if not checkpoint.signed_by(key):
        return [AuditProblem(_("Checkpoint no. {number} is not signed with this installation's key, or was altered: it proves nothing.", number=checkpoint.number))]
    in_log = logged.signatures.get(checkpoint.number)
    if in_log == checkpoint.signature and logged.latest is not None and logged.latest.number == checkpoint.number:
        return []  # the log's own latest checkpoint: compared already
    problems = _compare(report, checkpoint)
    if in_log is not None and in_log != checkpoint.signature:
        problems.append(AuditProblem(_("The log's checkpoint no. {number} is not the one this copy shows: the log's checkpoints were replaced.", number=checkpoint.number)))
    elif in_log is None and (LOG_ENTITY, 0) in checkpoint.heads:  # made since the log holds its checkpoints
        problems.append(AuditProblem(_("Checkpoint no. {number} is not in the log: the log's checkpoint entries were deleted, or it restarted its numbering.", number=checkpoint.number)))
    return problems


def _verify(session: Session, store: CheckpointStore, kept: Checkpoint | None) -> tuple[VerifyReport, LoggedCheckpoints, Checkpoint | None]:
    key = audit_key(session)
    logged = logged_checkpoints(session, key)
    latest_file, unreadable = latest_or_problem(store)
    positions: dict[ChainKey, set[int]] = {}
    for checkpoint in (logged.latest, latest_file, kept):
        for chain, (seq, _head) in (checkpoint.heads.items() if checkpoint is not None else ()):
            positions.setdefault(chain, set()).add(seq)
    report = verify(session, positions=positions, key=key)
    report.checkpoint = logged.latest or latest_file
    report.problems.extend(logged.problems)
    if unreadable is not None:
        report.problems.append(unreadable)
    if logged.latest is not None:
        report.problems.extend(_compare(report, logged.latest))
    report.problems.extend(_file_problems(store, logged))
    for checkpoint in (latest_file, kept):
        if checkpoint is not None:
            report.problems.extend(_against_copy(report, checkpoint, store.key, logged))
    return report, logged, latest_file


def verify_log(session: Session, store: CheckpointStore, kept: Checkpoint | None = None) -> VerifyReport:
    """:func:`verify`, then the log against its latest checkpoint, the checkpoint files, and
    ``kept`` (a copy an auditor kept) when given."""
    return _verify(session, store, kept)[0]


@dataclass
class CheckpointResult:
    report: VerifyReport
    checkpoint: Checkpoint | None = None
    path: Path | None = None


def latest_or_problem(store: CheckpointStore) -> tuple[Checkpoint | None, AuditProblem | None]:
    """The latest checkpoint file, or the problem that it cannot be read."""
    try:
        return store.latest(), None
    except (OSError, ValueError, UnicodeDecodeError):
        return None, AuditProblem(_("The latest checkpoint file in {directory} cannot be read: it was damaged or replaced.", directory=str(store.directory)))


def make_checkpoint(session: Session, store: CheckpointStore, now: datetime) -> CheckpointResult:
    """Verify the log and, when it holds, add the next checkpoint to the log and publish its file."""
    report, logged, latest_file = _verify(session, store, None)
    session.rollback()
    if not report.ok:
        return CheckpointResult(report)
    previous = logged.latest or latest_file  # the files alone before the log held checkpoints
    recorded = logged.latest.heads if logged.latest is not None else {}
    checkpoint = Checkpoint(
        number=previous.number + 1 if previous else 1,
        made_at=now.astimezone(timezone.utc),
        heads=dict(report.heads),
        entries=report.entries,
        root=fold(report.heads),
        previous=previous.root if previous else None,
    ).sign(store.key)
    moved = {key: head for key, head in report.heads.items() if recorded.get(key) != head}
    try:
        # The file is ready before the entry is committed and appears right after it: a crash in
        # between (a link's time) leaves the entry without its file, which verify names.
        with store.staged(checkpoint) as publish:
            with write_transaction(session):
                append(session, log_chain(session), at=checkpoint.made_at, actor="system", trigger=CHECKPOINT_TRIGGER,
                       data=checkpoint.logged(moved))
            path = publish()
    except (FileExistsError, DBAPIError) as error:
        if isinstance(error, DBAPIError) and not is_conflict(error):
            raise
        # another process took this number, or the log's next entry, meanwhile: its checkpoint stands
        report.problems.append(AuditProblem(_("Checkpoint no. {number} was written by another process at the same moment; run again.", number=checkpoint.number)))
        return CheckpointResult(report)
    return CheckpointResult(report, checkpoint, path)
