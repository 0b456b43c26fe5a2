"""The audit log for auditors and leaders: read-only, filterable, exportable, verifiable."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, time
from functools import lru_cache

from flask import request
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual, FilterLike
from flask_babel import lazy_gettext
from markupsafe import Markup
from sqlalchemy.orm import contains_eager

from models import AuditEntry, Inspection
from vocabulary.campaigns import CAMPAIGN_STATUS_LABELS
from vocabulary.i18n import N_, format_date, format_datetime, gettext
from vocabulary.roles import actor_label
from vocabulary.states import ACTION_LABELS, STATE_LABELS, action_label, status_label
from web.database import db_session
from web.files import checkpoint_store
from workflow.audit import subject_text
from workflow.audit.checkpoint import verify_log
from workflow.engine.trigger_data import SCHEMAS

from ..access import AUDIT_READERS
from ..filters import LocalTimeBetweenFilter
from .alerts import AlertView
from .base import SecureModelView
from .campaigns import CampaignView
from .reference import UserView
from .units import UnitView


def _subject(entry: AuditEntry) -> str:
    text = str(subject_text(entry.entity, entry.entity_id))
    return f"{text} — {entry.inspection.unit_name}" if entry.inspection is not None else text


def _status(entity: str, value: str | None) -> str:
    """A case's state, an alert's or a campaign's status ("Dự thảo", not "draft")."""
    if entity == "campaign" and value in CAMPAIGN_STATUS_LABELS:
        return gettext(CAMPAIGN_STATUS_LABELS[value])
    return status_label(entity, value)


def _move(entry: AuditEntry) -> str:
    """"Planned → Notified"; nothing for a change that did not move the case."""
    if not entry.to_state or entry.from_state == entry.to_state:
        return ""
    return f"{_status(entry.entity, entry.from_state) or '—'} → {_status(entry.entity, entry.to_state)}"


# The keys of an entry's data that are not a trigger's field or a column some page labels.
DATA_KEY_LABELS = {
    "values": N_("Values"), "changes": N_("Changes"), "old": N_("Before"), "new": N_("After"), "part": N_("Part"),
    "rule": N_("What is due"), "level": N_("Level"), "due_on": N_("Due on"), "items": N_("Outline items"),
    "sections": N_("Outline sections"), "unit_kind": N_("Outline for"), "number": N_("No."),
    "register": N_("Register of documents"), "date": N_("Date"), "override_reason": N_("Reason for another number"),
    # The log's own chain: revision 0019's sealing and the checkpoints.
    "revision": N_("Database revision"), "sealed": N_("Entries sealed"), "made_at": N_("Made at"), "chains": N_("Chains"),
    "entries": N_("Entries"), "root": N_("Root digest"), "previous": N_("Previous checkpoint's root"),
    "signature": N_("Signature"), "heads": N_("Chain heads that moved"),
}


@lru_cache(maxsize=1)
def _key_labels() -> dict[str, object]:
    """Labels (message ids or lazy texts) of the keys an entry's data may have: the triggers'
    fields, the columns of the reference pages and the keys above."""
    labels: dict[str, object] = {}
    for schema in SCHEMAS.values():
        for key, field in schema.model_fields.items():
            labels.setdefault(key, field.title or key)
    for view in (CampaignView, UnitView, UserView, AlertView):
        for key, text in view.column_labels.items():
            labels.setdefault(key, text)
    return {**labels, **DATA_KEY_LABELS}


def _key_label(key: str) -> str:
    text = _key_labels().get(key, key)
    return gettext(text) if isinstance(text, str) else str(text)


_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
_TIME = re.compile(r"^\d\d:\d\d(:\d\d)?$")
_MOMENT = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d.*[+-]\d\d:\d\d$")


def _moment_text(text: str) -> str:
    """An ISO date, time or moment (with its offset) as the UI writes it; other text as it is."""
    try:
        if _DATE.match(text):
            return format_date(date.fromisoformat(text))
        if _TIME.match(text):
            return time.fromisoformat(text).strftime("%H:%M")
        if _MOMENT.match(text):
            return format_datetime(datetime.fromisoformat(text))
    except ValueError:
        pass
    return text


def _value(value: object) -> Markup:
    if isinstance(value, dict):
        return Markup('<dl class="audit-data mb-0">{}</dl>').format(Markup("").join(
            Markup("<dt>{}</dt><dd>{}</dd>").format(_key_label(key), _value(item))
            for key, item in value.items()))
    if isinstance(value, list):
        return Markup("<ul class='mb-0 pl-3'>{}</ul>").format(Markup("").join(Markup("<li>{}</li>").format(_value(item)) for item in value))
    if isinstance(value, bool):
        return Markup(gettext("yes") if value else gettext("no"))
    if isinstance(value, str):
        return Markup.escape(_moment_text(value))
    return Markup.escape("—" if value is None else str(value))


