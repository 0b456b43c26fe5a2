"""Outlines as plan data: from the plan's text, into the database, and back."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Campaign, Outline, OutlineItem, OutlineSection
from vocabulary.i18n import _
from workflow import audit
from workflow.errors import BadData

from .outline_parser import OUTLINE_START, OutlineSpec, parse_outlines
from .plan_file import PlanItem, PlanOutline, PlanSection


def plan_outline(spec: OutlineSpec, unit_kind: str) -> PlanOutline:
    """The parser's outline as plan data, every text kept as the plan writes it."""
    return PlanOutline(
        unit_kind=unit_kind,
        title=spec.title,
        audience=spec.audience,
        sections=[
            PlanSection(
                code=section.code, heading=section.heading, title=section.title, parent=section.parent,
                description=section.description, assessed=section.assessed,
                items=[PlanItem(text=item.text, children=[child.text for child in item.children]) for item in section.items],
            )
            for section in spec.sections
        ],
    )


def parse_outline(text: str, unit_kind: str) -> PlanOutline:
    """One outline from text pasted from the plan (with or without its "NỘI DUNG ĐỀ CƯƠNG KIỂM TRA"
    heading), for checking before it is saved."""
    if OUTLINE_START not in text:
        text = f"{OUTLINE_START}\n{text}"
    outlines = parse_outlines("\n" + text)
    if not outlines or not outlines[0].sections:
        raise BadData(_("No outline found in the text: it needs headings such as \u201cA.\u201d, \u201cB.\u201d, \u201c1.\u201d and items starting with \u201c-\u201d."), field="outline")
    return plan_outline(outlines[0], unit_kind)


def store_outline(session: Session, campaign: Campaign, outline: PlanOutline, *, actor: str, now: datetime) -> Outline:
    """Create the campaign's outline for one kind of unit, section by section, item by item."""
    row = Outline(campaign=campaign, unit_kind=outline.unit_kind, title=outline.title, audience=outline.audience)
    by_code: dict[str, OutlineSection] = {}
    item_count = 0  # items are numbered in the order the plan lists them
    for position, spec in enumerate(outline.sections, start=1):
        section = OutlineSection(position=position, code=spec.code, heading=spec.heading, title=spec.title,
                                 description=spec.description, assessed=spec.assessed)
        row.sections.append(section)
        by_code[spec.code] = section
        for item_spec in spec.items:
            item_count += 1
            item = OutlineItem(position=item_count, text=item_spec.text)
            section.items.append(item)
            for child in item_spec.children:
                item_count += 1
                section.items.append(OutlineItem(position=item_count, text=child, parent=item))
    session.add(row)
    session.flush()
    for spec in outline.sections:
        if spec.parent:
            by_code[spec.code].parent_id = by_code[spec.parent].id
    audit.append(session, campaign, at=now, actor=actor, trigger="load_outline",
                 data={"unit_kind": outline.unit_kind, "sections": len(outline.sections), "items": item_count})
    return row


def outline_of(session: Session, campaign: Campaign, unit_kind: str) -> Outline | None:
    return session.scalar(select(Outline).where(Outline.campaign_id == campaign.id, Outline.unit_kind == unit_kind))


def export_outline(outline: Outline) -> PlanOutline:
    codes = {section.id: section.code for section in outline.sections}
    sections = []
    for section in outline.sections:
        top = [item for item in section.items if item.parent_id is None]
        items = [PlanItem(text=item.text, children=[child.text for child in section.items if child.parent_id == item.id]) for item in top]
        sections.append(PlanSection(code=section.code, heading=section.heading, title=section.title,
                                    parent=codes.get(section.parent_id), description=section.description,
                                    assessed=section.assessed, items=items))
    return PlanOutline(unit_kind=outline.unit_kind, title=outline.title, audience=outline.audience, sections=sections)
