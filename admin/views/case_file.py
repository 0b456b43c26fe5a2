"""The case file on the case page: its files (upload, download), the documents generated from it,
the team's record of the inspection (by outline section, on the unit's report or on site), and
the decision on each finding.
Every change goes through the services of ``workflow`` (locked, audited)."""
from __future__ import annotations

from typing import Any, Callable

from flask import abort, flash, redirect, request, send_file
from flask_admin import expose

from vocabulary.bounds import is_digits
from vocabulary.campaigns import CLOSED
from vocabulary.i18n import gettext
from web.database import db_session
from web.files import file_store, pdf_converter, trust_store
from workflow.casefile import findings, issuing, rendering, review, signed_elsewhere, uploads
from workflow.errors import WorkflowError
from workflow.records import arrival, attachments

from ..access import current_actor
from .base import now
from .versions import version_views

CASE_DOCUMENTS = {kind: spec for kind, spec in rendering.DOCUMENT_KINDS.items() if spec.scope == "case"}
# A document can be drawn up once the case has what it reports on.
DOCUMENT_FROM = {"unit_schedule_notice": {"notified", "report_received", "visited", "minutes_signed", "concluded", "remediation",
                                          "remediation_reported", "reinspection", "closed"},
                 "minutes": {"visited", "minutes_signed", "concluded", "remediation", "remediation_reported", "reinspection", "closed"},
                 "conclusion_notice": {"concluded", "remediation", "remediation_reported", "reinspection", "closed"}}


def verdict_notes(files) -> list[str]:
    """What the check on arrival found in each file that has a verdict, for the message after the change."""
    return [gettext("{name}: {verdict}").format(name=file.original_name, verdict=line[1])
            for file in files if (line := arrival.verdict_line(file.signature_check))]


def _version() -> int | None:
    value = request.form.get("expected_version", "")
    return int(value) if is_digits(value) else None