def _data(entry: AuditEntry) -> Markup:
    """The entry's data, each key under its Vietnamese label, dates as dd/mm/yyyy."""
    data = json.loads(entry.data_json)
    return _value(data) if data else Markup("")


class AuditView(SecureModelView):
    allowed_roles = AUDIT_READERS
    can_create = can_edit = can_delete = False
    can_view_details = True
    can_export = True
    export_types = ["csv", "xlsx"]
    list_template = "admin/audit/list.html"
    column_list = ("id", "at", "actor", "entity", "trigger", "to_state", "comment")
    column_details_list = ("id", "at", "actor", "entity", "seq", "trigger", "to_state", "comment", "data_json", "prev_hash", "hash")
    column_export_list = ("id", "at", "actor", "entity", "seq", "trigger", "from_state", "to_state", "comment", "data_json", "hash")
    column_default_sort = ("id", True)
    column_labels = {
        "id": lazy_gettext(N_("No.")), "at": lazy_gettext(N_("Time")), "actor": lazy_gettext(N_("Who")),
        "entity": lazy_gettext(N_("Record")), "seq": lazy_gettext(N_("Sequence")), "trigger": lazy_gettext(N_("Action")),
        "from_state": lazy_gettext(N_("From")), "to_state": lazy_gettext(N_("State change")),
        "comment": lazy_gettext(N_("Comment")), "data_json": lazy_gettext(N_("Data")),
        "prev_hash": lazy_gettext(N_("Previous hash")), "hash": lazy_gettext(N_("Hash")),
    }
    column_formatters = {
        "at": lambda v, c, m, n: format_datetime(m.at),
        "entity": lambda v, c, m, n: _subject(m),
        "trigger": lambda v, c, m, n: action_label(m.trigger),
        "to_state": lambda v, c, m, n: _move(m),
        "actor": lambda v, c, m, n: actor_label(m.actor),
        "data_json": lambda v, c, m, n: _data(m),
    }
    column_formatters_export = {
        "at": lambda v, c, m, n: format_datetime(m.at),
        "actor": lambda v, c, m, n: actor_label(m.actor),
        "entity": lambda v, c, m, n: _subject(m),
        "trigger": lambda v, c, m, n: action_label(m.trigger),
        "from_state": lambda v, c, m, n: _status(m.entity, m.from_state),
        "to_state": lambda v, c, m, n: _status(m.entity, m.to_state),
    }
    column_filters = [
        LocalTimeBetweenFilter(AuditEntry.at, lazy_gettext(N_("Time"))),
        FilterLike(AuditEntry.actor, lazy_gettext(N_("Who"))),
        FilterLike(Inspection.unit_name, lazy_gettext(N_("Unit"))),
        FilterEqual(AuditEntry.trigger, lazy_gettext(N_("Action")),
                    options=[(key, lazy_gettext(label)) for key, label in ACTION_LABELS.items()]),
        FilterEqual(AuditEntry.to_state, lazy_gettext(N_("New state")),
                    options=[(str(key), lazy_gettext(label)) for key, label in STATE_LABELS.items()]),
        FilterEqual(AuditEntry.from_state, lazy_gettext(N_("Previous state")),
                    options=[(str(key), lazy_gettext(label)) for key, label in STATE_LABELS.items()]),
    ]
    column_searchable_list = ("actor", "comment")

    def get_query(self):
        # The CSV export streams after the request: load the case with the entry.
        return (db_session().query(AuditEntry).outerjoin(Inspection, AuditEntry.inspection_id == Inspection.id)
                .options(contains_eager(AuditEntry.inspection)))

    def get_count_query(self):
        """Counted only when filtered or searched (how many entries match is what an auditor
        asks): the whole log grows with every change, and its first page reads 50 rows on the
        primary key, so unfiltered it pages newer/older without a count (issue #14)."""
        if not any(key == "search" or key.startswith("flt") for key in request.args):
            return None
        return super().get_count_query().outerjoin(Inspection, AuditEntry.inspection_id == Inspection.id)

    @expose("/verify/", methods=("POST",))
    def verify_view(self):
        """The chains, and the log against the latest checkpoint (``audit verify`` does the same)."""
        report = verify_log(db_session(), checkpoint_store())
        return self.render("admin/audit/verify.html", report=report, checkpoint=report.checkpoint, format_datetime=format_datetime)
