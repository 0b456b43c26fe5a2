"""The campaign's documents: the schedule notice sent to all units, the summary report to the
Chairman and the summary spreadsheet, drawn up from the cases and kept in the register."""
from __future__ import annotations

import threading

from flask import current_app, flash, jsonify, redirect, request, url_for
from flask_admin import expose

from models import Campaign
from vocabulary.bounds import is_digits
from vocabulary.i18n import format_date, format_datetime, gettext
from web.database import db_session
from vocabulary.campaigns import CLOSED
from vocabulary.roles import actor_label
from web.files import file_store, pdf_converter, trust_store
from workflow.casefile import issuing, render_jobs, rendering
from workflow.errors import WorkflowError
from workflow.records import arrival, attachments

from .. import campaign_context
from ..access import STAFF, current_actor
from .base import SecureView, now
from .versions import version_views

CAMPAIGN_DOCUMENTS = {kind: spec for kind, spec in rendering.DOCUMENT_KINDS.items() if spec.scope == "campaign"}


class DocumentsView(SecureView):
    allowed_roles = STAFF

    def _campaign(self) -> Campaign | None:
        return campaign_context.chosen()

    @expose("/")
    def index(self):
        campaign = self._campaign()
        actor = current_actor()
        files = attachments.campaign_attachments(db_session(), campaign.id, actor) if campaign else []
        return self.render(
            "admin/documents.html", campaign=campaign, files=files,
            versions=version_views(files, campaign, None, campaign.status != CLOSED) if campaign else {},
            verdict_line=arrival.verdict_line, actor_label=actor_label,
            documents=[(kind, gettext(spec.label)) for kind, spec in CAMPAIGN_DOCUMENTS.items() if actor.role in spec.roles],
            attachment_label=attachments.kind_label, format_date=format_date, format_datetime=format_datetime,
            pdf_available=pdf_converter() is not None, unnumbered=rendering.UNNUMBERED,
            may_write_summary=actor.may_edit("summary_content", None),
            summary_fields=[(name, gettext(rendering.SUMMARY_LABELS[name])) for name in rendering.SUMMARY_CONTENT],
            jobs=[render_jobs.job_state(job, now()) for job in render_jobs.recent_jobs(db_session(), campaign.id)] if campaign else [],
        )

    @expose("/jobs.json")
    def jobs_view(self):
        """The campaign's background documents, polled by admin/static/render-jobs.js."""
        campaign = self._campaign()
        jobs = render_jobs.recent_jobs(db_session(), campaign.id) if campaign else []
        return jsonify([render_jobs.job_state(job, now()) for job in jobs])

    def _in_background(self, campaign: Campaign, kind: str) -> bool:
        """Whether ``kind`` is drawn up by a worker: a large campaign (setting
        ``RENDER_IN_BACKGROUND_FROM`` cases, default ``render_jobs.BACKGROUND_FROM``)."""
        threshold = current_app.config.get("RENDER_IN_BACKGROUND_FROM", render_jobs.BACKGROUND_FROM)
        return render_jobs.case_count(db_session(), campaign.id) >= threshold

    def _start_worker(self, job_id: int) -> None:
        """A thread of this web process runs the job; its state is in the database, so any
        worker answers the page's polling. Threads are kept in ``render_workers`` (the tests
        wait for them)."""
        app = current_app._get_current_object()
        thread = threading.Thread(
            target=render_jobs.run_render_job, args=(app.extensions["database"], file_store(), job_id),
            kwargs={"clock": now, "pdf": pdf_converter()}, name=f"render-job-{job_id}", daemon=True,
        )
        app.extensions.setdefault("render_workers", []).append(thread)
        thread.start()

    @expose("/render/<kind>", methods=("POST",))
    def render_view(self, kind: str):
        campaign = self._campaign()
        if campaign is None or kind not in CAMPAIGN_DOCUMENTS:
            return redirect(url_for(".index"))
        label = gettext(CAMPAIGN_DOCUMENTS[kind].label).lower()
        if self._in_background(campaign, kind):
            try:
                job = render_jobs.request_render(
                    db_session(), kind, actor=current_actor(), now=now(), campaign_id=campaign.id,
                    number=request.form.get("number") or None, number_reason=request.form.get("number_reason") or None,
                    format=request.form.get("format", "docx"))
            except WorkflowError as error:
                flash(str(error), "error")
            else:
                self._start_worker(job.id)
                flash(gettext("The {document} is being drawn up in the background; this page shows its progress and the file when it is ready.").format(document=label), "info")
            return redirect(url_for(".index") + "#render-jobs")
        try:
            rendering.render_document(db_session(), file_store(), kind, actor=current_actor(), now=now(),
                                      campaign_id=campaign.id, number=request.form.get("number") or None,
                                      number_reason=request.form.get("number_reason") or None,
                                      format=request.form.get("format", "docx"), pdf=pdf_converter())
        except WorkflowError as error:
            flash(str(error), "error")
        else:
            flash(gettext("The {document} was drawn up.").format(document=label), "success")
        return redirect(url_for(".index"))

    def _change(self, change, done: str):
        """Make ``change`` on a file of the chosen campaign; flash ``done`` or the refusal (nothing changed)."""
        try:
            change()
        except WorkflowError as error:
            flash(str(error), "error")
        else:
            flash(done, "success")
        return redirect(url_for(".index") + "#campaign-files")

    @expose("/issue/<int:file_id>", methods=("POST",))
    def issue_view(self, file_id: int):
        """"Ban hành" on a draft of the campaign: its number (the văn thư's, where it gives it) and the PDF."""
        return self._change(lambda: issuing.issue_document(
            db_session(), file_store(), file_id, actor=current_actor(), now=now(), pdf=pdf_converter(),
            number=request.form.get("number") or None, number_reason=request.form.get("number_reason") or None),
            gettext("The document was issued; its PDF is in the campaign's documents, ready to sign."))

    @expose("/sign/<int:file_id>", methods=("POST",))
    def sign_view(self, file_id: int):
        """"Ký số": the next signing step on an issued campaign document."""
        from workflow.casefile import signing  # pyHanko: loaded by the first signature

        return self._change(lambda: signing.sign_document(db_session(), file_store(), file_id, actor=current_actor(), now=now(),
                                                          trust=trust_store()),
                            gettext("Signed; the signed version is in the campaign's documents."))

    @expose("/summary-content", methods=("POST",))
    def summary_content_view(self):
        """The summary report's own content (plan, V.1), kept on the campaign."""
        campaign = self._campaign()
        if campaign is None:
            return redirect(url_for(".index"))
        version = request.form.get("expected_version", "")
        try:
            rendering.record_summary_content(
                db_session(), campaign.id, actor=current_actor(), now=now(), expected_version=int(version) if is_digits(version) else None,
                **{name: request.form.get(name, "") for name in rendering.SUMMARY_CONTENT})
        except WorkflowError as error:
            flash(str(error), "error")
        else:
            flash(gettext("The content of the summary report was saved."), "success")
        return redirect(url_for(".index") + "#summary-content")
