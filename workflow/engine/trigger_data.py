"""The data each trigger takes, declared once and used by every entry point.

The CLI hands strings (``--set key=value``), the API hands JSON and the admin forms hand form
values; all of them are parsed here, so "2023-07-20", "" and a JSON list of findings mean the same
thing everywhere. Dates a user leaves out default to the day of ``now`` (or to what the case
already holds) in :meth:`TriggerData.resolve`, so the audit log always records the date used.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from vocabulary.bounds import (EARLIEST_DATE, LATEST_DATE, MAX_JSON_BYTES, date_in_range, has_control_characters,
                               is_digits, json_too_deep)
from vocabulary.config import max_findings
from vocabulary.i18n import N_, Text, _, gettext
from workflow.errors import BadData, Problem
from workflow.records import register
from workflow.records.attachments import signed_in_product
from workflow.records.files import StoredFile

if TYPE_CHECKING:
    from workflow.engine.context import CaseContext

FindingStatus = Literal["done", "in_progress", "not_done"]


class Bounded(BaseModel):
    """Every text without control characters and every date between 2000 and 2100
    (``vocabulary.bounds``), whatever the field."""

    @field_validator("*", mode="after")
    @classmethod
    def _within_bounds(cls, value: Any) -> Any:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and has_control_characters(item):
                raise ValueError("control_characters")
            if isinstance(item, date) and not date_in_range(item):
                raise ValueError("date_out_of_range")
        return value


@dataclass(frozen=True)
class Needed:
    """A field the step must carry (checked by a guard, marked in the form): why, and the reason
    field that may stand in for it (a paper copy instead of the file)."""

    why: str
    unless: str | None = None


class Strict(Bounded):
    """Unknown keys refused, text trimmed, and an empty value (a blank form field, ``--set key=``)
    means "not given" (None: a correction clears the field)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_missing(cls, values: Any) -> Any:
        if isinstance(values, dict):
            return {key: (None if isinstance(value, str) and not value.strip() else value) for key, value in values.items()}
        return values


