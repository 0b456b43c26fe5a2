"""The team's review of a report against the outline, and its decisions on each finding: changes
of the case, locked, permitted and audited like a transition."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from models import Attachment, AuditEntry, Finding, Inspection, SectionReview
from tests import samples
from tests.helpers import (
    COORDINATOR,
    DAY,
    at,
    audit_count,
    case,
    direct_path,
    fire_in,
    first_case,
    reviewed_and_concluded,
    run_path,
)
from workflow.casefile.findings import review_finding
from workflow.casefile.review import review_section, review_sheet
from workflow.errors import BadData, ConcurrentUpdate, GuardRefused, NotFound, NotPermitted
from workflow.people.permissions import Actor
from workflow.records.files import FileStore

TEAM = Actor("team@tuky.local", "inspector")


def last_entry(session, inspection_id: int) -> AuditEntry:
    return session.scalars(select(AuditEntry).where(AuditEntry.inspection_id == inspection_id).order_by(AuditEntry.seq.desc())).first()


def received(db, unit_kind: str = "office") -> Inspection:
    inspection = first_case(db, "direct", unit_kind)
    run_path(db, inspection.id, direct_path(inspection.visit_date)[:2])
    return case(db, inspection.id)


def test_sections_are_those_of_the_units_outline(db):
    office, commune = received(db, "office"), received(db, "commune")
    with db.session() as session:
        assert [e.section.code for e in review_sheet(session, session.get(Inspection, office.id))] == [f"B.{n}" for n in range(1, 9)]
        assert [e.section.code for e in review_sheet(session, session.get(Inspection, commune.id))] == [f"B.{n}" for n in range(1, 10)]
    with db.session() as session:
        review_section(session, commune.id, "B.9", achieved="Thực hiện đúng phân cấp", shortcomings=None, actor=TEAM, now=at(commune.visit_date))
    with db.session() as session, pytest.raises(BadData) as refused:
        review_section(session, office.id, "B.9", achieved="x", shortcomings=None, actor=TEAM, now=at(office.visit_date))
    assert refused.value.problems[0].field == "section" and "B.8" in str(refused.value)


def test_a_review_records_old_and_new_values_in_the_audit_log(db):
    inspection = received(db)
    with db.session() as session:
        items = review_sheet(session, session.get(Inspection, inspection.id))[2].section.items  # B.3
        missing = [items[0].id, items[4].id]
    with db.session() as session:
        review_section(session, inspection.id, "B.3", achieved="Công khai 100% TTHC", shortcomings="Còn hồ sơ quá hạn",
                       missing_items=missing, actor=TEAM, now=at(inspection.visit_date), expected_version=inspection.version)
    with db.session() as session:
        first = last_entry(session, inspection.id)
        assert (first.trigger, first.actor, first.from_state, first.to_state) == ("review_section", TEAM.name, "report_received", "report_received")
        assert json.loads(first.data_json) == {"section": "B.3", "old": None, "new": {"achieved": "Công khai 100% TTHC", "shortcomings": "Còn hồ sơ quá hạn", "causes": None, "missing_items": sorted(missing)}}
        version = session.get(Inspection, inspection.id).version
        assert version == inspection.version + 1
    with db.session() as session:
        review_section(session, inspection.id, "B.3", achieved="Công khai 100% TTHC", shortcomings=" ", missing_items=[],
                       actor=COORDINATOR, now=at(inspection.visit_date, 10), expected_version=version)
    with db.session() as session:
        data = json.loads(last_entry(session, inspection.id).data_json)
        assert data["old"]["shortcomings"] == "Còn hồ sơ quá hạn" and data["new"] == {"achieved": "Công khai 100% TTHC", "shortcomings": None, "causes": None, "missing_items": []}
        review = session.scalar(select(SectionReview).where(SectionReview.inspection_id == inspection.id))
        assert (review.section_code, review.reviewed_by, review.missing_items) == ("B.3", COORDINATOR.name, [])


def test_reviews_are_refused_clearly_and_change_nothing(db):
    inspection = first_case(db, "direct")
    fire_in(db, inspection.id, "notify", at(inspection.visit_date - 10 * DAY))
    with db.session() as session:
        before = audit_count(session, inspection.id)
    now = at(inspection.visit_date)
    with db.session() as session, pytest.raises(GuardRefused) as refused:
        review_section(session, inspection.id, "B.1", achieved="x", shortcomings=None, actor=TEAM, now=now)
    assert "chưa nhận được báo cáo của đơn vị và chưa ghi nhận kiểm tra tại đơn vị" in str(refused.value)
    fire_in(db, inspection.id, "receive_report", at(inspection.visit_date - 6 * DAY))
    own_unit = Actor("vanthu@tnmt.local", "unit", unit_id=inspection.unit_id)
    other_unit = Actor("vanthu@gddt.local", "unit", unit_id=inspection.unit_id + 1)
    for actor, error in ((own_unit, NotPermitted), (other_unit, NotFound), (Actor("lead", "leader"), NotPermitted)):
        with db.session() as session, pytest.raises(error):
            review_section(session, inspection.id, "B.1", achieved="x", shortcomings=None, actor=actor, now=now)
    with db.session() as session, pytest.raises(BadData) as refused:
        review_section(session, inspection.id, "B.1", achieved="x", shortcomings=None, missing_items=[10_000], actor=TEAM, now=now)
    assert refused.value.problems[0].field == "missing_items"
    with db.session() as session, pytest.raises(ConcurrentUpdate):
        review_section(session, inspection.id, "B.1", achieved="x", shortcomings=None, actor=TEAM, now=now, expected_version=1)
    with db.session() as session:
        assert audit_count(session, inspection.id) == before + 1  # the report only
        assert session.scalar(select(SectionReview.id)) is None


def test_self_inspection_reports_are_reviewed_the_same_way(db):
    inspection = first_case(db, "self")
    fire_in(db, inspection.id, "receive_report", at(inspection.self_report_due))
    with db.session() as session:
        review_section(session, inspection.id, "B.5", achieved="Chấp hành tốt giờ giấc làm việc", shortcomings="Chưa đeo thẻ đầy đủ", actor=COORDINATOR, now=at(inspection.self_report_due))
    with db.session() as session:
        assert session.scalar(select(SectionReview.shortcomings).where(SectionReview.inspection_id == inspection.id)) == "Chưa đeo thẻ đầy đủ"


def test_the_unit_reports_each_finding_with_evidence_and_the_team_decides(db, tmp_path):
    inspection = reviewed_and_concluded(db)
    visit = inspection.visit_date
    store = FileStore(tmp_path / "files", 1 << 20)
    unit = Actor("vanthu@tnmt.local", "unit", unit_id=inspection.unit_id)
    fire_in(db, inspection.id, "start_remediation", at(visit + 11 * DAY))
    with db.session() as session, pytest.raises(GuardRefused):  # nothing reported yet
        review_finding(session, inspection.id, 1, accepted=True, note=None, actor=TEAM, now=at(visit + 12 * DAY))
    with pytest.raises(BadData) as refused:
        fire_in(db, inspection.id, "report_remediation", at(visit + 30 * DAY), actor=unit, statuses={"1": "done"})
    assert "số 2" in str(refused.value) and refused.value.problems[0].field == "statuses"
    photo = store.store_upload(io.BytesIO(samples.png()), "ảnh bảng niêm yết.png")
    report = store.store_upload(io.BytesIO(samples.docx_bytes()), "Báo cáo khắc phục.docx")
    fire_in(db, inspection.id, "report_remediation", at(visit + 30 * DAY), actor=unit, file=report,
            statuses={"1": {"status": "done", "evidence": [photo]}, "2": {"status": "in_progress", "note": "Đang số hoá"}})
    with db.session() as session:
        evidence = session.scalar(select(Attachment).where(Attachment.kind == "evidence"))
        assert (evidence.finding.position, evidence.original_name) == (1, "ảnh bảng niêm yết.png")
    with db.session() as session, pytest.raises(NotPermitted):
        review_finding(session, inspection.id, 1, accepted=True, note=None, actor=unit, now=at(visit + 31 * DAY))
    with db.session() as session, pytest.raises(BadData) as refused:
        review_finding(session, inspection.id, 2, accepted=False, note=None, actor=TEAM, now=at(visit + 31 * DAY))
    assert refused.value.problems[0].field == "note"
    with db.session() as session, pytest.raises(BadData):
        review_finding(session, inspection.id, 3, accepted=True, note=None, actor=TEAM, now=at(visit + 31 * DAY))
    with db.session() as session:
        review_finding(session, inspection.id, 1, accepted=True, note="Đã niêm yết đủ", actor=TEAM, now=at(visit + 31 * DAY))
    with db.session() as session:
        review_finding(session, inspection.id, 2, accepted=False, note="Mới số hoá 60%", actor=TEAM, now=at(visit + 31 * DAY))
    with db.session() as session:
        decision = json.loads(last_entry(session, inspection.id).data_json)
        assert decision == {"finding": 2, "old": {"accepted": None, "note": None}, "new": {"accepted": False, "note": "Mới số hoá 60%"}}
        findings = session.scalars(select(Finding).where(Finding.inspection_id == inspection.id).order_by(Finding.position)).all()
        assert [(f.status, f.accepted, f.reviewed_by) for f in findings] == [("done", True, TEAM.name), ("in_progress", False, TEAM.name)]
    with pytest.raises(GuardRefused):
        fire_in(db, inspection.id, "accept", at(visit + 32 * DAY))
    child = fire_in(db, inspection.id, "order_reinspection", at(visit + 32 * DAY), reason="Kiến nghị 2 chưa đạt").extra
    assert child["carried_findings"] == [2]
