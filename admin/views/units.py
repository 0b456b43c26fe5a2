"""The units' registry: units with a history. Rename, merge and split take effect on a day
(``workflow.campaigns.units``); earlier cases keep the names they had. A unit's page shows its
inspections across the years — its predecessors' too — with the findings of the last one, which
the plan's last content item checks ("việc khắc phục những tồn tại, hạn chế của kỳ kiểm tra lần trước")."""
from __future__ import annotations

from flask import abort, flash, redirect
from flask_admin import expose
from flask_babel import lazy_gettext
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from models import Campaign, Inspection, Unit
from vocabulary.campaigns import UNIT_CATEGORIES, UNIT_CHANGE_LABELS, category_label
from vocabulary.i18n import N_, format_date, gettext
from vocabulary.states import UNIT_KIND_LABELS, Kind, State
from web.database import db_session
from workflow.campaigns import units as unit_registry
from workflow.errors import WorkflowError

from .. import trigger_forms
from ..access import current_actor
from ..forms import Form
from .base import now, today
from .cases import state_badge
from .reference import AuditedModelView, label

CHANGES = ("rename", "merge", "split")


class ChangeForm(Form):
    effective_date = trigger_forms.date_field(N_("Effective from"))
    note = TextAreaField(lazy_gettext(N_("Basis (resolution, decision) and note")), render_kw={"rows": 2},
                         validators=[Optional(), Length(max=2000)])


class RenameForm(ChangeForm):
    new_name = StringField(lazy_gettext(N_("New name")), validators=[DataRequired(), Length(max=200)])
    full_name = StringField(lazy_gettext(N_("New full name")), validators=[Optional(), Length(max=300)])


class MergeForm(ChangeForm):
    others = SelectMultipleField(lazy_gettext(N_("Merged with")), choices=[], coerce=int, validate_choice=False,
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                 render_kw={"class": "list-unstyled checkbox-list"})
    into_name = StringField(lazy_gettext(N_("Name of the merged unit")), validators=[DataRequired(), Length(max=200)],
                            description=lazy_gettext(N_("The name of one of them, or a new name (a new unit is created).")))
    full_name = StringField(lazy_gettext(N_("Full name of a new unit")), validators=[Optional(), Length(max=300)])


class SplitForm(ChangeForm):
    into = TextAreaField(lazy_gettext(N_("Split into")), validators=[InputRequired()], render_kw={"rows": 4},
                         description=lazy_gettext(N_("One new unit per line: its name, or “name | full name”.")))


FORMS = {"rename": RenameForm, "merge": MergeForm, "split": SplitForm}
TITLES = {"rename": N_("Rename the unit"), "merge": N_("Merge units"), "split": N_("Split the unit")}


def previous_inspection(cases: list[Inspection]) -> Inspection | None:
    """The last inspection before the latest campaign (cases newest first): what the unit had to remedy."""
    if not cases:
        return None
    return next((case for case in cases if case.campaign_id != cases[0].campaign_id
                 and case.kind != Kind.SELF and case.state != State.CANCELLED), None)


