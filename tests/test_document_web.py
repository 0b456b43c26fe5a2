"""The documents in the admin: PDF beside DOCX (or DOCX only, saying why, where LibreOffice is
missing), the summary report's content entered on the campaign, the plan's attendees offered as
a checklist when the visit is recorded."""
from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import select

from models import Attachment, AuditEntry, Campaign, Inspection, Unit
from tests.conftest import missing
from tests.helpers import COORDINATOR, DAY, at
from tests.web import csrf_token, login
from workflow.engine.service import fire


def _commune_case(app) -> Inspection:
    with app.extensions["database"].session() as session:
        inspection = session.scalars(select(Inspection).join(Unit).where(Inspection.kind == "direct", Unit.kind == "commune")
                                     .order_by(Inspection.id)).first()
        visit = inspection.visit_date
        fire(session, inspection.id, "notify", COORDINATOR, at(visit - 12 * DAY), notice_number="57/TB-UBND")
        inspection = session.get(Inspection, inspection.id)
        session.refresh(inspection)
        session.expunge(inspection)
        return inspection


def test_without_libreoffice_the_documents_are_offered_as_docx_and_the_page_says_why(app):
    client = app.test_client()
    login(client, "coordinator")
    page = client.get("/admin/documents/").get_data(as_text=True)
    assert 'id="pdf-unavailable"' in page and "LibreOffice" in page and "data-render-pdf" not in page
    token = csrf_token(client, "/admin/documents/")
    response = client.post("/admin/documents/render/summary_xlsx", data={"csrf_token": token, "campaign": "tuky-2023", "format": "pdf"},
                           follow_redirects=True)
    assert "PDF không có ở máy chủ này" in response.get_data(as_text=True)
    with app.extensions["database"].session() as session:
        assert session.scalars(select(Attachment)).all() == []


def test_the_summary_reports_content_is_kept_on_the_campaign_and_audited(app):
    client = app.test_client()
    login(client, "coordinator")
    page = client.get("/admin/documents/").get_data(as_text=True)
    assert 'id="summary-content"' in page and "Mô hình hay, sáng kiến cần nhân rộng" in page
    token = csrf_token(client, "/admin/documents/")
    values = {"csrf_token": token, "campaign": "tuky-2023", "summary_assessment": "Cơ bản thực hiện đúng Kế hoạch.",
              "summary_models": "Mô hình \u201cCà phê số\u201d.", "office_head_name": "Nguyễn Văn An"}
    assert client.post("/admin/documents/summary-content", data=values).status_code == 302
    with app.extensions["database"].session() as session:
        campaign = session.scalars(select(Campaign)).one()
        assert (campaign.summary_assessment, campaign.office_head_name, campaign.summary_violations) == (
            "Cơ bản thực hiện đúng Kế hoạch.", "Nguyễn Văn An", None)
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "campaign").order_by(AuditEntry.seq.desc())).first()
        assert entry.trigger == "summary_content" and json.loads(entry.data_json)["new"]["office_head_name"] == "Nguyễn Văn An"
    values["office_head_name"] = "x" * 101
    response = client.post("/admin/documents/summary-content", data=values, follow_redirects=True)
    assert "Trưởng phòng (người ký báo cáo): quá dài" in response.get_data(as_text=True)
    with app.extensions["database"].session() as session:
        assert session.scalars(select(Campaign)).one().office_head_name == "Nguyễn Văn An"
    client = app.test_client()
    login(client, "inspector")
    assert 'id="summary-content"' not in client.get("/admin/documents/").get_data(as_text=True)


