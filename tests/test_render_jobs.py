"""A campaign document of a large campaign is drawn up in the background: the request answers at
once, the page shows the job's progress from its row (polled by render-jobs.js), and the file,
registered like any document, is offered for download when it is ready."""
from __future__ import annotations

from sqlalchemy import select

from models import Attachment, AuditEntry, RenderJob
from tests.web import csrf_token, login


def _wait_for_workers(app) -> None:
    for thread in app.extensions.get("render_workers", []):
        thread.join()


def test_a_large_campaigns_summary_is_drawn_up_in_the_background_and_offered_when_ready(app):
    app.config["RENDER_IN_BACKGROUND_FROM"] = 1  # every campaign is "large"
    client = app.test_client()
    login(client, "coordinator")
    token = csrf_token(client, "/admin/documents/")
    answer = client.post("/admin/documents/render/summary_xlsx", data={"csrf_token": token, "format": "docx"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("#render-jobs")
    _wait_for_workers(app)

    jobs = client.get("/admin/documents/jobs.json").get_json()
    assert [(job["kind"], job["status"], job["progress"], job["cases"], job["status_label"]) for job in jobs] == [
        ("summary_xlsx", "done", 100, 35, "Đã lập xong")]
    with app.extensions["database"].session() as session:
        attachment = session.get(Attachment, jobs[0]["attachment_id"])
        assert attachment.kind == "summary_xlsx" and attachment.generated and attachment.campaign_id is not None
        assert session.scalars(select(AuditEntry.trigger).where(AuditEntry.entity == "campaign")).all()[-1] == "render_document"
    page = client.get("/admin/documents/").get_data(as_text=True)
    assert f'data-job-file="{jobs[0]["id"]}"' in page and "Tải về" in page and "render-jobs.js" in page
    assert client.get(f"/admin/inspection/file/{attachment.id}").status_code == 200


def test_a_refusal_in_the_background_is_shown_with_its_reason_and_keeps_nothing(app):
    app.config["RENDER_IN_BACKGROUND_FROM"] = 1
    client = app.test_client()
    login(client, "coordinator")
    token = csrf_token(client, "/admin/documents/")
    # No LibreOffice in the tests' app: the worker's render refuses the PDF.
    client.post("/admin/documents/render/summary_report", data={"csrf_token": token, "format": "pdf"})
    _wait_for_workers(app)
    [job] = client.get("/admin/documents/jobs.json").get_json()
    assert job["status"] == "failed" and job["attachment_id"] is None and "PDF không có ở máy chủ này" in job["message"]
    with app.extensions["database"].session() as session:
        assert session.scalars(select(Attachment)).all() == []
        assert session.scalar(select(RenderJob.message)) == job["message"]
    assert job["message"] in client.get("/admin/documents/").get_data(as_text=True)
