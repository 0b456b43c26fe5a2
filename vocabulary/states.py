"""The vocabulary of a case: its states, its kinds and the triggers that move it."""
from __future__ import annotations

from enum import StrEnum

from vocabulary.i18n import N_, gettext


class State(StrEnum):
    PLANNED = "planned"
    NOTIFIED = "notified"
    REPORT_RECEIVED = "report_received"
    VISITED = "visited"
    MINUTES_SIGNED = "minutes_signed"
    CONCLUDED = "concluded"
    REMEDIATION = "remediation"
    REMEDIATION_REPORTED = "remediation_reported"
    REINSPECTION = "reinspection"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return gettext(STATE_LABELS[self])


FINAL_STATES = frozenset({State.CLOSED, State.CANCELLED})

STATE_LABELS = {
    State.PLANNED: N_("Planned"),
    State.NOTIFIED: N_("Schedule notice sent"),
    State.REPORT_RECEIVED: N_("Report received"),
    State.VISITED: N_("Inspected on site"),
    State.MINUTES_SIGNED: N_("Minutes signed"),
    State.CONCLUDED: N_("Conclusion issued"),
    State.REMEDIATION: N_("Remediation in progress"),
    State.REMEDIATION_REPORTED: N_("Remediation reported"),
    State.REINSPECTION: N_("Re-inspection"),
    State.CLOSED: N_("Closed"),
    State.CANCELLED: N_("Cancelled"),
}


class Kind(StrEnum):
    DIRECT = "direct"
    SURPRISE = "surprise"
    SELF = "self"
    REINSPECTION = "reinspection"

    @property
    def label(self) -> str:
        return gettext(KIND_LABELS[self])


# The kinds a coordinator may open outside the plan's list (a re-inspection is ordered from its case).
OPENING_KINDS = (Kind.SURPRISE.value, Kind.DIRECT.value, Kind.SELF.value)

KIND_LABELS = {
    Kind.DIRECT: N_("Direct inspection"),
    Kind.SURPRISE: N_("Surprise inspection"),
    Kind.SELF: N_("Self-inspection"),
    Kind.REINSPECTION: N_("Re-inspection"),
}


class UnitKind(StrEnum):
    OFFICE = "office"
    COMMUNE = "commune"

    @property
    def label(self) -> str:
        return gettext(UNIT_KIND_LABELS[self])


UNIT_KIND_LABELS = {
    UnitKind.OFFICE: N_("Specialised office"),
    UnitKind.COMMUNE: N_("Commune-level People's Committee"),
}

TRIGGER_LABELS = {
    "notify": N_("Send the schedule notice"),
    "receive_report": N_("Record the unit's report"),
    "visit": N_("Record the on-site inspection"),
    "sign_minutes": N_("Record the signed minutes"),
    "conclude": N_("Issue the conclusion"),
    "start_remediation": N_("Start remediation"),
    "report_remediation": N_("Record the remediation report"),
    "accept": N_("Accept and close"),
    "order_reinspection": N_("Order a re-inspection"),
    "complete_reinspection": N_("Complete the re-inspection"),
    "reschedule": N_("Reschedule"),
    "cancel": N_("Cancel"),
}


# What a unit contact reads on its own buttons: the unit sends what the office records.
UNIT_TRIGGER_LABELS = {
    "receive_report": N_("Send the report"),
    "report_remediation": N_("Send the remediation report"),
}


def trigger_label(trigger: str, role: str | None = None) -> str:
    """The action's name; ``role="unit"`` gives it from the unit's side where that differs."""
    labels = UNIT_TRIGGER_LABELS if role == "unit" and trigger in UNIT_TRIGGER_LABELS else TRIGGER_LABELS
    return gettext(labels.get(trigger, trigger))


# Every action the audit log records: the triggers and the changes that are not transitions.
ACTION_LABELS = {
    **TRIGGER_LABELS,
    "create": N_("Created"),
    "edit": N_("Edited"),
    "delete": N_("Deleted"),
    "correct": N_("Data corrected"),
    "review_section": N_("Results of an outline section recorded"),
    "record_results": N_("The team's assessment and the unit's opinion recorded"),
    "team_roster": N_("Members of the inspection team set"),
    "review_finding": N_("Finding reviewed"),
    "attach": N_("File added"),
    "attach_signed": N_("Version signed elsewhere added"),
    "render_document": N_("Document produced"),
    "issue_document": N_("Document issued"),
    "sign_document": N_("Document signed digitally"),
    "signing_key": N_("Signing key registered"),
    "summary_content": N_("Summary report's content written"),
    "load_outline": N_("Outline loaded"),
    "login": N_("Logged in"),
    "login_failed": N_("Failed login"),
    "account_locked": N_("Account locked"),
    "login_delayed": N_("Logins delayed"),
    "logout": N_("Logged out"),
    "reset_password": N_("Password reset"),
    "issue_api_token": N_("API token issued"),
    "acknowledge": N_("Alert acknowledged"),
    "plan_units": N_("Units of the plan changed"),
    "propose_schedule": N_("Schedule proposed"),
    "activate": N_("Campaign started"),
    "close_campaign": N_("Campaign closed"),
    "rename": N_("Unit renamed"),
    "merge": N_("Units merged"),
    "split": N_("Unit split"),
    "seal_entries": N_("Entries sealed"),
    "checkpoint": N_("Checkpoint made"),
}


def action_label(action: str) -> str:
    return gettext(ACTION_LABELS.get(action, action))


ALERT_STATUS_LABELS = {
    "planned": N_("Scheduled"),
    "open": N_("Open"),
    "acknowledged": N_("Acknowledged"),
    "resolved": N_("Resolved"),
}


def status_label(entity: str, value: str | None) -> str:
    """The label of a state (a case's) or a status (an alert's) as the audit log records it."""
    if not value:
        return ""
    labels = ALERT_STATUS_LABELS if entity == "alert" else STATE_LABELS
    return gettext(labels.get(value, value))
