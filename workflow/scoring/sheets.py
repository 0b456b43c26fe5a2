"""A case's score sheet: the unit's self-assessment with its evidence, then the team's appraisal.

The unit answers each scored criterion (yes/no, a level, a rate), explains it and adds its
evidence files; it may save as often as it likes, and submits once: every criterion answered,
every criterion that needs evidence with at least one file. A submitted self-assessment is
locked. The team then accepts or corrects each criterion (a correction needs its reason) and may
mark a criterion the unit lost points on as a finding for the conclusion. Every one of these is a
change of the case (``case_edits.case_change``: its lock, its version, an audit entry with the
old and new values on its chain).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import Criterion, CriteriaSet, Inspection, ScoreEntry, ScoreEvidence, ScoreSheet
from vocabulary.i18n import _
from vocabulary.states import Kind, State
from workflow.casefile.case_edits import case_change
from workflow.errors import BadData, GuardRefused, Problem
from workflow.people.permissions import Actor
from workflow.records.attachments import new_attachment
from workflow.records.files import StoredFile
from workflow.scoring.arithmetic import points, worth
from workflow.scoring.criteria import criteria_set_for, leaves

# Scores are given and appraised until the conclusion is issued (the conclusion reports them).
SCORING_STATES = frozenset({State.PLANNED, State.NOTIFIED, State.REPORT_RECEIVED, State.VISITED, State.MINUTES_SIGNED})
# A unit is scored once a campaign, on its own case; a phúc tra checks the findings only.
SCORED_KINDS = (Kind.DIRECT, Kind.SURPRISE, Kind.SELF)
MAX_TEXT = 4000


@dataclass(frozen=True)
class Answer:
    """The unit's answer to one criterion: yes/no as 1/0, the level's index, the rate in %."""

    value: Decimal | None
    explanation: str | None = None


@dataclass(frozen=True)
class Decision:
    """The team's decision on one criterion: accepted as scored, or corrected to ``value``."""

    accepted: bool
    value: Decimal | None = None
    reason: str | None = None


def number(text: Any, field: str, label: Any) -> Decimal | None:
    """A number typed in a form ("95", "95,5"), or None when left empty."""
    if text is None or str(text).strip() == "":
        return None
    try:
        return Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation:
        raise BadData(_("{label}: must be a number", label=label), field=field) from None


def _text(value: str | None, field: str) -> str | None:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise BadData(_("The text is too long (at most {max_length} characters).", max_length=MAX_TEXT), field=field)
    return value or None


def case_criteria(session: Session, inspection: Inspection) -> CriteriaSet:
    criteria_set = criteria_set_for(session, inspection.campaign_id, inspection.unit.kind)
    if criteria_set is None:
        raise GuardRefused(_("The campaign has no criteria set for this kind of unit yet: the office imports it first."))
    return criteria_set


def sheet_of(session: Session, inspection_id: int) -> ScoreSheet | None:
    query = (select(ScoreSheet).where(ScoreSheet.inspection_id == inspection_id)
             .options(selectinload(ScoreSheet.entries).selectinload(ScoreEntry.evidence).selectinload(ScoreEvidence.attachment)))
    return session.scalar(query)


def _open_for_scoring(inspection: Inspection) -> None:
    if inspection.kind not in SCORED_KINDS:
        raise GuardRefused(_("A re-inspection is not scored: the unit's scores are on its own case of the campaign."))
    if inspection.state not in SCORING_STATES:
        raise GuardRefused(_("Scores are given and appraised until the conclusion is issued; the case is \u201c{state}\u201d.", state=State(inspection.state).label))


def _scored(session: Session, inspection: Inspection, wanted: Sequence[int]) -> dict[int, Criterion]:
    scored = {criterion.id: criterion for criterion in leaves(case_criteria(session, inspection))}
    unknown = [str(cid) for cid in wanted if cid not in scored]
    if unknown:
        raise BadData(_("Criteria {ids} are not scored criteria of this unit's set.", ids=", ".join(unknown)), field="criterion")
    return scored


def _entry(session: Session, sheet: ScoreSheet, criterion_id: int) -> ScoreEntry:
    for entry in sheet.entries:
        if entry.criterion_id == criterion_id:
            return entry
    entry = ScoreEntry(criterion_id=criterion_id, as_finding=False)
    sheet.entries.append(entry)
    return entry


def _values(entry: ScoreEntry, *names: str) -> dict[str, Any]:
    return {name: (str(value) if isinstance(value := getattr(entry, name), Decimal) else value) for name in names}


SELF_FIELDS = ("self_value", "self_points", "explanation")
APPRAISAL_FIELDS = ("decision", "final_value", "final_points", "reason")


