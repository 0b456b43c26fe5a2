"""Reviewing a unit's report against the outline, section by section (B.1–B.8 for offices,
B.1–B.9 for communes): what was achieved, the shortcomings and their causes, and the outline's
items the report leaves out. Self-inspection reports are reviewed the same way."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import Inspection, Outline, OutlineItem, OutlineSection, SectionReview, Unit
from vocabulary.i18n import _
from workflow.casefile.case_edits import case_change
from workflow.errors import BadData, GuardRefused
from workflow.people.permissions import Actor

MAX_TEXT = 20_000


def reviewable_sections(session: Session, inspection: Inspection) -> list[OutlineSection]:
    """The B-sections of the outline for the case's kind of unit, in the outline's order."""
    unit_kind = select(Unit.kind).where(Unit.id == inspection.unit_id).scalar_subquery()
    query = (
        select(OutlineSection)
        .join(Outline, OutlineSection.outline_id == Outline.id)
        .where(Outline.campaign_id == inspection.campaign_id, Outline.unit_kind == unit_kind, OutlineSection.code.like("B.%"))
        .options(selectinload(OutlineSection.items))
        .order_by(OutlineSection.position)
    )
    return list(session.scalars(query))


@dataclass(frozen=True)
class SectionSheet:
    """One section as the review form, the minutes and the conclusion show it."""

    section: OutlineSection
    review: SectionReview | None

    @property
    def missing(self) -> list[OutlineItem]:
        ids = set(self.review.missing_items) if self.review else set()
        return [item for item in self.section.items if item.id in ids]


def review_sheet(session: Session, inspection: Inspection) -> list[SectionSheet]:
    reviews = {r.section_code: r for r in session.scalars(select(SectionReview).where(SectionReview.inspection_id == inspection.id))}
    return [SectionSheet(section, reviews.get(section.code)) for section in reviewable_sections(session, inspection)]


def _text(value: str | None, field: str, label) -> str | None:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise BadData(_("{label}: is too long (at most {max_length} characters)", label=label, max_length=MAX_TEXT), field=field)
    return value or None


def _values(review: SectionReview) -> dict[str, Any]:
    return {"achieved": review.achieved, "shortcomings": review.shortcomings, "causes": review.causes, "missing_items": list(review.missing_items or [])}


def review_section(
    session: Session,
    inspection_id: int,
    section_code: str,
    *,
    achieved: str | None,
    shortcomings: str | None,
    causes: str | None = None,
    missing_items: Iterable[int] = (),
    actor: Actor,
    now: datetime,
    expected_version: int | None = None,
) -> SectionReview:
    """Record (or correct) the team's review of one outline section of the unit's report.

    ``missing_items`` are ids of the section's outline items the report does not cover."""
    achieved = _text(achieved, "achieved", _("Results achieved"))
    shortcomings = _text(shortcomings, "shortcomings", _("Shortcomings"))
    causes = _text(causes, "causes", _("Causes"))
    missing = sorted(set(missing_items))
    with case_change(session, inspection_id, "review_section", actor, now, expected_version) as change:
        inspection: Inspection = change.subject
        if inspection.received_date is None:
            raise GuardRefused(_("The unit's report has not been received yet: record it first, then review it."))
        sections = {section.code: section for section in reviewable_sections(session, inspection)}
        section = sections.get((section_code or "").strip())
        if section is None:
            raise BadData(_("Outline section: \u201c{section}\u201d is not a section of this unit's outline ({codes}).", section=section_code, codes=", ".join(sections)), field="section")
        unknown = [str(item) for item in missing if item not in {i.id for i in section.items}]
        if unknown:
            raise BadData(_("Items missing from the report: {items} are not items of section {section}.", items=", ".join(unknown), section=section.code), field="missing_items")
        review = session.scalar(select(SectionReview).where(SectionReview.inspection_id == inspection.id, SectionReview.section_code == section.code))
        old = _values(review) if review else None
        if review is None:
            review = SectionReview(inspection_id=inspection.id, section_code=section.code)
            session.add(review)
        review.achieved, review.shortcomings, review.causes, review.missing_items = achieved, shortcomings, causes, missing
        review.reviewed_by, review.reviewed_at = actor.name, now
        change.data = {"section": section.code, "old": old, "new": _values(review)}
    return review
