"""The team's record of an inspection ("Ghi nhận kết quả kiểm tra"), section by section of the
outline (B.1–B.8 for offices, B.1–B.9 for communes): what was achieved, the shortcomings and their
causes, and — when the unit sent a report — the outline's items the report leaves out; then the
team's overall assessment and the unit's opinion, which close the minutes.

The record is open once there is something to record: the unit's report received (a
self-inspection's report is reviewed the same way), or the team on site (a surprise inspection
has no report). Where the report was reviewed before the visit, the same rows are the record."""
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
# The closing parts of the minutes, recorded with the sections (not through the correction form).
CLOSING_PARTS = ("team_assessment", "unit_opinion")


def may_record(inspection: Inspection) -> bool:
    """There is something to record: the unit's report, or the visit."""
    return inspection.received_date is not None or inspection.visited_date is not None


def has_report(inspection: Inspection) -> bool:
    """The unit sent a report: the outline's items it leaves out may be ticked."""
    return inspection.received_date is not None


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
    """Record (or correct) what the team found for one outline section, on the unit's report or on
    site. ``missing_items`` are ids of the section's outline items the unit's report does not
    cover (only when there is a report)."""
    achieved = _text(achieved, "achieved", _("Results achieved"))
    shortcomings = _text(shortcomings, "shortcomings", _("Shortcomings"))
    causes = _text(causes, "causes", _("Causes"))
    missing = sorted(set(missing_items))
    with case_change(session, inspection_id, "review_section", actor, now, expected_version) as change:
        inspection: Inspection = change.subject
        if not may_record(inspection):
            raise GuardRefused(_("Nothing to record yet: the unit's report has not been received and the on-site inspection is not recorded; record either first."))
        if missing and not has_report(inspection):
            raise BadData(_("Items missing from the report: this case has no report of the unit; tick them only on a report received."), field="missing_items")
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


def record_closing(session: Session, inspection_id: int, *, actor: Actor, now: datetime, expected_version: int | None = None,
                   **values: str | None) -> Inspection:
    """Record the team's overall assessment and the unit's opinion (the minutes' parts III and IV):
    ``team_assessment=…``, ``unit_opinion=…``; only the keys given change (an empty text clears
    one), audited old → new. Open from the visit on."""
    unknown = sorted(set(values) - set(CLOSING_PARTS))
    if unknown:
        raise BadData(_("{label}: {reason}", label=", ".join(unknown), reason=_("is not a field of this action")), field=unknown[0])
    labels = {"team_assessment": _("The team's general assessment"), "unit_opinion": _("The unit's opinion")}
    given = {name: _text(value, name, labels[name]) for name, value in values.items()}
    with case_change(session, inspection_id, "record_results", actor, now, expected_version) as change:
        inspection: Inspection = change.subject
        if inspection.visited_date is None:
            raise GuardRefused(_("The team's assessment and the unit's opinion are recorded at the on-site inspection, which is not recorded yet."))
        old = {name: getattr(inspection, name) for name in given}
        for name, value in given.items():
            setattr(inspection, name, value)
        change.data = {"old": old, "new": given}
    return inspection
