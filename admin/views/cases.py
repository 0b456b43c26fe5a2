"""The cases: list with filters and the actions each user may take, the case page, the forms
that fire a trigger or correct a case's data. Every change goes through ``workflow.engine.service``."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual
from flask_admin.model.template import BaseListRowAction
from flask_babel import lazy_gettext
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import RadioField, SelectField, TextAreaField, TimeField
from wtforms.validators import Optional
from wtforms.widgets import TextInput

from models import AuditEntry, Inspection, Unit
from vocabulary.bounds import is_digits
from vocabulary.campaigns import ACTIVE, CLOSED, ISSUER_LEVELS
from vocabulary.i18n import N_, format_date, format_datetime, gettext
from vocabulary.states import KIND_LABELS, STATE_LABELS, Kind, State, UnitKind, action_label, status_label, trigger_label
from web.database import db_session
from web.files import file_store
from workflow.campaigns import opening
from workflow.campaigns import units as unit_registry
from workflow.casefile import case_edits
from workflow.deadlines.due_dates import late_steps, next_due
from workflow.engine import service
from workflow.engine.context import CaseContext
from workflow.engine.guards import all_findings_accepted
from workflow.engine.machines import workflow_for
from workflow.engine.trigger_data import SCHEMAS, CaseEdit
from workflow.errors import WorkflowError
from workflow.queries.case_list import unit_name_matches
from workflow.records.attachments import entry_attachments

from .. import campaign_context, trigger_forms
from ..access import EVERYONE, MANAGERS, current_actor, has_role
from ..diagram import dot_source, render_svg
from ..forms import Form
from .base import SecureModelView, now, today
from .case_file import CaseFileViews, verdict_notes
from .scoring import prefill_findings

STATE_COLOURS = {
    "planned": "secondary", "notified": "info", "report_received": "info", "visited": "primary",
    "minutes_signed": "primary", "concluded": "primary", "remediation": "warning",
    "remediation_reported": "warning", "reinspection": "danger", "closed": "success", "cancelled": "dark",
}
WHAT_IS_DUE = {
    "notice": N_("schedule notice"), "report": N_("unit's report"), "visit": N_("inspection"),
    "minutes": N_("minutes"), "conclusion": N_("conclusion"), "remediation": N_("remediation report"),
    "self_report": N_("self-inspection report"), "self_check": N_("self-inspection"),
}
FINDING_STATUS_LABELS = {"open": N_("Not yet remediated"), "done": N_("Done"), "in_progress": N_("In progress"), "not_done": N_("Not done")}
LATE_LABELS = {"report": N_("late report"), "minutes": N_("late minutes"), "conclusion": N_("late conclusion"),
               "remediation": N_("late remediation"), "self_check": N_("self-inspection done late")}


def result_notes(extra: dict) -> list[str]:
    """What a change decided that the user did not type: the number recorded, deadlines moved off
    a day off (Art. 148), numbers whose dates are out of order."""
    notes = []
    if number := (extra.get("register") or {}).get("number"):
        notes.append(gettext("Number recorded: {number}.").format(number=number))
    if conflicts := (extra.get("register") or {}).get("out_of_date_order"):
        notes.append(gettext("Note: its date is out of order with {numbers} in the register.").format(numbers=", ".join(conflicts)))
    for number, dates in sorted((extra.get("deadlines_moved") or {}).items()):
        notes.append(gettext("Finding no. {number}: the deadline {given} is a day off, so it is {moved} (Art. 148 of the Civil Code).").format(
            number=number, given=format_date(date.fromisoformat(dates["given"])), moved=format_date(date.fromisoformat(dates["moved_to"]))))
    return notes


def state_badge(state: str) -> Markup:
    return Markup('<span class="badge badge-{}" data-state="{}">{}</span>').format(STATE_COLOURS.get(state, "light"), state, State(state).label)


def due_cell(inspection: Inspection, one_line: bool = False) -> Markup:
    """The next due date, what is due and how many days are left; in the list on one line, what is
    due as the date's tooltip."""
    waiting = next_due(inspection)
    if waiting is None:
        return Markup("")
    what, due = waiting
    days = (due - today()).days
    if days < 0:
        left, colour = gettext("{days} days overdue").format(days=-days), "text-danger font-weight-bold"
    elif days == 0:
        left, colour = gettext("due today"), "text-warning font-weight-bold"
    else:
        left, colour = gettext("{days} days left").format(days=days), "text-muted"
    if one_line:
        return Markup('<span title="{}">{}</span> <small class="{}">{}</small>').format(gettext(WHAT_IS_DUE[what]), format_date(due), colour, left)
    return Markup('{}<br><small>{}</small> <small class="{}">{}</small>').format(
        format_date(due), gettext(WHAT_IS_DUE[what]), colour, left)


