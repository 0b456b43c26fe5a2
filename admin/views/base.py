"""What every admin view shares: who may open it, and the forms' CSRF and language."""
from __future__ import annotations

import itertools
from datetime import date, datetime, timezone

from flask import abort
from flask_admin import BaseView
from flask_admin.contrib.sqla import ModelView
from flask_login import current_user

from flask_babel import lazy_gettext
from markupsafe import Markup

from documents.cells import text_cell
from vocabulary.config import local_date
from vocabulary.i18n import N_, format_date, format_datetime, gettext

from ..access import STAFF, has_role, login_manager
from ..forms import AdminForm


def now() -> datetime:
    return datetime.now(timezone.utc)


def today() -> date:
    return local_date(now())


class Protected:
    """Login required; a role outside ``allowed_roles`` gets 403, never a crash."""

    allowed_roles: tuple[str, ...] = STAFF

    def is_accessible(self) -> bool:
        return has_role(*self.allowed_roles)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        abort(403)


class SecureView(Protected, BaseView):
    pass


# The columns every model has, named alike in every view; the bookkeeping a person never reads
# (hashes, the audit chain's links, a session counter) is not shown on a details page.
COMMON_LABELS = {"id": N_("ID"), "version": N_("Version"), "created_at": N_("Created at"), "updated_at": N_("Updated at")}
NEVER_SHOWN = ("password_hash", "api_token_hash", "session_generation", "audit_seq", "audit_head")


def _yes_no(view, value, name) -> Markup:
    """A tick or a dash, with "Có"/"Không" as its tooltip (Flask-Admin's reads "active: true")."""
    return Markup('<span class="fa fa-{}" title="{}"></span>').format("check-circle" if value else "minus-circle",
                                                                        gettext("yes") if value else gettext("no"))


class SecureModelView(Protected, ModelView):
    form_base_class = AdminForm
    page_size = 50
    can_set_page_size = False  # its menu reads "50 mặt hàng" in Flask-Admin's Vietnamese catalog
    column_display_pk = True
    # Flask-Admin takes the first type the value is an instance of: datetime (a kind of date) first,
    # so that a moment is shown in TIMEZONE with its time, in the list and on the details page.
    column_type_formatters = {
        datetime: lambda view, value, name: format_datetime(value),
        date: lambda view, value, name: format_date(value),
        **ModelView.column_type_formatters,
        bool: _yes_no,
    }
    column_details_exclude_list = NEVER_SHOWN
    create_template = "admin/model_forms/create.html"  # with the legend of the required mark
    edit_template = "admin/model_forms/edit.html"
    column_type_formatters_export = column_type_formatters
    column_type_formatters_detail = column_type_formatters

    def get_column_name(self, field):
        if field not in (self.column_labels or {}) and field in COMMON_LABELS:
            return lazy_gettext(COMMON_LABELS[field])
        return super().get_column_name(field)

    def _export_csv(self, return_url):
        """The CSV with a UTF-8 byte order mark: without it Excel reads Vietnamese as mojibake."""
        response = super()._export_csv(return_url)
        response.response = itertools.chain(["\ufeff"], response.response)
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
        return response

    def get_export_value(self, model, name):
        """Every exported cell (CSV and XLSX): a value a spreadsheet would run as a formula is
        written as text."""
        return text_cell(super().get_export_value(model, name))
