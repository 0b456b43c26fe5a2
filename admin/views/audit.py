"""The audit log for auditors and leaders: read-only, filterable, exportable, verifiable."""
from __future__ import annotations

import json
from datetime import datetime

from flask_admin import expose
from flask_admin.contrib.sqla.filters import DateTimeBetweenFilter, FilterEqual, FilterLike
from flask_babel import lazy_gettext
from markupsafe import Markup
from sqlalchemy.orm import contains_eager

from models import AuditEntry, Inspection
from vocabulary.bounds import date_in_range
from vocabulary.config import zone
from vocabulary.i18n import N_, format_datetime
from vocabulary.states import ACTION_LABELS, STATE_LABELS, action_label, status_label
from web.database import db_session
from web.files import checkpoint_store
from workflow.audit import subject_text
from workflow.audit.checkpoint import latest_or_problem, verify_against

from ..access import AUDIT_READERS
from .base import SecureModelView


def _subject(entry: AuditEntry) -> str:
    text = str(subject_text(entry.entity, entry.entity_id))
    return f"{text} — {entry.inspection.unit_name}" if entry.inspection is not None else text


def _move(entry: AuditEntry) -> str:
    """"Planned → Notified"; nothing for a change that did not move the case."""
    if not entry.to_state or entry.from_state == entry.to_state:
        return ""
    return f"{status_label(entry.entity, entry.from_state) or '—'} → {status_label(entry.entity, entry.to_state)}"


def _data(entry: AuditEntry) -> str:
    return json.dumps(json.loads(entry.data_json), ensure_ascii=False, indent=1) if entry.data_json != "{}" else ""


class LocalTimeBetween(DateTimeBetweenFilter):
    """The picker's times are local (``TIMEZONE``) and naive; the column wants aware ones. A range
    outside 2000–2100 is not a filter (Flask-Admin then ignores it)."""

    def clean(self, value: str) -> list[datetime]:
        return [moment.replace(tzinfo=zone()) for moment in super().clean(value)]

    def validate(self, value: str) -> bool:
        return super().validate(value) and all(date_in_range(moment) for moment in super().clean(value))


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
        "data_json": lambda v, c, m, n: Markup("<pre class='mb-0'>{}</pre>").format(_data(m)),
    }
    column_formatters_export = {
        "at": lambda v, c, m, n: format_datetime(m.at),
        "entity": lambda v, c, m, n: _subject(m),
        "trigger": lambda v, c, m, n: action_label(m.trigger),
        "from_state": lambda v, c, m, n: status_label(m.entity, m.from_state),
        "to_state": lambda v, c, m, n: status_label(m.entity, m.to_state),
    }
    column_filters = [
        LocalTimeBetween(AuditEntry.at, lazy_gettext(N_("Time"))),
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
        return super().get_count_query().outerjoin(Inspection, AuditEntry.inspection_id == Inspection.id)

    @expose("/verify/", methods=("POST",))
    def verify_view(self):
        """The chains, and the log against the latest checkpoint (``audit verify`` does the same)."""
        store = checkpoint_store()
        checkpoint, unreadable = latest_or_problem(store)
        report = verify_against(db_session(), checkpoint, store.key)
        if unreadable is not None:
            report.problems.append(unreadable)
        return self.render("admin/audit/verify.html", report=report, checkpoint=checkpoint, format_datetime=format_datetime)
