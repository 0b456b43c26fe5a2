"""Reading cases the way every entry point shows them (CLI ``--json``, API, admin)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session, joinedload, selectinload

from models import DUE_DATE_FIELDS, Campaign, Inspection, Unit
from vocabulary.i18n import N_, Text, _
from vocabulary.search import fold, like_pattern
from vocabulary.states import Kind, State, UnitKind
from workflow.deadlines.due_dates import late_steps, next_due
from workflow.errors import BadData
from workflow.people.permissions import Actor


def cases_query(actor: Actor, *, state: str | None = None, kind: str | None = None,
                unit_kind: str | None = None, campaign: str | None = None, search: str | None = None) -> Select[tuple[Inspection]]:
    # Filters as conditions on the case's own indexed columns (no join): counting a page's total
    # then reads one index.
    query = (
        select(Inspection)
        .options(joinedload(Inspection.unit), joinedload(Inspection.campaign), selectinload(Inspection.findings))
        .order_by(Inspection.id)
    )
    if actor.role == "unit":
        query = query.where(Inspection.unit_id == actor.unit_id)
    if state:
        query = query.where(Inspection.state == _one_of(State, state, "state", N_("State")))
    if kind:
        query = query.where(Inspection.kind == _one_of(Kind, kind, "kind", N_("Kind")))
    if unit_kind:
        query = query.where(Inspection.unit_id.in_(
            select(Unit.id).where(Unit.kind == _one_of(UnitKind, unit_kind, "unit_kind", N_("Unit type")))))
    if campaign:
        query = query.where(Inspection.campaign_id == select(Campaign.id).where(Campaign.code == campaign).scalar_subquery())
    if search and (matches := unit_name_matches(search)) is not None:
        query = query.where(matches)
    return query


def unit_name_matches(text: str) -> ColumnElement[bool] | None:
    """Cases whose unit's name contains ``text``, diacritics and case ignored ("tan ky" finds
    "Tân Kỳ", "dai son" finds "Đại Sơn"), compared on the folded name; None for an empty search."""
    if not fold(text):
        return None
    return Inspection.unit_name_folded.like(like_pattern(text), escape="\\")


def _one_of(vocabulary: type[StrEnum], value: str, field: str, label: str) -> str:
    """A filter's value, or BadData naming the filter and what it may be."""
    try:
        return vocabulary(value).value
    except ValueError:
        raise BadData(_("{label}: \u201c{value}\u201d is not one of {choices}.", label=Text(label), value=value,
                        choices=", ".join(member.value for member in vocabulary)), field=field) from None


def list_cases(session: Session, actor: Actor, **filters: Any) -> list[Inspection]:
    return list(session.scalars(cases_query(actor, **filters)).unique())


def stream_summaries(session: Session, actor: Actor, *, batch: int = 500, **filters: Any) -> Iterator[dict[str, Any]]:
    """:func:`case_summary` of every case the filters select, read ``batch`` cases at a time by
    id (keyset), each batch let go of before the next: memory stays flat whatever the number."""
    query, last = cases_query(actor, **filters), 0
    while True:
        cases = session.scalars(query.where(Inspection.id > last).limit(batch)).unique().all()
        if not cases:
            return
        summaries = [case_summary(case) for case in cases]
        last = cases[-1].id
        session.expunge_all()
        yield from summaries


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def case_summary(inspection: Inspection) -> dict[str, Any]:
    """The stable JSON shape of a case (``inspections list --json``, ``GET /api/v1/inspections``)."""
    waiting = next_due(inspection)
    return {
        "id": inspection.id,
        "campaign": inspection.campaign.code,
        "unit": inspection.unit_name,
        "unit_id": inspection.unit_id,
        "unit_kind": inspection.unit.kind,
        "kind": inspection.kind,
        "state": inspection.state,
        "state_label": State(inspection.state).label,
        "version": inspection.version,
        "visit_date": _iso(inspection.visit_date),
        "visit_time": inspection.visit_time.strftime("%H:%M") if inspection.visit_time else None,
        "notice_number": inspection.notice_number,
        "notice_date": _iso(inspection.notice_date),
        "received_date": _iso(inspection.received_date),
        "visited_date": _iso(inspection.visited_date),
        "minutes_date": _iso(inspection.minutes_date),
        "conclusion_date": _iso(inspection.conclusion_date),
        "closed_date": _iso(inspection.closed_date),
        **{name: _iso(getattr(inspection, name)) for name in DUE_DATE_FIELDS},
        "next_due": {"what": waiting[0], "date": _iso(waiting[1])} if waiting else None,
        "late": late_steps(inspection, inspection.campaign),
        "findings": len(inspection.findings),
        "reinspection_of": inspection.reinspection_of_id,
    }