def late_cell(inspection: Inspection) -> Markup:
    steps = late_steps(inspection, inspection.campaign)
    return Markup(" ").join(Markup('<span class="badge badge-danger">{}</span>').format(gettext(LATE_LABELS[s])) for s in steps)


# The actions that are not the case's next step: in the list's menu, after the step; "cancel" last, in red.
SIDE_TRIGGERS = ("reschedule", "cancel")


def _ordered_triggers(inspection: Inspection) -> list[str]:
    """The triggers this user may fire on the case now, the next step first and "cancel" last."""
    triggers = service.available_triggers(db_session(), inspection, current_actor(), now())
    return sorted(triggers, key=lambda trigger: SIDE_TRIGGERS.index(trigger) + 1 if trigger in SIDE_TRIGGERS else 0)


def _trigger_link(inspection: Inspection, trigger: str, css: str) -> Markup:
    return Markup('<a class="{}" data-trigger="{}" href="{}">{}</a>').format(
        css, trigger, url_for("inspection.fire_view", case_id=inspection.id, trigger=trigger), trigger_label(trigger, current_actor().role))


def _accept_waiting(inspection: Inspection, triggers: list[str]) -> tuple[Markup, Markup] | None:
    """"Chấp nhận và hoàn thành" while a finding is still undecided: shown, disabled, with why."""
    if "accept" in triggers or "accept" not in workflow_for(inspection.kind, inspection.unannounced).triggers_from(inspection.state) \
            or not current_actor().may_fire("accept", inspection.unit_id) or inspection.campaign.status == CLOSED:
        return None
    problem = all_findings_accepted(CaseContext(db_session(), inspection, inspection.campaign, now(), current_actor()))
    if problem is None:
        return None
    return (Markup('<button type="button" class="btn btn-outline-primary mb-1" id="accept-waiting" disabled aria-describedby="accept-why">{}</button>')
            .format(trigger_label("accept", current_actor().role)),
            Markup('<div class="small text-muted mb-1" id="accept-why">{}</div>').format(str(problem.text)))


def trigger_buttons(inspection: Inspection) -> Markup:
    """The case page's buttons: the steps, then "Hủy cuộc kiểm tra" apart, in red."""
    triggers = _ordered_triggers(inspection)
    steps = [_trigger_link(inspection, t, "btn btn-outline-primary mb-1") for t in triggers if t != "cancel"]
    waiting = _accept_waiting(inspection, triggers)
    if waiting:
        steps.insert(0, waiting[0])
    if "cancel" in triggers:
        steps.append(Markup('<span class="action-gap"></span>') + _trigger_link(inspection, "cancel", "btn btn-outline-danger mb-1"))
    return Markup(" ").join(steps) + (waiting[1] if waiting else Markup(""))


def row_actions(inspection: Inspection) -> Markup:
    """One row of the list: the next step as its button, the other actions in a menu beside it."""
    triggers = _ordered_triggers(inspection)
    if not triggers:
        return Markup("")
    first, rest = triggers[0], triggers[1:]
    button = _trigger_link(inspection, first, "btn btn-sm text-nowrap " + ("btn-outline-danger" if first == "cancel" else "btn-primary"))
    if not rest:
        return Markup('<div class="btn-group">{}</div>').format(button)
    items = Markup("").join(
        (Markup('<div class="dropdown-divider"></div>') if t == "cancel" else Markup(""))
        + _trigger_link(inspection, t, "dropdown-item" + (" text-danger" if t == "cancel" else "")) for t in rest)
    return Markup('<div class="btn-group">{}<button type="button" class="btn btn-sm btn-primary dropdown-toggle dropdown-toggle-split" '
                  'data-toggle="dropdown" aria-haspopup="true" aria-expanded="false" title="{}"><span class="sr-only">{}</span></button>'
                  '<div class="dropdown-menu dropdown-menu-right">{}</div></div>').format(
        button, gettext("Other actions"), gettext("Other actions"), items)


class TriggerButtons(BaseListRowAction):
    """Per row, exactly the actions this user may take on this case now: the next step, the rest in a menu."""

    def render(self, context, row_id, row):
        return row_actions(row)


