"""What the scores say: a case's sheet criterion by criterion with its totals, the campaign's
ranking for one kind of unit, the averages per field, the facts the documents show, and the
findings the team proposed from the criteria lost."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from documents.scores import pts, FieldScore, LostCriterion, RankingFacts, RankingRow, ScoreFacts
from models import Campaign, Criterion, CriteriaSet, Inspection, ScoreEntry, ScoreEvidence, ScoreSheet, Unit
from vocabulary.i18n import N_, _
from vocabulary.states import State
from workflow.people.permissions import Actor
from workflow.scoring.arithmetic import band_of, points, roll_up
from workflow.scoring.criteria import criteria_set_for, leaves, set_maximum, tree_of
from workflow.scoring.sheets import SCORED_KINDS, sheet_of

# The roles that read scores; a unit contact reads only its own unit's (Actor.sees_unit).
# A campaign without criteria sets has no ranking: its spreadsheet is refused in these words.
NO_RANKING = N_("Campaign {code} has no criteria set yet: there is no ranking to write.")
READERS = frozenset({"admin", "coordinator", "inspector", "leader", "auditor", "unit"})


def may_read(actor: Actor, unit_id: int) -> bool:
    return actor.role in READERS and actor.sees_unit(unit_id)


def may_read_ranking(actor: Actor) -> bool:
    return actor.role in READERS and actor.role != "unit"


@dataclass
class Line:
    """One node of the sheet (field, criterion or sub-criterion) with its points."""

    criterion: Criterion
    self_points: Decimal | None
    final_points: Decimal | None  # the appraised points; for a leaf not appraised yet, None
    entry: ScoreEntry | None = None  # leaves only

    @property
    def leaf(self) -> bool:
        return self.criterion.method is not None

    @property
    def lost(self) -> Decimal | None:
        """Points lost against the maximum, in the appraisal (None before it)."""
        return None if self.final_points is None else points(self.criterion.max_points) - self.final_points

    @property
    def difference(self) -> Decimal | None:
        """Final minus self: negative when the team took points off."""
        if self.final_points is None or self.self_points is None:
            return None
        return self.final_points - self.self_points


@dataclass
class SheetView:
    inspection: Inspection
    criteria_set: CriteriaSet
    sheet: ScoreSheet | None
    lines: list[Line]
    maximum: Decimal

    def _total(self, name: str) -> Decimal | None:
        values = [getattr(line, name) for line in self.fields]
        return None if not values or any(v is None for v in values) else sum(values, points(0))

    @property
    def fields(self) -> list[Line]:
        return [line for line in self.lines if line.criterion.parent_id is None]

    @property
    def submitted(self) -> bool:
        return self.sheet is not None and self.sheet.status == "submitted"

    @property
    def appraised(self) -> bool:
        """Every scored criterion has the team's decision."""
        return self.submitted and all(line.entry is not None and line.entry.decision for line in self.lines if line.leaf)

    @property
    def self_total(self) -> Decimal | None:
        return self._total("self_points")

    @property
    def final_total(self) -> Decimal | None:
        return self._total("final_points") if self.appraised else None

    @property
    def band(self) -> str | None:
        return band_of(self.final_total, self.maximum, self.criteria_set.bands)

    @property
    def self_band(self) -> str | None:
        return band_of(self.self_total, self.maximum, self.criteria_set.bands)

    @property
    def lost_lines(self) -> list[Line]:
        """The scored criteria the unit did not get full points on, after the appraisal."""
        return [line for line in self.lines if line.leaf and line.lost]

    @property
    def corrected_lines(self) -> list[Line]:
        return [line for line in self.lines if line.leaf and line.entry is not None and line.entry.decision == "corrected"]


def _lines(criteria_set: CriteriaSet, sheet: ScoreSheet | None) -> list[Line]:
    entries = {entry.criterion_id: entry for entry in (sheet.entries if sheet else [])}
    tree = tree_of(criteria_set)
    scored = leaves(criteria_set)
    self_points = roll_up(tree, {c.id: entries[c.id].self_points if c.id in entries else None for c in scored})
    final_points = roll_up(tree, {c.id: entries[c.id].final_points if c.id in entries else None for c in scored})
    return [Line(c, self_points.get(c.id), final_points.get(c.id), entries.get(c.id) if c.method else None)
            for c in sorted(criteria_set.criteria, key=lambda c: c.position)]


