"""Who may fire what. The service checks this for every entry point alike."""
from __future__ import annotations

from dataclasses import dataclass

from vocabulary.i18n import gettext
from vocabulary.roles import AUDIT_READERS, ROLE_LABELS, ROLES

EVERY_TRIGGER = frozenset(
    {
        "notify",
        "receive_report",
        "visit",
        "sign_minutes",
        "conclude",
        "start_remediation",
        "report_remediation",
        "accept",
        "order_reinspection",
        "complete_reinspection",
        "reschedule",
        "cancel",
    }
)

# Coordinators run the campaign; team members record what they did on site; a unit hands in its
# own reports; the scheduler only orders a re-inspection when a remediation deadline has passed.
TRIGGERS_BY_ROLE: dict[str, frozenset[str]] = {
    "admin": EVERY_TRIGGER,
    "coordinator": EVERY_TRIGGER,
    "inspector": frozenset({"visit", "sign_minutes", "conclude"}),
    "unit": frozenset({"receive_report", "report_remediation"}),
    "leader": frozenset(),
    "auditor": frozenset(),
    "clerk": frozenset(),
    "system": frozenset({"order_reinspection"}),
}


# Changes of a case that are not transitions (workflow.casefile.case_edits): correcting its own data is
# the office's, and so is the team decision's roster (team_roster); reviewing the report, recording
# the results on site (record_results) and the findings is the team's; units add files to their own
# cases; documents are rendered by the office and the team (which documents: workflow.casefile.rendering).
# Scoring (workflow.scoring): a unit fills and submits its own self-assessment; the team appraises
# it and marks lost criteria as findings; the office imports and copies the criteria sets.
# Issuing a drawn-up document (its number and date, workflow.casefile.issuing) is the office's and the
# clerk's (văn thư); who signs which step is the document's own (workflow.casefile.signing_steps):
# the roles below may sign, each only the step the document names them for.
SELF_ASSESSMENT = frozenset({"self_assess", "submit_self_assessment"})
APPRAISAL = frozenset({"appraise", "propose_finding"})
EDITS_BY_ROLE: dict[str, frozenset[str]] = {
    "admin": frozenset({"correct", "review_section", "record_results", "review_finding", "attach", "render_document", "issue_document",
                        "sign_document", "attach_signed", "summary_content", "import_criteria", "team_roster"}) | SELF_ASSESSMENT | APPRAISAL,
    "coordinator": frozenset({"correct", "review_section", "record_results", "review_finding", "attach", "render_document", "issue_document",
                              "sign_document", "attach_signed", "summary_content", "import_criteria", "team_roster"}) | APPRAISAL,
    "inspector": frozenset({"review_section", "record_results", "review_finding", "attach", "render_document", "sign_document"}) | APPRAISAL,
    "unit": frozenset({"attach"}) | SELF_ASSESSMENT,
    "leader": frozenset({"sign_document"}),
    "clerk": frozenset({"issue_document", "sign_document", "attach_signed"}),
}


# Running campaigns (workflow.campaigns): importing and exporting plans, drafting, activating,
# closing and copying a campaign, the units' registry, and opening a case outside the plan's list.
CAMPAIGN_ACTIONS = frozenset(
    {"import_plan", "export_plan", "edit_campaign", "activate_campaign", "close_campaign", "copy_campaign", "edit_units", "open_inspection"}
)
CAMPAIGN_ACTIONS_BY_ROLE: dict[str, frozenset[str]] = {
    "admin": CAMPAIGN_ACTIONS,
    "coordinator": CAMPAIGN_ACTIONS,
    "inspector": frozenset({"export_plan"}),
    "leader": frozenset({"export_plan"}),
    "auditor": frozenset({"export_plan"}),
    "clerk": frozenset({"export_plan"}),
}


def role_label(role: str) -> str:
    return gettext(ROLE_LABELS.get(role, role))


@dataclass(frozen=True)
class Actor:
    """Who fires a trigger: a user, the scheduler, the command line or the seed."""

    name: str
    role: str
    user_id: int | None = None
    unit_id: int | None = None

    @classmethod
    def system(cls) -> "Actor":
        return cls("system", "system")

    @classmethod
    def command_line(cls, login: str) -> "Actor":
        return cls(f"cli:{login}", "admin")

    @classmethod
    def for_user(cls, user) -> "Actor":  # models.User; no import to keep the domain first
        return cls(user.email, user.role, user.id, user.unit_id)

    def sees_unit(self, unit_id: int) -> bool:
        return self.role != "unit" or self.unit_id == unit_id

    def may_fire(self, trigger: str, unit_id: int) -> bool:
        return trigger in TRIGGERS_BY_ROLE.get(self.role, frozenset()) and self.sees_unit(unit_id)

    def may_manage(self, action: str) -> bool:
        """One of the campaign actions (``CAMPAIGN_ACTIONS``)."""
        return action in CAMPAIGN_ACTIONS_BY_ROLE.get(self.role, frozenset())

    def may_edit(self, action: str, unit_id: int | None = None) -> bool:
        """``unit_id`` None: a campaign-wide change, never a unit's."""
        allowed = action in EDITS_BY_ROLE.get(self.role, frozenset())
        return allowed and (self.sees_unit(unit_id) if unit_id is not None else self.role != "unit")
