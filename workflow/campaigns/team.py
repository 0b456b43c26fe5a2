"""The inspection team as the team decision sets it up (Quyết định thành lập / kiện toàn Đoàn kiểm
tra): its members with their titles, places of work and roles, kept on the campaign, and the
members a visit picks from it (``workflow.engine.trigger_data.Visit``: by ``position``, 1, 2, …,
the decision's order; the case keeps a copy of each, so a later change of the roster does not
rewrite minutes already drawn up)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping, Sequence

from models import Campaign, TeamMember
from vocabulary.campaigns import CLOSED, TEAM_ROLE_LABELS, TEAM_ROLES
from vocabulary.i18n import N_, _, gettext
from workflow.casefile.case_edits import campaign_change
from workflow.errors import BadData, Problem
from workflow.people.permissions import Actor

MAX_MEMBERS = 40
LIMITS = {"name": 100, "title": 200, "workplace": 200}
LABELS = {"name": N_("Full name of the person"), "title": N_("Title (chức vụ)"), "workplace": N_("Place of work"), "role": N_("Role in the team")}
# Roles a decision gives to one member only.
SINGLE_ROLES = ("head",)


def role_label(role: str) -> str:
    return gettext(TEAM_ROLE_LABELS.get(role, role))


def _cleaned(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rows given, blank ones dropped, checked; every problem named by row and field."""
    problems: list[Problem] = []
    members: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=1):
        values = {name: str(row.get(name) or "").strip() for name in ("name", "title", "workplace", "role")}
        if not any(values[name] for name in ("name", "title", "workplace")):
            continue
        field = f"members.{number - 1}"
        for name in ("name", "title"):
            if not values[name]:
                problems.append(Problem(_("Member no. {number}: {field} is required.", number=number, field=gettext(LABELS[name])), f"{field}.{name}"))
        for name, limit in LIMITS.items():
            if len(values[name]) > limit:
                problems.append(Problem(_("Member no. {number}: {field} is too long (at most {max_length} characters).",
                                          number=number, field=gettext(LABELS[name]), max_length=limit), f"{field}.{name}"))
        values["role"] = values["role"] or "member"
        if values["role"] not in TEAM_ROLES:
            problems.append(Problem(_("Member no. {number}: the role must be one of {roles}.", number=number,
                                      roles=", ".join(role_label(role) for role in TEAM_ROLES)), f"{field}.role"))
        members.append({**values, "workplace": values["workplace"] or None, "position": len(members) + 1})
    for role in SINGLE_ROLES:
        holders = [member["name"] for member in members if member["role"] == role]
        if len(holders) > 1:
            problems.append(Problem(_("Only one member is {role}; the roster names {names}.", role=role_label(role), names=", ".join(holders)), "members"))
    if len(members) > MAX_MEMBERS:
        problems.append(Problem(_("A team has at most {count} members.", count=MAX_MEMBERS), "members"))
    if problems:
        raise BadData(problems)
    return members


def set_team(campaign: Campaign, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Replace the campaign's roster with ``rows`` (checked); returns the members as recorded.
    For the callers that already hold the campaign in a change (the plan's import)."""
    members = _cleaned(rows)
    campaign.team_members[:] = [TeamMember(**member) for member in members]
    return members


def record_team(session, campaign_id: int, rows: Sequence[Mapping[str, Any]], *, actor: Actor, now: datetime,
                expected_version: int | None = None) -> Campaign:
    """Write the team decision's roster of a campaign (rows of name, title, workplace, role in
    the decision's order; blank rows are left out): audited on the campaign's chain, old and new."""
    members = _cleaned(rows)
    with campaign_change(session, campaign_id, "team_roster", actor, now, expected_version) as change:
        campaign: Campaign = change.subject
        if campaign.status == CLOSED:
            raise BadData(_("A closed campaign is read only."))
        old = [member.record() for member in campaign.team_members]
        campaign.team_members.clear()
        session.flush()  # the old rows go before the new ones take their positions
        campaign.team_members.extend(TeamMember(**member) for member in members)
        session.flush()
        change.data = {"old": old, "new": members}
    return campaign
