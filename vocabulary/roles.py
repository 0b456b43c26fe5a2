"""The roles a user can have, and their labels."""
from __future__ import annotations

from vocabulary.i18n import N_, gettext

ROLES = ("admin", "coordinator", "inspector", "unit", "leader", "auditor", "clerk")
# Everyone but unit contacts reads the audit log (and the other office-wide pages).
AUDIT_READERS = ("admin", "coordinator", "inspector", "leader", "auditor", "clerk")

ROLE_LABELS = {
    "admin": N_("Administrator"),
    "coordinator": N_("Coordinator (Home Affairs office)"),
    "inspector": N_("Inspection team member"),
    "unit": N_("Unit contact"),
    "leader": N_("Leader"),
    "auditor": N_("Auditor"),
    "clerk": N_("Records clerk"),
    "system": N_("Scheduler"),
}

# Actors that are not users, as the audit log records them ("seed:tuky-2023", "cli:root").
ACTOR_PREFIX_LABELS = {
    "seed": N_("Loading of the plan {name}"),
    "cli": N_("Command line ({name})"),
}


def actor_label(actor: str | None) -> str:
    """Who did it, in words: a user's e-mail as it is, the scheduler and the command line named."""
    if not actor:
        return ""
    if actor == "system":
        return gettext(ROLE_LABELS["system"])
    prefix, colon, name = actor.partition(":")
    if colon and prefix in ACTOR_PREFIX_LABELS:
        return gettext(ACTOR_PREFIX_LABELS[prefix]).format(name=name)
    return actor
