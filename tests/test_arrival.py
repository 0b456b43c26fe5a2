"""What units send, checked on arrival: a report signed by each certificate of the test PKI (and a
tampered one, and an unsigned one) uploaded by a unit through the web and the command line gets its
verdict, beside the file and in the audit entry; the tampered one is refused and the case is left as
it was; a campaign may refuse the unsigned one; the unit gets the receipt by mail the same day. And
a document signed elsewhere is recorded as the signed version of the issued PDF only when what was
signed is that PDF."""
from __future__ import annotations

import io
import json
import shutil
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Attachment, AuditEntry, Campaign, Inspection, OutboxMessage
from models.db import Database
from tests import samples, signed_reports
from tests.conftest import ROLE_USERS, SEED_NOW
from tests.helpers import COORDINATOR, at
from tests.web import csrf_token, form_values, login
from vocabulary.config import Settings, local_date
from vocabulary.i18n import format_datetime
from workflow.casefile.signed_elsewhere import attach_signed_version
from workflow.campaigns.plan_file import dump_plan, parse_plan
from workflow.campaigns.plans import campaign_values, export_campaign
from workflow.engine import service
from workflow.errors import BadData
from workflow.records.arrival import signature_check
from workflow.records.attachments import new_attachment
from workflow.records.files import PDF, FileStore

CASE = 1  # Phòng Tài nguyên và Môi trường's direct case, the unit contact's own
UNIT_EMAIL = ROLE_USERS["unit"][0]
NOT_VALID = ("expired", "untrusted", "revoked", "unsigned")


@pytest.fixture(scope="module")
def reports(signing_pki) -> dict[str, bytes]:
    return signed_reports.reports(signing_pki)


@pytest.fixture
def arrival_app(web_db_url, tmp_path, signing_pki):
    """The web app with the test PKI's trust folder as TRUST_ROOTS."""
    from wsgi import create_app

    application = create_app(Settings(database_url=web_db_url, secret_key="test-secret", checkpoint_dir=tmp_path / "checkpoints",
                                      files_dir=tmp_path / "files", trust_roots=signing_pki.trust_dir))
    application.config["TESTING"] = True
    yield application
    application.extensions["database"].dispose()


def snapshot(session, inspection_id: int) -> tuple:
    """What a refused upload must leave as it was: the case's version and state, its files, its
    audit entries, the outbox."""
    inspection = session.get(Inspection, inspection_id)
    session.refresh(inspection)
    return (inspection.version, inspection.state,
            session.scalar(select(func.count(Attachment.id)).where(Attachment.inspection_id == inspection_id)),
            session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.inspection_id == inspection_id)),
            session.scalar(select(func.count(OutboxMessage.id))))


def data_of(entry: AuditEntry) -> dict:
    return json.loads(entry.data_json)