class Row(Bounded):
    """One row of a list (a finding, a finding's status): a blank cell is a missing one, so a
    half-filled row says which of its fields "is required"."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_missing(cls, values: Any) -> Any:
        if isinstance(values, dict):
            return {key: value for key, value in values.items() if value is not None and not (isinstance(value, str) and not value.strip())}
        return values


class TriggerData(Strict):
    """Fields common to every trigger."""

    # What this step must carry, field → Needed (guards in workflow.engine.machines.STEP_RULES).
    required: ClassVar[dict[str, Needed]] = {}

    comment: str | None = Field(None, title=N_("Comment"), max_length=4000)

    def resolve(self, case: "CaseContext") -> None:
        """Fill what was left out from the case and the moment (see each trigger)."""

    def problems(self, case: "CaseContext") -> list[Problem]:
        """Checks between fields that a type alone cannot express."""
        return []

    @classmethod
    def field_label(cls, field: str) -> str:
        return _label(cls, (field,))

    @classmethod
    def field_problem(cls, field: str, reason: Text) -> Problem:
        return Problem(_("{label}: {reason}", label=cls.field_label(field), reason=reason), field)

    def recorded(self) -> dict[str, Any]:
        """What goes into the audit entry: every field that has a value, comment apart."""
        return self.model_dump(mode="json", exclude_none=True, exclude={"comment"})


def _json_text(value: Any) -> Any:
    """The CLI gives JSON as text: ``--set findings='[{"section": "B.3", …}]'``."""
    if isinstance(value, str):
        if len(value) > MAX_JSON_BYTES or json_too_deep(value):
            raise ValueError("json_too_large")
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise ValueError("json_invalid") from None
    return value


def _uploaded(value: Any) -> Any:
    """A file must be a :class:`StoredFile` the entry point has already put in the store: a
    bare name or a dict naming a hash is refused, so nobody can claim a file they did not send."""
    if value is None or isinstance(value, StoredFile):
        return value
    raise ValueError("file_not_uploaded")


UploadedFile = Annotated[StoredFile, BeforeValidator(_uploaded)]
# The unit's attendees: the plan's section IV roles ticked (a JSON list in the CLI).
Attendees = Annotated[list[Annotated[str, Field(min_length=1, max_length=300)]] | None, BeforeValidator(_json_text)]


class Numbered(TriggerData):
    """A trigger that issues a numbered document: the register proposes the number, and another
    one needs a reason (see ``workflow.records.register``)."""

    number_reason: str | None = Field(None, title=N_("Reason for another number"), max_length=4000)


DATE_REASON = N_("Reason for a date outside the rules (day off, outside the period, earlier than notified)")
PAPER_REASON = N_("Paper copy received by hand: reason (office only)")


class Notify(Numbered):
    notice_number: str | None = Field(None, title=N_("Notice number"), max_length=50)
    notice_date: date | None = Field(None, title=N_("Notice date"))
    visit_date: date | None = Field(None, title=N_("Inspection date"))
    visit_time: time | None = Field(None, title=N_("Inspection time"))
    date_reason: str | None = Field(None, title=DATE_REASON, max_length=4000)

    def resolve(self, case: "CaseContext") -> None:
        if self.notice_number is None and self.notice_date is None:
            notice = register.schedule_notice_for(case.session, case.inspection)
            if notice is not None:  # the campaign's schedule notice already lists this case
                self.notice_number, self.notice_date = notice.symbol, notice.doc_date
        self.notice_date = self.notice_date or case.today
        self.visit_date = self.visit_date or case.inspection.visit_date
        self.visit_time = self.visit_time or case.inspection.visit_time

    def problems(self, case: "CaseContext") -> list[Problem]:
        if self.visit_date is None:
            return [self.field_problem("visit_date", _("is required: the case has no inspection date yet"))]
        return []


class ReceiveReport(TriggerData):
    required = {"file": Needed(N_("is required: upload the unit's report (or, for a paper copy received by hand, give the reason)."), unless="paper_reason")}

    received_date: date | None = Field(None, title=N_("Date received"))
    file: UploadedFile | None = Field(None, title=N_("Report file"))
    appendices: list[UploadedFile] = Field(default_factory=list, title=N_("Appendices"))
    self_check_date: date | None = Field(None, title=N_("Date the self-inspection was completed"))
    paper_reason: str | None = Field(None, title=PAPER_REASON, max_length=4000)

    def resolve(self, case: "CaseContext") -> None:
        self.received_date = self.received_date or case.today


def _positions(value: Any) -> Any:
    """The team as the roster's numbers: ``[1, 3]``, the CLI's ``1,3`` or ``[1, 3]``, a form's
    ``["1", "3"]``; any other text is a team described in words (a campaign without a roster)."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return _json_text(text)
        if text and all(is_digits(part.strip()) for part in text.split(",")):
            return [int(part) for part in text.split(",")]
        return value
    if isinstance(value, list):
        return [int(item) if isinstance(item, str) and is_digits(item.strip()) else item for item in value]
    return value


def _position(value: Any) -> Any:
    """A member as their number in the roster (``2``, ``"2"``), or a name (no roster)."""
    return int(value) if isinstance(value, str) and is_digits(value.strip()) else value


# The team of a visit: the numbers of its members in the campaign's roster, or, for a campaign
# without a roster (set up before there was one), the team in words.
TeamPick = Annotated[list[Annotated[int, Field(ge=1)]] | Annotated[str, Field(max_length=4000)] | None, BeforeValidator(_positions)]
MemberPick = Annotated[Annotated[int, Field(ge=1)] | Annotated[str, Field(max_length=200)] | None, BeforeValidator(_position)]


class Person(Row):
    """One of the unit's people at the visit: the name and the title, printed apart."""

    name: str = Field(title=N_("Full name of the person"), min_length=1, max_length=200)
    title: str | None = Field(None, title=N_("Title (chức vụ)"), max_length=200)


