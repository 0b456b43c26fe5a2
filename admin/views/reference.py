"""Reference data coordinators keep: the campaign's settings, units, users, the outlines.
Every create, edit and delete is written to the audit log with the old and new values."""
from __future__ import annotations

from datetime import date, datetime

from flask import flash
from flask_admin.actions import action
from flask_babel import lazy_gettext
from sqlalchemy import inspect as sa_inspect
from wtforms import PasswordField, SelectField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from vocabulary.i18n import N_, format_date, gettext
from vocabulary.states import UNIT_KIND_LABELS
from web.database import db_session
from workflow.audit.edits import record_edit
from workflow.people.accounts import end_sessions, hash_password, issue_api_token
from workflow.people.password_policy import password_problem
from workflow.people.permissions import ROLES, role_label

from ..access import MANAGERS, current_actor
from .base import SecureModelView, now


def label(msgid: str):
    return lazy_gettext(msgid)


class AuditedModelView(SecureModelView):
    allowed_roles = MANAGERS
    can_delete = False
    can_view_details = True

    def on_model_change(self, form, model, is_created):
        if is_created and hasattr(model, "created_at"):
            model.created_at = model.updated_at = now()
        record_edit(db_session(), model, actor=current_actor().name, now=now(), action="create" if is_created else "edit")

    def on_model_delete(self, model):
        record_edit(db_session(), model, actor=current_actor().name, now=now(), action="delete")


class DayListField(TextAreaField):
    """Days as lines "dd/mm/yyyy note", stored as [{"date": ISO, "note": …}]."""

    def _value(self):
        return "\n".join(f"{format_date(date.fromisoformat(d['date']))} {d.get('note', '')}".strip() for d in self.data or [])

    def process_formdata(self, valuelist):
        days = []
        for number, line in enumerate((valuelist[0] if valuelist else "").splitlines(), start=1):
            if not line.strip():
                continue
            day, _, note = line.strip().partition(" ")
            try:
                days.append({"date": datetime.strptime(day, "%d/%m/%Y").date().isoformat(), "note": note.strip()})
            except ValueError:
                self.data = []
                raise ValueError(gettext("line {number}: \u201c{day}\u201d is not a date dd/mm/yyyy").format(number=number, day=day)) from None
        self.data = days


def _unit_kind(kind: str) -> str:
    return gettext(UNIT_KIND_LABELS.get(kind, kind))


# A user's sessions and token end when any of these changes (a deactivation is the lock).
SESSION_ENDING_CHANGES = ("email", "password_hash", "role", "unit_id", "unit", "active")


def _password_allowed(form, field) -> None:
    """The password policy's reason, shown next to the field."""
    problem = password_problem(field.data, email=form.email.data or "", name=form.name.data if "name" in form else None)
    if problem is not None:
        raise ValidationError(str(problem))


class UserView(AuditedModelView):
    column_list = ("email", "name", "role", "unit", "active", "last_login_at")
    column_searchable_list = ("email", "name")
    column_filters = ("role", "active")
    form_columns = ("email", "name", "role", "unit", "active", "new_password")
    form_extra_fields = {"new_password": PasswordField(label(N_("New password")), validators=[Optional(), Length(max=200), _password_allowed])}
    form_overrides = {"role": SelectField}
    form_args = {"role": {"choices": [(role, role) for role in ROLES]}, "unit": {"blank_text": label(N_("(none)"))}}
    column_formatters = {"role": lambda v, c, m, n: role_label(m.role)}
    column_labels = {
        "email": label(N_("E-mail")), "name": label(N_("Name")), "role": label(N_("Role")), "unit": label(N_("Unit")),
        "active": label(N_("Active")), "last_login_at": label(N_("Last login")), "new_password": label(N_("New password")),
    }

    def create_form(self, obj=None):
        form = super().create_form(obj)
        form.role.choices = [(role, role_label(role)) for role in ROLES]
        return form

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        form.role.choices = [(role, role_label(role)) for role in ROLES]
        return form

    def on_model_change(self, form, model, is_created):
        model.email = (model.email or "").strip().lower()
        if model.role == "unit" and model.unit is None:
            raise ValidationError(gettext("Unit: a unit contact needs the unit it speaks for."))
        if form.new_password.data:
            model.password_hash = hash_password(form.new_password.data)
        elif is_created:
            raise ValidationError(gettext("New password: a new user needs a password."))
        state = sa_inspect(model)
        if not is_created and any(state.attrs[name].history.has_changes() for name in SESSION_ENDING_CHANGES):
            end_sessions(model)
        super().on_model_change(form, model, is_created)

    @action("issue_token", label(N_("Issue an API token")), label(N_("Replace the API token of the selected users?")))
    def action_issue_token(self, ids):
        for user_id in ids:
            token = issue_api_token(db_session(), int(user_id), current_actor(), now())
            flash(gettext("API token for user #{id} (shown once): {token}").format(id=user_id, token=token), "success")


class OutlineSectionView(AuditedModelView):
    column_list = ("outline.unit_kind", "code", "title", "assessed")
    column_filters = ("outline.unit_kind", "code")
    column_searchable_list = ("title",)
    form_columns = ("title", "description", "assessed")
    column_default_sort = "position"
    column_formatters = {"outline.unit_kind": lambda v, c, m, n: _unit_kind(m.outline.unit_kind)}
    can_create = False
    column_details_list = ("outline.unit_kind", "code", "title", "description", "assessed", "position")
    column_formatters_detail = column_formatters
    column_labels = {"outline.unit_kind": label(N_("Outline for")), "code": label(N_("Section")), "title": label(N_("Title")), "position": label(N_("Order")),
                     "description": label(N_("Description")), "assessed": label(N_("Has results and shortcomings"))}


class OutlineItemView(AuditedModelView):
    column_list = ("section.outline.unit_kind", "section.code", "position", "text")
    column_filters = ("section.outline.unit_kind", "section.code")
    column_searchable_list = ("text",)
    form_columns = ("section", "text", "position")
    column_default_sort = "position"
    column_formatters = {"section.outline.unit_kind": lambda v, c, m, n: _unit_kind(m.section.outline.unit_kind)}
    column_details_list = column_list
    column_formatters_detail = column_formatters
    form_args = {"section": {"get_label": lambda section: f"{section.code}. {section.title} ({_unit_kind(section.outline.unit_kind)})"}}
    can_delete = True
    column_labels = {"section.outline.unit_kind": label(N_("Outline for")), "section.code": label(N_("Section")),
                     "section": label(N_("Section")), "position": label(N_("Order")), "text": label(N_("Item"))}
