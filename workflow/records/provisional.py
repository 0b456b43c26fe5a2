"""Blobs on probation: a file is written to the store before the change that records it commits
(so a committed row never points at a missing file), and a change refused after its file was
stored — a role that may not attach, a case closed meanwhile, a guard — would leave the file
behind until the daily cleanup. Inside :func:`provisional_uploads` (each web request and each
command holds one) the blobs the store writes are noted, and those no row records when the
block ends are removed at once. A blob another upload of the same bytes touched meanwhile (its
time changed) is left to that one. Light on imports: the command line opens a block for every
command."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_written: ContextVar[list[tuple[Path, int]] | None] = ContextVar("written_blobs", default=None)


def note_written(path: Path) -> None:
    """Called by the store for a blob it has just written (not one it found there already)."""
    written = _written.get()
    if written is not None:
        written.append((path, path.stat().st_mtime_ns))


@contextmanager
def provisional_uploads(new_session: Callable[[], "Session"]) -> Iterator[None]:
    """The block; ``new_session`` (a context manager of a new session) is called at its end, and
    only if a blob was written."""
    written: list[tuple[Path, int]] = []
    token = _written.set(written)
    try:
        yield
    finally:
        _written.reset(token)
        if written:
            _discard_unrecorded(written, new_session)


def _discard_unrecorded(written: list[tuple[Path, int]], new_session: Callable[[], "Session"]) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from workflow.records.files import referenced_blobs

    try:
        with new_session() as session:
            recorded = referenced_blobs(session, [path.name for path, _ in written])
    except SQLAlchemyError:  # the database is gone: FileStore.cleanup_orphans removes them later
        return
    for path, written_at in written:
        try:
            if path.name not in recorded and path.stat().st_mtime_ns == written_at:
                path.unlink()
        except FileNotFoundError:
            pass