class Visit(TriggerData):
    required = {"team": Needed(N_("is required: who of the inspection team carried out the inspection."))}

    visit_date: date | None = Field(None, title=N_("Inspection date"))
    team: TeamPick = Field(None, title=N_("Inspection team"), description=N_(
        "The members who made the visit, by their numbers in the team decision's roster: [1, 2, 4]."),
        json_schema_extra={"x-pick": "members"})
    reason: str | None = Field(None, title=N_("Reason"), max_length=4000)
    radio: str | None = Field(None, title=N_("Radio reporter"), max_length=500)
    chair: MemberPick = Field(None, title=N_("Chair (head of the team)"), description=N_("A member of the visit's team, by number."),
                              json_schema_extra={"x-pick": "member"})
    secretary: MemberPick = Field(None, title=N_("Secretary (keeps the minutes)"), description=N_("A member of the visit's team, by number."),
                                  json_schema_extra={"x-pick": "member"})
    visit_started: time | None = Field(None, title=N_("Started at"))
    visit_ended: time | None = Field(None, title=N_("Ended at"))
    unit_attendees: Attendees = Field(None, title=N_("The unit's attendees (plan, section IV)"))
    unit_people: list[Person] = Field(default_factory=list, title=N_("The unit's people present (name and title)"))
    participants: str | None = Field(None, title=N_("Participants"), max_length=4000)
    unit_signer: str | None = Field(None, title=N_("The unit's representative who signs"), max_length=200)
    unit_signer_title: str | None = Field(None, title=N_("Their position"), max_length=200)
    date_reason: str | None = Field(None, title=DATE_REASON, max_length=4000)

    @field_validator("unit_people", mode="before")
    @classmethod
    def _people(cls, value: Any) -> Any:
        return _json_text(value) or []

    def resolve(self, case: "CaseContext") -> None:
        """Left out, the chair is the team's head and the secretary its secretary, when they came;
        the unit's representative who signs the minutes is the first of its people present (the
        minutes would otherwise print no name under the unit's signature)."""
        self.visit_date = self.visit_date or case.today
        if not self.unit_signer and self.unit_people:
            self.unit_signer = self.unit_people[0].name
            self.unit_signer_title = self.unit_signer_title or self.unit_people[0].title
        if isinstance(self.team, list):
            came = [member for member in case.campaign.team_members if member.position in self.team]
            for name, role in (("chair", "head"), ("secretary", "secretary")):
                if getattr(self, name) is None:
                    setattr(self, name, next((member.position for member in came if member.role == role), None))

    def problems(self, case: "CaseContext") -> list[Problem]:
        """With a roster, the team is picked from it and the chair and the secretary are of that
        team; without one, all three are words."""
        roster = {member.position: member.name for member in case.campaign.team_members}
        if not roster:
            return [self.field_problem(name, _("the campaign has no roster of its team: enter the team decision's members first (on the campaign's page), or describe the team in words."))
                    for name in ("team", "chair", "secretary") if isinstance(getattr(self, name), (int, list))]
        if self.team is None:
            return []  # "is required", said by the step's rule
        if isinstance(self.team, str):
            return [self.field_problem("team", _("pick the members from the roster of the team decision, by their numbers in it (1 to {count}).", count=len(roster)))]
        problems = []
        unknown = sorted(set(self.team) - set(roster))
        if unknown:
            problems.append(self.field_problem("team", _("no. {numbers} are not in the roster of the team decision (it lists {count} members).",
                                                         numbers=", ".join(map(str, unknown)), count=len(roster))))
        for name in ("chair", "secretary"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value not in self.team):
                problems.append(self.field_problem(name, _("must be a member of the team that made the visit ({members}).",
                                                           members=", ".join(roster[p] for p in sorted(set(self.team)) if p in roster))))
        if self.chair is not None and self.chair == self.secretary:
            problems.append(self.field_problem("secretary", _("is not the chair: the minutes are kept by another member.")))
        return problems


class SignMinutes(Numbered):
    required = {
        "participants": Needed(N_("is required: who took part and signed the minutes.")),
        "file": Needed(N_("is required: upload the scan of the signed minutes, or sign them in the product first.")),
    }

    minutes_number: str | None = Field(None, title=N_("Minutes number"), max_length=50)
    minutes_date: date | None = Field(None, title=N_("Minutes date"))
    participants: str | None = Field(None, title=N_("Participants"), max_length=4000)
    unit_attendees: Attendees = Field(None, title=N_("The unit's attendees (plan, section IV)"))
    visit_ended: time | None = Field(None, title=N_("Ended at"))
    team_assessment: str | None = Field(None, title=N_("The team's general assessment"), max_length=20000)
    unit_opinion: str | None = Field(None, title=N_("The unit's opinion"), max_length=20000)
    file: UploadedFile | None = Field(None, title=N_("Signed minutes (scan)"))

    def resolve(self, case: "CaseContext") -> None:
        self.minutes_date = self.minutes_date or case.today
        # Who took part was recorded at the visit; signing completes it, it need not repeat it.
        people = "; ".join(" - ".join(filter(None, (p.get("name"), p.get("title")))) for p in case.inspection.unit_people or ())
        self.participants = self.participants or case.inspection.participants or people or None
        # Minutes signed in the product to their last step need no scan: the signed PDF is the file.
        self.file = self.file or signed_in_product(case.session, case.inspection.id, "minutes")


