"""The criteria sets of a campaign: imported from a criteria file (or the shipped samples),
exported back, copied to another campaign. Importing is a change of the campaign (its lock, its
audit chain); a set some unit has already scored against is not replaced."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models import Campaign, CriteriaSet, Criterion, Outline, OutlineSection, ScoreSheet
from vocabulary.i18n import _
from workflow.casefile.case_edits import campaign_change
from workflow.errors import BadData, GuardRefused, NotFound
from workflow.people.permissions import Actor
from workflow.scoring.arithmetic import points
from workflow.scoring.criteria_file import (
    BandIn, CriteriaFile, CriterionIn, FieldIn, LevelIn, NodeIn, RateBandIn, SubCriterionIn, dump_criteria, located, parse_criteria,
)
from workflow.scoring.criteria_sheet import Locate, is_workbook, read_workbook, write_workbook

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
SAMPLE_FILES = {"office": "mau-bo-chi-so-co-quan.toml", "commune": "mau-bo-chi-so-xa.toml"}


def criteria_set_for(session: Session, campaign_id: int, unit_kind: str) -> CriteriaSet | None:
    query = (select(CriteriaSet).where(CriteriaSet.campaign_id == campaign_id, CriteriaSet.unit_kind == unit_kind)
             .options(selectinload(CriteriaSet.criteria)))
    return session.scalar(query)


def campaign_sets(session: Session, campaign_id: int) -> list[CriteriaSet]:
    query = select(CriteriaSet).where(CriteriaSet.campaign_id == campaign_id).options(selectinload(CriteriaSet.criteria))
    return sorted(session.scalars(query), key=lambda s: s.unit_kind != "office")


def tree_of(criteria_set: CriteriaSet) -> dict[int | None, list[Criterion]]:
    """Parent id (None: the fields) → its children, in the set's order."""
    tree: dict[int | None, list[Criterion]] = defaultdict(list)
    for criterion in sorted(criteria_set.criteria, key=lambda c: c.position):
        tree[criterion.parent_id].append(criterion)
    return tree


def leaves(criteria_set: CriteriaSet) -> list[Criterion]:
    """The criteria that are scored themselves (those without sub-items), in order."""
    parents = {c.parent_id for c in criteria_set.criteria}
    return [c for c in sorted(criteria_set.criteria, key=lambda c: c.position) if c.id not in parents]


def set_maximum(criteria_set: CriteriaSet) -> Decimal:
    return sum((points(c.max_points) for c in criteria_set.criteria if c.parent_id is None), points(0))


def _outline_sections(session: Session, campaign_id: int, unit_kind: str) -> set[str] | None:
    query = (select(OutlineSection.code).join(Outline, OutlineSection.outline_id == Outline.id)
             .where(Outline.campaign_id == campaign_id, Outline.unit_kind == unit_kind))
    codes = set(session.scalars(query))
    return codes or None


def _section_problems(session: Session, campaign_id: int, parsed: CriteriaFile, locate: Locate) -> list:
    sections = _outline_sections(session, campaign_id, parsed.unit_kind)
    problems = []
    for loc, _depth, node, _parent in parsed.walk():
        if sections is not None and node.section and node.section not in sections:
            problem = str(_("{code}: \u201c{section}\u201d is not a section of this kind of unit's outline", code=node.code, section=node.section))
            problems.append(locate((*loc, "section"), problem))
    return problems


