"""Reference data coordinators keep: the campaign's settings, units, users, the outlines.
Every create, edit and delete is written to the audit log with the old and new values."""
from __future__ import annotations

from datetime import date, datetime

from flask import flash
from flask_admin.actions import action
from flask_babel import lazy_gettext
from wtforms import PasswordField, SelectField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from vocabulary.day_counting import CALENDAR, WORKING
from vocabulary.i18n import N_, format_date, gettext
from vocabulary.states import UNIT_KIND_LABELS
from web.database import db_session
from workflow.audit.edits import record_edit
from workflow.people.accounts import MIN_PASSWORD_LENGTH, hash_password, issue_api_token
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


DAY_COUNTING_LABELS = {CALENDAR: N_("Calendar days"), WORKING: N_("Working days")}


def _unit_kind(kind: str) -> str:
    return gettext(UNIT_KIND_LABELS.get(kind, kind))


class CampaignView(AuditedModelView):
    column_list = ("code", "year", "title", "window_start", "window_end", "day_counting")
    column_formatters = {"day_counting": lambda v, c, m, n: gettext(DAY_COUNTING_LABELS.get(m.day_counting, m.day_counting))}
    form_excluded_columns = ("inspections", "outlines", "version", "audit_seq", "audit_head", "created_at", "updated_at")
    form_overrides = {"extra_days_off": DayListField, "makeup_workdays": DayListField, "day_counting": SelectField}
    form_args = {
        "day_counting": {"choices": [(key, label(text)) for key, text in DAY_COUNTING_LABELS.items()]},
        "extra_days_off": {"description": label(N_("One day per line: dd/mm/yyyy and a note, e.g. 02/01/2026 Nghỉ Tết Dương lịch"))},
        "makeup_workdays": {"description": label(N_("One day per line: dd/mm/yyyy and a note"))},
    }
    column_labels = {
        "code": label(N_("Code")), "year": label(N_("Year")), "title": label(N_("Title")),
        "plan_number": label(N_("Plan number")), "plan_date": label(N_("Plan date")), "basis": label(N_("Legal basis")),
        "issuer": label(N_("Issuing body")), "issuer_short": label(N_("Issuing body, short")), "place": label(N_("Place")),
        "signer_title": label(N_("Signer's title")), "signer_name": label(N_("Signer")),
        "team_decision_number": label(N_("Team decision number")), "team_decision_date": label(N_("Team decision date")),
        "window_start": label(N_("Inspections from")), "window_end": label(N_("Inspections until")),
        "schedule_from": label(N_("Notices from")), "visits_per_day": label(N_("Visits per day")),
        "notice_lead_days": label(N_("Notice at least … days before")), "report_lead_days": label(N_("Report at least … days before")),
        "minutes_days": label(N_("Minutes within … days")), "conclusion_days": label(N_("Conclusion within … days")),
        "remediation_days": label(N_("Remediation within … days")), "self_check_by": label(N_("Self-inspection done by")),
        "self_report_due": label(N_("Self-inspection reported by")), "day_counting": label(N_("Day counting")),
        "extra_days_off": label(N_("Extra days off")), "makeup_workdays": label(N_("Make-up working days")),
    }


class UnitView(AuditedModelView):
    column_list = ("name", "full_name", "kind", "contact_name", "contact_email", "active")
    column_searchable_list = ("name", "full_name")
    column_filters = ("kind", "active")
    form_excluded_columns = ("version", "audit_seq", "audit_head", "created_at", "updated_at")
    form_overrides = {"kind": SelectField}
    form_args = {"kind": {"choices": [(str(k), label(v)) for k, v in UNIT_KIND_LABELS.items()]}}
    column_formatters = {"kind": lambda v, c, m, n: _unit_kind(m.kind)}
    column_labels = {
        "name": label(N_("Name")), "full_name": label(N_("Full name")), "kind": label(N_("Type")),
        "contact_name": label(N_("Contact")), "contact_email": label(N_("Contact e-mail")),
        "contact_phone": label(N_("Contact phone")), "active": label(N_("Active")), "successor": label(N_("Merged into")),
        "note": label(N_("Note")),
    }


class UserView(AuditedModelView):
    column_list = ("email", "name", "role", "unit", "active", "last_login_at")
    column_searchable_list = ("email", "name")
    column_filters = ("role", "active")
    form_columns = ("email", "name", "role", "unit", "active", "new_password")
    form_extra_fields = {"new_password": PasswordField(label(N_("New password")), validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=200)])}
    form_overrides = {"role": SelectField}
    form_args = {"role": {"choices": [(role, role) for role in ROLES]}}
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
    column_labels = {"outline.unit_kind": label(N_("Outline for")), "code": label(N_("Section")), "title": label(N_("Title")),
                     "description": label(N_("Description")), "assessed": label(N_("Has results and shortcomings"))}


class OutlineItemView(AuditedModelView):
    column_list = ("section.outline.unit_kind", "section.code", "position", "text")
    column_filters = ("section.outline.unit_kind", "section.code")
    column_searchable_list = ("text",)
    form_columns = ("section", "text", "position")
    column_default_sort = "position"
    column_formatters = {"section.outline.unit_kind": lambda v, c, m, n: _unit_kind(m.section.outline.unit_kind)}
    can_delete = True
    column_labels = {"section.outline.unit_kind": label(N_("Outline for")), "section.code": label(N_("Section")),
                     "section": label(N_("Section")), "position": label(N_("Order")), "text": label(N_("Item"))}
