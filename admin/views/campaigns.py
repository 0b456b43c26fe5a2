"""Campaigns (đợt kiểm tra): the list with their status, "Tạo đợt kiểm tra mới" (blank or a copy
of an earlier one) and the step-by-step planning of a draft — settings, units, outlines, schedule,
then "Tạo hồ sơ", which creates every case at once. Each step calls ``workflow.campaigns``; this
module only turns the browser's fields into its arguments and shows its refusals next to the field.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time

from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_babel import lazy_gettext
from markupsafe import Markup
from sqlalchemy import select
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from models import AuditEntry, Campaign
from vocabulary.bounds import is_digits
from vocabulary.campaigns import (ACTIVE, CAMPAIGN_STATUS_LABELS, CLOSED, DRAFT, ISSUER_LEVEL_LABELS, PLANNED_KINDS, TEAM_ROLES,
                                  UNSIGNED_POLICY_LABELS, category_label)
from vocabulary.day_counting import CALENDAR, WORKING
from vocabulary.i18n import N_, _, format_date, format_datetime, gettext
from vocabulary.states import KIND_LABELS, UNIT_KIND_LABELS, action_label
from web.database import db_session
from workflow.campaigns import drafts, team
from workflow.campaigns import units as unit_registry
from workflow.campaigns.outlines import export_outline, parse_outline
from workflow.campaigns.plans import COLUMN_PATHS
from workflow.deadlines.schedule import SLOT_TIMES
from workflow.errors import BadData, Problem, WorkflowError

from .. import campaign_context, planning, spreadsheets
from ..access import MANAGERS, current_actor
from ..forms import Form
from ..trigger_forms import DATE_FORMAT, VietnameseDatePicker, show_problems
from .base import now
from .reference import AuditedModelView, DayListField, label

STATUS_COLOURS = {DRAFT: "secondary", ACTIVE: "primary", CLOSED: "dark"}
STEPS = (
    ("settings", N_("Settings")),
    ("units", N_("Units")),
    ("outlines", N_("Outlines")),
    ("schedule", N_("Schedule")),
    ("create", N_("Create the cases")),
)


def status_label(status: str) -> str:
    return gettext(CAMPAIGN_STATUS_LABELS[status])


def status_badge(status: str) -> Markup:
    return Markup('<span class="badge badge-{}" data-status="{}">{}</span>').format(
        STATUS_COLOURS.get(status, "light"), status, status_label(status))


def _proposal_lists(form: ProposalForm) -> tuple[list[time], list[date]]:
    """The time slots ("08:00, 14:00") and the days to avoid (one dd/mm/yyyy a line) as typed in."""
    slots, days, problems = [], [], []
    for text in filter(None, (part.strip() for part in (form.slots.data or "").replace(";", ",").split(","))):
        try:
            slots.append(datetime.strptime(text, "%H:%M").time())
        except ValueError:
            problems.append(Problem(_("\u201c{value}\u201d is not a time HH:MM", value=text), "slots"))
    for text in filter(None, (line.strip().split(" ")[0] for line in (form.avoid.data or "").splitlines())):
        try:
            days.append(datetime.strptime(text, DATE_FORMAT).date())
        except ValueError:
            problems.append(Problem(_("\u201c{value}\u201d is not a date dd/mm/yyyy", value=text), "avoid"))
    if problems:
        raise BadData(problems)
    return sorted(slots) or list(SLOT_TIMES), days


def _schedule_rows(campaign: Campaign) -> list[tuple[int, date | None, time | None]]:
    """The schedule table as typed in: (unit, date, time); text that is no date or time is refused
    next to its cell, as the service's own refusals are."""
    rows, problems = [], []
    for line in campaign.units:
        if line.kind != "direct":
            continue
        day_text = request.form.get(f"date-{line.unit_id}", "").strip()
        time_text = request.form.get(f"time-{line.unit_id}", "").strip()
        try:
            day = datetime.strptime(day_text, DATE_FORMAT).date() if day_text else None
        except ValueError:
            day = None
            problems.append(Problem(_("\u201c{value}\u201d is not a date dd/mm/yyyy", value=day_text), f"visit_date-{line.unit_id}"))
        try:
            hour = datetime.strptime(time_text, "%H:%M").time() if time_text else None
        except ValueError:
            hour = None
            problems.append(Problem(_("\u201c{value}\u201d is not a time HH:MM", value=time_text), f"visit_time-{line.unit_id}"))
        rows.append((line.unit_id, day, hour))
    if problems:
        raise BadData(problems)
    return rows


