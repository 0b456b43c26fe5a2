"""What each trigger writes on the case once the machine has accepted it.

Each effect takes the case and its resolved data and may return extra facts for the audit entry
(for example that a report came in late, or which notice a reschedule voided).
"""
from __future__ import annotations

from typing import Any, Callable

from models import Finding, Inspection

from .cases import open_case
from .context import CaseContext
from .due_dates import late_steps
from .states import Kind, State

Effect = Callable[[CaseContext], dict[str, Any] | None]


def notify(case: CaseContext) -> None:
    inspection, data = case.inspection, case.data
    inspection.notice_number = data.notice_number
    inspection.notice_date = data.notice_date
    inspection.visit_date = data.visit_date
    inspection.visit_time = data.visit_time


def receive_report(case: CaseContext) -> dict[str, Any]:
    inspection, data = case.inspection, case.data
    inspection.received_date = data.received_date
    inspection.report_file = data.file
    return {"late": "report" in late_steps(inspection, case.campaign)}


def visit(case: CaseContext) -> None:
    inspection, data = case.inspection, case.data
    inspection.visited_date = data.visit_date
    inspection.team = data.team
    inspection.visit_reason = data.reason
    inspection.radio = data.radio


def sign_minutes(case: CaseContext) -> None:
    inspection, data = case.inspection, case.data
    inspection.minutes_number = data.minutes_number
    inspection.minutes_date = data.minutes_date
    inspection.participants = data.participants
    inspection.minutes_file = data.file


def conclude(case: CaseContext) -> None:
    inspection, data = case.inspection, case.data
    inspection.conclusion_number = data.conclusion_number
    inspection.conclusion_date = data.conclusion_date
    start = len(inspection.findings)
    for position, finding in enumerate(data.findings, start=start + 1):
        inspection.findings.append(
            Finding(position=position, section_code=finding.section, text=finding.text, due_date=finding.due_date, status="open")
        )


def report_remediation(case: CaseContext) -> None:
    inspection, data = case.inspection, case.data
    inspection.remediation_reported_date = data.reported_date
    inspection.remediation_file = data.file
    for report in data.statuses:
        finding = inspection.findings[report.finding - 1]
        finding.status = report.status
        finding.unit_note = report.note


def _close(case: CaseContext) -> None:
    case.inspection.closed_date = case.today
    for finding in case.inspection.findings:
        finding.accepted = True


def accept(case: CaseContext) -> None:
    _close(case)


def order_reinspection(case: CaseContext) -> dict[str, Any]:
    """Open the re-inspection (phúc tra) as its own case, linked to this one."""
    inspection, data = case.inspection, case.data
    inspection.reinspection_reason = data.reason
    child = open_case(
        case.session,
        campaign=case.campaign,
        unit=inspection.unit,
        kind=Kind.REINSPECTION,
        actor=case.actor,
        now=case.now,
        reinspection_of=inspection,
        visit_date=data.planned_date,
        unannounced=data.unannounced,
        comment=data.reason,
    )
    return {"reinspection_case": child.id}


def complete_reinspection(case: CaseContext) -> None:
    inspection, data = case.inspection, case.data
    if data.result == "resolved":
        _close(case)
        return
    inspection.remediation_reported_date = None
    inspection.remediation_file = None
    for finding in inspection.findings:
        if finding.accepted is not True:
            finding.due_date = data.due_date
            finding.status = "open"


def reschedule(case: CaseContext) -> dict[str, Any] | None:
    inspection, data = case.inspection, case.data
    voided = {"notice_number": inspection.notice_number, "notice_date": inspection.notice_date} if inspection.notice_date else None
    inspection.visit_date = data.visit_date
    inspection.visit_time = data.visit_time
    inspection.notice_number = None
    inspection.notice_date = None
    return {"voided_notice": voided} if voided else None


def cancel(case: CaseContext) -> None:
    case.inspection.cancel_reason = case.data.reason


def start_remediation(case: CaseContext) -> None:
    """Nothing to write: the remediation deadline comes from the findings."""


EFFECTS: dict[str, Effect] = {
    "notify": notify,
    "receive_report": receive_report,
    "visit": visit,
    "sign_minutes": sign_minutes,
    "conclude": conclude,
    "start_remediation": start_remediation,
    "report_remediation": report_remediation,
    "accept": accept,
    "order_reinspection": order_reinspection,
    "complete_reinspection": complete_reinspection,
    "reschedule": reschedule,
    "cancel": cancel,
}


def closes_a_reinspection(inspection: Inspection) -> bool:
    """A phúc tra that closes completes the re-inspection of the case it follows up."""
    return inspection.kind == Kind.REINSPECTION and inspection.state == State.CLOSED and inspection.reinspection_of_id is not None
