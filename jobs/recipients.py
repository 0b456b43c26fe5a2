"""Who receives the mail of an alert: the unit's contacts, the case's coordinator, the leaders.

* The unit: the unit's contact address and the active users with role ``unit`` for it.
* The case's coordinator: the active coordinator who last changed the case (from the audit log);
  when none has yet, every active coordinator.
* The leaders: every active user with role ``leader``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import AuditEntry, User
from workflow.alerts.rules import OVERDUE, REMINDER, UNIT, Rule
from workflow.people.contacts import emails, unit_contacts


def active_emails(session: Session, role: str) -> list[str]:
    return emails(session.scalars(select(User.email).where(User.role == role, User.active.is_(True))))


@dataclass
class AddressBook:
    """The addresses for one batch of cases, read with a few queries for the whole batch."""

    units: dict[int, list[str]] = field(default_factory=dict)
    case_coordinator: dict[int, str] = field(default_factory=dict)
    coordinators: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, session: Session, case_ids: set[int], unit_ids: set[int]) -> "AddressBook":
        last_change = (
            select(AuditEntry.inspection_id, func.max(AuditEntry.id).label("last_id"))
            .join(User, (User.email == AuditEntry.actor) & (User.role == "coordinator") & User.active.is_(True))
            .where(AuditEntry.inspection_id.in_(case_ids))
            .group_by(AuditEntry.inspection_id)
            .subquery()
        )
        coordinator_of = select(AuditEntry.inspection_id, AuditEntry.actor).join(last_change, AuditEntry.id == last_change.c.last_id)
        return cls(
            units=unit_contacts(session, unit_ids),
            case_coordinator={case_id: actor for case_id, actor in session.execute(coordinator_of)},
            coordinators=active_emails(session, "coordinator"),
            leaders=active_emails(session, "leader"),
        )

    def for_level(self, rule: Rule, level: int, case_id: int, unit_id: int) -> list[str]:
        """Reminder: whoever must act (the unit, or the coordinator for the team's own steps);
        level 1: the coordinator, and the unit when the unit is late; level 2: the leaders."""
        coordinator = [self.case_coordinator[case_id]] if case_id in self.case_coordinator else self.coordinators
        unit = self.units.get(unit_id, [])
        if level == REMINDER:
            chosen = unit if rule.responsible == UNIT else coordinator
        elif level == OVERDUE:
            chosen = coordinator + (unit if rule.responsible == UNIT else [])
        else:  # ESCALATION
            chosen = self.leaders
        if rule.inform_leaders:
            chosen = [*chosen, *self.leaders]
        return sorted(set(chosen))