def upload(client, name: str, content: bytes, kind: str = "report"):
    page = client.get(f"/admin/inspection/details/?id={CASE}").get_data(as_text=True)
    values = form_values(page, "attach-form")
    return client.post(f"/admin/inspection/attach/{CASE}", data={**values, "kind": kind, "file": (_stream(content), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def _stream(content: bytes) -> io.BytesIO:
    return io.BytesIO(content)


def test_each_report_a_unit_uploads_gets_its_verdict_and_the_tampered_one_changes_nothing(arrival_app, reports):
    client = arrival_app.test_client()
    login(client, "unit")
    database = arrival_app.extensions["database"]

    with database.session() as session:
        before = snapshot(session, CASE)
    refused = upload(client, "bao-cao-bi-sua.pdf", reports["broken"])
    text = refused.get_data(as_text=True)
    assert "bao-cao-bi-sua.pdf: bị từ chối vì chữ ký số không toàn vẹn" in text and "Tệp đã bị sửa đổi sau khi ký" in text
    with database.session() as session:
        assert snapshot(session, CASE) == before  # no file, no audit entry, no mail, the same version

    expected = {
        "valid": "Chữ ký số hợp lệ — ký bởi Nguyễn Văn Ánh, lúc",
        "expired": "Lê Văn Cũ: Chứng thư số đã hết hạn",
        "untrusted": "Phạm Văn Lạ: Chứng thư số của người ký không dẫn về chứng thư gốc được tin cậy",
        "revoked": "Hoàng Văn Thu: Chứng thư số đã bị thu hồi",
        "unsigned": "Tệp không có chữ ký số",
    }
    for status, verdict in expected.items():
        page = upload(client, f"bao-cao-{status}.pdf", reports[status]).get_data(as_text=True)
        assert "Đã thêm tệp vào hồ sơ." in page and f"bao-cao-{status}.pdf: {verdict}" in page, status  # the message at once
    case_page = client.get(f"/admin/inspection/details/?id={CASE}").get_data(as_text=True)
    with database.session() as session:
        files = {file.original_name: file for file in session.scalars(select(Attachment).where(Attachment.inspection_id == CASE))}
        for status, verdict in expected.items():
            kept = files[f"bao-cao-{status}.pdf"]
            assert kept.signature_check["status"] == status and verdict in kept.signature_check["message"]
            assert data_of(kept.audit_entry)["file"]["signatures"]["status"] == status
            tone = "success" if status == "valid" else "warning"
            assert f'class="small signatures-{tone}" data-signatures="{kept.id}">{verdict}' in case_page


def test_the_receipt_is_mailed_to_the_unit_the_same_day_naming_the_verdict(arrival_app, reports):
    client = arrival_app.test_client()
    login(client, "unit")
    upload(client, "Báo cáo CCHC 2023.pdf", reports["valid"])
    upload(client, "Phụ lục.docx", samples.docx_bytes(), kind="appendix")
    with arrival_app.extensions["database"].session() as session:
        mails = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        file = session.scalar(select(Attachment).where(Attachment.original_name == "Báo cáo CCHC 2023.pdf"))
        received = file.uploaded_at
    assert len(mails) == 2 and {mail.recipient for mail in mails} == {UNIT_EMAIL}  # one receipt per upload
    first = mails[0]
    assert local_date(first.created_at) == local_date(received) == local_date(datetime.now(timezone.utc))
    assert first.status == "pending" and first.next_attempt_at == first.created_at  # sent with the next outbox run
    assert "Xác nhận đã nhận văn bản của Phòng Tài nguyên và Môi trường" in first.subject
    assert format_datetime(received) in first.body  # the date and time received, dd/mm/yyyy HH:MM
    assert "- Báo cáo CCHC 2023.pdf (Báo cáo của đơn vị): Chữ ký số hợp lệ — ký bởi Nguyễn Văn Ánh" in first.body
    assert "- Phụ lục.docx (Phụ lục): không phải tệp PDF: không có chữ ký số để kiểm tra" in mails[1].body


def test_a_campaign_that_refuses_unsigned_reports_refuses_each_not_validly_signed_one(arrival_app, reports):
    database = arrival_app.extensions["database"]
    with database.session() as session:
        session.get(Inspection, CASE).campaign.unsigned_uploads = "refuse"
        session.commit()
    client = arrival_app.test_client()
    login(client, "unit")
    for status in NOT_VALID:
        with database.session() as session:
            before = snapshot(session, CASE)
        page = upload(client, f"{status}.pdf", reports[status]).get_data(as_text=True)
        assert f"{status}.pdf: bị từ chối vì không có chữ ký số hợp lệ" in page, status
        assert "đợt kiểm tra này chỉ nhận tệp được ký số hợp lệ" in page
        with database.session() as session:
            assert snapshot(session, CASE) == before
    assert "Chữ ký số hợp lệ — ký bởi" in upload(client, "valid.pdf", reports["valid"]).get_data(as_text=True)


def test_the_report_of_the_trigger_is_checked_and_refused_next_to_its_field(arrival_app, reports):
    """The unit hands in its report with "Nộp báo cáo": a tampered one is refused next to the file
    field, the case stays notified; a valid one moves it, and the message says who signed."""
    database = arrival_app.extensions["database"]
    with database.session() as session:
        visit = session.get(Inspection, CASE).visit_date
        service.fire(session, CASE, "notify", COORDINATOR, at(date(2023, 7, 17)), notice_date="2023-07-17",
                     notice_number="57/TB-UBND", visit_date=visit.isoformat())
        session.commit()
        before = snapshot(session, CASE)
    client = arrival_app.test_client()
    login(client, "unit")
    form = form_values(client.get(f"/admin/inspection/fire/{CASE}/receive_report").get_data(as_text=True), "trigger-form")
    refused = client.post(f"/admin/inspection/fire/{CASE}/receive_report", content_type="multipart/form-data",
                          data={**form, "file": (_stream(reports["broken"]), "bao-cao.pdf")})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'class="field-refusal" data-field="file">bao-cao.pdf: bị từ chối vì chữ ký số không toàn vẹn' in html
    with database.session() as session:
        assert snapshot(session, CASE) == before
    done = client.post(f"/admin/inspection/fire/{CASE}/receive_report", content_type="multipart/form-data", follow_redirects=True,
                       data={**form, "file": (_stream(reports["valid"]), "bao-cao.pdf")})
    assert "bao-cao.pdf: Chữ ký số hợp lệ — ký bởi Nguyễn Văn Ánh" in done.get_data(as_text=True)
    with database.session() as session:
        inspection = session.get(Inspection, CASE)
        assert inspection.state == "report_received"
        entry = session.scalars(select(AuditEntry).where(AuditEntry.inspection_id == CASE).order_by(AuditEntry.id.desc())).first()
        assert entry.trigger == "receive_report" and data_of(entry)["file"]["signatures"]["status"] == "valid"
        assert session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.recipient == UNIT_EMAIL)) == 1


def test_the_unit_and_the_api_read_a_file_s_verdict(arrival_app, reports):
    client = arrival_app.test_client()
    login(client, "unit")
    upload(client, "bao-cao.pdf", reports["revoked"])
    with arrival_app.extensions["database"].session() as session:
        file_id = session.scalar(select(Attachment.id).where(Attachment.original_name == "bao-cao.pdf"))
    answer = client.get(f"/api/v1/files/{file_id}/signatures")
    assert answer.status_code == 200
    from tests.test_api import conforms

    conforms(client.get("/api/v1/openapi.json").json, "Signatures", answer.json)
    assert answer.json["status"] == "revoked" and answer.json["signatures"][0]["revoked"] is True
    other = arrival_app.test_client()
    login(other, "other_unit")
    assert other.get(f"/api/v1/files/{file_id}/signatures").status_code == 404


def test_the_command_line_attaches_and_verifies(cli, tmp_path, signing_pki, reports):
    cli.env["TRUST_ROOTS"] = str(signing_pki.trust_dir)
    cli("users", "create", UNIT_EMAIL, "--role", "unit", "--unit", "Phòng Tài nguyên và Môi trường", "--password", "mat-khau-don-vi")
    paths = {status: samples.write(tmp_path, f"bao-cao-{status}.pdf", content) for status, content in reports.items()}

    def case_state() -> tuple:
        database = Database(f"sqlite:///{cli.path}")
        with database.session() as session:
            state = snapshot(session, CASE)
        database.dispose()
        return state

    before = case_state()
    refused = cli("documents", "attach", str(CASE), "report", str(paths["broken"]), "--as", UNIT_EMAIL, check=False)
    assert refused.returncode == 2 and "bị từ chối vì chữ ký số không toàn vẹn" in refused.stderr
    assert case_state() == before
    for status in ("valid", *NOT_VALID):
        added = cli("documents", "attach", str(CASE), "report", str(paths[status]), "--as", UNIT_EMAIL)
        assert added.stdout.startswith("Tệp #"), added.stdout
        verify = cli("documents", "verify", str(paths[status]), check=False)
        assert verify.returncode == (0 if status == "valid" else 1), (status, verify.stdout)
        assert verify.stdout.splitlines()[-1] == added.stdout.splitlines()[-1]  # the verdict, the same both ways
    lines = cli("documents", "verify", str(paths["valid"])).stdout.splitlines()
    assert lines[0].startswith("Nguyễn Văn Ánh, ký lúc ") and lines[0].endswith(
        "toàn vẹn có, tin cậy có, bao trùm toàn bộ tệp có, cá nhân")
    tampered = cli("documents", "verify", str(paths["broken"]), check=False)
    assert tampered.returncode == 1 and "toàn vẹn không" in tampered.stdout
    unsigned = cli("documents", "verify", str(paths["unsigned"]), check=False)
    assert unsigned.returncode == 1 and unsigned.stdout.strip() == "Tệp không có chữ ký số"
    # A stored file by its id, for who may see it.
    database = Database(f"sqlite:///{cli.path}")
    with database.session() as session:
        stored = session.scalar(select(Attachment.id).where(Attachment.original_name == "bao-cao-expired.pdf"))
    database.dispose()
    by_id = cli("documents", "verify", str(stored), "--as", UNIT_EMAIL, check=False)
    assert by_id.returncode == 1 and "Lê Văn Cũ" in by_id.stdout
    cli("users", "create", "khac@gddt.tuky.local", "--role", "unit", "--unit", "Phòng Giáo dục và Đào tạo", "--password", "mat-khau-don-vi")
    assert cli("documents", "verify", str(stored), "--as", "khac@gddt.tuky.local", check=False).returncode != 0


def test_the_setting_is_in_the_plan_file_both_ways(session):
    campaign = session.scalars(select(Campaign)).first()
    campaign.unsigned_uploads = "refuse"
    session.flush()
    text = dump_plan(export_campaign(session, campaign.code))
    assert '[uploads]\nunsigned = "refuse"' in text
    assert campaign_values(parse_plan(text))["unsigned_uploads"] == "refuse"
    assert campaign_values(parse_plan(text.replace('unsigned = "refuse"', "")))["unsigned_uploads"] == "accept"
    with pytest.raises(BadData, match="uploads.unsigned"):
        parse_plan(text.replace('unsigned = "refuse"', 'unsigned = "maybe"'))


# --- a document signed elsewhere -----------------------------------------------------------------

@pytest.fixture
def issued(session, tmp_path, signing_pki):
    """An issued conclusion notice of case 1 (its PDF, as the product produced it) and the store."""
    store = FileStore(tmp_path / "files", 10 ** 8, signing_pki.trust_dir)
    pdf = signed_reports.report_pdf("THONG BAO KET LUAN KIEM TRA")
    inspection = session.get(Inspection, CASE)
    attachment = new_attachment(session, store.store_generated(pdf, "Thông báo kết luận.pdf", PDF), kind="conclusion_notice",
                                trigger="render_document", actor=COORDINATOR, now=SEED_NOW, inspection=inspection,
                                campaign=inspection.campaign, generated=True)
    attachment.stage, attachment.document = "issued", "conclusion_notice"
    session.commit()
    return store, attachment.id, pdf


def _stored(store: FileStore, tmp_path: Path, content: bytes, name: str = "Thông báo kết luận (đã ký).pdf"):
    return store.store_path(samples.write(tmp_path, name, content))


def test_a_pdf_signed_elsewhere_is_the_signed_version_only_when_it_signs_the_issued_pdf(session, issued, tmp_path, signing_pki):
    store, issued_id, pdf = issued
    twice = signed_reports.signed(signed_reports.signed(pdf, signing_pki["person"]), signing_pki["organisation"], "Signature2")
    other = signed_reports.signed(signed_reports.report_pdf("THONG BAO KET LUAN KIEM TRA (SUA)"), signing_pki["person"])
    wrong = {
        "other": (other, "nội dung được ký không phải tệp PDF ban hành: tệp có"),
        "tampered": (signed_reports.tampered(twice), "Tệp đã bị sửa đổi sau khi ký"),
        "untrusted": (signed_reports.signed(pdf, signing_pki["untrusted"]), "không dẫn về chứng thư gốc được tin cậy"),
        "unsigned": (pdf, "tệp không có chữ ký số"),
    }
    entries = session.scalar(select(func.count(AuditEntry.id)))
    for name, (content, reason) in wrong.items():
        with pytest.raises(BadData, match=reason) as refused:
            attach_signed_version(session, store, issued_id, _stored(store, tmp_path, content, f"{name}.pdf"),
                                  actor=COORDINATOR, now=SEED_NOW)
        assert refused.value.problems[0].field == "file"
        session.rollback()
    assert session.scalar(select(func.count(AuditEntry.id))) == entries
    assert "khác nhau đầu tiên ở byte thứ" in str(_refusal_of(session, store, issued_id, tmp_path, other))

    signed = attach_signed_version(session, store, issued_id, _stored(store, tmp_path, twice), actor=COORDINATOR, now=SEED_NOW)
    session.commit()
    assert (signed.stage, signed.document, signed.parent_id, signed.kind) == ("signed", "conclusion_notice", issued_id, "conclusion_notice")
    assert signed.signature_check["status"] == "valid" and signed.signature_check["has_organisation"]
    entry = signed.audit_entry
    assert entry.trigger == "attach_signed" and data_of(entry)["issued_file"] == issued_id
    assert [(s["signer"], s["role"]) for s in data_of(entry)["signers"]] == [("Nguyễn Văn Ánh", "person"), ("UBND xã Quang Khải", "organisation")]
    assert all(s["signed_at"] for s in data_of(entry)["signers"])
    with pytest.raises(BadData, match="không phải tệp PDF ban hành"):  # a signed version is not issued again
        attach_signed_version(session, store, signed.id, _stored(store, tmp_path, twice), actor=COORDINATOR, now=SEED_NOW)


def _refusal_of(session, store, issued_id, tmp_path, content) -> BadData:
    try:
        attach_signed_version(session, store, issued_id, _stored(store, tmp_path, content, "x.pdf"), actor=COORDINATOR, now=SEED_NOW)
    except BadData as error:
        session.rollback()
        return error
    raise AssertionError("not refused")


def test_the_case_page_uploads_the_signed_version_and_the_cli_too(arrival_app, signing_pki, tmp_path):
    from workflow.people.permissions import Actor

    database = arrival_app.extensions["database"]
    store = arrival_app.extensions["file_store"]
    pdf = signed_reports.report_pdf("BIEN BAN KIEM TRA")
    with database.session() as session:
        inspection = session.get(Inspection, CASE)
        issued = new_attachment(session, store.store_generated(pdf, "Biên bản kiểm tra.pdf", PDF), kind="minutes_draft",
                                trigger="render_document", actor=Actor("coordinator@tuky.local", "coordinator"), now=SEED_NOW,
                                inspection=inspection, campaign=inspection.campaign, generated=True)
        issued.stage, issued.document = "issued", "minutes"
        session.commit()
        issued_id = issued.id
    client = arrival_app.test_client()
    login(client, "coordinator")
    page = client.get(f"/admin/inspection/details/?id={CASE}").get_data(as_text=True)
    assert f'data-issued="{issued_id}"' in page and "Tải lên bản đã ký" in page
    signed = signed_reports.signed(pdf, signing_pki["secretary"])
    done = client.post(f"/admin/inspection/signed/{CASE}/{issued_id}", content_type="multipart/form-data", follow_redirects=True,
                       data={"csrf_token": csrf_token(client, f"/admin/inspection/details/?id={CASE}"),
                             "file": (_stream(signed), "Biên bản (đã ký).pdf")})
    text = done.get_data(as_text=True)
    assert "Đã thêm bản đã ký vào hồ sơ." in text and "Chữ ký số hợp lệ — ký bởi Trần Thị Hồng" in text
    unit = arrival_app.test_client()
    login(unit, "unit")
    assert "Tải lên bản đã ký" not in unit.get(f"/admin/inspection/details/?id={CASE}").get_data(as_text=True)
    # The API: the same service, multipart.
    from tests.test_api import bearer, conforms

    by_api = arrival_app.test_client().post(f"/api/v1/files/{issued_id}/signed", headers=bearer(arrival_app, "coordinator"),
                                           content_type="multipart/form-data",
                                           data={"file": (_stream(signed_reports.tampered(signed)), "sua.pdf")})
    assert by_api.status_code == 422 and by_api.json["errors"][0]["field"] == "file"
    by_api = arrival_app.test_client().post(f"/api/v1/files/{issued_id}/signed", headers=bearer(arrival_app, "coordinator"),
                                           content_type="multipart/form-data", data={"file": (_stream(signed), "da-ky.pdf")})
    assert by_api.status_code == 201 and by_api.json["stage"] == "signed" and by_api.json["parent"] == issued_id
    conforms(client.get("/api/v1/openapi.json").json, "FileOut", by_api.json)


def test_the_campaign_form_offers_the_choice_and_records_it(arrival_app):
    client = arrival_app.test_client()
    login(client, "coordinator")
    page = client.get("/admin/campaign/edit/?id=1").get_data(as_text=True)
    assert "Tệp của đơn vị không có chữ ký số hợp lệ" in page and "Tiếp nhận, đánh dấu là không có chữ ký số hợp lệ" in page
    values = form_values(page, "admin-form")
    assert values["unsigned_uploads"] == "accept"
    assert client.post("/admin/campaign/edit/?id=1", data={**values, "unsigned_uploads": "refuse"}).status_code == 302
    with arrival_app.extensions["database"].session() as session:
        assert session.get(Campaign, 1).unsigned_uploads == "refuse"
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "campaign", AuditEntry.entity_id == 1)
                                .order_by(AuditEntry.id.desc())).first()
        assert data_of(entry)["changes"]["unsigned_uploads"] == {"old": "accept", "new": "refuse"}