class NewCampaignForm(Form):
    source = SelectField(lazy_gettext(N_("Start from")), choices=[], validate_choice=False)
    year = IntegerField(lazy_gettext(N_("Year")), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    code = StringField(lazy_gettext(N_("Code")), validators=[DataRequired(), Length(max=50)],
                       description=lazy_gettext(N_("A short name without spaces, e.g. tuky-2027; used in the CLI and the API.")))
    # A blank campaign only; left empty: the latest campaign's issuing body, July–August of the year.
    issuer = StringField(lazy_gettext(N_("Issuing body")), validators=[Optional(), Length(max=200)],
                         render_kw={"placeholder": "Ủy ban nhân dân xã …"})
    issuer_level = SelectField(lazy_gettext(N_("Level of the issuing body")),
                               choices=[("", "—")] + [(code, lazy_gettext(text)) for code, text in ISSUER_LEVEL_LABELS.items()])
    place = StringField(lazy_gettext(N_("Place")), validators=[Optional(), Length(max=100)])
    signer_title = StringField(lazy_gettext(N_("Signer's title")), validators=[Optional(), Length(max=100)])
    window_start = DateField(lazy_gettext(N_("Inspections from")), format=DATE_FORMAT, validators=[Optional()], widget=VietnameseDatePicker())
    window_end = DateField(lazy_gettext(N_("Inspections until")), format=DATE_FORMAT, validators=[Optional()], widget=VietnameseDatePicker())


class ProposalForm(Form):
    first_notice = DateField(lazy_gettext(N_("Notices from")), format=DATE_FORMAT, validators=[Optional()], widget=VietnameseDatePicker())
    visits_per_day = IntegerField(lazy_gettext(N_("Visits per day")), validators=[InputRequired(), NumberRange(min=1, max=4)])
    slots = StringField(lazy_gettext(N_("Time slots")), description=lazy_gettext(N_("HH:MM separated by commas, e.g. 08:00, 14:00")))
    keep = BooleanField(lazy_gettext(N_("Keep the dates already set; place only the units without one")))
    avoid = TextAreaField(lazy_gettext(N_("Days to avoid")), render_kw={"rows": 3},
                          description=lazy_gettext(N_("One day per line, dd/mm/yyyy (a meeting, a festival…)")))


DATE_COLUMNS = ("plan_date", "team_decision_date", "window_start", "window_end", "schedule_from", "self_check_by", "self_report_due")


class CampaignView(AuditedModelView):
    """The campaigns; a draft is planned step by step, a closed one is read only."""

    allowed_roles = MANAGERS
    can_create = False  # "Tạo đợt kiểm tra mới" instead: blank or a copy, always a draft
    list_template = "admin/campaigns/list.html"
    column_list = ("year", "title", "issuer", "window_start", "window_end", "status")
    column_default_sort = [("year", True), ("id", True)]
    column_searchable_list = ("title", "code", "issuer")
    column_filters = ("year",)
    column_formatters = {
        "status": lambda view, context, model, name: status_badge(model.status),
        "title": lambda view, context, model, name: Markup('<a href="{}">{}</a>').format(view.campaign_url(model), model.title),
    }
    # The summary report's content is written on the documents page (Văn bản), beside the report.
    form_excluded_columns = ("inspections", "outlines", "units", "status", "copied_from", "version", "audit_seq", "audit_head",
                             "created_at", "updated_at",
                             "summary_assessment", "summary_models", "summary_reminders", "summary_violations")
    form_overrides = {"extra_days_off": DayListField, "makeup_workdays": DayListField, "day_counting": SelectField,
                      "issuer_level": SelectField, "unsigned_uploads": SelectField}
    form_args = {
        "unsigned_uploads": {"choices": [(code, label(text)) for code, text in UNSIGNED_POLICY_LABELS.items()],
                             "description": label(N_("A report, remediation report or evidence whose digital signature is broken "
                                                     "(changed after signing) is always refused."))},
        "day_counting": {"choices": [(CALENDAR, label(N_("Calendar days"))), (WORKING, label(N_("Working days")))]},
        "issuer_level": {"choices": [(code, label(text)) for code, text in ISSUER_LEVEL_LABELS.items()]},
        "extra_days_off": {"description": label(N_("One day per line: dd/mm/yyyy and a note, e.g. 02/01/2026 Nghỉ Tết Dương lịch"))},
        "makeup_workdays": {"description": label(N_("One day per line: dd/mm/yyyy and a note"))},
        **{name: {"format": DATE_FORMAT, "widget": VietnameseDatePicker()} for name in DATE_COLUMNS},
    }
    form_widget_args = {"code": {"readonly": True}}  # the CLI and the API name the campaign by it
    column_labels = {
        "code": label(N_("Code")), "year": label(N_("Year")), "title": label(N_("Title")), "status": label(N_("Status")),
        "plan_number": label(N_("Plan number")), "plan_date": label(N_("Plan date")), "basis": label(N_("Legal basis")),
        "issuer": label(N_("Issuing body")), "issuer_short": label(N_("Issuing body, short")), "place": label(N_("Place")),
        "issuer_level": label(N_("Level of the issuing body")), "office": label(N_("Office that runs the campaign")),
        "office_head_title": label(N_("Title of the office's head")),
        "office_head_name": label(N_("Head of the office (signs the report)")),
        "signer_title": label(N_("Signer's title")), "signer_name": label(N_("Signer")),
        "team_decision_number": label(N_("Team decision number")), "team_decision_date": label(N_("Team decision date")),
        "window_start": label(N_("Inspections from")), "window_end": label(N_("Inspections until")),
        "schedule_from": label(N_("Notices from")), "visits_per_day": label(N_("Visits per day")),
        "notice_lead_days": label(N_("Notice at least … days before")), "report_lead_days": label(N_("Report at least … days before")),
        "minutes_days": label(N_("Minutes within … days")), "conclusion_days": label(N_("Conclusion within … days")),
        "remediation_days": label(N_("Remediation within … days")), "self_check_by": label(N_("Self-inspection done by")),
        "self_report_due": label(N_("Self-inspection reported by")), "day_counting": label(N_("Day counting")),
        "extra_days_off": label(N_("Extra days off")), "makeup_workdays": label(N_("Make-up working days")),
        "notice_reminder_days": label(N_("Reminder … days before the notice is due")),
        "notice_escalation_lead_days": label(N_("Notice still not sent … days before the visit: level 2")),
        "report_reminder_days": label(N_("Reminder to the unit … days before its report is due")),
        "report_escalation_lead_days": label(N_("Report still missing … days before the visit: level 2")),
        "conclusion_escalation_days": label(N_("Conclusion late by … days: level 2")),
        "remediation_reminder_days": label(N_("Reminder … days before the remediation deadline")),
        "remediation_grace_days": label(N_("Re-inspection ordered … days after a missed remediation deadline")),
        "self_reminder_days": label(N_("Reminder … days before the self-inspection report is due")),
        "self_escalation_days": label(N_("Self-inspection report late by … days: level 2")),
        "alert_hour": label(N_("Hour at which a day's alerts come due")),
        "self_dates_before": label(N_("The self-inspection dates are the first day late (the plan writes “trước ngày …”)")),
        "reinspection_lead_days": label(N_("Re-inspection planned … days after it is ordered")),
        "unsigned_uploads": label(N_("A unit's file without a valid digital signature")),
    }

    def campaign_url(self, campaign: Campaign) -> str:
        if campaign.status == DRAFT:
            return self.get_url(".plan_view", campaign_id=campaign.id, step="settings")
        return self.get_url(".details_view", id=campaign.id)

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        """A draft is edited at the first step of its planning; a closed campaign is not edited."""
        campaign = self.get_one(request.args.get("id", "")) if is_digits(request.args.get("id", "")) else None
        if campaign is not None and campaign.status == DRAFT:
            return redirect(self.get_url(".plan_view", campaign_id=campaign.id, step="settings"))
        if campaign is not None and campaign.status == CLOSED:
            flash(gettext("A closed campaign is read only."), "error")
            return redirect(self.get_url(".details_view", id=campaign.id))
        return super().edit_view()

    def on_model_change(self, form, model, is_created):
        if model.status == CLOSED:
            raise ValidationError(gettext("A closed campaign is read only."))
        super().on_model_change(form, model, is_created)

    def _campaign(self, campaign_id: int) -> Campaign:
        campaign = db_session().get(Campaign, campaign_id)
        if campaign is None:
            abort(404)
        return campaign

    # --- the list and the new campaign -------------------------------------------------------

    @expose("/draft/", methods=("GET", "POST"))
    def new_view(self):
        form = NewCampaignForm()
        earlier = db_session().scalars(select(Campaign).where(Campaign.status != DRAFT).order_by(Campaign.year.desc())).all()
        form.source.choices = [(c.code, gettext("A copy of: {title}").format(title=c.title)) for c in earlier] + [
            ("", gettext("A blank campaign"))]
        if not form.is_submitted():
            form.year.data = max((c.year for c in earlier), default=now().year - 1) + 1
            form.source.data = earlier[0].code if earlier else ""
            if earlier:  # "tuky-2023" copied to 2024 is proposed as "tuky-2024"
                form.code.data = earlier[0].code.replace(str(earlier[0].year), str(form.year.data))
        general, status = [], 200
        if form.validate_on_submit():
            try:
                if form.source.data:
                    draft = drafts.copy_campaign(db_session(), form.source.data, new_code=form.code.data.strip(), year=form.year.data,
                                                 actor=current_actor(), now=now())
                else:
                    draft = drafts.create_draft_from_columns(db_session(), blank_columns(form), actor=current_actor(), now=now())
            except WorkflowError as error:
                general, status = show_problems(form, error.problems), error.http_status
            else:
                flash(gettext("Draft campaign {title} created: check each step, then create the cases.").format(title=draft.title), "success")
                return redirect(self.get_url(".plan_view", campaign_id=draft.id, step="settings"))
        elif form.is_submitted():
            status = 422
        return self.render("admin/campaigns/new.html", form=form, general=general), status

    @expose("/details/")
    def details_view(self):
        campaign = self._campaign(int(request.args.get("id", "0") or 0) if is_digits(request.args.get("id", "")) else 0)
        history = db_session().scalars(select(AuditEntry).where(AuditEntry.entity == "campaign", AuditEntry.entity_id == campaign.id)
                                       .order_by(AuditEntry.seq)).all()
        return self.render("admin/campaigns/details.html", campaign=campaign, status_badge=status_badge, format_date=format_date,
                           summary=_summary(campaign), history=history, action_label=action_label, format_datetime=format_datetime,
                           kind_label=lambda kind: gettext(KIND_LABELS[kind]))

    @expose("/close/<int:campaign_id>", methods=("POST",))
    def close_view(self, campaign_id: int):
        campaign = self._campaign(campaign_id)
        try:
            drafts.close_campaign(db_session(), campaign.id, actor=current_actor(), now=now())
        except WorkflowError as error:
            flash(str(error), "error")
        else:
            flash(gettext("The campaign {title} is closed: it stays readable and searchable.").format(title=campaign.title), "success")
        return redirect(self.get_url(".details_view", id=campaign_id))

    @expose("/team/<int:campaign_id>", methods=("GET", "POST"))
    def team_view(self, campaign_id: int):
        """The team decision's roster: one row per member (name, title, place of work, role),
        three empty rows to add more; a refusal shows every row as typed."""
        campaign = self._campaign(campaign_id)
        may_edit = campaign.status != CLOSED and current_actor().may_edit("team_roster", None)
        rows = [member.record() for member in campaign.team_members]
        problems: list[Problem] = []
        if request.method == "POST":
            if not may_edit:
                abort(403)
            rows = [{name: request.form.get(f"{name}-{index}", "") for name in ("name", "title", "workplace", "role")}
                    for index in range(int(request.form.get("rows", "0") or 0) if is_digits(request.form.get("rows", "")) else 0)]
            try:
                team.record_team(db_session(), campaign.id, rows, actor=current_actor(), now=now(),
                                 expected_version=int(request.form["expected_version"]) if is_digits(request.form.get("expected_version", "")) else None)
            except WorkflowError as error:
                problems = error.problems
            else:
                flash(gettext("The members of the inspection team were saved."), "success")
                return redirect(self.get_url(".team_view", campaign_id=campaign.id))
        rows = rows + [{"role": "member"}] * (3 if may_edit else 0)
        return self.render("admin/campaigns/team.html", campaign=campaign, rows=rows, problems=problems, may_edit=may_edit, format_date=format_date,
                           roles=[(role, team.role_label(role)) for role in TEAM_ROLES]), (422 if problems else 200)

    # --- planning a draft, step by step -------------------------------------------------------

    @expose("/plan/<int:campaign_id>/<step>", methods=("GET", "POST"))
    def plan_view(self, campaign_id: int, step: str):
        campaign = self._campaign(campaign_id)
        if step not in dict(STEPS):
            abort(404)
        if campaign.status != DRAFT:
            flash(gettext("This campaign's cases are already created: its plan can no longer be changed here."), "error")
            return redirect(self.get_url(".details_view", id=campaign.id))
        return getattr(self, f"_step_{step}")(campaign)

    def _page(self, campaign: Campaign, step: str, status: int = 200, **context):
        return self.render(f"admin/campaigns/step_{step}.html", campaign=campaign, step=step, steps=STEPS,
                           status_badge=status_badge, format_date=format_date, **context), status

    def _next(self, campaign: Campaign, step: str):
        names = [name for name, _label in STEPS]
        following = names[min(names.index(step) + 1, len(names) - 1)]
        return redirect(self.get_url(".plan_view", campaign_id=campaign.id, step=following))

    def _step_settings(self, campaign: Campaign):
        form = self.edit_form(obj=campaign)
        general, status = [], 200
        if request.method == "POST" and self.validate_form(form):
            columns = {name: (field.data if field.data != "" else None) for name, field in form._fields.items() if name in COLUMN_PATHS}
            try:
                drafts.update_columns(db_session(), campaign.id, columns, actor=current_actor(), now=now())
            except WorkflowError as error:
                general, status = show_problems(form, error.problems), error.http_status
            else:
                flash(gettext("Settings saved."), "success")
                return self._next(campaign, "settings")
        elif request.method == "POST":
            status = 422
        return self._page(campaign, "settings", status, form=form, groups=SETTING_GROUPS, general=general)

    def _step_units(self, campaign: Campaign):
        problems: dict[str, str] = {}
        status = 200
        if request.method == "POST":
            upload = request.files.get("table")
            try:
                if upload is not None and upload.filename:
                    spreadsheets.read_units(db_session(), campaign, upload.read(), current_actor(), now())
                else:
                    chosen = {int(key.removeprefix("kind-")): value for key, value in request.form.items()
                              if key.startswith("kind-") and is_digits(key.removeprefix("kind-")) and value in PLANNED_KINDS}
                    planning.save_units(db_session(), campaign, chosen, current_actor(), now())
            except WorkflowError as error:
                status, problems = error.http_status, problems_by_field(error.problems)
            else:
                flash(gettext("The list of units was saved."), "success")
                return self._next(campaign, "units")
        listed = {line.unit_id: line.kind for line in campaign.units}
        candidates = planning.in_plan_order(campaign, unit_registry.units_current_on(db_session(), campaign.window_start))
        return self._page(campaign, "units", status, units=candidates, listed=listed, problems=problems,
                          kinds=[(kind, gettext(KIND_LABELS[kind])) for kind in PLANNED_KINDS],
                          category_label=category_label, unit_kind_label=lambda kind: gettext(UNIT_KIND_LABELS[kind]))

    def _step_outlines(self, campaign: Campaign):
        status, problems, preview = 200, {}, None
        action = request.form.get("action")
        unit_kind = request.form.get("unit_kind", "")
        if request.method == "POST":
            try:
                if action == "reuse":
                    drafts.reuse_outline(db_session(), campaign.id, from_code=request.form.get("from_campaign", ""), unit_kind=unit_kind,
                                         actor=current_actor(), now=now())
                    flash(gettext("The outline was copied from the earlier campaign."), "success")
                    return redirect(request.path)
                text = request.form.get("text", "")
                preview = parse_outline(text, unit_kind)
                if action == "save":
                    drafts.set_outline(db_session(), campaign.id, preview, actor=current_actor(), now=now())
                    flash(gettext("The outline was saved: {sections} sections, {items} items.").format(
                        sections=len(preview.sections), items=_items_of(preview)), "success")
                    return redirect(request.path)
            except WorkflowError as error:
                problems = {f"{unit_kind}-{problem.field or 'text'}": str(problem.text) for problem in error.problems}
                status = error.http_status
        earlier = db_session().scalars(select(Campaign).where(Campaign.id != campaign.id, Campaign.status != DRAFT)
                                       .order_by(Campaign.year.desc())).all()
        saved = {outline.unit_kind: export_outline(outline) for outline in campaign.outlines}
        return self._page(campaign, "outlines", status, outlines=saved, earlier=earlier,
                          current_items={kind: _items_of(outline) for kind, outline in saved.items()},
                          preview=preview, preview_kind=unit_kind, preview_items=_items_of(preview) if preview else 0,
                          text=request.form.get("text", ""), problems=problems,
                          unit_kind_label=lambda kind: gettext(UNIT_KIND_LABELS[kind]))

    def _step_schedule(self, campaign: Campaign):
        form = ProposalForm(prefix="proposal")
        if request.form.get("action") != "propose":  # the proposal's own values, unless it was just refused
            form.first_notice.data = campaign.schedule_from
            form.visits_per_day.data = campaign.visits_per_day
            form.slots.data = ", ".join(slot.strftime("%H:%M") for slot in sorted(SLOT_TIMES[: campaign.visits_per_day]))
        status, problems, general = 200, {}, []
        if request.method == "POST":
            action = request.form.get("action")
            try:
                if action == "propose":
                    if form.validate():
                        slot_times, days_to_avoid = _proposal_lists(form)
                        drafts.propose_draft_schedule(
                            db_session(), campaign.id, first_notice=form.first_notice.data, visits_per_day=form.visits_per_day.data,
                            slots=slot_times, days_to_avoid=days_to_avoid, replace=not form.keep.data, actor=current_actor(), now=now())
                        flash(gettext("A schedule was proposed: adjust the dates and times, then save."), "success")
                        return redirect(request.path)
                    status = 422
                elif action == "upload":
                    upload = request.files.get("table")
                    if upload is None or not upload.filename:
                        general, status = [gettext("Choose the spreadsheet to upload.")], 422
                    else:
                        spreadsheets.read_schedule(db_session(), campaign, upload.read(), current_actor(), now())
                        flash(gettext("The schedule was read from the spreadsheet."), "success")
                        return redirect(request.path)
                else:
                    planning.save_schedule(db_session(), campaign, _schedule_rows(campaign), current_actor(), now())
                    flash(gettext("The schedule was saved."), "success")
                    return self._next(campaign, "schedule")
            except WorkflowError as error:
                status = error.http_status
                general = show_problems(form, [p for p in error.problems if not p.field or p.field in form])
                problems = problems_by_field([p for p in error.problems if p.field and p.field not in form])
        lines = [line for line in campaign.units if line.kind == "direct"]
        return self._page(campaign, "schedule", status, form=form, lines=lines, problems=problems, general=general,
                          entered=request.form if request.form.get("action") == "save" else None)

    def _step_create(self, campaign: Campaign):
        general, status = [], 200
        if request.method == "POST":
            try:
                created = len(drafts.activate(db_session(), campaign.id, actor=current_actor(), now=now()))
            except WorkflowError as error:
                general, status = [str(problem.text) for problem in error.problems], error.http_status
            else:
                flash(gettext("{count} cases created; the campaign is running.").format(count=created), "success")
                campaign_context.remember(campaign.code)
                return redirect(url_for("inspection.index_view"))
        return self._page(campaign, "create", status, summary=_summary(campaign), general=general,
                          kind_label=lambda kind: gettext(KIND_LABELS[kind]))

    # --- the spreadsheets ----------------------------------------------------------------------

    @expose("/table/<int:campaign_id>/<what>.xlsx")
    def table_view(self, campaign_id: int, what: str):
        campaign = self._campaign(campaign_id)
        writers = {"units": spreadsheets.units_workbook, "schedule": spreadsheets.schedule_workbook}
        if what not in writers:
            abort(404)
        name = {"units": gettext("Units"), "schedule": gettext("Schedule")}[what]
        return send_file(writers[what](db_session(), campaign), as_attachment=True, download_name=f"{name} {campaign.code}.xlsx",
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def problems_by_field(problems: list[Problem]) -> dict[str, str]:
    """The refusals keyed by the field they name ("" for none), several for one field joined."""
    found: dict[str, list[str]] = {}
    for problem in problems:
        found.setdefault(problem.field or "", []).append(str(problem.text))
    return {field: "; ".join(texts) for field, texts in found.items()}


def blank_columns(form: NewCampaignForm) -> dict:
    """A blank campaign's columns as filled in; what is left empty comes from the latest campaign or the plan file's defaults."""
    given = {name: form[name].data for name in ("issuer", "issuer_level", "place", "signer_title", "window_start", "window_end")}
    return {"code": form.code.data.strip(), "year": form.year.data,
            "title": gettext("Inspection of administrative reform and public service in {year}").format(year=form.year.data),
            **{name: value for name, value in given.items() if value not in (None, "")}}


def _items_of(outline) -> int:
    return sum(1 + len(item.children) for section in outline.sections for item in section.items)


def _summary(campaign: Campaign) -> dict:
    """What the campaign holds, for its page and the last step of planning."""
    units = Counter(line.kind for line in campaign.units)
    return {
        "units": dict(sorted(units.items())),
        "scheduled": sum(1 for line in campaign.units if line.kind == "direct" and line.visit_date),
        "outlines": [gettext(UNIT_KIND_LABELS[outline.unit_kind]) for outline in campaign.outlines],
        "cases": None if campaign.status == DRAFT else len(campaign.inspections),
    }


# The settings step shows the campaign's fields in these groups, in this order.
SETTING_GROUPS = (
    (N_("Issuing body"), ("issuer", "issuer_short", "issuer_level", "office", "office_head_title", "office_head_name",
                          "place", "signer_title", "signer_name")),
    (N_("The plan"), ("code", "year", "title", "plan_number", "plan_date", "basis", "team_decision_number", "team_decision_date")),
    (N_("Window and lead times"), ("window_start", "window_end", "schedule_from", "visits_per_day", "notice_lead_days",
                                   "report_lead_days", "minutes_days", "conclusion_days", "remediation_days",
                                   "self_check_by", "self_report_due")),
    (N_("Day counting"), ("day_counting", "extra_days_off", "makeup_workdays")),
    (N_("Timed rules"), ("notice_reminder_days", "notice_escalation_lead_days", "report_reminder_days",
                         "report_escalation_lead_days", "conclusion_escalation_days", "remediation_reminder_days",
                         "remediation_grace_days", "self_reminder_days", "self_escalation_days", "alert_hour")),
    (N_("Files the units send"), ("unsigned_uploads",)),
)
