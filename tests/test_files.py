"""Uploads: the type is read from the content, names are made safe, limits hold, nothing is lost
and nothing is kept that no record refers to."""
from __future__ import annotations

import io
import os
import unicodedata
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from jobs.scheduler import CLEANUP, Scheduler
from jobs.settings import JobSettings
from models import Attachment, AuditEntry, Inspection
from tests import samples
from tests.helpers import COORDINATOR, DAY, at, audit_count, fire_in, first_case
from workflow.casefile.rendering import render_document
from workflow.casefile.uploads import attach
from workflow.errors import BadData, GuardRefused, NotFound, NotPermitted
from workflow.people.permissions import Actor
from workflow.records.attachments import can_download, get_attachment
from workflow.records.files import DOCX, FileStore, sanitise_name

LIMIT = 64 * 1024


@pytest.fixture
def store(tmp_path) -> FileStore:
    return FileStore(tmp_path / "files", LIMIT)


def blobs(store: FileStore) -> list[str]:
    return sorted(p.name for p in store.directory.glob("*/*") if p.parent.name != "incoming")


@pytest.mark.parametrize("name, content, content_type", [
    ("Báo cáo CCHC.pdf", samples.PDF, "application/pdf"),
    ("bao-cao.docx", samples.docx_bytes(), DOCX.content_type),
    ("Phụ lục 1.xlsx", samples.xlsx_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ảnh.png", samples.png(), "image/png"),
    ("anh.JPG", samples.JPEG, "image/jpeg"),
])
def test_accepted_types_are_recognised_by_content(store, name, content, content_type):
    stored = store.store_upload(io.BytesIO(content), name)
    assert (stored.content_type, stored.size, stored.original_name) == (content_type, len(content), unicodedata.normalize("NFC", name).replace(".JPG", ".jpg"))
    path = store.path(stored.sha256)
    assert path.read_bytes() == content and path.parent.parent == store.directory
    assert not os.access(path, os.W_OK) or os.geteuid() == 0  # kept read-only
    assert oct(path.stat().st_mode & 0o777) == "0o440"


def test_the_name_does_not_decide_the_type(store):
    stored = store.store_upload(io.BytesIO(samples.docx_bytes()), "bao-cao.pdf")
    assert stored.content_type == DOCX.content_type and stored.original_name == "bao-cao.pdf.docx"


@pytest.mark.parametrize("name, content, reason", [
    ("bao-cao.pdf", b"Day la mot tep van ban, khong phai PDF.\n", "không phải PDF, DOCX, XLSX, JPEG hay PNG"),
    ("bao-cao.docx", b"PK\x03\x04 not really a zip", "không phải PDF, DOCX, XLSX, JPEG hay PNG"),
    ("trong.pdf", b"", "tệp rỗng"),
    ("qua-lon.pdf", samples.PDF + b"0" * LIMIT, "lớn hơn giới hạn 0,1 MB"),
])
def test_bad_files_are_refused_in_vietnamese_and_nothing_is_kept(store, name, content, reason):
    with pytest.raises(BadData) as refused:
        store.store_upload(io.BytesIO(content), name, field="file")
    assert name in str(refused.value) and reason in str(refused.value)
    assert refused.value.problems[0].field == "file"
    assert blobs(store) == [] and list((store.directory / "incoming").iterdir()) == []


@pytest.mark.parametrize("given, safe", [
    ("../../etc/passwd", "passwd.pdf"),
    ("..\\..\\Windows\\system32\\bao-cao.pdf", "bao-cao.pdf"),
    ("/tmp/../../.bashrc", "bashrc.pdf"),
    ("bao<cao>|:*?.pdf", "bao_cao.pdf"),
    ("ba\u0301o ca\u0301o\x00\n.pdf", "báo cáo.pdf"),
    ("", "tep.pdf"),
    ("....", "tep.pdf"),
])
def test_path_tricks_in_names_are_made_safe(store, given, safe):
    stored = store.store_upload(io.BytesIO(samples.PDF), given)
    assert stored.original_name == safe
    assert sanitise_name(given, DOCX).endswith(".docx") and "/" not in sanitise_name(given, DOCX)
    assert [p for p in store.directory.rglob("*") if p.is_file()] == [store.path(stored.sha256)]


def test_a_report_uploaded_with_its_trigger_is_a_file_of_the_case(db, store):
    inspection = first_case(db, "direct")
    visit = inspection.visit_date
    fire_in(db, inspection.id, "notify", at(visit - 10 * DAY))
    report = store.store_upload(io.BytesIO(samples.PDF), "Báo cáo TNMT.pdf")
    appendix = store.store_upload(io.BytesIO(samples.xlsx_bytes()), "Phụ lục.xlsx")
    result = fire_in(db, inspection.id, "receive_report", at(visit - 6 * DAY), file=report, appendices=[appendix])
    with db.session() as session:
        files = session.scalars(select(Attachment).where(Attachment.inspection_id == inspection.id).order_by(Attachment.id)).all()
        assert [(f.kind, f.trigger, f.original_name, f.audit_entry_id) for f in files] == [
            ("report", "receive_report", "Báo cáo TNMT.pdf", result.audit_entry_id),
            ("appendix", "receive_report", "Phụ lục.xlsx", result.audit_entry_id),
        ]
        entry = session.get(AuditEntry, result.audit_entry_id)
        assert report.sha256 in entry.data_json and session.get(Inspection, inspection.id).report_file == "Báo cáo TNMT.pdf"


def test_a_file_name_alone_is_refused_and_changes_nothing(db):
    inspection = first_case(db, "direct")
    visit = inspection.visit_date
    fire_in(db, inspection.id, "notify", at(visit - 10 * DAY))
    with db.session() as session:
        before = audit_count(session)
    for forged in ("bao-cao.pdf", {"sha256": "0" * 64, "size": 1, "content_type": "application/pdf", "original_name": "x.pdf"}):
        with pytest.raises(BadData) as refused:
            fire_in(db, inspection.id, "receive_report", at(visit - 6 * DAY), file=forged)
        assert refused.value.problems[0].field == "file" and "tải lên" in str(refused.value)
    with db.session() as session:
        assert audit_count(session) == before and session.get(Inspection, inspection.id).state == "notified"


def test_only_who_sees_the_case_may_download(db, store):
    inspection = first_case(db, "direct")
    visit = inspection.visit_date
    fire_in(db, inspection.id, "notify", at(visit - 10 * DAY))
    own = Actor("vanthu@tnmt.local", "unit", unit_id=inspection.unit_id)
    stranger = Actor("vanthu@gddt.local", "unit", unit_id=inspection.unit_id + 1)
    report = store.store_upload(io.BytesIO(samples.PDF), "bc.pdf")
    fire_in(db, inspection.id, "receive_report", at(visit - 6 * DAY), actor=own, file=report)
    with db.session() as session:
        summary_id = render_document(session, store, "summary_xlsx", actor=COORDINATOR, now=at(visit), campaign_id=inspection.campaign_id).id
    with db.session() as session:
        notice_id = render_document(session, store, "schedule_notice", actor=COORDINATOR, now=at(visit - 5 * DAY), campaign_id=inspection.campaign_id).id
    with db.session() as session:
        file_id = session.scalar(select(Attachment.id).where(Attachment.inspection_id == inspection.id))
        for actor in (own, COORDINATOR, Actor("lead", "leader"), Actor("kt", "auditor")):
            assert get_attachment(session, file_id, actor).sha256 == report.sha256
        with pytest.raises(NotFound):
            get_attachment(session, file_id, stranger)
        assert can_download(stranger, session.get(Attachment, notice_id))  # sent to every unit
        assert not can_download(own, session.get(Attachment, summary_id))  # the office's own
        with pytest.raises(NotFound):
            get_attachment(session, 10_000, COORDINATOR)


def test_attaching_later_is_recorded_and_units_add_only_their_own_kinds(db, store):
    inspection = first_case(db, "direct")
    own = Actor("vanthu@tnmt.local", "unit", unit_id=inspection.unit_id)
    stored = store.store_upload(io.BytesIO(samples.png()), "ảnh minh chứng.png")
    with db.session() as session:
        before = audit_count(session, inspection.id)
    with db.session() as session, pytest.raises(NotPermitted):
        attach(session, inspection.id, stored, kind="minutes", actor=own, now=at(inspection.visit_date))
    with db.session() as session:
        attachment = attach(session, inspection.id, stored, kind="appendix", actor=own, now=at(inspection.visit_date), comment="Bổ sung")
        assert attachment.audit_entry.trigger == "attach" and attachment.audit_entry.comment == "Bổ sung"
    with db.session() as session:
        assert audit_count(session, inspection.id) == before + 1
    fire_in(db, inspection.id, "cancel", at(inspection.visit_date), reason="Sáp nhập")
    with db.session() as session, pytest.raises(GuardRefused):
        attach(session, inspection.id, stored, kind="appendix", actor=COORDINATOR, now=at(inspection.visit_date))


def test_orphans_from_failed_changes_are_cleaned_up_after_the_grace_period(db, store):
    inspection = first_case(db, "direct")
    visit = inspection.visit_date
    fire_in(db, inspection.id, "notify", at(visit - 10 * DAY))
    kept = store.store_upload(io.BytesIO(samples.PDF), "bc.pdf")
    fire_in(db, inspection.id, "receive_report", at(visit - 6 * DAY), file=kept)
    orphan = store.store_upload(io.BytesIO(samples.png()), "anh.png")
    with pytest.raises(GuardRefused):  # dated after today: the change fails, the file stays behind
        fire_in(db, inspection.id, "visit", at(visit), visit_date=(visit + DAY).isoformat())
    (store.directory / "incoming" / "half-written").write_bytes(b"...")
    now = datetime.now(timezone.utc)
    with db.session() as session:
        assert store.cleanup_orphans(session, now) == []  # within the grace period
    with db.session() as session:
        removed = store.cleanup_orphans(session, now + timedelta(days=2))
    assert sorted(removed) == sorted([orphan.sha256, "half-written"])
    assert blobs(store) == [kept.sha256]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Attachment)) == 1


def test_the_scheduler_cleans_up_orphans_once_a_day(db, tmp_path):
    store = FileStore(tmp_path / "files", 10 * 2**20)
    orphan = store.store_upload(io.BytesIO(samples.PDF), "bo-do.pdf")
    two_days_ago = (datetime.now(timezone.utc) - timedelta(days=2)).timestamp()
    os.utime(store.path(orphan.sha256), (two_days_ago, two_days_ago))
    scheduler = Scheduler(db, JobSettings(sweep_interval_minutes=0), files=store)
    assert CLEANUP in scheduler._triggers()
    assert scheduler.run_cleanup() == "1 orphan files removed"
    assert not store.path(orphan.sha256).exists()
