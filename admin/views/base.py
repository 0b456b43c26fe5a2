"""What every admin view shares: who may open it, and the forms' CSRF and language."""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask import abort
from flask_admin import BaseView
from flask_admin.contrib.sqla import ModelView
from flask_login import current_user

from documents.cells import text_cell
from vocabulary.config import local_date
from vocabulary.i18n import format_date, format_datetime

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
    }
    column_type_formatters_export = column_type_formatters
    column_type_formatters_detail = column_type_formatters

    def get_export_value(self, model, name):
        """Every exported cell (CSV and XLSX): a value a spreadsheet would run as a formula is
        written as text."""
        return text_cell(super().get_export_value(model, name))