def test_evidence_of_remediation_is_checked_in_its_row(session, tmp_path, signing_pki, reports):
    """The remediation report's evidence is refused on its own row of ``statuses``; nothing changes."""
    store = FileStore(tmp_path / "files", 10 ** 8, signing_pki.trust_dir)
    scan = store.store_path(samples.write(tmp_path, "bien-ban.docx", samples.docx_bytes()))
    steps = [
        ("notify", date(2023, 7, 17), {"notice_date": "2023-07-17", "notice_number": "57/TB-UBND"}),
        ("receive_report", date(2023, 7, 21), {"paper_reason": "Nhận bản giấy"}),
        ("visit", date(2023, 7, 27), {"team": "Đoàn kiểm tra huyện"}),
        ("sign_minutes", date(2023, 7, 27), {"minutes_number": "01/BB-ĐKT", "participants": "Đoàn kiểm tra", "file": scan}),
        ("conclude", date(2023, 8, 4), {"conclusion_number": "61/TB-UBND",
                                        "findings": [{"section": "B.3", "text": "Chưa cập nhật TTHC", "due_date": "2023-09-05"}]}),
        ("start_remediation", date(2023, 8, 7), {}),
    ]
    for trigger, day, data in steps:
        service.fire(session, CASE, trigger, COORDINATOR, at(day, 15), **data)
    session.commit()
    before = snapshot(session, CASE)
    good = store.store_path(samples.write(tmp_path, "khac-phuc.pdf", reports["valid"]))
    bad = store.store_path(samples.write(tmp_path, "anh-chup.pdf", reports["broken"]))
    with pytest.raises(BadData) as refused:
        service.fire(session, CASE, "report_remediation", COORDINATOR, at(date(2023, 9, 1)), file=good,
                     statuses={"1": {"status": "done", "evidence": [bad]}})
    assert refused.value.problems[0].field == "statuses.0.evidence" and "anh-chup.pdf" in str(refused.value)
    session.rollback()
    assert snapshot(session, CASE) == before
    service.fire(session, CASE, "report_remediation", COORDINATOR, at(date(2023, 9, 1)), file=good,
                 statuses={"1": {"status": "done", "evidence": [store.store_path(samples.write(tmp_path, "anh.pdf", reports["unsigned"]))]}})
    session.commit()
    evidence = session.scalar(select(Attachment).where(Attachment.original_name == "anh.pdf"))
    assert evidence.kind == "evidence" and evidence.signature_check["status"] == "unsigned"
    assert data_of(evidence.audit_entry)["statuses"][0]["evidence"][0]["signatures"]["status"] == "unsigned"