class FindingIn(Row):
    section: str = Field(title=N_("Outline section"), min_length=1, max_length=20)
    text: str = Field(title=N_("Text"), min_length=1, max_length=4000)
    due_date: date = Field(title=N_("Remediation deadline"))


class Conclude(Numbered):
    conclusion_number: str | None = Field(None, title=N_("Conclusion notice number"), max_length=50)
    conclusion_date: date | None = Field(None, title=N_("Conclusion date"))
    findings: list[FindingIn] = Field(default_factory=list, title=N_("Findings"))

    @field_validator("findings", mode="before")
    @classmethod
    def _findings(cls, value: Any) -> Any:
        value = _json_text(value) or []
        if isinstance(value, list) and len(value) > max_findings():
            raise ValueError("too_many_findings")
        return value

    # Deadlines given on a day off, moved to the next working day (finding number → given date).
    _moved: dict[int, date] = PrivateAttr(default_factory=dict)

    def resolve(self, case: "CaseContext") -> None:
        """A deadline on a day off ends at the close of the next working day (Art. 148 BLDS)."""
        self.conclusion_date = self.conclusion_date or case.today
        for number, finding in enumerate(self.findings, start=1):
            moved = case.counting.calendar.on_or_after(finding.due_date)
            if moved != finding.due_date:
                self._moved[number] = finding.due_date
                finding.due_date = moved

    @property
    def moved_deadlines(self) -> dict[int, tuple[date, date]]:
        """Finding number → (the deadline given, the working day it was moved to)."""
        return {number: (given, self.findings[number - 1].due_date) for number, given in self._moved.items()}

    def recorded(self) -> dict[str, Any]:
        recorded = super().recorded()
        recorded["findings"] = [finding.model_dump(mode="json") for finding in self.findings]
        return recorded


class StartRemediation(TriggerData):
    pass


class FindingReport(Row):
    finding: int = Field(title=N_("Finding number"), ge=1)
    status: FindingStatus = Field(title=N_("Status"))
    note: str | None = Field(None, title=N_("Note"), max_length=4000)
    evidence: list[UploadedFile] = Field(default_factory=list, title=N_("Evidence"))


class ReportRemediation(TriggerData):
    required = {"file": Needed(N_("is required: upload the remediation report (or, for a paper copy received by hand, give the reason)."), unless="paper_reason")}

    reported_date: date | None = Field(None, title=N_("Date of the remediation report"))
    file: UploadedFile | None = Field(None, title=N_("Remediation report file"))
    paper_reason: str | None = Field(None, title=PAPER_REASON, max_length=4000)
    # Keyed by the finding's number in the conclusion (1, 2, …); every finding not yet accepted
    # must be reported.
    statuses: list[FindingReport] = Field(default_factory=list, title=N_("Status of each finding"))

    @field_validator("statuses", mode="before")
    @classmethod
    def _statuses(cls, value: Any) -> Any:
        """Accept ``{"1": "done"}``, ``{"1": {"status": …, "note": …}}``, or a list of either
        objects with ``finding`` or bare statuses in the findings' order."""
        value = _json_text(value)
        if value is None:
            return []
        if isinstance(value, dict):
            return [
                {"finding": key, **(item if isinstance(item, dict) else {"status": item})}
                for key, item in value.items()
            ]
        if isinstance(value, list):
            return [
                item if isinstance(item, dict) else {"finding": number, "status": item}
                for number, item in enumerate(value, start=1)
            ]
        return value

    def resolve(self, case: "CaseContext") -> None:
        self.reported_date = self.reported_date or case.today

    def problems(self, case: "CaseContext") -> list[Problem]:
        findings = case.inspection.findings
        given = {report.finding for report in self.statuses}
        unknown = [
            self.field_problem("statuses", _("finding no. {number} does not exist (the conclusion has {count})", number=report.finding, count=len(findings)))
            for report in self.statuses
            if report.finding > len(findings)
        ]
        unreported = [str(number) for number, finding in enumerate(findings, start=1) if finding.accepted is not True and number not in given]
        if unreported:
            unknown.append(self.field_problem("statuses", _("findings no. {numbers} are not reported: give the status of each finding (done, in progress, not done)", numbers=", ".join(unreported))))
        return unknown


