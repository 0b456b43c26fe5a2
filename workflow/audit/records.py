"""What a row of a case, campaign, unit or user must agree with at the end of its own chain.

A row changed with no entry (``UPDATE inspection SET state = 'closed'`` by someone with the
database) leaves its chain intact, so the chain alone cannot show it; comparing the row with what
its chain recorded does. The entries record:

* the state, on every entry of a case (``to_state``) and on the entries of a campaign that move
  it (its ``status``);
* the values of the row at its creation (``create``, and a user's ``reset_password``: the
  snapshot of its columns), and the new value of every column an edit changed
  (``{"changes": {column: {"old", "new"}}}``).

Only the columns that change through entries recording them are compared (:data:`COMPARED`); the
others are changed by entries that record what happened rather than the columns it set (a
merger of units, a transition's effects), or are bookkeeping (the row's ``version`` is stepped by
writes that are no change of the entity, such as the step marks the dashboard counts, so it is
not compared). Every row must have its creation entry.
"""
from __future__ import annotations

import json
from typing import Any, Iterator

from vocabulary.i18n import N_, Text, _
from workflow.audit.problems import AuditProblem, subject_text

# The column holding the entity's state, where it has one; entries carry it as ``to_state``.
STATE_COLUMN = {"inspection": "state", "campaign": "status"}
COMPARED: dict[str, tuple[str, ...]] = {
    "inspection": ("state", "kind", "campaign_id"),
    "campaign": ("status", "code", "year"),
    "unit": ("kind",),
    "user": ("email", "role", "unit_id", "active"),
}
# How a compared column is named in a problem.
COLUMN_LABELS = {
    "state": N_("state"), "status": N_("state"), "kind": N_("kind"), "campaign_id": N_("campaign"), "code": N_("code"),
    "year": N_("year"), "email": N_("e-mail"), "role": N_("role"), "unit_id": N_("unit"), "active": N_("active"),
}
CREATION = "create"
_SNAPSHOTS = {"create", "reset_password"}


def recorded_after(entity: str, trigger: str, to_state: str | None, data_json: str, recorded: dict[str, Any]) -> None:
    """Update ``recorded`` (column → value as the chain has it) with one entry of ``entity``."""
    compared = COMPARED.get(entity)
    if compared is None:
        return
    if to_state is not None and entity in STATE_COLUMN:
        recorded[STATE_COLUMN[entity]] = to_state
    if trigger not in _SNAPSHOTS and '"changes"' not in data_json:
        return  # read only the entries that can hold values, not every entry's data
    data = json.loads(data_json)
    if not isinstance(data, dict) or "part" in data:  # a part of a campaign's outline, not the campaign
        return
    if isinstance(data.get("changes"), dict):
        values = {name: change.get("new") for name, change in data["changes"].items() if isinstance(change, dict)}
    elif trigger in _SNAPSHOTS:
        values = data.get("values", data) if isinstance(data.get("values", data), dict) else {}
    else:
        return
    recorded.update((name, value) for name, value in values.items() if name in compared)


def _same(stored: Any, recorded: Any) -> bool:
    # The log holds JSON: dates as ISO text, so compare the two spellings.
    return json.dumps(stored, default=str, sort_keys=True) == json.dumps(recorded, default=str, sort_keys=True)


def row_problems(entity: str, entity_id: int, row: dict[str, Any], recorded: dict[str, Any], first_trigger: str | None) -> Iterator[AuditProblem]:
    """The row against the end of its chain (``first_trigger``: of the chain's first entry, None
    for a row with no entry at all)."""
    subject = subject_text(entity, entity_id)
    if first_trigger != CREATION:
        yield AuditProblem(_("{subject} has no creation entry in the audit log: it was written, or its history deleted, behind the log's back.", subject=subject))
        return
    for column in COMPARED.get(entity, ()):
        if column in recorded and not _same(row.get(column), recorded[column]):
            yield AuditProblem(_("{subject}: {column} in the database is '{stored}' but the audit log records '{recorded}': the record was changed without an entry.",
                                 subject=subject, column=Text(COLUMN_LABELS[column]), stored=_shown(row.get(column)), recorded=_shown(recorded[column])))


def _shown(value: Any) -> str:
    return "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
