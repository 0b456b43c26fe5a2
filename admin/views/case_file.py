"""The case file on the case page: its files (upload, download), the documents generated from it,
the review of the unit's report against the outline, and the decision on each finding.
Every change goes through the services of ``workflow`` (locked, audited)."""
from __future__ import annotations

from flask import abort, flash, redirect, request, send_file
from flask_admin import expose

from vocabulary.bounds import is_digits
from vocabulary.campaigns import CLOSED
from vocabulary.i18n import gettext
from web.database import db_session
from web.files import file_store, pdf_converter
from workflow.casefile import findings, rendering, review, uploads
from workflow.errors import WorkflowError
from workflow.records import attachments

from ..access import current_actor
from .base import now

CASE_DOCUMENTS = {kind: spec for kind, spec in rendering.DOCUMENT_KINDS.items() if spec.scope == "case"}
# A document can be drawn up once the case has what it reports on.
DOCUMENT_FROM = {"unit_schedule_notice": {"notified", "report_received", "visited", "minutes_signed", "concluded", "remediation",
                                          "remediation_reported", "reinspection", "closed"},
                 "minutes": {"visited", "minutes_signed", "concluded", "remediation", "remediation_reported", "reinspection", "closed"},
                 "conclusion_notice": {"concluded", "remediation", "remediation_reported", "reinspection", "closed"}}
REVIEW_FROM = {"report_received", "visited", "minutes_signed", "concluded", "remediation", "remediation_reported", "reinspection", "closed"}


def _version() -> int | None:
    value = request.form.get("expected_version", "")
    return int(value) if is_digits(value) else None


class CaseFileViews:
    """Mixed into the case view: ``self.get_one`` finds a case the user may see, or None."""

    def _back(self, case_id: int, anchor: str = ""):
        return redirect(self.get_url(".details_view", id=case_id) + anchor)

    def _run(self, case_id: int, anchor: str, change, done: str):
        """Make ``change``; flash ``done`` or the refusal (nothing changed) and go back to the case."""
        try:
            change()
        except WorkflowError as error:
            flash(str(error), "error")
        else:
            flash(done, "success")
        return self._back(case_id, anchor)

    def case_file_context(self, inspection) -> dict:
        actor = current_actor()
        changing = inspection.campaign.status != CLOSED  # a closed campaign's cases are read, not changed
        return {
            "files": attachments.case_attachments(db_session(), inspection.id, actor),
            "attachment_label": attachments.kind_label,
            "upload_kinds": [kind for kind in uploads.UPLOAD_KINDS if actor.role != "unit" or kind in uploads.UNIT_UPLOAD_KINDS],
            "may_attach": changing and actor.may_edit("attach", inspection.unit_id),
            "documents": [(kind, gettext(spec.label)) for kind, spec in CASE_DOCUMENTS.items()
                          if changing and actor.role in spec.roles and inspection.state in DOCUMENT_FROM[kind]
                          and (kind != "unit_schedule_notice" or inspection.notice_number)],
            "pdf_available": pdf_converter() is not None,
            "may_review": changing and actor.may_edit("review_section", inspection.unit_id) and inspection.state in REVIEW_FROM,
            "may_decide": changing and actor.may_edit("review_finding", inspection.unit_id) and findings.may_review_findings(inspection),
        }

    @expose("/attach/<int:case_id>", methods=("POST",))
    def attach_view(self, case_id: int):
        inspection = self.get_one(case_id) or abort(404)
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(gettext("Choose a file to add."), "error")
            return self._back(case_id, "#files")

        def change():
            stored = file_store().store_upload(upload.stream, upload.filename, field="file")
            uploads.attach(db_session(), inspection.id, stored, kind=request.form.get("kind", "other"), actor=current_actor(),
                           now=now(), comment=request.form.get("comment") or None, expected_version=_version())

        return self._run(case_id, "#files", change, gettext("The file was added to the case."))

    @expose("/render/<int:case_id>/<kind>", methods=("POST",))
    def render_view(self, case_id: int, kind: str):
        inspection = self.get_one(case_id) or abort(404)
        if kind not in CASE_DOCUMENTS:
            abort(404)

        def change():
            rendering.render_document(db_session(), file_store(), kind, actor=current_actor(), now=now(),
                                      inspection_id=inspection.id, expected_version=_version(),
                                      format=request.form.get("format", "docx"), pdf=pdf_converter())

        return self._run(case_id, "#files", change, gettext("The {document} was drawn up; it is in the case's files.").format(
            document=gettext(CASE_DOCUMENTS[kind].label).lower()))

    @expose("/finding/<int:case_id>/<int:number>", methods=("POST",))
    def finding_view(self, case_id: int, number: int):
        inspection = self.get_one(case_id) or abort(404)

        def change():
            findings.review_finding(db_session(), inspection.id, number, accepted=request.form.get("accepted") == "1",
                                    note=request.form.get("note"), actor=current_actor(), now=now(), expected_version=_version())

        return self._run(case_id, "#findings", change, gettext("The decision on finding no. {number} was recorded.").format(number=number))

    @expose("/review/<int:case_id>", methods=("GET", "POST"))
    def review_view(self, case_id: int):
        """The team's review, every section in one form: a save records each section whose text or
        ticks changed; a refusal keeps what was typed in every section."""
        inspection = self.get_one(case_id) or abort(404)
        sheet = review.review_sheet(db_session(), inspection)
        typed = None
        if request.method == "POST":
            changed = [(entry.section.code, given) for entry in sheet if (given := _typed_review(entry.section.code)) != _saved_review(entry.review)]
            version = _version()
            for code, given in changed:
                try:
                    review.review_section(db_session(), inspection.id, code, **given, actor=current_actor(), now=now(), expected_version=version)
                except WorkflowError as error:
                    flash(gettext("Section {code}: {reason}").format(code=code, reason=error), "error")
                    typed = request.form
                    break
                version = None  # the version was checked before the first section; the others follow in this request
                flash(gettext("Section {code}: the review was saved.").format(code=code), "success")
            if typed is None:
                return redirect(self.get_url(".review_view", case_id=case_id))
            db_session().expire_all()
            sheet = review.review_sheet(db_session(), self.get_one(case_id))
        return self.render("admin/cases/review.html", case=inspection, sheet=sheet, typed=typed,
                           may_review=current_actor().may_edit("review_section", inspection.unit_id))

    @expose("/file/<int:attachment_id>")
    def file_view(self, attachment_id: int):
        try:
            attachment = attachments.get_attachment(db_session(), attachment_id, current_actor())
        except WorkflowError:
            abort(404)
        return send_file(file_store().path(attachment.sha256), mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.original_name)


REVIEW_TEXTS = ("achieved", "shortcomings", "causes")


def _typed_review(code: str) -> dict:
    """What the review form holds for section ``code`` (its fields are named ``achieved-B.1`` …)."""
    return {**{name: (request.form.get(f"{name}-{code}") or "").strip() for name in REVIEW_TEXTS},
            "missing_items": sorted(int(i) for i in request.form.getlist(f"missing-{code}") if is_digits(i))}


def _saved_review(saved) -> dict:
    return {**{name: (getattr(saved, name, None) or "").strip() for name in REVIEW_TEXTS},
            "missing_items": sorted(saved.missing_items or []) if saved else []}
