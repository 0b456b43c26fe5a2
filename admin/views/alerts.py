"""Deadlines missed or near, as the scheduler raised them, and the mail it sent about them."""
from __future__ import annotations

import unicodedata

from flask import flash, request
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import lazy_gettext
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from jobs.mailer import retry
from jobs.outbox import OUTBOX_STATUS_LABELS
from models import Alert, OutboxMessage
from vocabulary.i18n import N_, format_datetime, gettext
from vocabulary.states import ALERT_STATUS_LABELS
from web.database import db_session
from workflow.alerts import actions as alerts
from workflow.alerts.rules import LEVEL_LABELS, RULES_BY_NAME
from workflow.errors import WorkflowError

from .. import campaign_context
from ..access import MANAGERS, STAFF, current_actor, has_role
from .base import SecureModelView, now

LEVEL_COLOURS = {0: "info", 1: "warning", 2: "danger"}


def _options(labels: dict) -> list[tuple[str, object]]:
    return [(str(key), lazy_gettext(label)) for key, label in labels.items()]


class AlertView(SecureModelView):
    allowed_roles = STAFF
    can_create = can_edit = can_delete = False
    list_template = "admin/alerts/list.html"
    column_list = ("inspection", "rule", "level", "due_on", "raised_at", "status", "acknowledged_by")
    column_default_sort = ("raised_at", True)
    column_labels = {
        "inspection": lazy_gettext(N_("Case")), "rule": lazy_gettext(N_("What is due")), "level": lazy_gettext(N_("Level")),
        "due_on": lazy_gettext(N_("Due on")), "raised_at": lazy_gettext(N_("Raised")), "status": lazy_gettext(N_("Status")),
        "acknowledged_by": lazy_gettext(N_("Acknowledged by")),
    }
    column_formatters = {
        "inspection": lambda v, c, m, n: Markup('<a href="{}">#{} {}</a>').format(
            v.get_url("inspection.details_view", id=m.inspection_id), m.inspection_id, m.inspection.unit_name),
        "rule": lambda v, c, m, n: gettext(RULES_BY_NAME[m.rule].label),
        "level": lambda v, c, m, n: Markup('<span class="badge badge-{}">{}</span>').format(
            LEVEL_COLOURS.get(m.level, "secondary"), gettext(LEVEL_LABELS[m.level])),
        "status": lambda v, c, m, n: gettext(ALERT_STATUS_LABELS[m.status]),
        "raised_at": lambda v, c, m, n: format_datetime(m.raised_at),
    }
    column_filters = [
        FilterEqual(Alert.status, lazy_gettext(N_("Status")),
                    options=[(k, v) for k, v in _options(ALERT_STATUS_LABELS) if k != "planned"]),
        FilterEqual(Alert.level, lazy_gettext(N_("Level")), options=_options(LEVEL_LABELS)),
        FilterEqual(Alert.rule, lazy_gettext(N_("What is due")),
                    options=[(name, lazy_gettext(rule.label)) for name, rule in RULES_BY_NAME.items()]),
    ]

    def _shown(self, query):
        """Raised alerts of the campaign chosen in the navigation bar."""
        query = query.filter(Alert.status != "planned")
        campaign = campaign_context.chosen()
        if campaign is not None:
            query = query.filter(Alert.campaign_id == campaign.id)
        return query

    def get_query(self):
        return self._shown(db_session().query(Alert)).options(joinedload(Alert.inspection))

    def get_count_query(self):
        return self._shown(super().get_count_query())

    def is_action_allowed(self, name):
        return has_role(*MANAGERS) and super().is_action_allowed(name)

    @action("acknowledge", lazy_gettext(N_("Acknowledge")), lazy_gettext(N_("Acknowledge the selected alerts?")))
    def action_acknowledge(self, ids):
        for alert_id in ids:
            try:
                alerts.acknowledge(db_session(), int(alert_id), current_actor(), now(), comment=request.form.get("comment") or None)
            except WorkflowError as error:
                flash(str(error), "error")
            else:
                flash(gettext("Alert #{id} acknowledged.").format(id=alert_id), "success")


class OutboxView(SecureModelView):
    allowed_roles = MANAGERS
    can_create = can_edit = can_delete = False
    can_view_details = True
    column_list = ("created_at", "recipient", "subject", "status", "attempts", "next_attempt_at", "sent_at", "last_error")
    column_details_list = ("created_at", "recipient", "subject", "status", "attempts", "sent_at", "last_error", "message_id", "body")
    column_default_sort = ("created_at", True)
    column_searchable_list = ("recipient", "subject")
    column_labels = {
        "created_at": lazy_gettext(N_("Written")), "recipient": lazy_gettext(N_("To")), "subject": lazy_gettext(N_("Subject")),
        "status": lazy_gettext(N_("Status")), "attempts": lazy_gettext(N_("Attempts")),
        "next_attempt_at": lazy_gettext(N_("Next attempt")), "sent_at": lazy_gettext(N_("Sent")),
        "last_error": lazy_gettext(N_("Last error")), "message_id": "Message-ID", "body": lazy_gettext(N_("Text")),
    }
    column_formatters = {
        "status": lambda v, c, m, n: Markup('<span class="badge badge-{}">{}</span>').format(
            {"sent": "success", "failed": "danger"}.get(m.status, "secondary"), gettext(OUTBOX_STATUS_LABELS[m.status])),
        # The page's own (proportional) font: monospace fonts draw Vietnamese marks apart from their letters.
        # In the page's own font, composed (NFC): a combining accent in a monospace font stands apart ("tê´").
        "body": lambda v, c, m, n: Markup("<div class='mail-body'>{}</div>").format(unicodedata.normalize("NFC", m.body or "")),
    }
    column_filters = [FilterEqual(OutboxMessage.status, lazy_gettext(N_("Status")), options=_options(OUTBOX_STATUS_LABELS))]

    @action("retry", lazy_gettext(N_("Send again")), lazy_gettext(N_("Queue the selected failed messages again?")))
    def action_retry(self, ids):
        queued = [message_id for message_id in ids if retry(db_session(), int(message_id), now())]
        flash(gettext("{count} failed message(s) queued again.").format(count=len(queued)), "success")