class OverdueFilter(BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        due = Inspection.next_due_on
        return query.filter(due < today()) if value == "1" else query.filter((due >= today()) | due.is_(None))

    def operation(self):
        return lazy_gettext(N_("is"))


class UnitKindFilter(BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        return query.filter(Inspection.unit_id.in_(select(Unit.id).where(Unit.kind == value)))

    def operation(self):
        return lazy_gettext(N_("is"))


class OpenForm(Form):
    unit = SelectField(lazy_gettext(N_("Unit")), choices=[], validate_choice=False)
    kind = RadioField(lazy_gettext(N_("Kind of inspection")), default=Kind.SURPRISE.value, choices=[
        (Kind.SURPRISE.value, lazy_gettext(N_("Surprise inspection: no notice, on the day"))),
        (Kind.DIRECT.value, lazy_gettext(N_("Direct inspection added to the plan: a schedule notice is sent first"))),
        (Kind.SELF.value, lazy_gettext(N_("Self-inspection added to the plan"))),
    ])
    visit_date = trigger_forms.date_field(N_("Planned inspection date"))
    visit_time = TimeField(lazy_gettext(N_("Time")), format="%H:%M", validators=[Optional()], widget=TextInput(),
                           render_kw={"placeholder": "HH:MM", "inputmode": "numeric"})
    reason = TextAreaField(lazy_gettext(N_("Reason")), render_kw={"rows": 3},
                           description=lazy_gettext(N_("Why this case is opened outside the plan's list (kept in the audit log).")))


def _choices(labels: dict) -> list[tuple[str, object]]:
    return [(str(key), lazy_gettext(label)) for key, label in labels.items()]


class CaseView(CaseFileViews, SecureModelView):
    allowed_roles = EVERYONE
    can_create = can_edit = can_delete = False
    can_view_details = True
    list_template = "admin/cases/list.html"
    details_template = "admin/cases/details.html"
    column_list = ("id", "unit_name", "kind", "state", "visit_date", "next_due", "late")
    column_labels = {
        "id": lazy_gettext(N_("ID")), "unit_name": lazy_gettext(N_("Unit")), "kind": lazy_gettext(N_("Kind")),
        "state": lazy_gettext(N_("State")), "visit_date": lazy_gettext(N_("Inspection date")),
        "next_due": lazy_gettext(N_("Next deadline")), "late": lazy_gettext(N_("Late steps")),
    }
    column_searchable_list = ("unit_name",)
    column_sortable_list = ("id", "unit_name", "kind", "state", "visit_date", ("next_due", Inspection.next_due_on))
    column_default_sort = ("id", False)
    column_extra_row_actions = [TriggerButtons()]
    column_formatters = {
        "state": lambda view, context, model, name: state_badge(model.state),
        "kind": lambda view, context, model, name: Kind(model.kind).label,
        "next_due": lambda view, context, model, name: due_cell(model, one_line=True),
        "late": lambda view, context, model, name: late_cell(model),
        "unit_name": lambda view, context, model, name: Markup('<a href="{}">{}</a>').format(
            url_for("inspection.details_view", id=model.id), model.unit_name),
    }
    column_filters = [
        FilterEqual(Inspection.state, lazy_gettext(N_("State")), options=_choices(STATE_LABELS)),
        FilterEqual(Inspection.kind, lazy_gettext(N_("Kind")), options=_choices(KIND_LABELS)),
        UnitKindFilter(Inspection.unit_id, lazy_gettext(N_("Unit type")), options=[(k.value, lazy_gettext(lbl)) for k, lbl in
                                                                                    ((UnitKind.OFFICE, N_("Specialised office")), (UnitKind.COMMUNE, N_("Commune-level People's Committee")))]),
        OverdueFilter(Inspection.id, lazy_gettext(N_("Overdue")), options=[("1", lazy_gettext(N_("yes"))), ("0", lazy_gettext(N_("no")))]),
    ]

    def _restricted(self, query):
        """A unit contact's own cases; in the list, those of the campaign chosen in the navigation bar."""
        actor = current_actor()
        return query.filter(Inspection.unit_id == actor.unit_id) if actor.role == "unit" else query

    def _listed(self, query):
        campaign = campaign_context.chosen()
        return self._restricted(query if campaign is None else query.filter(Inspection.campaign_id == campaign.id))

    @staticmethod
    def _loaded(query):
        return query.options(joinedload(Inspection.campaign), joinedload(Inspection.unit), selectinload(Inspection.findings))

    def get_query(self):
        return self._loaded(self._listed(db_session().query(Inspection)))

    def _apply_search(self, query, count_query, joins, count_joins, search):
        """The unit's name, diacritics and case ignored ("tan ky" finds "Tân Kỳ"), on the folded
        column the campaign's index holds."""
        matches = unit_name_matches(search)
        if matches is None:
            return query, count_query, joins, count_joins
        return query.filter(matches), (count_query.filter(matches) if count_query is not None else None), joins, count_joins

    def get_count_query(self):
        return self._listed(super().get_count_query())

    def get_one(self, id):
        """Any case the user may see, whichever campaign is chosen."""
        if not is_digits(str(id)):
            return None
        return self._loaded(self._restricted(db_session().query(Inspection))).filter(Inspection.id == int(id)).one_or_none()

    def is_action_allowed(self, name):
        return has_role(*MANAGERS) and super().is_action_allowed(name)

    def may_open(self) -> bool:
        return current_actor().may_manage("open_inspection")

    # --- the case page ------------------------------------------------------------------

    @expose("/details/")
    def details_view(self):
        inspection = self.get_one(request.args.get("id", ""))
        if inspection is None:
            abort(404)
        entries = db_session().scalars(
            select(AuditEntry).where(AuditEntry.inspection_id == inspection.id).order_by(AuditEntry.at, AuditEntry.id)).all()
        path = tuple((e.from_state, e.trigger, e.to_state) for e in entries
                     if e.entity == "inspection" and e.from_state and e.to_state)
        workflow = workflow_for(inspection.kind, inspection.unannounced)
        return self.render(
            self.details_template,
            case=inspection,
            entries=entries,
            diagram=render_svg(dot_source(workflow, path, inspection.state, current_actor().role)),  # the unit reads its own verbs
            buttons=trigger_buttons(inspection),
            can_correct=inspection.campaign.status != CLOSED and current_actor().may_edit("correct", inspection.unit_id),
            state_badge=state_badge,
            due_cell=due_cell,
            late_cell=late_cell,
            format_date=format_date,
            format_datetime=format_datetime,
            action_label=action_label,
            state_label=status_label,
            kind_label=lambda kind: Kind(kind).label,
            finding_status=lambda status: gettext(FINDING_STATUS_LABELS.get(status, status)),
            return_url=self.get_url(".index_view"),
            radio_label=trigger_forms.radio_label(inspection.campaign),
            unit_url=url_for("unit.history_view", unit_id=inspection.unit_id) if current_actor().may_manage("edit_units") else None,
            **self.case_file_context(inspection),
        )

    # --- firing a trigger ---------------------------------------------------------------

    @expose("/fire/<int:case_id>/<trigger>", methods=("GET", "POST"))
    def fire_view(self, case_id: int, trigger: str):
        inspection = self.get_one(case_id)
        if inspection is None or trigger not in SCHEMAS:
            abort(404)
        if not current_actor().may_fire(trigger, inspection.unit_id):
            abort(403)
        if request.method == "GET" and trigger not in workflow_for(inspection.kind, inspection.unannounced).triggers_from(inspection.state):
            # A form for a step the case cannot take now is not opened (a POST still gets the service's refusal).
            flash(gettext("“{action}” cannot be done on this case now: it is “{state}”.").format(
                action=trigger_label(trigger, current_actor().role), state=State(inspection.state).label), "error")
            return redirect(self.get_url(".details_view", id=inspection.id))
        form = trigger_forms.form_class(SCHEMAS[trigger])()
        trigger_forms.prepare(form, trigger, inspection, today(), db_session(), current_actor().role)
        if trigger == "conclude":
            prefill_findings(form, inspection)  # the criteria lost in the scoring, proposed as findings

        def change(data, version):
            result = service.fire(db_session(), case_id, trigger, current_actor(), now(), expected_version=version, **data)
            return " ".join([gettext("Case #{id} ({unit}): {before} → {after}.").format(
                id=case_id, unit=inspection.unit_name, before=State(result.from_state).label, after=State(result.to_state).label),
                *result_notes(result.extra), *verdict_notes(entry_attachments(db_session(), result.audit_entry_id))])

        return self._form_page(inspection, form, trigger_label(trigger, current_actor().role), change)

    @expose("/correct/<int:case_id>", methods=("GET", "POST"))
    def correct_view(self, case_id: int):
        inspection = self.get_one(case_id)
        if inspection is None:
            abort(404)
        if not current_actor().may_edit("correct", inspection.unit_id):
            abort(403)
        form = trigger_forms.form_class(CaseEdit)(obj=inspection)
        trigger_forms.offer_attendees(form, inspection)
        if not form.is_submitted():
            form.expected_version.data = str(inspection.version)

        def change(data, version):
            # Every correctable field is sent: one left empty is cleared.
            given = {name: data.get(name, "") for name in CaseEdit.model_fields if name != "comment"}
            case_edits.correct(db_session(), case_id, current_actor(), now(), expected_version=version,
                               comment=data.get("comment"), **given)
            return gettext("Case #{id}: the corrections were saved.").format(id=case_id)

        return self._form_page(inspection, form, gettext("Correct the case's data"), change)

    def _form_page(self, inspection: Inspection, form, title: str, change):
        """Show the form; on a valid submit make the change through the service, or show its
        refusal next to the field it names (nothing changed)."""
        general: list[str] = []
        status = 200
        if form.validate_on_submit():
            try:
                message = change(trigger_forms.data_of(form, file_store()), int(form.expected_version.data or 0) or None)
            except WorkflowError as error:
                general, status = trigger_forms.show_problems(form, error.problems), error.http_status
            else:
                flash(message, "success")
                return redirect(self.get_url(".details_view", id=inspection.id))
        elif form.is_submitted():
            status = 422
        return self.render("admin/cases/fire.html", case=inspection, form=form, title=title, general=general,
                           state_badge=state_badge, format_date=format_date), status

    # --- a case outside the plan's list -------------------------------------------------------

    @expose("/open/", methods=("GET", "POST"))
    def open_view(self):
        """"Mở cuộc kiểm tra": a surprise inspection on the day, or a unit added to the running
        campaign; ``workflow.campaigns.opening`` decides, its refusals are shown next to the field."""
        actor = current_actor()
        if not actor.may_manage("open_inspection"):
            abort(403)
        campaign = campaign_context.chosen()
        form = OpenForm()
        form.unit.choices = [(unit.name, unit.name) for unit in unit_registry.units_current_on(db_session(), today())]
        trigger_forms.mark_required(form.unit)
        if campaign is not None:  # the plan invites the issuing body's own radio (III.1.c)
            form.kind.choices[0] = (Kind.SURPRISE.value, gettext("Surprise inspection: no notice, on the day; the reporter of {radio} is invited")
                                    .format(radio=ISSUER_LEVELS[campaign.issuer_level].radio))
        general, status = [], 200
        if campaign is None or campaign.status != ACTIVE:
            general, status = [gettext("Choose a running campaign in the bar at the top first: cases are opened in a running campaign.")], 409
        elif form.validate_on_submit():
            try:
                inspection = opening.open_inspection(
                    db_session(), campaign_code=campaign.code, unit_name=form.unit.data, kind=form.kind.data, actor=actor, now=now(),
                    visit_date=form.visit_date.data, reason=form.reason.data or None,
                    data={"visit_time": form.visit_time.data.strftime("%H:%M")} if form.visit_time.data else None)
            except WorkflowError as error:
                general, status = trigger_forms.show_problems(form, error.problems), error.http_status
            else:
                flash(gettext("Case #{id} opened: {kind} of {unit}.").format(id=inspection.id, kind=Kind(inspection.kind).label.lower(),
                                                                             unit=inspection.unit_name), "success")
                return redirect(self.get_url(".details_view", id=inspection.id))
        elif form.is_submitted():
            status = 422
        return self.render("admin/cases/open.html", form=form, campaign=campaign, general=general), status

    # --- bulk -------------------------------------------------------------------------------

    @action("notify", lazy_gettext(N_("Send the schedule notice")),
            lazy_gettext(N_("Send the schedule notice, dated today, to every selected unit?")))
    def action_notify(self, ids):
        for case_id in ids:
            inspection = self.get_one(case_id)
            label = inspection.unit_name if inspection else f"#{case_id}"
            try:
                service.fire(db_session(), int(case_id), "notify", current_actor(), now())
            except WorkflowError as error:
                flash(gettext("{unit}: not sent — {reason}").format(unit=label, reason=str(error)), "error")
            else:
                flash(gettext("{unit}: schedule notice recorded.").format(unit=label), "success")