class Accept(TriggerData):
    pass


class OrderReinspection(TriggerData):
    reason: str | None = Field(None, title=N_("Reason"), max_length=4000)
    planned_date: date | None = Field(None, title=N_("Planned re-inspection date"))
    unannounced: bool = Field(False, title=N_("Unannounced"))

    def resolve(self, case: "CaseContext") -> None:
        """Left out, the phúc tra is planned the campaign's number of days after the order."""
        self.planned_date = self.planned_date or case.counting.period_end(case.today, case.campaign.reinspection_lead_days)


class CompleteReinspection(TriggerData):
    result: Literal["resolved", "not_resolved"] = Field(title=N_("Result"))
    due_date: date | None = Field(None, title=N_("New remediation deadline"))

    def problems(self, case: "CaseContext") -> list[Problem]:
        if self.result == "not_resolved" and self.due_date is None:
            return [self.field_problem("due_date", _("is required when the findings are not resolved"))]
        return []


class Reschedule(TriggerData):
    visit_date: date = Field(title=N_("Inspection date"))
    visit_time: time | None = Field(None, title=N_("Inspection time"))
    reason: str | None = Field(None, title=N_("Reason"), max_length=4000)
    date_reason: str | None = Field(None, title=DATE_REASON, max_length=4000)


class Cancel(TriggerData):
    reason: str = Field(title=N_("Reason"), min_length=1, max_length=4000)


class CaseEdit(TriggerData):
    """A case's own data that may be corrected without a transition: names, the time, and — with
    a reason, audited old → new — the dates recorded by the steps and the documents' numbers.
    The planned inspection date changes only by ``reschedule`` (the notice must go out again);
    what the team found (the sections, its assessment, the unit's opinion) is recorded on its own
    page (``workflow.casefile.review``), not corrected here."""

    visit_time: time | None = Field(None, title=N_("Inspection time"))
    team: str | None = Field(None, title=N_("Inspection team"), max_length=4000)
    radio: str | None = Field(None, title=N_("Radio reporter"), max_length=500)
    minutes_number: str | None = Field(None, title=N_("Minutes number"), max_length=50)
    participants: str | None = Field(None, title=N_("Participants"), max_length=4000)
    chair: str | None = Field(None, title=N_("Chair (head of the team)"), max_length=200)
    secretary: str | None = Field(None, title=N_("Secretary (keeps the minutes)"), max_length=200)
    visit_started: time | None = Field(None, title=N_("Started at"))
    visit_ended: time | None = Field(None, title=N_("Ended at"))
    unit_attendees: Attendees = Field(None, title=N_("The unit's attendees (plan, section IV)"))
    unit_signer: str | None = Field(None, title=N_("The unit's representative who signs"), max_length=200)
    unit_signer_title: str | None = Field(None, title=N_("Their position"), max_length=200)
    notice_number: str | None = Field(None, title=N_("Notice number"), max_length=50)
    conclusion_number: str | None = Field(None, title=N_("Conclusion notice number"), max_length=50)
    notice_date: date | None = Field(None, title=N_("Notice date"))
    received_date: date | None = Field(None, title=N_("Date received"))
    self_check_date: date | None = Field(None, title=N_("Date the self-inspection was completed"))
    visited_date: date | None = Field(None, title=N_("Date of the on-site inspection"))
    minutes_date: date | None = Field(None, title=N_("Minutes date"))
    conclusion_date: date | None = Field(None, title=N_("Conclusion date"))
    remediation_reported_date: date | None = Field(None, title=N_("Date of the remediation report"))
    correction_reason: str | None = Field(None, title=N_("Reason for correcting a date or a number"), max_length=4000)


SCHEMAS: dict[str, type[TriggerData]] = {
    "notify": Notify,
    "receive_report": ReceiveReport,
    "visit": Visit,
    "sign_minutes": SignMinutes,
    "conclude": Conclude,
    "start_remediation": StartRemediation,
    "report_remediation": ReportRemediation,
    "accept": Accept,
    "order_reinspection": OrderReinspection,
    "complete_reinspection": CompleteReinspection,
    "reschedule": Reschedule,
    "cancel": Cancel,
}