def sheet_view(session: Session, inspection: Inspection) -> SheetView | None:
    """The case's sheet against its set, or None when the campaign has no set for its kind of unit."""
    criteria_set = criteria_set_for(session, inspection.campaign_id, inspection.unit.kind)
    if criteria_set is None:
        return None
    sheet = sheet_of(session, inspection.id)
    return SheetView(inspection, criteria_set, sheet, _lines(criteria_set, sheet), set_maximum(criteria_set))


@dataclass
class Ranked:
    view: SheetView
    rank: int | None = None
    previous: Decimal | None = None  # the unit's appraised total in the campaign of the year before

    @property
    def change(self) -> Decimal | None:
        """Against last year's total, as a share of each year's maximum: points on this year's scale."""
        if self.previous is None or self.total is None:
            return None
        return self.total - self.previous

    @property
    def total(self) -> Decimal | None:
        """The appraised total, or the self-assessed one while the appraisal is not finished."""
        return self.view.final_total if self.view.appraised else self.view.self_total


@dataclass
class Ranking:
    criteria_set: CriteriaSet
    maximum: Decimal
    fields: list[Criterion]
    rows: list[Ranked]
    waiting: list[str] = field(default_factory=list)  # units that have not submitted yet

    @property
    def averages(self) -> list[Decimal | None]:
        """Per field, the average of the ranked units' points (appraised where appraised)."""
        result = []
        for position in range(len(self.fields)):
            values = [field_points(row.view)[position] for row in self.rows]
            values = [v for v in values if v is not None]
            result.append((sum(values, points(0)) / len(values)).quantize(points(0)) if values else None)
        return result

    @property
    def band_counts(self) -> list[tuple[str, int]]:
        labels = [band["label"] for band in self.criteria_set.bands]
        found = [band_of(row.total, self.maximum, self.criteria_set.bands) for row in self.rows]
        return [(label, found.count(label)) for label in labels]


def field_points(view: SheetView) -> list[Decimal | None]:
    """Per field, the appraised points, or the self-assessed ones while the appraisal runs."""
    return [line.final_points if view.appraised else line.self_points for line in view.fields]


def _campaign_cases(session: Session, campaign_id: int, unit_kind: str) -> list[Inspection]:
    query = (
        select(Inspection).join(Unit, Inspection.unit_id == Unit.id)
        .where(Inspection.campaign_id == campaign_id, Unit.kind == unit_kind, Inspection.kind.in_(SCORED_KINDS),
               Inspection.state != State.CANCELLED)
        .options(joinedload(Inspection.unit)).order_by(Inspection.unit_name)
    )
    return list(session.scalars(query))


def ranking(session: Session, campaign_id: int, unit_kind: str, *, with_last_year: bool = True) -> Ranking | None:
    """The campaign's ranking of the units of one kind that submitted their self-assessment:
    by total (appraised, or self-assessed while the appraisal runs), the highest first; equal
    totals share a rank."""
    criteria_set = criteria_set_for(session, campaign_id, unit_kind)
    if criteria_set is None:
        return None
    cases = _campaign_cases(session, campaign_id, unit_kind)
    sheets_query = (select(ScoreSheet).where(ScoreSheet.inspection_id.in_([c.id for c in cases]))
                    .options(selectinload(ScoreSheet.entries).selectinload(ScoreEntry.evidence)))
    sheets = {sheet.inspection_id: sheet for sheet in session.scalars(sheets_query)}
    maximum = set_maximum(criteria_set)
    rows, waiting = [], []
    for inspection in cases:
        sheet = sheets.get(inspection.id)
        if sheet is None or sheet.status != "submitted":
            waiting.append(inspection.unit_name)
            continue
        rows.append(Ranked(SheetView(inspection, criteria_set, sheet, _lines(criteria_set, sheet), maximum)))
    previous = _last_year(session, campaign_id, unit_kind, maximum) if with_last_year else {}
    for row in rows:
        row.previous = previous.get(row.view.inspection.unit_id)
    rows.sort(key=lambda row: (-(row.total or 0), row.view.inspection.unit_name))
    for position, row in enumerate(rows, start=1):
        row.rank = rows[position - 2].rank if position > 1 and rows[position - 2].total == row.total else position
    return Ranking(criteria_set, maximum, [c for c in tree_of(criteria_set)[None]], rows, waiting)