def test_a_crl_dropped_into_the_trust_folder_counts_from_the_next_check(tmp_path, signing_pki, reports):
    folder = tmp_path / "trust"
    folder.mkdir()
    shutil.copy(signing_pki.trust_dir / "root.pem", folder)
    assert signature_check(reports["revoked"], folder)["status"] == "valid"  # no CRL yet: nothing says it is revoked
    shutil.copy(signing_pki.trust_dir / "intermediate.crl", folder)
    assert signature_check(reports["revoked"], folder)["status"] == "revoked"
    assert signature_check(reports["valid"], None)["status"] == "untrusted"  # no TRUST_ROOTS: nothing is trusted


def test_the_command_line_attaches_a_version_signed_elsewhere(cli, tmp_path, signing_pki):
    cli.env["TRUST_ROOTS"] = str(signing_pki.trust_dir)
    store = FileStore(Path(cli.env["FILES_DIR"]), 10 ** 8, signing_pki.trust_dir)
    pdf = signed_reports.report_pdf("THONG BAO KET LUAN KIEM TRA")
    database = Database(f"sqlite:///{cli.path}")
    with database.session() as session:
        inspection = session.get(Inspection, CASE)
        issued = new_attachment(session, store.store_generated(pdf, "Thông báo kết luận.pdf", PDF), kind="conclusion_notice",
                                trigger="render_document", actor=COORDINATOR, now=SEED_NOW, inspection=inspection,
                                campaign=inspection.campaign, generated=True, stage="issued", document="conclusion_notice")
        session.commit()
        issued_id = issued.id
    database.dispose()
    other = samples.write(tmp_path, "khac.pdf", signed_reports.signed(signed_reports.report_pdf("KHAC"), signing_pki["person"]))
    refused = cli("documents", "attach-signed", str(issued_id), str(other), check=False)
    assert refused.returncode == 2 and "nội dung được ký không phải tệp PDF ban hành" in refused.stderr
    signed = samples.write(tmp_path, "da-ky.pdf", signed_reports.signed(pdf, signing_pki["organisation"]))
    done = cli("documents", "attach-signed", str(issued_id), str(signed)).stdout.splitlines()
    assert done[0].startswith("Chữ ký số hợp lệ — ký bởi UBND xã Quang Khải") and done[1].startswith("Tệp #")
    new_id = done[1].split("#")[1].split(":")[0]
    verify = cli("documents", "verify", new_id)
    assert verify.stdout.splitlines()[0].endswith("tổ chức")
