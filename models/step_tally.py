"""The dashboard's tally of steps missed and done late, per campaign and day.

Each case carries its own contribution in ``Inspection.step_marks``: a list of
``[measure, step, day, n]`` (``measure`` "missed" or "late", ``step`` "" for "any step"), computed
from its dates by ``workflow.deadlines.due_dates.step_marks``. The tally is the sum of every case's
marks, so "how many cases had missed the notice on day D" is the sum of ``n`` over the rows of
that step up to D: a few rows a day, whatever the number of cases.

The flush keeps it: when a case's marks change (or a case is added or removed), the difference is
added to the tally in the same transaction, whichever service wrote the case. Writers that bypass
the ORM (a bulk load) add their cases' marks themselves with :func:`adding`.
"""
from __future__ import annotations

from collections import Counter
from datetime import date
from functools import cache
from itertools import chain
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, PrimaryKeyConstraint, String, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from .base import Base
from .inspection import Inspection


class StepDayTally(Base):
    __tablename__ = "step_day_tally"
    __table_args__ = (PrimaryKeyConstraint("campaign_id", "measure", "step", "day"),)

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    measure: Mapped[str] = mapped_column(String(10))
    step: Mapped[str] = mapped_column(String(30))
    day: Mapped[date] = mapped_column(Date)
    n: Mapped[int] = mapped_column(Integer)


_TABLE = StepDayTally.__table__


@cache
def adding(dialect: str) -> Any:
    """The statement that adds rows of {campaign_id, measure, step, day, n} to the tally
    (executemany) on a dialect, built once (the dialects' modules load only when one is needed)."""
    from sqlalchemy.dialects import postgresql, sqlite

    statement = (postgresql if dialect == "postgresql" else sqlite).insert(_TABLE)
    return statement.on_conflict_do_update(index_elements=["campaign_id", "measure", "step", "day"],
                                           set_={"n": _TABLE.c.n + statement.excluded.n})


def tally_rows(marks: Counter) -> list[dict[str, Any]]:
    """{(campaign_id, measure, step, ISO day): n} → the rows :func:`adding`'s statement takes, in key order (so
    two writers lock the rows they share in the same order), the zero differences left out."""
    return [{"campaign_id": campaign_id, "measure": measure, "step": step, "day": date.fromisoformat(day), "n": n}
            for (campaign_id, measure, step, day), n in sorted(marks.items()) if n]


def add_marks(counted: Counter, campaign_id: int, marks: list | None, times: int = 1) -> None:
    """Add ``times`` a case's marks (``-1``: take them away) to a tally being summed."""
    for measure, step, day, n in marks or ():
        counted[(campaign_id, measure, step, day)] += times * n


@event.listens_for(Session, "after_flush")
def _count_changed_marks(session: Session, _context: Any) -> None:
    """Add to the tally what the cases just written changed in it (the session's lists and the
    attributes' history still show what the flush wrote)."""
    changed: Counter = Counter()
    for case in chain(session.new, session.dirty, session.deleted):
        if not isinstance(case, Inspection):
            continue
        if case in session.deleted:
            add_marks(changed, case.campaign_id, case.step_marks, -1)
            continue
        history = inspect(case).attrs.step_marks.history
        if history.has_changes():
            add_marks(changed, case.campaign_id, history.deleted[0] if history.deleted else None, -1)
            add_marks(changed, case.campaign_id, history.added[0] if history.added else None)
    if rows := tally_rows(changed):
        connection = session.connection()
        connection.execute(adding(connection.dialect.name), rows)
