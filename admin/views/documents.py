"""The campaign's documents: the schedule notice sent to all units, the summary report to the
Chairman and the summary spreadsheet, drawn up from the cases and kept in the register."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import expose

from models import Campaign
from vocabulary.i18n import format_date, format_datetime, gettext
from web.database import db_session
from web.files import file_store, pdf_converter
from workflow.casefile import rendering
from workflow.errors import WorkflowError
from workflow.records import attachments

from .. import campaign_context
from ..access import STAFF, current_actor
from .base import SecureView, now

CAMPAIGN_DOCUMENTS = {kind: spec for kind, spec in rendering.DOCUMENT_KINDS.items() if spec.scope == "campaign"}


class DocumentsView(SecureView):
    allowed_roles = STAFF

    def _campaign(self) -> Campaign | None:
        return campaign_context.chosen()

    @expose("/")
    def index(self):
        campaign = self._campaign()
        actor = current_actor()
        return self.render(
            "admin/documents.html", campaign=campaign,
            files=attachments.campaign_attachments(db_session(), campaign.id, actor) if campaign else [],
            documents=[(kind, gettext(spec.label)) for kind, spec in CAMPAIGN_DOCUMENTS.items() if actor.role in spec.roles],
            attachment_label=attachments.kind_label, format_date=format_date, format_datetime=format_datetime,
            pdf_available=pdf_converter() is not None, unnumbered=rendering.UNNUMBERED,
            may_write_summary=actor.may_edit("summary_content", None),
            summary_fields=[(name, gettext(rendering.SUMMARY_LABELS[name])) for name in rendering.SUMMARY_CONTENT],
        )

    @expose("/render/<kind>", methods=("POST",))
    def render_view(self, kind: str):
        campaign = self._campaign()
        if campaign is None or kind not in CAMPAIGN_DOCUMENTS:
            return redirect(url_for(".index"))
        try:
            rendering.render_document(db_session(), file_store(), kind, actor=current_actor(), now=now(),
                                      campaign_id=campaign.id, number=request.form.get("number") or None,
                                      number_reason=request.form.get("number_reason") or None,
                                      format=request.form.get("format", "docx"), pdf=pdf_converter())
        except WorkflowError as error:
            flash(str(error), "error")
        else:
            flash(gettext("The {document} was drawn up.").format(document=gettext(CAMPAIGN_DOCUMENTS[kind].label).lower()), "success")
        return redirect(url_for(".index"))

    @expose("/summary-content", methods=("POST",))
    def summary_content_view(self):
        """The summary report's own content (plan, V.1), kept on the campaign."""
        campaign = self._campaign()
        if campaign is None:
            return redirect(url_for(".index"))
        version = request.form.get("expected_version", "")
        try:
            rendering.record_summary_content(
                db_session(), campaign.id, actor=current_actor(), now=now(), expected_version=int(version) if version.isdigit() else None,
                **{name: request.form.get(name, "") for name in rendering.SUMMARY_CONTENT})
        except WorkflowError as error:
            flash(str(error), "error")
        else:
            flash(gettext("The content of the summary report was saved."), "success")
        return redirect(url_for(".index") + "#summary-content")
