"""What :func:`workflow.audit.verify` reports, and how it names the entity whose history it is."""
from __future__ import annotations

from dataclasses import dataclass

from vocabulary.i18n import N_, Text

ENTITY_LABELS = {
    "inspection": N_("case #{id}"),
    "campaign": N_("campaign #{id}"),
    "unit": N_("unit #{id}"),
    "user": N_("user #{id}"),
    "alert": N_("alert #{id}"),
    "log": N_("the audit log itself"),
}


def subject_text(entity: str, entity_id: int) -> Text:
    return Text(ENTITY_LABELS.get(entity, entity + " #{id}"), {"id": entity_id})


@dataclass(frozen=True)
class AuditProblem:
    """One thing :func:`verify` found wrong."""

    text: Text
    entry_id: int | None = None

    def __str__(self) -> str:
        return str(self.text)