def _name_link(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(view.get_url(".history_view", unit_id=model.id), model.name)


def _period(view, context, model, name):
    if model.valid_from is None and model.valid_to is None:
        return ""
    return f"{format_date(model.valid_from) if model.valid_from else '…'} – {format_date(model.valid_to) if model.valid_to else '…'}"


class UnitView(AuditedModelView):
    column_list = ("name", "full_name", "category", "valid_from", "contact_email", "active")
    column_searchable_list = ("name", "full_name")
    column_filters = ("kind", "active")
    column_default_sort = [("kind", True), ("name", False)]
    form_excluded_columns = ("version", "audit_seq", "audit_head", "created_at", "updated_at", "successor", "valid_from", "valid_to")
    form_overrides = {"kind": SelectField, "category": SelectField}
    form_args = {
        "kind": {"choices": [(str(k), label(v)) for k, v in UNIT_KIND_LABELS.items()]},
        "category": {"choices": [("", "—")] + [(code, label(text)) for code, (_kind, text) in UNIT_CATEGORIES.items()],
                     "coerce": lambda value: value or None, "validate_choice": False},
    }
    column_formatters = {
        "name": _name_link,
        "kind": lambda v, c, m, n: gettext(UNIT_KIND_LABELS.get(m.kind, m.kind)),
        "category": lambda v, c, m, n: category_label(m.category) or gettext(UNIT_KIND_LABELS.get(m.kind, m.kind)),
        "valid_from": _period,
    }
    column_labels = {
        "name": label(N_("Name")), "full_name": label(N_("Full name")), "kind": label(N_("Type")), "category": label(N_("Category")),
        "contact_name": label(N_("Contact")), "contact_email": label(N_("Contact e-mail")),
        "contact_phone": label(N_("Contact phone")), "active": label(N_("Active")), "successor": label(N_("Merged into")),
        "note": label(N_("Note")), "valid_from": label(N_("Exists")),
    }

    def _unit(self, unit_id: int) -> Unit:
        unit = db_session().get(Unit, unit_id)
        if unit is None:
            abort(404)
        return unit

    @expose("/history/<int:unit_id>")
    def history_view(self, unit_id: int):
        unit = self._unit(unit_id)
        history = unit_registry.unit_history(db_session(), unit.id)
        earlier = {change.from_unit_id for change in history if change.to_unit_id == unit.id and change.change != "rename"}
        cases = db_session().scalars(
            select(Inspection).join(Campaign).where(Inspection.unit_id.in_({unit.id, *earlier}))
            .options(joinedload(Inspection.campaign), selectinload(Inspection.findings))
            .order_by(Campaign.year.desc(), Campaign.window_start.desc(), Inspection.id.desc())).all()
        previous = previous_inspection(cases)
        return self.render("admin/units/history.html", unit=unit, history=history, cases=cases, previous=previous,
                           change_label=lambda change: gettext(UNIT_CHANGE_LABELS[change]), format_date=format_date,
                           state_badge=state_badge, kind_label=lambda kind: Kind(kind).label, category_label=category_label,
                           unit_kind_label=lambda kind: gettext(UNIT_KIND_LABELS[kind]), changes=CHANGES,
                           titles={change: gettext(title) for change, title in TITLES.items()})

    @expose("/change/<int:unit_id>/<change>", methods=("GET", "POST"))
    def change_view(self, unit_id: int, change: str):
        unit = self._unit(unit_id)
        if change not in FORMS:
            abort(404)
        form = FORMS[change]()
        if isinstance(form, MergeForm):
            form.others.choices = [(other.id, other.name) for other in unit_registry.units_current_on(db_session(), today())
                                   if other.kind == unit.kind and other.id != unit.id]
        if not form.is_submitted():
            form.effective_date.data = today()
        general, status = [], 200
        if form.validate_on_submit():
            try:
                self._apply(unit, change, form)
            except WorkflowError as error:
                general, status = trigger_forms.show_problems(form, error.problems), error.http_status
            else:
                flash(gettext("The change of the unit was recorded; earlier cases keep the names they had."), "success")
                return redirect(self.get_url(".history_view", unit_id=unit.id))
        elif form.is_submitted():
            status = 422
        return self.render("admin/units/change.html", unit=unit, form=form, title=gettext(TITLES[change]), general=general), status

    @staticmethod
    def _apply(unit: Unit, change: str, form) -> None:
        common = {"effective_date": form.effective_date.data or today(), "note": form.note.data or None,
                  "actor": current_actor(), "now": now()}
        if change == "rename":
            unit_registry.rename_unit(db_session(), unit.id, new_name=form.new_name.data, full_name=form.full_name.data or None, **common)
        elif change == "merge":
            unit_registry.merge_units(db_session(), [unit.id, *form.others.data], into_name=form.into_name.data,
                                      full_name=form.full_name.data or None, **common)
        else:
            parts = [dict(zip(("name", "full_name"), (part.strip() for part in line.split("|", 1))))
                     for line in form.into.data.splitlines() if line.strip()]
            unit_registry.split_unit(db_session(), unit.id, parts, **common)
