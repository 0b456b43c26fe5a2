"""What each trigger writes on the case once the machine has accepted it.

Each effect takes the case and its resolved data and may return extra facts for the audit entry
(for example that a report came in late, or which notice a reschedule voided).
"""
from __future__ import annotations

from typing import Any, Callable

from models import Finding, Inspection
from vocabulary.i18n import _
from vocabulary.states import Kind, State
from workflow.deadlines.due_dates import late_steps, refresh_due_dates
from workflow.engine.cases import open_case
from workflow.engine.context import CaseContext
from workflow.errors import BadData
from workflow.records import register
from workflow.records.attachments import new_attachment
from workflow.records.files import StoredFile

Effect = Callable[[CaseContext], dict[str, Any] | None]


def _attach(case: CaseContext, stored: StoredFile | None, kind: str, trigger: str, finding: Finding | None = None,
            field: str = "file") -> str | None:
    """Record a file the trigger took (the data's ``field``); returns its name for the case's own column."""
    if stored is None:
        return None
    case.attachments.append(new_attachment(
        case.session, stored, kind=kind, trigger=trigger, actor=case.actor, now=case.now,
        inspection=case.inspection, campaign=case.campaign, finding=finding, field=field,
    ))
    return stored.original_name


def _number(case: CaseContext, trigger: str) -> dict[str, Any]:
    """Take the document's number from the register (or check the one given) and write it on the
    case. A notice may be the campaign's schedule notice, already in the register."""
    doc_type, number_field, date_field, purpose = register.NUMBERED_TRIGGERS[trigger]
    data = case.data
    given, doc_date = getattr(data, number_field), getattr(data, date_field)
    if trigger == "notify" and given:
        notice = register.campaign_schedule_notice(case.session, case.campaign, given)
        if notice is not None:
            setattr(case.inspection, number_field, notice.symbol)
            return {"register": {**register.recorded(notice), "schedule_notice": True}}
    issued = _issued_before(case, number_field, purpose)
    if issued is not None:
        if given and given.strip() != issued.symbol:
            raise BadData(_("The document was issued as {number}, the number it carries: correct it on the case page if it is wrong.",
                            number=issued.symbol), field=number_field)
        setattr(case.inspection, date_field, issued.doc_date)  # the date the issued paper carries
        return {"register": {**register.recorded(issued), "issued_before": True}}
    entry = register.issue(
        case.session, campaign=case.campaign, doc_type=doc_type, purpose=purpose, doc_date=doc_date,
        actor=case.actor, now=case.now, inspection=case.inspection, given=given, reason=data.number_reason,
        field=number_field,
    )
    setattr(case.inspection, number_field, entry.symbol)
    return {"register": register.recorded(entry, case.session)}


def _issued_before(case: CaseContext, number_field: str, purpose: str):
    """The register entry of the document this step records when it was issued beforehand
    (workflow.casefile.issuing: the minutes are numbered before they are signed)."""
    number = getattr(case.inspection, number_field)
    return number and register.issued_for(case.session, case.campaign, purpose, number, case.inspection)


def notify(case: CaseContext) -> dict[str, Any]:
    inspection, data = case.inspection, case.data
    inspection.notice_date = data.notice_date
    inspection.visit_date = data.visit_date
    inspection.visit_time = data.visit_time
    return _number(case, "notify")


def receive_report(case: CaseContext) -> dict[str, Any]:
    inspection, data = case.inspection, case.data
    inspection.received_date = data.received_date
    inspection.self_check_date = data.self_check_date
    inspection.report_file = _attach(case, data.file, "report", "receive_report")
    for appendix in data.appendices:
        _attach(case, appendix, "appendix", "receive_report", field="appendices")
    late = late_steps(inspection, case.campaign)
    return {"late": "report" in late, **({"self_check_late": True} if "self_check" in late else {})}


# What the visit and the minutes record for the documents; a field left out keeps what the case
# holds (entered earlier, or corrected on the case page before the minutes are signed).
VISIT_CONTENT = ("visit_started", "visit_ended", "unit_attendees", "participants", "unit_signer", "unit_signer_title")
MINUTES_CONTENT = ("participants", "unit_attendees", "visit_ended", "team_assessment", "unit_opinion")


