"""Cases stored before the dashboard's day tally existed (revision 0014) carry no step marks; the
dashboard counts them one by one until they are counted into the tally, here or by their next
change."""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models import Inspection
from models.db import Database, write_transaction
from workflow.deadlines.due_dates import step_marks

BATCH = 2_000


def count_uncounted(database: Database, batch: int = BATCH) -> Iterator[tuple[int, int]]:
    """Give every uncounted case its marks (which the flush adds to the tally), a batch per
    transaction; yields (cases counted so far, cases to count)."""
    uncounted = Inspection.step_marks.is_(None)
    with database.session() as session:
        total = session.scalar(select(func.count()).select_from(Inspection).where(uncounted)) or 0
    done = 0
    while done < total:
        with database.session() as session, write_transaction(session):
            cases = _batch(session, batch)
            if not cases:
                break
            for case in cases:
                case.step_marks = step_marks(case, case.campaign)
        done += len(cases)
        yield done, total


def _batch(session: Session, size: int) -> list[Inspection]:
    return list(session.scalars(select(Inspection).where(Inspection.step_marks.is_(None)).order_by(Inspection.id)
                                .options(selectinload(Inspection.campaign)).limit(size).with_for_update(of=Inspection)))