def test_the_visit_form_offers_the_plans_attendees_of_a_commune_as_a_checklist(app):
    inspection = _commune_case(app)
    client = app.test_client()
    login(client, "coordinator")
    page = client.get(f"/admin/inspection/fire/{inspection.id}/visit").get_data(as_text=True)
    for role in ("Đại diện Lãnh đạo Đảng ủy", "Công chức Tư pháp - Hộ tịch", "Bộ phận Tiếp nhận và Trả kết quả"):
        assert f'type="checkbox" value="{role}"' in page
    for field in ("chair", "secretary", "visit_started", "visit_ended", "radio", "unit_signer", "unit_people-0-name", "unit_people-0-title"):
        assert f'name="{field}"' in page
    # The team is picked from the roster of the team decision (plans/tuky-2023.toml), by number.
    assert 'type="checkbox" value="1"' in page and "1. Nguyễn Văn An – Phó Chủ tịch UBND huyện (Trưởng đoàn)" in page
    url = f"/admin/inspection/fire/{inspection.id}/visit"
    form = {"csrf_token": csrf_token(client, url), "expected_version": str(inspection.version),
            "visit_date": inspection.visit_date.strftime("%d/%m/%Y"), "reason": "Đơn vị chưa gửi báo cáo", "visit_started": "08:00",
            "unit_attendees": ["Đại diện Lãnh đạo Đảng ủy", "Công chức Tư pháp - Hộ tịch"],
            "unit_people-0-name": "Vũ Văn Dũng", "unit_people-0-title": "Chủ tịch UBND xã"}
    refused = client.post(url, data={**form, "team": ["1", "2"], "secretary": "3"})  # the secretary did not come
    assert refused.status_code == 422 and "phải là thành viên của Đoàn đi kiểm tra (Nguyễn Văn An, Trần Thị Bình)" in refused.get_data(as_text=True)
    response = client.post(url, data={**form, "team": ["1", "3", "4"], "chair": "4"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.extensions["database"].session() as session:
        saved = session.get(Inspection, inspection.id)
        assert saved.unit_attendees == ["Đại diện Lãnh đạo Đảng ủy", "Công chức Tư pháp - Hộ tịch"]
        assert (saved.chair, saved.secretary, saved.visit_started.hour) == ("Phạm Văn Cường", "Lê Thị Mai", 8)
        assert [(m["name"], m.get("part")) for m in saved.team_members] == [("Nguyễn Văn An", None), ("Lê Thị Mai", "secretary"), ("Phạm Văn Cường", "chair")]
        assert saved.unit_people == [{"name": "Vũ Văn Dũng", "title": "Chủ tịch UBND xã"}]


@pytest.mark.libreoffice
def test_with_libreoffice_a_pdf_button_gives_the_pdf_beside_the_docx(web_db_url):
    from vocabulary.config import Settings
    from wsgi import create_app

    soffice = shutil.which("soffice")
    if not soffice:
        missing("LibreOffice", "soffice not found")
    application = create_app(Settings(database_url=web_db_url, secret_key="test-secret", soffice=soffice))
    application.config["TESTING"] = True
    try:
        inspection = _commune_case(application)
        client = application.test_client()
        login(client, "coordinator")
        page = client.get(f"/admin/inspection/details/?id={inspection.id}").get_data(as_text=True)
        assert 'data-render-pdf="unit_schedule_notice"' in page and 'id="pdf-unavailable"' not in page
        token = csrf_token(client, f"/admin/inspection/details/?id={inspection.id}")
        response = client.post(f"/admin/inspection/render/{inspection.id}/unit_schedule_notice",
                               data={"csrf_token": token, "format": "pdf"})
        assert response.status_code == 302
        with application.extensions["database"].session() as session:
            files = session.scalars(select(Attachment).where(Attachment.inspection_id == inspection.id)).all()
            assert sorted(f.content_type for f in files) == ["application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]
            pdf = next(f for f in files if f.content_type == "application/pdf")
            assert pdf.original_name.endswith(".pdf") and pdf.kind == "schedule_notice"
        download = client.get(f"/admin/inspection/file/{pdf.id}")
        assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    finally:
        application.extensions["database"].dispose()


def test_the_case_page_labels_each_version_and_offers_issue_and_signing_to_whom_the_step_names(app, signing_pki, softhsm, monkeypatch):
    """A draft shows "Dự thảo" and "Ban hành" to the văn thư; the issued PDF its steps, "Ký số" only
    to the signer the step names (not to the văn thư before the person); signing from the page
    adds "Đã ký (1/2)"."""
    from tests.helpers import reviewed_and_concluded
    from tests.signing_people import converter, signers
    from tests.conftest import PASSWORD
    from workflow.casefile.rendering import render_document

    database, store = app.extensions["database"], app.extensions["file_store"]
    inspection = reviewed_and_concluded(database)
    with database.session() as session:
        draft_id = render_document(session, store, "conclusion_notice", actor=COORDINATOR, now=at(inspection.visit_date + 12 * DAY),
                                   inspection_id=inspection.id).id
    people = signers(database, store, signing_pki, softhsm)
    for name, value in people.environ.items():
        monkeypatch.setenv(name, value)
    app.extensions["trust_roots"], app.extensions["pdf_converter"] = signing_pki.trust_dir, converter()
    details = f"/admin/inspection/details/?id={inspection.id}"

    def client_of(actor):
        client = app.test_client()
        assert client.post("/login", data={"email": actor.name, "password": PASSWORD, "csrf_token": csrf_token(client)}).status_code == 302
        return client

    clerk, signer = client_of(people.clerk), client_of(people.signer)
    page = clerk.get(details).get_data(as_text=True)
    assert f'data-issue="{draft_id}"' in page and "Dự thảo" in page
    issued = clerk.post(f"/admin/inspection/issue/{inspection.id}/{draft_id}", data={"csrf_token": csrf_token(clerk, details)},
                        follow_redirects=True).get_data(as_text=True)
    assert "Văn bản đã được ban hành" in issued and "Ban hành" in issued
    with database.session() as session:
        issued_id = session.scalar(select(Attachment.id).where(Attachment.parent_id == draft_id))
    assert f'data-sign="{issued_id}"' not in issued and f'data-steps="{issued_id}"' in issued  # the person signs first
    page = signer.get(details).get_data(as_text=True)
    assert f'data-sign="{issued_id}"' in page
    signed = signer.post(f"/admin/inspection/sign/{inspection.id}/{issued_id}", data={"csrf_token": csrf_token(signer, details)},
                         follow_redirects=True).get_data(as_text=True)
    assert "Đã ký số; bản đã ký có trong hồ sơ." in signed and "Đã ký (1/2)" in signed and "Chữ ký số hợp lệ" in signed


def test_the_campaigns_schedule_notice_is_issued_and_signed_on_the_documents_page(app, signing_pki, softhsm, monkeypatch):
    """The Documents page shows a campaign document's versions as the case page does: the văn thư
    issues the draft under the number it gives, then the body's signer and the văn thư sign, each
    offered "Ký số" only when the next step names them."""
    from datetime import date

    from tests.conftest import PASSWORD
    from tests.signing_people import converter, signers
    from workflow.casefile.rendering import render_document

    database, store = app.extensions["database"], app.extensions["file_store"]
    with database.session() as session:
        campaign_id = session.scalar(select(Campaign.id).order_by(Campaign.id))
    people = signers(database, store, signing_pki, softhsm)
    for name, value in people.environ.items():
        monkeypatch.setenv(name, value)
    app.extensions["trust_roots"], app.extensions["pdf_converter"] = signing_pki.trust_dir, converter()

    def client_of(actor):
        client = app.test_client()
        assert client.post("/login", data={"email": actor.name, "password": PASSWORD, "csrf_token": csrf_token(client)}).status_code == 302
        return client

    def newest() -> int:
        with database.session() as session:
            return session.scalar(select(Attachment.id).where(Attachment.campaign_id == campaign_id, Attachment.inspection_id.is_(None))
                                  .order_by(Attachment.id.desc()).limit(1))

    page_url = "/admin/documents/"
    clerk, signer = client_of(people.clerk), client_of(people.signer)
    with database.session() as session:
        pdf_draft = render_document(session, store, "schedule_notice", actor=COORDINATOR, now=at(date(2023, 7, 17)), campaign_id=campaign_id,
                                    format="pdf", pdf=converter())
        pdf_draft_id = pdf_draft.id
        draft_id = session.scalar(select(Attachment.id).where(Attachment.campaign_id == campaign_id, Attachment.stage == "draft",
                                                              Attachment.content_type != "application/pdf"))
    page = clerk.get(page_url).get_data(as_text=True)
    assert f'data-issue="{draft_id}"' in page and "Dự thảo" in page and 'name="number"' in page
    assert f'data-issue="{pdf_draft_id}"' not in page  # one "Ban hành" a draft: on the DOCX it was drawn up as
    issued = clerk.post(f"/admin/documents/issue/{draft_id}", data={"csrf_token": csrf_token(clerk, page_url), "number": "57/TB-UBND"},
                        follow_redirects=True).get_data(as_text=True)
    issued_id = newest()
    assert "sẵn sàng để ký số" in issued and f'data-steps="{issued_id}"' in issued
    assert f'data-sign="{issued_id}"' not in issued  # the person signs first
    for client, label in ((signer, "Đã ký (1/2)"), (clerk, "Đã ký (2/2)")):
        current = newest()
        assert f'data-sign="{current}"' in client.get(page_url).get_data(as_text=True)
        signed = client.post(f"/admin/documents/sign/{current}", data={"csrf_token": csrf_token(client, page_url)},
                             follow_redirects=True).get_data(as_text=True)
        assert "bản đã ký có trong danh sách văn bản" in signed and label in signed and "Chữ ký số hợp lệ" in signed
    with database.session() as session:
        final = session.get(Attachment, newest())
        assert (final.stage, final.signature_check["status"], final.signature_check["has_organisation"]) == ("signed", "valid", True)