def _add_set(session: Session, campaign: Campaign, parsed: CriteriaFile, now: datetime) -> CriteriaSet:
    criteria_set = CriteriaSet(campaign=campaign, unit_kind=parsed.unit_kind, title=parsed.title, sample=parsed.sample,
                               note=parsed.note, created_at=now,
                               bands=[{"label": b.label, "min_percent": float(b.min_percent)} for b in parsed.bands])
    session.add(criteria_set)
    made: dict[int, Criterion] = {}
    for position, (_loc, depth, node, parent) in enumerate(parsed.walk()):
        parent_row = made[id(parent)] if parent is not None else None
        section = node.section or (parent_row.section_code if parent_row is not None else None)
        criterion = Criterion(
            criteria_set=criteria_set, parent=parent_row, position=position, depth=depth, code=node.code, title=node.title,
            max_points=node.max_points, method=node.method, evidence_required=node.evidence, section_code=section,
            guidance=node.guidance, levels=[{"label": o.label, "points": float(o.points)} for o in node.levels],
            rate_bands=[{"min": float(b.min), "points": float(b.points)} for b in sorted(node.rate_bands, key=lambda b: -b.min)],
        )
        session.add(criterion)
        made[id(node)] = criterion
    session.flush()
    return criteria_set


def _sheets_using(session: Session, criteria_set: CriteriaSet) -> int:
    return session.scalar(select(func.count()).select_from(ScoreSheet).where(ScoreSheet.set_id == criteria_set.id))


def import_criteria(session: Session, campaign_id: int, text: str, *, actor: Actor, now: datetime) -> CriteriaSet:
    """Import the criteria file ``text`` as the campaign's set for its kind of unit, replacing
    the set there was if no unit has scored against it yet. Refused with every problem of the
    file (field and line); nothing is written then."""
    return _import(session, campaign_id, parse_criteria(text), lambda loc, problem: located(text, loc, problem), "toml", actor=actor, now=now)


def import_criteria_upload(session: Session, campaign_id: int, content: bytes, *, actor: Actor, now: datetime) -> CriteriaSet:
    """:func:`import_criteria` from an uploaded file: an XLSX workbook (its problems named by
    sheet, row and column) or a TOML criteria file (by line), told apart by their content."""
    if is_workbook(content):
        parsed, locate = read_workbook(content)
        return _import(session, campaign_id, parsed, locate, "xlsx", actor=actor, now=now)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise BadData(_("The criteria file must be an XLSX workbook or UTF-8 text (TOML)."), field="file") from None
    return import_criteria(session, campaign_id, text, actor=actor, now=now)


def _import(session: Session, campaign_id: int, parsed: CriteriaFile, locate: Locate, source: str, *, actor: Actor,
            now: datetime) -> CriteriaSet:
    with campaign_change(session, campaign_id, "import_criteria", actor, now) as change:
        campaign: Campaign = change.subject
        problems = _section_problems(session, campaign.id, parsed, locate)
        if problems:
            raise BadData(problems)
        old = criteria_set_for(session, campaign.id, parsed.unit_kind)
        if old is not None:
            used = _sheets_using(session, old)
            if used:
                raise GuardRefused(_("The criteria set for this kind of unit is already used by {count} score sheets: it cannot be replaced.", count=used))
            session.delete(old)  # the unit of work deletes the children before their parents
            session.flush()
        criteria_set = _add_set(session, campaign, parsed, now)
        change.data = {"unit_kind": parsed.unit_kind, "title": parsed.title, "sample": parsed.sample,
                       "criteria": len(criteria_set.criteria), "replaced": old is not None, "format": source}
    return criteria_set


def sample_text(unit_kind: str) -> str:
    return (SAMPLES_DIR / SAMPLE_FILES[unit_kind]).read_text(encoding="utf-8")


def load_sample(session: Session, campaign_id: int, unit_kind: str, *, actor: Actor, now: datetime) -> CriteriaSet:
    """The shipped SAMPLE set for ``unit_kind`` (office / commune), imported into the campaign."""
    if unit_kind not in SAMPLE_FILES:
        raise BadData(_("Kind of unit: must be one of {kinds}.", kinds=", ".join(SAMPLE_FILES)), field="unit_kind")
    return import_criteria(session, campaign_id, sample_text(unit_kind), actor=actor, now=now)


