"""The roles a user can have, and their labels."""
from __future__ import annotations

from vocabulary.i18n import N_

ROLES = ("admin", "coordinator", "inspector", "unit", "leader", "auditor")
# Everyone but unit contacts reads the audit log (and the other office-wide pages).
AUDIT_READERS = ("admin", "coordinator", "inspector", "leader", "auditor")

ROLE_LABELS = {
    "admin": N_("Administrator"),
    "coordinator": N_("Coordinator (Home Affairs office)"),
    "inspector": N_("Inspection team member"),
    "unit": N_("Unit contact"),
    "leader": N_("Leader"),
    "auditor": N_("Auditor"),
    "system": N_("Scheduler"),
}
