"""Campaign documents of a large campaign, drawn up in the background.

A summary of 40,000 cases takes longer than a web request may (gunicorn's 30 s), so above
:data:`BACKGROUND_FROM` cases the admin asks for it here: a ``render_job`` row is written at
once, a worker (a thread of the web process, started by the entry point) runs
:func:`run_render_job`, and the page polls the row. The row is the state, so every web worker
shows the same progress; the document itself is made by ``rendering.render_document`` like any
other, in its one transaction, and registered as an attachment of the campaign.

Progress is told at the steps the worker can write without holding the document's transaction
open: queued (0 %), started with the cases counted (10 %), done (100 %) or failed with the
reason. On SQLite nothing else may write while the document's transaction holds the write lock,
so there is no finer figure in between.

A worker that dies with its process leaves a row ``running``; after :data:`STALE_AFTER` it is
shown as interrupted, and asking again starts a new one.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Inspection, RenderJob
from models.db import Database, write_transaction
from vocabulary.config import local_date
from vocabulary.i18n import N_, _, gettext
from workflow.errors import WorkflowError
from workflow.people.permissions import Actor
from workflow.records.files import FileStore

from .rendering import DOCUMENT_KINDS, PdfConverter, document_spec, render_document

# From this many cases a campaign document is drawn up in the background (bench/documents.py:
# about 2 s of work at 1,000 cases on a quiet machine, so a request stays well inside 30 s).
BACKGROUND_FROM = 1000
STALE_AFTER = timedelta(minutes=30)
RECENT = 5  # jobs shown on the page
STATUS_LABELS = {
    "queued": N_("Waiting to start"),
    "running": N_("Being drawn up"),
    "done": N_("Ready to download"),
    "failed": N_("Could not be drawn up"),
}
CAMPAIGN_KINDS = {kind: spec for kind, spec in DOCUMENT_KINDS.items() if spec.scope == "campaign"}
INTERRUPTED = N_("Interrupted (the server stopped while drawing it up); ask for it again.")
UNEXPECTED = N_("Unexpected error ({kind}); nothing was kept. Try again; if it happens again, tell the administrator.")


def case_count(session: Session, campaign_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Inspection).where(Inspection.campaign_id == campaign_id)) or 0


def request_render(session: Session, kind: str, *, campaign_id: int, actor: Actor, now: datetime,
                   number: str | None = None, number_reason: str | None = None, doc_date: date | None = None,
                   format: str = "docx") -> RenderJob:
    """Queue campaign document ``kind``: the checks that need no work are made now (the worker
    makes them all again), so a refusal is shown at once."""
    document_spec(kind, format, actor, CAMPAIGN_KINDS)
    with write_transaction(session):
        job = RenderJob(
            campaign_id=campaign_id, kind=kind, status="queued", progress=0, cases=0, requested_at=now,
            options={"number": number, "number_reason": number_reason, "format": format,
                     "doc_date": (doc_date or local_date(now)).isoformat()},
            actor={"name": actor.name, "role": actor.role, "user_id": actor.user_id, "unit_id": actor.unit_id},
        )
        session.add(job)
    return job


def _update(database: Database, job_id: int, **values: object) -> None:
    with database.session() as session, write_transaction(session):
        job = session.get(RenderJob, job_id)
        for name, value in values.items():
            setattr(job, name, value)


def run_render_job(database: Database, store: FileStore, job_id: int, *, clock: Callable[[], datetime],
                   pdf: PdfConverter | None = None) -> None:
    """Draw up the job's document and record how it ended; never raises (it runs in a worker)."""
    with database.session() as session:
        job = session.get(RenderJob, job_id)
        kind, campaign_id, options, actor = job.kind, job.campaign_id, dict(job.options), Actor(**job.actor)
        cases = case_count(session, campaign_id)
    _update(database, job_id, status="running", started_at=clock(), cases=cases, progress=10)
    try:
        with database.session() as session:
            attachment = render_document(
                session, store, kind, actor=actor, now=clock(), campaign_id=campaign_id, number=options["number"],
                number_reason=options["number_reason"], doc_date=date.fromisoformat(options["doc_date"]),
                format=options["format"], pdf=pdf,
            )
            attachment_id = attachment.id
    except WorkflowError as error:
        _update(database, job_id, status="failed", message=str(error), finished_at=clock())
    except Exception as error:  # a worker has no one to raise to: the reason goes to the row, the stack to the log
        logging.getLogger("cchc.render_jobs").exception("render job %s failed", job_id)
        _update(database, job_id, status="failed", message=str(_(UNEXPECTED, kind=type(error).__name__)), finished_at=clock())
    else:
        _update(database, job_id, status="done", progress=100, attachment_id=attachment_id, finished_at=clock())


def is_interrupted(job: RenderJob, now: datetime) -> bool:
    return job.status in ("queued", "running") and now - job.requested_at > STALE_AFTER


def recent_jobs(session: Session, campaign_id: int) -> list[RenderJob]:
    """The campaign's latest background documents, newest first."""
    return list(session.scalars(select(RenderJob).where(RenderJob.campaign_id == campaign_id)
                                .order_by(RenderJob.id.desc()).limit(RECENT)))


def job_state(job: RenderJob, now: datetime) -> dict[str, object]:
    """What the page shows of a job (and its script polls)."""
    interrupted = is_interrupted(job, now)
    status = "failed" if interrupted else job.status
    return {
        "id": job.id, "kind": job.kind, "document": gettext(DOCUMENT_KINDS[job.kind].label), "status": status,
        "status_label": gettext(STATUS_LABELS[status]), "progress": job.progress if not interrupted else 0,
        "cases": job.cases, "message": gettext(INTERRUPTED) if interrupted else job.message,
        "attachment_id": job.attachment_id, "active": status in ("queued", "running"),
    }
