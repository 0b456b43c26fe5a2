"""The team's decision on each finding after the unit's remediation report: accepted or not.

``accept`` closes a case only when every finding is accepted (``guards.all_findings_accepted``);
otherwise the team orders a re-inspection, which carries the findings not accepted over to the
new case. In a phúc tra the team checks those carried findings on site, so it may decide on them
from the visit on.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from models import Finding, Inspection
from vocabulary.i18n import _
from vocabulary.states import Kind, State
from workflow.casefile.case_edits import case_change
from workflow.errors import BadData, GuardRefused
from workflow.people.permissions import Actor

REVIEW_STATES = frozenset({State.REMEDIATION_REPORTED})
REINSPECTION_REVIEW_STATES = frozenset({State.VISITED, State.MINUTES_SIGNED, State.CONCLUDED, State.REMEDIATION_REPORTED})


def _decision(finding: Finding) -> dict[str, Any]:
    return {"accepted": finding.accepted, "note": finding.review_note}


def finding_by_number(inspection: Inspection, number: int) -> Finding:
    """Finding no. ``number`` (1, 2, … as the conclusion numbers them) or :class:`BadData`."""
    if not 1 <= number <= len(inspection.findings):
        raise BadData(_("Finding number: no. {number} does not exist (the case has {count}).", number=number, count=len(inspection.findings)), field="finding")
    return inspection.findings[number - 1]


def may_review_findings(inspection: Inspection) -> bool:
    states = REINSPECTION_REVIEW_STATES if inspection.kind == Kind.REINSPECTION else REVIEW_STATES
    return inspection.state in states


def review_finding(
    session: Session,
    inspection_id: int,
    finding_number: int,
    *,
    accepted: bool,
    note: str | None,
    actor: Actor,
    now: datetime,
    expected_version: int | None = None,
) -> Finding:
    """Accept (or not) the remediation of finding no. ``finding_number`` of the case. Not
    accepting needs a note saying what is still missing."""
    note = (note or "").strip() or None
    if not accepted and not note:
        raise BadData(_("Note: say what is still missing when the remediation is not accepted."), field="note")
    with case_change(session, inspection_id, "review_finding", actor, now, expected_version) as change:
        inspection: Inspection = change.subject
        if not may_review_findings(inspection):
            raise GuardRefused(_("The findings are decided once the unit has reported its remediation; the case is \u201c{state}\u201d.", state=State(inspection.state).label))
        finding = finding_by_number(inspection, finding_number)
        old = _decision(finding)
        finding.accepted, finding.review_note = accepted, note
        finding.reviewed_by, finding.reviewed_at = actor.name, now
        change.data = {"finding": finding_number, "old": old, "new": _decision(finding)}
    return finding
