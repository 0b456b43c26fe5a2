"""Scoring against the Chỉ số CCHC: the campaign's criteria sets (import, export, sample, copy)
and ranking with its charts; a case's score sheet, where the unit scores itself with its
evidence and the team appraises it. Every change goes through ``workflow.scoring``."""
from __future__ import annotations

from decimal import Decimal

from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import expose
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from documents.scores import pts, ranking_xlsx
from models import Campaign, Inspection
from vocabulary.i18n import N_, format_date, format_datetime, gettext
from vocabulary.states import Kind
from web.database import db_session
from web.files import file_store, pdf_converter
from workflow.casefile import rendering
from workflow.engine import service
from workflow.errors import WorkflowError
from workflow.scoring import criteria, results, sheets
from workflow.scoring.sheets import SCORED_KINDS

from ..access import EVERYONE, current_actor, has_role
from ..charts import band_distribution, field_bars, ranking_bars
from .base import SecureView, now, today

UNIT_KINDS = {"office": N_("District offices"), "commune": N_("Communes and towns")}
METHOD_LABELS = {"yes_no": N_("Yes / no"), "level": N_("By level"), "rate": N_("Rate (%)")}
UNIT_COLOUR, AVERAGE_COLOUR, SELF_COLOUR = "#0969da", "#afb8c1", "#d4a72c"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _campaign() -> Campaign | None:
    code = request.values.get("campaign")
    query = select(Campaign).where(Campaign.code == code) if code else select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc()).limit(1)
    return db_session().scalar(query)


def _field_chart(view: results.SheetView, averages: list[Decimal | None] | None) -> Markup:
    """The unit's points per field: self-assessed, appraised, and the campaign's average (staff)."""
    series = [(gettext("Self-assessed"), SELF_COLOUR)]
    if view.appraised:
        series.append((gettext("Appraised"), UNIT_COLOUR))
    if averages is not None:
        series.append((gettext("Campaign average"), AVERAGE_COLOUR))
    fields = []
    for position, line in enumerate(view.fields):
        values = [line.self_points] + ([line.final_points] if view.appraised else []) + ([averages[position]] if averages is not None else [])
        fields.append((f"{line.criterion.code}. {line.criterion.title}", float(line.criterion.max_points),
                       [float(v) if v is not None else None for v in values]))
    return field_bars(fields, series, value_text=lambda v: pts(Decimal(str(v))))


def _ranking_chart(table: results.Ranking) -> Markup:
    def note(change: Decimal | None) -> str:
        return "" if change is None else "({}{})".format("+" if change > 0 else "", pts(change))

    rows = [(row.rank or 0, row.view.inspection.unit_name, float(row.total or 0), results.band_of(row.total, table.maximum, table.criteria_set.bands),
             note(row.change)) for row in table.rows]
    bands = [(band["label"], float(band["min_percent"])) for band in table.criteria_set.bands]
    return ranking_bars(rows, float(table.maximum), bands, value_text=lambda v: pts(Decimal(str(v))))


def rankings_of(campaign: Campaign) -> list[tuple[str, results.Ranking, Markup]]:
    """Per kind of unit with a criteria set: its label, the ranking and the ranking's chart."""
    found = []
    for kind in UNIT_KINDS:
        table = results.ranking(db_session(), campaign.id, kind)
        if table is not None:
            found.append((gettext(UNIT_KINDS[kind]), table, _ranking_chart(table)))
    return found


def dashboard_part(campaign: Campaign | None) -> dict:
    """What the dashboard shows of the scores (leaders and the office; never units): per kind of
    unit the ranking chart, and one unit's fields against the campaign's average (``score_case``
    chooses the unit; the first ranked by default)."""
    if campaign is None or not results.may_read_ranking(current_actor()):
        return {"score_rankings": []}
    rankings = [item for item in rankings_of(campaign) if item[1].rows]
    chosen = request.args.get("score_case", "")
    parts = []
    for label, table, chart in rankings:
        row = next((r for r in table.rows if str(r.view.inspection.id) == chosen), table.rows[0])
        parts.append((label, table, chart, row, _field_chart(row.view, table.averages), band_distribution(table.band_counts)))
    return {"score_rankings": parts, "pts": pts}