def _last_year(session: Session, campaign_id: int, unit_kind: str, maximum: Decimal) -> dict[int, Decimal]:
    """Per unit, its appraised total in the latest campaign of the year before, brought to this
    year's maximum (sets may differ from year to year)."""
    year = session.scalar(select(Campaign.year).where(Campaign.id == campaign_id))
    before = session.scalar(select(Campaign.id).where(Campaign.year == year - 1).order_by(Campaign.id.desc()).limit(1))
    table = ranking(session, before, unit_kind, with_last_year=False) if before is not None else None
    if table is None or not table.maximum:
        return {}
    return {row.view.inspection.unit_id: points(row.view.final_total * maximum / table.maximum)
            for row in table.rows if row.view.appraised}


def _lost(view: SheetView) -> list[LostCriterion]:
    return [LostCriterion(code=line.criterion.code, title=line.criterion.title, maximum=points(line.criterion.max_points),
                          self_points=line.self_points, final_points=line.final_points,
                          reason=line.entry.reason if line.entry else None)
            for line in view.lost_lines]


def score_facts(session: Session, inspection: Inspection) -> ScoreFacts | None:
    """The scores as the conclusion notice shows them, once the appraisal is complete."""
    view = sheet_view(session, inspection)
    if view is None or not view.appraised:
        return None
    return ScoreFacts(
        set_title=view.criteria_set.title, sample=view.criteria_set.sample, maximum=view.maximum,
        self_total=view.self_total, final_total=view.final_total, band=view.band,
        fields=tuple(FieldScore(code=l.criterion.code, title=l.criterion.title, maximum=points(l.criterion.max_points),
                                self_points=l.self_points, final_points=l.final_points) for l in view.fields),
        lost=tuple(_lost(view)),
    )


def ranking_facts(ranking_: Ranking) -> RankingFacts:
    return RankingFacts(
        set_title=ranking_.criteria_set.title, unit_kind=ranking_.criteria_set.unit_kind, maximum=ranking_.maximum,
        fields=tuple((c.code, c.title, points(c.max_points)) for c in ranking_.fields),
        rows=tuple(RankingRow(rank=row.rank or 0, unit=row.view.inspection.unit_name, fields=tuple(field_points(row.view)),
                              self_total=row.view.self_total, final_total=row.view.final_total,
                              band=band_of(row.total, ranking_.maximum, ranking_.criteria_set.bands),
                              appraised=row.view.appraised, lost=tuple(_lost(row.view)), change=row.change)
                   for row in ranking_.rows),
        averages=tuple(ranking_.averages), bands=tuple(band["label"] for band in ranking_.criteria_set.bands),
        waiting=len(ranking_.waiting), sample=ranking_.criteria_set.sample,
    )


def campaign_rankings(session: Session, campaign_id: int) -> list[Ranking]:
    """The campaign's ranking for each kind of unit it has a criteria set for, offices first."""
    found = (ranking(session, campaign_id, kind) for kind in ("office", "commune"))
    return [table for table in found if table is not None]


def finding_proposals(session: Session, inspection: Inspection) -> list[dict[str, str]]:
    """The findings the team proposed from the criteria lost, as rows of the conclusion form."""
    view = sheet_view(session, inspection)
    if view is None:
        return []
    sections = {line.criterion.id: line.criterion.section_code for line in view.lines}
    proposals = []
    for line in view.lost_lines:
        if line.entry is None or not line.entry.as_finding:
            continue
        text = _("Remedy the shortcomings of criterion {code} \u201c{title}\u201d ({final} of {max} points)", code=line.criterion.code,
                 title=line.criterion.title, final=pts(line.final_points), max=pts(line.criterion.max_points))
        reason = f": {line.entry.reason[:1].lower()}{line.entry.reason[1:].rstrip('.')}." if line.entry.reason else "."
        proposals.append({"section": line.criterion.section_code or sections.get(line.criterion.parent_id) or "",
                          "text": f"{text}{reason}"})
    return proposals