_REASONS: dict[str, str] = {
    "missing": N_("is required"),
    "extra_forbidden": N_("is not a field of this action"),
    "date_parsing": N_("is not a valid date (expected YYYY-MM-DD)"),
    "date_from_datetime_parsing": N_("is not a valid date (expected YYYY-MM-DD)"),
    "date_from_datetime_inexact": N_("is not a valid date (expected YYYY-MM-DD)"),
    "date_type": N_("is not a valid date (expected YYYY-MM-DD)"),
    "time_parsing": N_("is not a valid time (expected HH:MM)"),
    "time_type": N_("is not a valid time (expected HH:MM)"),
    "string_too_short": N_("must not be empty"),
    "string_too_long": N_("is too long (at most {max_length} characters)"),
    "literal_error": N_("must be one of: {expected}"),
    "list_type": N_("must be a list"),
    "int_parsing": N_("must be a whole number"),
    "int_type": N_("must be a whole number"),
    "greater_than_equal": N_("must be at least {ge}"),
    "greater_than": N_("must be more than {gt}"),
    "less_than_equal": N_("must be at most {le}"),
    "decimal_max_places": N_("has at most {decimal_places} decimal places"),
    "decimal_parsing": N_("must be a number"),
    "bool_parsing": N_("must be yes or no (true/false)"),
    "model_type": N_("must be an object with its own fields"),
    "dict_type": N_("must be an object with its own fields"),
}


def _label(schema: type[BaseModel], loc: tuple[Any, ...]) -> str:
    """Translated title of the field at ``loc``, e.g. "Kiến nghị số 2 › Hạn khắc phục"."""
    parts: list[str] = []
    model: Any = schema
    for step in loc:
        if isinstance(step, int):
            parts[-1:] = [str(_("{label} no. {number}", label=parts[-1], number=step + 1))] if parts else []
            continue
        field = model.model_fields.get(step) if isinstance(model, type) and issubclass(model, BaseModel) else None
        parts.append(gettext(field.title) if field is not None and field.title else str(step))
        annotation = getattr(field, "annotation", None)
        model = next((arg for arg in getattr(annotation, "__args__", ()) if isinstance(arg, type) and issubclass(arg, BaseModel)), annotation)
    return " › ".join(parts)


def _problem(schema: type[BaseModel], error: Any) -> Problem:
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "value_error" and "json_invalid" in error.get("msg", ""):
        reason: Text = _("is not valid JSON")
    elif kind == "value_error" and "file_not_uploaded" in error.get("msg", ""):
        reason = _("must be the file itself, uploaded (a file name alone is not a file)")
    elif kind == "value_error" and "control_characters" in error.get("msg", ""):
        reason = _("contains a control character (such as NUL); remove it")
    elif kind == "value_error" and "date_out_of_range" in error.get("msg", ""):
        reason = _("must be a date from {earliest} to {latest}", earliest=EARLIEST_DATE, latest=LATEST_DATE)
    elif kind == "value_error" and "too_many_findings" in error.get("msg", ""):
        reason = _("at most {count} findings in one conclusion", count=max_findings())
    elif kind == "value_error" and "json_too_large" in error.get("msg", ""):
        reason = _("is too large or nested too deeply")
    else:
        context = error.get("ctx") or {}
        reason = Text(_REASONS.get(kind, N_("is invalid")), {key: str(value) for key, value in context.items()})
    field = ".".join(str(step) for step in loc) if loc else None
    if kind == "missing" and loc:  # "Vui lòng nhập lý do.", on a finding's row "Kiến nghị số 2: Vui lòng nhập hạn khắc phục."
        *row, name = _label(schema, loc).split(" › ")
        asked = _("Please enter {field}.", field=_in_sentence(name))
        return Problem(_("{label}: {reason}", label=" › ".join(row), reason=asked) if row else asked, field)
    return Problem(_("{label}: {reason}", label=_label(schema, loc) if loc else "", reason=reason), field)


def _in_sentence(label: str) -> str:
    """A field's label inside a sentence: its first letter small, unless its first word is a name
    or an abbreviation ("Đoàn kiểm tra", "UBND")."""
    first = label.split(" ", 1)[0]
    if first in ("Đoàn", "Inspection") or first.isupper() or len(first) < 2:
        return label
    return label[0].lower() + label[1:]


def parse(trigger: str, data: dict[str, Any], schema: type[TriggerData] | None = None) -> TriggerData:
    """Validate the data given with ``trigger``; raise :class:`BadData` naming every bad field."""
    schema = schema or SCHEMAS[trigger]
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        raise BadData([_problem(schema, detail) for detail in error.errors()]) from None