def prefill_findings(form, inspection: Inspection) -> None:
    """The conclusion form starts with the findings the team proposed from the criteria lost."""
    if form.is_submitted():
        return
    proposals = results.finding_proposals(db_session(), inspection)
    while len(form.findings) < len(proposals):
        form.findings.append_entry()
        form.findings[-1].section.choices = form.findings[0].section.choices
    for row, proposal in zip(form.findings, proposals):
        row.section.data, row.text.data = proposal["section"], proposal["text"]


class ScoringView(SecureView):
    allowed_roles = EVERYONE

    # --- the campaign -----------------------------------------------------------------------

    @expose("/")
    def index(self):
        campaign = _campaign()
        actor = current_actor()
        if has_role("unit"):
            own = db_session().scalar(select(Inspection).where(Inspection.unit_id == actor.unit_id, Inspection.kind.in_(SCORED_KINDS))
                                      .order_by(Inspection.id.desc()))
            return redirect(url_for(".sheet_view", case_id=own.id)) if own else abort(404)
        sets = criteria.campaign_sets(db_session(), campaign.id) if campaign else []
        return self.render(
            "admin/scoring/index.html", campaign=campaign, sets=sets,
            campaigns=db_session().scalars(select(Campaign).order_by(Campaign.year.desc())).all(),
            missing_kinds=[(kind, gettext(label)) for kind, label in UNIT_KINDS.items() if kind not in {s.unit_kind for s in sets}],
            rankings=rankings_of(campaign) if campaign else [], kind_label=lambda kind: gettext(UNIT_KINDS[kind]),
            may_import=actor.may_edit("import_criteria"), leaves=criteria.leaves, maximum=criteria.set_maximum, pts=pts,
            format_datetime=format_datetime, may_render_annex=actor.role in rendering.DOCUMENT_KINDS["scores_annex"].roles,
            pdf_available=pdf_converter() is not None,
        )

    def _campaign_change(self, change, done: str):
        campaign = _campaign() or abort(404)
        try:
            change(campaign)
        except WorkflowError as error:
            for problem in error.problems:
                flash(str(problem.text), "error")
        else:
            flash(done, "success")
        return redirect(url_for(".index", campaign=campaign.code))

    @expose("/import", methods=("POST",))
    def import_view(self):
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(gettext("Choose a criteria file (XLSX or TOML) to import."), "error")
            return redirect(url_for(".index", campaign=request.values.get("campaign")))

        def change(campaign):
            criteria.import_criteria_upload(db_session(), campaign.id, upload.read(), actor=current_actor(), now=now())

        return self._campaign_change(change, gettext("The criteria set was imported."))

    @expose("/sample/<kind>", methods=("POST",))
    def sample_view(self, kind: str):
        return self._campaign_change(lambda campaign: criteria.load_sample(db_session(), campaign.id, kind, actor=current_actor(), now=now()),
                                     gettext("The SAMPLE criteria set was loaded; replace it with the province's own set before scoring for real."))

    @expose("/copy", methods=("POST",))
    def copy_view(self):
        return self._campaign_change(
            lambda campaign: criteria.copy_sets(db_session(), request.form.get("from_campaign", ""), campaign.id, actor=current_actor(), now=now()),
            gettext("The criteria sets were copied."))

    @expose("/export/<int:set_id>")
    @expose("/export/<int:set_id>.<any(toml, xlsx):format>")
    def export_view(self, set_id: int, format: str = "toml"):
        if not results.may_read_ranking(current_actor()):
            abort(403)
        criteria_set = next((s for c in [_campaign()] if c for s in criteria.campaign_sets(db_session(), c.id) if s.id == set_id), None)
        if criteria_set is None:
            abort(404)
        name = f"bo-tieu-chi-{criteria_set.campaign.code}-{criteria_set.unit_kind}.{format}"
        if format == "xlsx":
            return Response(criteria.export_workbook(criteria_set), mimetype=XLSX_TYPE, headers={"Content-Disposition": f"attachment; filename={name}"})
        return Response(criteria.export_criteria(criteria_set), mimetype="application/toml",
                        headers={"Content-Disposition": f"attachment; filename={name}"})

    @expose("/template/<any(office, commune):kind>.xlsx")
    def template_view(self, kind: str):
        """The workbook to start a set from: the SAMPLE set of that kind of unit, to be overwritten."""
        if not results.may_read_ranking(current_actor()):
            abort(403)
        return Response(criteria.template_workbook(kind), mimetype=XLSX_TYPE,
                        headers={"Content-Disposition": f"attachment; filename=mau-bo-tieu-chi-{kind}.xlsx"})

    @expose("/ranking.xlsx")
    def ranking_xlsx_view(self):
        campaign = _campaign()
        if campaign is None:
            abort(404)
        if not results.may_read_ranking(current_actor()):
            abort(403)
        facts = [results.ranking_facts(table) for _label, table, _chart in rankings_of(campaign)]
        if not facts:
            flash(gettext(results.NO_RANKING).format(code=campaign.code), "error")
            return redirect(url_for(".index", campaign=campaign.code))
        content = ranking_xlsx(campaign.title, campaign.issuer, facts, today())
        return Response(content, mimetype=XLSX_TYPE,
                        headers={"Content-Disposition": f"attachment; filename=xep-hang-chi-so-cchc-{campaign.code}.xlsx"})

    @expose("/annex", methods=("POST",))
    def annex_view(self):
        """The ranking as the summary report's annex (DOCX, or PDF beside it): kept with the
        campaign's documents and downloaded at once."""
        campaign = _campaign() or abort(404)
        try:
            attachment = rendering.render_document(db_session(), file_store(), "scores_annex", actor=current_actor(), now=now(),
                                                   campaign_id=campaign.id, format=request.form.get("format", "docx"), pdf=pdf_converter())
        except WorkflowError as error:
            flash(str(error), "error")
            return redirect(url_for(".index", campaign=campaign.code))
        return redirect(url_for("inspection.file_view", attachment_id=attachment.id), code=303)

    # --- a case's sheet -------------------------------------------------------------------

    def _case(self, case_id: int) -> Inspection:
        inspection = db_session().scalar(select(Inspection).where(Inspection.id == case_id)
                                         .options(joinedload(Inspection.unit), joinedload(Inspection.campaign)))
        if inspection is None or not results.may_read(current_actor(), inspection.unit_id):
            abort(404)
        return inspection

    @expose("/case/<int:case_id>", methods=("GET", "POST"))
    def sheet_view(self, case_id: int):
        inspection = self._case(case_id)
        problems: dict[str, str] = {}
        status = 200
        if request.method == "POST":
            try:
                message = self._save(inspection)
            except WorkflowError as error:
                problems = {problem.field or "": str(problem.text) for problem in error.problems}
                status = error.http_status
                flash(gettext("The draft was saved, but it cannot be submitted yet: see the messages below.") if getattr(error, "draft_saved", False)
                      else gettext("Nothing was saved: correct what the messages below name and save again."), "error")
            else:
                flash(message, "success")
                return redirect(url_for(".sheet_view", case_id=case_id))
            db_session().rollback()
            inspection = self._case(case_id)
        return self._sheet_page(inspection, problems), status

    def _sheet_page(self, inspection: Inspection, problems: dict[str, str]):
        actor = current_actor()
        view = results.sheet_view(db_session(), inspection)
        table = results.ranking(db_session(), inspection.campaign_id, inspection.unit.kind) if view else None
        staff = results.may_read_ranking(actor)
        open_ = inspection.state in sheets.SCORING_STATES and inspection.kind in SCORED_KINDS
        may_fire_conclude = "conclude" in service.available_triggers(db_session(), inspection, actor, now())
        return self.render(
            "admin/scoring/sheet.html", case=inspection, view=view, problems=problems, posted=request.form,
            may_self=bool(view) and open_ and not view.submitted and actor.may_edit("self_assess", inspection.unit_id),
            may_appraise=bool(view) and open_ and view.submitted and actor.may_edit("appraise", inspection.unit_id),
            may_propose=bool(view) and open_ and view.submitted and actor.may_edit("propose_finding", inspection.unit_id),
            may_conclude=may_fire_conclude, staff=staff,
            chart=_field_chart(view, table.averages if table and staff else None) if view else Markup(""),
            rank=next((row.rank for row in table.rows if row.view.inspection.id == inspection.id), None) if table else None,
            ranked=len(table.rows) if table else 0, due=inspection.report_due or inspection.self_report_due,
            method_label=lambda method: gettext(METHOD_LABELS[method]), pts=pts, format_date=format_date,
            format_datetime=format_datetime, kind_label=lambda kind: Kind(kind).label,
        )

    def _value(self, criterion, name: str) -> Decimal | None:
        return sheets.number(request.form.get(f"{name}-{criterion.id}"), f"{name}-{criterion.id}", criterion.code)

    def _save(self, inspection: Inspection) -> str:
        view = results.sheet_view(db_session(), inspection) or abort(404)
        scored = [line.criterion for line in view.lines if line.leaf]
        version = int(request.form.get("expected_version", "0") or 0) or None
        actor, session = current_actor(), db_session()
        if request.form.get("action") == "appraise":
            decisions = {}
            for criterion in scored:
                choice = request.form.get(f"decision-{criterion.id}")
                if choice in ("accept", "correct"):
                    decisions[criterion.id] = sheets.Decision(choice == "accept", self._value(criterion, "final"),
                                                              request.form.get(f"reason-{criterion.id}"))
            session.rollback()
            sheets.appraise(session, inspection.id, decisions, actor=actor, now=now(), expected_version=version)
            return gettext("The appraisal was saved.")
        answers = {c.id: sheets.Answer(self._value(c, "value"), request.form.get(f"explanation-{c.id}")) for c in scored}
        evidence = {}
        for criterion in scored:
            uploads = [u for u in request.files.getlist(f"evidence-{criterion.id}") if u and u.filename]
            if uploads:
                evidence[criterion.id] = [file_store().store_upload(u.stream, u.filename, field=f"evidence-{criterion.id}") for u in uploads]
        session.rollback()
        sheets.save_self_assessment(session, inspection.id, answers, evidence, actor=actor, now=now(), expected_version=version)
        if request.form.get("action") != "submit":
            return gettext("The self-assessment was saved (not submitted yet).")
        try:
            sheets.save_self_assessment(session, inspection.id, {}, submit=True, actor=actor, now=now())
        except WorkflowError as error:
            error.draft_saved = True  # the answers and files are kept; only the submission was refused
            raise
        return gettext("The self-assessment was submitted; it is locked now.")

    @expose("/case/<int:case_id>/finding/<int:criterion_id>", methods=("POST",))
    def finding_view(self, case_id: int, criterion_id: int):
        inspection = self._case(case_id)
        try:
            sheets.propose_finding(db_session(), inspection.id, criterion_id, proposed=request.form.get("proposed", "1") == "1",
                                   actor=current_actor(), now=now())
        except WorkflowError as error:
            flash(str(error), "error")
            return redirect(url_for(".sheet_view", case_id=case_id))
        inspection = self._case(case_id)
        if request.form.get("proposed", "1") == "1" and "conclude" in service.available_triggers(db_session(), inspection, current_actor(), now()):
            flash(gettext("The criterion is in the findings of the conclusion form below; check its text and deadline."), "success")
            return redirect(url_for("inspection.fire_view", case_id=case_id, trigger="conclude"))
        flash(gettext("Recorded: the conclusion form will start with the findings proposed here."), "success")
        return redirect(url_for(".sheet_view", case_id=case_id) + f"#criterion-{criterion_id}")