def _node(criterion: Criterion, children: list[NodeIn], depth: int, inherited: str | None) -> NodeIn:
    common = dict(
        code=criterion.code, title=criterion.title, max_points=criterion.max_points, method=criterion.method,
        levels=[LevelIn(label=o["label"], points=points(o["points"])) for o in criterion.levels or []],
        rate_bands=[RateBandIn(min=points(b["min"]), points=points(b["points"])) for b in criterion.rate_bands or []],
        evidence=criterion.evidence_required, guidance=criterion.guidance,
        section=criterion.section_code if criterion.section_code != inherited else None,
    )
    if depth == 0:
        return FieldIn(**common, criteria=children)
    if depth == 1:
        return CriterionIn(**common, subcriteria=children)
    return SubCriterionIn(**common)


def as_file(criteria_set: CriteriaSet) -> CriteriaFile:
    """The set as the criteria file it can be imported from."""
    tree = tree_of(criteria_set)

    def build(criterion: Criterion, inherited: str | None = None) -> NodeIn:
        children = [build(child, criterion.section_code) for child in tree.get(criterion.id, [])]
        return _node(criterion, children, criterion.depth, inherited)

    return CriteriaFile(
        title=criteria_set.title, unit_kind=criteria_set.unit_kind, sample=criteria_set.sample, note=criteria_set.note,
        bands=[BandIn(label=b["label"], min_percent=points(b["min_percent"])) for b in criteria_set.bands],
        fields=[build(field) for field in tree.get(None, [])],
    )


def export_criteria(criteria_set: CriteriaSet) -> str:
    campaign = criteria_set.campaign
    return dump_criteria(as_file(criteria_set), header=f"Bộ tiêu chí của đợt {campaign.code} ({campaign.title})")


def export_workbook(criteria_set: CriteriaSet) -> bytes:
    """The set as an XLSX workbook, ready to be imported again."""
    return write_workbook(as_file(criteria_set))


def template_workbook(unit_kind: str) -> bytes:
    """The workbook a coordinator starts from: the shipped SAMPLE set for ``unit_kind``."""
    if unit_kind not in SAMPLE_FILES:
        raise BadData(_("Kind of unit: must be one of {kinds}.", kinds=", ".join(SAMPLE_FILES)), field="unit_kind")
    return write_workbook(parse_criteria(sample_text(unit_kind)))


def _campaign(session: Session, campaign: Campaign | int | str) -> Campaign:
    if isinstance(campaign, Campaign):
        return campaign
    column = Campaign.id if isinstance(campaign, int) else Campaign.code
    found = session.scalar(select(Campaign).where(column == campaign))
    if found is None:
        raise NotFound(_("Campaign {code} does not exist.", code=campaign))
    return found


def copy_criteria(session: Session, from_campaign: Campaign | int | str, to_campaign: Campaign | int | str,
                  now: datetime | None = None) -> list[CriteriaSet]:
    """Copy every criteria set of ``from_campaign`` to ``to_campaign`` (a campaign, its id or
    its code), in the caller's transaction and audit entry — the campaign copy calls this. A
    kind of unit the target already has a set for is left as it is."""
    source, target = _campaign(session, from_campaign), _campaign(session, to_campaign)
    moment = now or target.updated_at or target.created_at
    copied = []
    for criteria_set in campaign_sets(session, source.id):
        if criteria_set_for(session, target.id, criteria_set.unit_kind) is None:
            copied.append(_add_set(session, target, as_file(criteria_set), moment))
    return copied


def copy_sets(session: Session, from_code: str, to_campaign_id: int, *, actor: Actor, now: datetime) -> list[CriteriaSet]:
    """:func:`copy_criteria` as a change of its own (the target campaign's lock and audit chain)."""
    with campaign_change(session, to_campaign_id, "import_criteria", actor, now) as change:
        source = _campaign(session, from_code)
        if source.id == change.subject.id:
            raise BadData(_("Copy from: choose another campaign than this one."), field="from_campaign")
        copied = copy_criteria(session, source, change.subject, now)
        if not copied:
            raise GuardRefused(_("Nothing to copy: campaign {code} has no criteria set this campaign lacks.", code=source.code))
        change.data = {"copied_from": source.code, "unit_kinds": [s.unit_kind for s in copied]}
    return copied