def _keep(inspection: Inspection, data: Any, names: tuple[str, ...]) -> None:
    for name in names:
        value = getattr(data, name)
        if value is not None:
            setattr(inspection, name, value)


def visit(case: CaseContext) -> None:
    inspection, data = case.inspection, case.data
    inspection.visited_date = data.visit_date
    inspection.visit_reason = data.reason or inspection.visit_reason  # a surprise's reason, given when it was opened
    inspection.radio = data.radio
    _keep(inspection, data, VISIT_CONTENT)
    if isinstance(data.team, list):
        _pick_team(case)
    else:  # a campaign without a roster: the team in words
        inspection.team, inspection.team_members = data.team, None
        _keep(inspection, data, ("chair", "secretary"))
    if data.unit_people:
        inspection.unit_people = [person.model_dump(exclude_none=True) for person in data.unit_people]


def _pick_team(case: CaseContext) -> None:
    """The roster's members who made the visit, copied as the decision lists them today, each
    marked with what they do at this visit (chair, secretary); the chair's and the secretary's
    names are kept where the case shows them."""
    inspection, data = case.inspection, case.data
    parts = {data.chair: "chair", data.secretary: "secretary"}
    picked = [{**member.record(), **({"part": parts[member.position]} if member.position in parts else {})}
              for member in case.campaign.team_members if member.position in data.team]
    inspection.team, inspection.team_members = None, picked
    names = {member["position"]: member["name"] for member in picked}
    inspection.chair, inspection.secretary = names.get(data.chair), names.get(data.secretary)


def sign_minutes(case: CaseContext) -> dict[str, Any]:
    inspection, data = case.inspection, case.data
    inspection.minutes_date = data.minutes_date
    _keep(inspection, data, MINUTES_CONTENT)
    inspection.minutes_file = _attach(case, data.file, "minutes", "sign_minutes")
    return _number(case, "sign_minutes")


def conclude(case: CaseContext) -> dict[str, Any]:
    inspection, data = case.inspection, case.data
    inspection.conclusion_date = data.conclusion_date
    start = len(inspection.findings)
    for position, finding in enumerate(data.findings, start=start + 1):
        inspection.findings.append(
            Finding(position=position, section_code=finding.section, text=finding.text, due_date=finding.due_date, status="open")
        )
    extra = _number(case, "conclude")
    if moved := data.moved_deadlines:  # Art. 148: a deadline on a day off ends on the next working day
        extra["deadlines_moved"] = {str(number): {"given": given.isoformat(), "moved_to": to.isoformat()}
                                    for number, (given, to) in moved.items()}
    return extra


def report_remediation(case: CaseContext) -> None:
    """The unit's report on each finding; a finding reported again waits for a new decision."""
    inspection, data = case.inspection, case.data
    inspection.remediation_reported_date = data.reported_date
    inspection.remediation_file = _attach(case, data.file, "remediation_report", "report_remediation")
    for index, report in enumerate(data.statuses):
        finding = inspection.findings[report.finding - 1]
        finding.status = report.status
        finding.unit_note = report.note
        finding.accepted = None
        for evidence in report.evidence:
            _attach(case, evidence, "evidence", "report_remediation", finding, field=f"statuses.{index}.evidence")


def _close(case: CaseContext) -> None:
    case.inspection.closed_date = case.today
    for finding in case.inspection.findings:
        finding.accepted = True


def accept(case: CaseContext) -> None:
    _close(case)


def order_reinspection(case: CaseContext) -> dict[str, Any]:
    """Open the re-inspection (phúc tra) as its own case, linked to this one, carrying over the
    findings not accepted yet."""
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
    carried = [finding for finding in inspection.findings if finding.accepted is not True]
    for position, finding in enumerate(carried, start=1):
        child.findings.append(Finding(
            position=position, section_code=finding.section_code, text=finding.text, due_date=finding.due_date,
            status="open", carried_from_id=finding.id,
        ))
    refresh_due_dates(child, case.campaign)
    return {"reinspection_case": child.id, "carried_findings": [finding.position for finding in carried]}


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