class CaseFileViews:
    """Mixed into the case view: ``self.get_one`` finds a case the user may see, or None."""

    def _back(self, case_id: int, anchor: str = ""):
        return redirect(self.get_url(".details_view", id=case_id) + anchor)

    def _run(self, case_id: int, anchor: str, change, done: str | Callable[[Any], str]):
        """Make ``change``; flash ``done`` (or what it says of the change's result) or the refusal
        (nothing changed) and go back to the case."""
        try:
            result = change()
        except WorkflowError as error:
            flash(str(error), "error")
        else:
            flash(done(result) if callable(done) else done, "success")
        return self._back(case_id, anchor)

    def case_file_context(self, inspection) -> dict:
        actor = current_actor()
        changing = inspection.campaign.status != CLOSED  # a closed campaign's cases are read, not changed
        files = attachments.case_attachments(db_session(), inspection.id, actor)
        return {
            "files": files,
            "verdict_line": arrival.verdict_line,
            "versions": version_views(files, inspection.campaign, inspection.unit_id, changing),
            "attachment_label": attachments.kind_label,
            "upload_kinds": [kind for kind in uploads.UPLOAD_KINDS if actor.role != "unit" or kind in uploads.UNIT_UPLOAD_KINDS],
            "may_attach": changing and actor.may_edit("attach", inspection.unit_id),
            "may_attach_signed": changing and actor.may_edit(signed_elsewhere.ACTION, inspection.unit_id),
            "documents": [(kind, gettext(spec.label)) for kind, spec in CASE_DOCUMENTS.items()
                          if changing and actor.role in spec.roles and inspection.state in DOCUMENT_FROM[kind]
                          and (kind != "unit_schedule_notice" or inspection.notice_number)],
            "pdf_available": pdf_converter() is not None,
            # The record opens with the unit's report or the visit, whatever the kind (a surprise has no report).
            "may_review": changing and actor.may_edit("review_section", inspection.unit_id) and review.may_record(inspection),
            "may_decide": changing and actor.may_edit("review_finding", inspection.unit_id) and findings.may_review_findings(inspection),
        }

    @expose("/issue/<int:case_id>/<int:file_id>", methods=("POST",))
    def issue_view(self, case_id: int, file_id: int):
        inspection = self.get_one(case_id) or abort(404)

        def change():
            issuing.issue_document(db_session(), file_store(), file_id, actor=current_actor(), now=now(), pdf=pdf_converter(),
                                   number=request.form.get("number") or None, number_reason=request.form.get("number_reason") or None)

        return self._run(inspection.id, "#files", change, gettext("The document was issued; its PDF is in the case's files, ready to sign."))

    @expose("/sign/<int:case_id>/<int:file_id>", methods=("POST",))
    def sign_view(self, case_id: int, file_id: int):
        from workflow.casefile import signing

        inspection = self.get_one(case_id) or abort(404)

        def change():
            signing.sign_document(db_session(), file_store(), file_id, actor=current_actor(), now=now(), trust=trust_store())

        return self._run(inspection.id, "#files", change, gettext("Signed; the signed version is in the case's files."))

    @expose("/attach/<int:case_id>", methods=("POST",))
    def attach_view(self, case_id: int):
        inspection = self.get_one(case_id) or abort(404)
        upload = _chosen_file()
        if upload is None:
            return self._back(case_id, "#files")

        def change():
            stored = file_store().store_upload(upload.stream, upload.filename, field="file")
            return uploads.attach(db_session(), inspection.id, stored, kind=request.form.get("kind", "other"), actor=current_actor(),
                                  now=now(), comment=request.form.get("comment") or None, expected_version=_version())

        return self._run(case_id, "#files", change,
                         lambda attachment: " ".join([gettext("The file was added to the case."), *verdict_notes([attachment])]))

    @expose("/signed/<int:case_id>/<int:attachment_id>", methods=("POST",))
    def attach_signed_view(self, case_id: int, attachment_id: int):
        """"Tải lên bản đã ký": the PDF of an issued document, signed outside the product."""
        inspection = self.get_one(case_id) or abort(404)
        upload = _chosen_file()
        if upload is None:
            return self._back(case_id, "#files")

        def change():
            store = file_store()
            return signed_elsewhere.attach_signed_version(db_session(), store, attachment_id,
                                                          store.store_upload(upload.stream, upload.filename, field="file"),
                                                          actor=current_actor(), now=now())

        return self._run(inspection.id, "#files", change, lambda attachment: " ".join([
            gettext("The signed version was added to the case."), *verdict_notes([attachment])]))

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
        """"Ghi nhận kết quả kiểm tra": every section in one form, then the team's assessment and the
        unit's opinion. A save records each section (and the closing parts) whose text or ticks
        changed; a refusal keeps what was typed everywhere."""
        inspection = self.get_one(case_id) or abort(404)
        sheet = review.review_sheet(db_session(), inspection)
        typed = None
        if request.method == "POST":
            version = _version()
            changes = [(gettext("Section {code}").format(code=entry.section.code), _section_change(inspection.id, entry.section.code))
                       for entry in sheet if _typed_review(entry.section.code) != _saved_review(entry.review)]
            closing = {name: (request.form.get(name) or "").strip() for name in review.CLOSING_PARTS if name in request.form}
            if closing and any(value != (getattr(inspection, name) or "") for name, value in closing.items()):
                changes.append((gettext("The team's assessment and the unit's opinion"), _closing_change(inspection.id, closing)))
            for what, change in changes:
                try:
                    change(version)
                except WorkflowError as error:
                    flash(gettext("{what}: {reason}").format(what=what, reason=error), "error")
                    typed = request.form
                    break
                version = None  # the version was checked before the first change; the others follow in this request
                flash(gettext("{what}: saved.").format(what=what), "success")
            if typed is None:
                return redirect(self.get_url(".review_view", case_id=case_id))
            db_session().expire_all()
            inspection = self.get_one(case_id)
            sheet = review.review_sheet(db_session(), inspection)
        return self.render("admin/cases/review.html", case=inspection, sheet=sheet, typed=typed, has_report=review.has_report(inspection),
                           may_review=current_actor().may_edit("review_section", inspection.unit_id) and review.may_record(inspection))

    @expose("/file/<int:attachment_id>")
    def file_view(self, attachment_id: int):
        try:
            attachment = attachments.get_attachment(db_session(), attachment_id, current_actor())
        except WorkflowError:
            abort(404)
        return send_file(file_store().path(attachment.sha256), mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.original_name)


REVIEW_TEXTS = ("achieved", "shortcomings", "causes")


def _section_change(case_id: int, code: str):
    return lambda version: review.review_section(db_session(), case_id, code, **_typed_review(code), actor=current_actor(), now=now(),
                                                 expected_version=version)


def _closing_change(case_id: int, closing: dict[str, str]):
    return lambda version: review.record_closing(db_session(), case_id, actor=current_actor(), now=now(), expected_version=version,
                                                 **closing)


def _typed_review(code: str) -> dict:
    """What the review form holds for section ``code`` (its fields are named ``achieved-B.1`` …)."""
    return {**{name: (request.form.get(f"{name}-{code}") or "").strip() for name in REVIEW_TEXTS},
            "missing_items": sorted(int(i) for i in request.form.getlist(f"missing-{code}") if is_digits(i))}


def _saved_review(saved) -> dict:
    return {**{name: (getattr(saved, name, None) or "").strip() for name in REVIEW_TEXTS},
            "missing_items": sorted(saved.missing_items or []) if saved else []}


def _chosen_file():
    """The form's file, or None (said to the user) when none was chosen."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(gettext("Choose a file to add."), "error")
        return None
    return upload