def save_self_assessment(
    session: Session,
    inspection_id: int,
    answers: Mapping[int, Answer],
    evidence: Mapping[int, Sequence[StoredFile]] | None = None,
    *,
    submit: bool = False,
    actor: Actor,
    now: datetime,
    expected_version: int | None = None,
) -> ScoreSheet:
    """Save the unit's answers (by criterion id) and evidence files; with ``submit``, check that
    every criterion is answered and has the evidence it needs, and lock the self-assessment."""
    evidence = evidence or {}
    action = "submit_self_assessment" if submit else "self_assess"
    with case_change(session, inspection_id, action, actor, now, expected_version) as change:
        inspection: Inspection = change.subject
        _open_for_scoring(inspection)
        scored = _scored(session, inspection, [*answers, *evidence])
        sheet = sheet_of(session, inspection.id)
        if sheet is None:
            sheet = ScoreSheet(inspection_id=inspection.id, set_id=case_criteria(session, inspection).id, status="draft")
            session.add(sheet)
        if sheet.status == "submitted":
            raise GuardRefused(_("The self-assessment was submitted on {date}: it is locked.", date=sheet.submitted_at))
        changes: dict[str, Any] = {}
        for criterion_id, answer in answers.items():
            criterion, entry = scored[criterion_id], _entry(session, sheet, criterion_id)
            old = _values(entry, *SELF_FIELDS)
            value = points(answer.value) if answer.value is not None else None
            entry.self_value, entry.self_points = value, worth(criterion, value)
            entry.explanation = _text(answer.explanation, f"explanation-{criterion_id}")
            if (new := _values(entry, *SELF_FIELDS)) != old:
                changes[criterion.code] = {"old": old, "new": new}
        added: dict[str, list[dict[str, object]]] = {}
        for criterion_id, files in evidence.items():
            entry = _entry(session, sheet, criterion_id)
            for stored in files:
                attachment = new_attachment(session, stored, kind="score_evidence", trigger=action, actor=actor, now=now,
                                            inspection=inspection, campaign=inspection.campaign)
                entry.evidence.append(ScoreEvidence(attachment=attachment))
                change.attachments.append(attachment)
                added.setdefault(scored[criterion_id].code, []).append(stored.recorded())
        if submit:
            _check_complete(session, inspection, sheet)
            sheet.status, sheet.submitted_at, sheet.submitted_by = "submitted", now, actor.name
        change.data = {"changes": changes, **({"evidence": added} if added else {}), **({"submitted": True} if submit else {})}
    return sheet


def _check_complete(session: Session, inspection: Inspection, sheet: ScoreSheet) -> None:
    entries = {entry.criterion_id: entry for entry in sheet.entries}
    problems = []
    for criterion in leaves(case_criteria(session, inspection)):
        entry = entries.get(criterion.id)
        if entry is None or entry.self_value is None:
            problems.append(Problem(_("{code}: not scored yet.", code=criterion.code), f"value-{criterion.id}"))
        elif criterion.evidence_required and not entry.evidence:
            problems.append(Problem(_("{code}: evidence is required; add at least one file.", code=criterion.code), f"evidence-{criterion.id}"))
    if problems:
        raise BadData(problems)


def _submitted_sheet(session: Session, inspection: Inspection) -> ScoreSheet:
    sheet = sheet_of(session, inspection.id)
    if sheet is None or sheet.status != "submitted":
        raise GuardRefused(_("The unit has not submitted its self-assessment yet: there is nothing to appraise."))
    return sheet


def appraise(
    session: Session,
    inspection_id: int,
    decisions: Mapping[int, Decision],
    *,
    actor: Actor,
    now: datetime,
    expected_version: int | None = None,
) -> ScoreSheet:
    """The team's decisions (by criterion id): accept the unit's score, or correct it to another
    answer with a reason. The final score, the difference and the criteria lost follow from them."""
    with case_change(session, inspection_id, "appraise", actor, now, expected_version) as change:
        inspection: Inspection = change.subject
        _open_for_scoring(inspection)
        sheet = _submitted_sheet(session, inspection)
        scored = _scored(session, inspection, list(decisions))
        problems, changes = [], {}
        for criterion_id, decision in decisions.items():
            criterion, entry = scored[criterion_id], _entry(session, sheet, criterion_id)
            reason = _text(decision.reason, f"reason-{criterion_id}")
            if not decision.accepted and decision.value is None:
                problems.append(Problem(_("{code}: give the corrected score.", code=criterion.code), f"final-{criterion_id}"))
                continue
            if not decision.accepted and not reason:
                problems.append(Problem(_("{code}: a correction needs its reason.", code=criterion.code), f"reason-{criterion_id}"))
                continue
            old = _values(entry, *APPRAISAL_FIELDS)
            value = entry.self_value if decision.accepted else points(decision.value)
            entry.decision = "accepted" if decision.accepted else "corrected"
            entry.final_value, entry.final_points, entry.reason = value, worth(criterion, value), reason
            entry.appraised_by, entry.appraised_at = actor.name, now
            if (new := _values(entry, *APPRAISAL_FIELDS)) != old:
                changes[criterion.code] = {"old": old, "new": new}
        if problems:
            raise BadData(problems)
        change.data = {"changes": changes}
    return sheet


def propose_finding(session: Session, inspection_id: int, criterion_id: int, *, proposed: bool = True, actor: Actor,
                    now: datetime, expected_version: int | None = None) -> ScoreEntry:
    """Mark (or unmark) a criterion the unit lost points on as a finding of the conclusion: the
    conclusion form then starts with it, section and text filled in."""
    with case_change(session, inspection_id, "propose_finding", actor, now, expected_version) as change:
        inspection: Inspection = change.subject
        _open_for_scoring(inspection)
        sheet = _submitted_sheet(session, inspection)
        criterion = _scored(session, inspection, [criterion_id])[criterion_id]
        entry = _entry(session, sheet, criterion_id)
        if entry.final_points is None or entry.final_points >= criterion.max_points:
            raise GuardRefused(_("{code}: only a criterion the unit lost points on in the appraisal can become a finding.", code=criterion.code))
        entry.as_finding = proposed
        change.data = {"criterion": criterion.code, "as_finding": proposed}
    return entry
