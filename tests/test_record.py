"""The team's record of an inspection and the team as a roster (issue 30, items 1–3): what the team
finds on site is recorded for every kind, the visit picks its members from the team decision, and
the minutes and the conclusion say what the record holds, in each kind's own words."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from models import AuditEntry, Campaign, Inspection
from tests.documents_readback import in_order, lines, open_docx, paragraphs
from tests.helpers import COORDINATOR, DAY, at, fire_in, reviewed_and_concluded
from workflow.campaigns.opening import open_inspection
from workflow.campaigns.plans import export_campaign
from workflow.campaigns.team import record_team
from workflow.casefile.rendering import render_document
from workflow.casefile.review import record_closing, review_section, review_sheet
from workflow.deadlines.counting import WorkCalendar
from workflow.engine import trigger_data
from workflow.errors import BadData, GuardRefused
from workflow.records.files import FileStore

DAY_OF_VISIT = date(2023, 8, 9)
REASON = "Phản ánh của người dân về việc chậm trả kết quả hồ sơ đất đai"
ASSESSMENT = "UBND xã đã quan tâm chỉ đạo công tác CCHC; việc công khai TTHC tại Bộ phận một cửa chưa đầy đủ."
OPINION = "UBND xã nhất trí với kết quả kiểm tra và cam kết khắc phục ngay."


@pytest.fixture
def store(tmp_path) -> FileStore:
    return FileStore(tmp_path / "files", 1 << 22)


def dotted(document) -> list[str]:
    """The dotted lines left to fill in by hand (a tab with a dotted leader), by the text before them."""
    return [p.text for p in paragraphs(document) if p.text.endswith("\t") and p.paragraph_format.tab_stops]


def blanks(document) -> list[str]:
    """Lines with dots to write in by hand, but the plan's own number and date (the 2023 plan
    leaves them blank: campaign data, not the record)."""
    return [line for line in lines(document) if "……" in line and not line.startswith("Căn cứ Kế hoạch số ……")]


def surprise_case(db) -> int:
    with db.session() as session:
        return open_inspection(session, campaign_code="tuky-2023", unit_name="UBND xã Chí Minh", kind="surprise", actor=COORDINATOR,
                               now=at(DAY_OF_VISIT, 7), visit_date=DAY_OF_VISIT, reason=REASON).id


def record_every_section(db, case_id: int, when) -> list[str]:
    with db.session() as session:
        codes = [entry.section.code for entry in review_sheet(session, session.get(Inspection, case_id))]
        session.rollback()
    for code in codes:
        with db.session() as session:
            review_section(session, case_id, code, achieved=f"Kết quả mục {code} tại đơn vị.", shortcomings=f"Hạn chế mục {code}.",
                           causes=f"Nguyên nhân mục {code}.", actor=COORDINATOR, now=when)
    return codes


def render_text(db, store, kind: str, case_id: int, when):
    with db.session() as session:
        attachment = render_document(session, store, kind, actor=COORDINATOR, now=when, inspection_id=case_id)
        return open_docx(store.read(attachment.sha256))


def test_a_surprise_case_is_recorded_on_site_and_its_papers_say_what_was_recorded(db, store):
    case_id = surprise_case(db)
    with db.session() as session, pytest.raises(GuardRefused):  # nothing to record before the visit
        review_section(session, case_id, "B.1", achieved="x", shortcomings=None, actor=COORDINATOR, now=at(DAY_OF_VISIT, 8))
    fire_in(db, case_id, "visit", at(DAY_OF_VISIT, 11), team=[1, 3, 4], radio="Trần Văn Bình", visit_started="08:00",
            visit_ended="10:45", unit_people=[{"name": "Vũ Văn Dũng", "title": "Chủ tịch UBND xã"},
                                              {"name": "Đỗ Thị Hoa", "title": "Công chức Văn phòng - Thống kê"}],
            unit_attendees=["Đại diện Lãnh đạo UBND"], unit_signer="Vũ Văn Dũng", unit_signer_title="Chủ tịch UBND xã")
    with db.session() as session, pytest.raises(BadData) as refused:  # no report: no item "missing from the report"
        item = review_sheet(session, session.get(Inspection, case_id))[0].section.items[0].id
        session.rollback()
        review_section(session, case_id, "B.1", achieved="x", shortcomings=None, missing_items=[item], actor=COORDINATOR, now=at(DAY_OF_VISIT, 11))
    assert refused.value.problems[0].field == "missing_items"
    codes = record_every_section(db, case_id, at(DAY_OF_VISIT, 11))
    with db.session() as session:
        record_closing(session, case_id, team_assessment=ASSESSMENT, unit_opinion=OPINION, actor=COORDINATOR, now=at(DAY_OF_VISIT, 11))
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.inspection_id == case_id).order_by(AuditEntry.seq.desc())).first()
        assert entry.trigger == "record_results"
        assert json.loads(entry.data_json) == {"old": {"team_assessment": None, "unit_opinion": None},
                                               "new": {"team_assessment": ASSESSMENT, "unit_opinion": OPINION}}
        saved = session.get(Inspection, case_id)
        assert (saved.visit_reason, saved.chair, saved.secretary) == (REASON, "Nguyễn Văn An", "Lê Thị Mai")

    minutes = render_text(db, store, "minutes", case_id, at(DAY_OF_VISIT, 12))
    text = "\n".join(lines(minutes))
    assert "báo cáo của đơn vị" not in text.lower() and blanks(minutes) == []
    assert dotted(minutes) == []  # every part was recorded
    in_order(minutes, "BIÊN BẢN KIỂM TRA", "Kiểm tra đột xuất công tác cải cách hành chính",
             "tiến hành kiểm tra đột xuất công tác cải cách hành chính, hoạt động công vụ năm 2023 (không thông báo trước cho đơn vị).",
             f"Lý do kiểm tra đột xuất: {REASON}.", "1. Đoàn kiểm tra của UBND huyện Tứ Kỳ",
             "- Ông/Bà Nguyễn Văn An - Phó Chủ tịch UBND huyện, Trưởng đoàn.", "- Ông/Bà Lê Thị Mai - Chuyên viên Phòng Nội vụ, Thư ký.",
             "- Ông/Bà Phạm Văn Cường - Phó Chánh Văn phòng HĐND và UBND huyện, Thành viên.", "2. Khách mời",
             "- Phóng viên Đài Phát thanh huyện Tứ Kỳ: Trần Văn Bình (ghi hình, đưa tin).", "3. Đại diện",
             "- Ông/Bà Vũ Văn Dũng - Chủ tịch UBND xã.", "- Ông/Bà Đỗ Thị Hoa - Công chức Văn phòng - Thống kê.",
             "II. NỘI DUNG KIỂM TRA", "kiểm tra trực tiếp hồ sơ, tài liệu", *(f"Kết quả mục {code} tại đơn vị." for code in codes),
             "III. ĐÁNH GIÁ CHUNG", ASSESSMENT, "IV. Ý KIẾN", OPINION, "kết thúc vào hồi 10 giờ 45",
             "ĐẠI DIỆN", "THƯ KÝ", "TRƯỞNG ĐOÀN")
    assert lines(minutes)[-3:] == ["Vũ Văn Dũng", "Lê Thị Mai", "Nguyễn Văn An"]  # the names alone under the signatures
    assert "Trần Thị Bình" not in text  # not at this visit

    fire_in(db, case_id, "sign_minutes", at(DAY_OF_VISIT, 16))
    fire_in(db, case_id, "conclude", at(DAY_OF_VISIT + 10 * DAY), findings=[{"section": "B.3", "text": "Công khai đầy đủ TTHC."}])
    conclusion = render_text(db, store, "conclusion_notice", case_id, at(DAY_OF_VISIT + 10 * DAY, 11))
    text = "\n".join(lines(conclusion))
    assert "báo cáo của đơn vị" not in text.lower() and "Trên cơ sở báo cáo" not in text and blanks(conclusion) == []
    assert dotted(conclusion) == []
    in_order(conclusion, "Kết luận kiểm tra đột xuất công tác cải cách hành chính", (f"đã kiểm tra đột xuất công tác cải cách hành chính, hoạt động công vụ năm 2023 tại Ủy ban nhân dân xã Chí Minh. "
              f"Lý do kiểm tra đột xuất: {REASON}. Trên cơ sở kết quả kiểm tra trực tiếp tại đơn vị"), f"Đánh giá chung: {ASSESSMENT}", "1. Ưu điểm", "Kết quả mục B.1 tại đơn vị.",
             "2. Tồn tại, hạn chế", "Hạn chế mục B.1.", "3. Nguyên nhân", "Nguyên nhân mục B.1.", "4. Kiến nghị", "Công khai đầy đủ TTHC")


def test_a_direct_case_with_a_report_reviews_it_and_the_review_is_the_record(db, store):
    """The review of the report before the visit is the same record the team completes on site."""
    inspection = reviewed_and_concluded(db)
    minutes = render_text(db, store, "minutes", inspection.id, at(inspection.visit_date + 10 * DAY))
    text = "\n".join(lines(minutes))
    assert "đột xuất" not in text and "đã nghiên cứu báo cáo của đơn vị gửi ngày" in text
    assert "Báo cáo của đơn vị chưa nêu các nội dung sau của Đề cương:" in text  # ticked on the report


def test_a_phuc_tra_cites_the_conclusion_it_follows_up(db, store):
    original = reviewed_and_concluded(db)
    day = original.conclusion_date
    ordered, visited = WorkCalendar().on_or_after(day + 40 * DAY), WorkCalendar().on_or_after(day + 41 * DAY)
    fire_in(db, original.id, "start_remediation", at(day + DAY))
    fire_in(db, original.id, "order_reinspection", at(ordered), reason="Quá hạn khắc phục", unannounced=True,
            planned_date=visited.isoformat())
    with db.session() as session:
        followed = session.scalar(select(Inspection).where(Inspection.reinspection_of_id == original.id))
        child, number, dated = followed.id, original.conclusion_number, original.conclusion_date.strftime("%d/%m/%Y")
    fire_in(db, child, "visit", at(visited, 11), team=[1, 3])
    cited = f"Thông báo kết luận kiểm tra số {number} ngày {dated} của UBND huyện Tứ Kỳ"
    minutes = render_text(db, store, "minutes", child, at(visited, 12))
    in_order(minutes, "Phúc tra công tác cải cách hành chính", f"Căn cứ {cited};",
             f"tiến hành phúc tra đột xuất việc thực hiện {cited}", f"khắc phục các tồn tại, hạn chế nêu tại {cited}")
    fire_in(db, child, "sign_minutes", at(visited, 16))
    fire_in(db, child, "conclude", at(visited + 4 * DAY))
    conclusion = render_text(db, store, "conclusion_notice", child, at(visited + 4 * DAY, 11))
    in_order(conclusion, "Kết luận phúc tra", f"Căn cứ {cited};", f"đã phúc tra việc thực hiện {cited}")
    assert "báo cáo của đơn vị" not in "\n".join(lines(conclusion)).lower()


def test_the_visit_picks_its_team_from_the_roster_and_is_refused_clearly_otherwise(db):
    case_id = surprise_case(db)
    visit = at(DAY_OF_VISIT, 11)
    for data, field, words in (
        ({"team": "Đoàn kiểm tra huyện"}, "team", "hãy chọn thành viên trong danh sách Đoàn"),
        ({"team": [1, 9]}, "team", "số 9 không có trong danh sách Đoàn"),
        ({"team": [1, 2], "secretary": 3}, "secretary", "phải là thành viên của Đoàn đi kiểm tra (Nguyễn Văn An, Trần Thị Bình)"),
        ({"team": [2, 4], "chair": 2, "secretary": 2}, "secretary", "không được trùng người chủ trì"),
    ):
        with pytest.raises(BadData) as refused:
            fire_in(db, case_id, "visit", visit, **data)
        assert any(problem.field == field and words in str(problem.text) for problem in refused.value.problems), refused.value.problems
    with db.session() as session:
        assert session.get(Inspection, case_id).state == "planned"
    fire_in(db, case_id, "visit", visit, team="2,4", chair="4")  # as the CLI sends it
    with db.session() as session:
        saved = session.get(Inspection, case_id)
        assert [(m["name"], m["title"], m.get("part")) for m in saved.team_members] == [
            ("Trần Thị Bình", "Trưởng phòng Nội vụ", None), ("Phạm Văn Cường", "Phó Chánh Văn phòng HĐND và UBND huyện", "chair")]
        assert (saved.chair, saved.secretary, saved.team) == ("Phạm Văn Cường", None, None)


def test_the_roster_is_campaign_data_audited_and_round_trips_through_the_plan_file(db):
    with db.session() as session:
        campaign = session.scalar(select(Campaign))
        campaign_id = campaign.id
        exported = export_campaign(session, campaign.code).team_decision
        assert [(m.name, m.role) for m in exported.members][:3] == [("Nguyễn Văn An", "head"), ("Trần Thị Bình", "deputy"), ("Lê Thị Mai", "secretary")]
        session.rollback()
    rows = [{"name": "Nguyễn Văn An", "title": "Phó Chủ tịch UBND huyện", "role": "head"},
            {"name": "", "title": "", "workplace": ""},  # an empty row is left out
            {"name": "Lê Thị Mai", "title": "Chuyên viên Phòng Nội vụ", "workplace": "Phòng Nội vụ", "role": "secretary"}]
    with db.session() as session, pytest.raises(BadData) as refused:
        record_team(session, campaign_id, [*rows, {"name": "Hà Văn Sơn", "role": "head"}], actor=COORDINATOR, now=at(DAY_OF_VISIT))
    assert {problem.field for problem in refused.value.problems} == {"members.3.title", "members"}
    with db.session() as session:
        record_team(session, campaign_id, rows, actor=COORDINATOR, now=at(DAY_OF_VISIT))
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "campaign").order_by(AuditEntry.seq.desc())).first()
        data = json.loads(entry.data_json)
        assert entry.trigger == "team_roster" and len(data["old"]) == 5
        assert [(m["position"], m["name"]) for m in data["new"]] == [(1, "Nguyễn Văn An"), (2, "Lê Thị Mai")]
        members = export_campaign(session, "tuky-2023").team_decision.members
        assert [(m.name, m.workplace, m.role) for m in members] == [("Nguyễn Văn An", None, "head"), ("Lê Thị Mai", "Phòng Nội vụ", "secretary")]


def test_a_campaign_without_a_roster_takes_the_team_in_words(db):
    with db.session() as session:
        record_team(session, session.scalar(select(Campaign.id)), [], actor=COORDINATOR, now=at(DAY_OF_VISIT, 6))
    case_id = surprise_case(db)
    with pytest.raises(BadData) as refused:
        fire_in(db, case_id, "visit", at(DAY_OF_VISIT, 11), team=[1, 2])
    assert "chưa có danh sách thành viên Đoàn" in str(refused.value)
    fire_in(db, case_id, "visit", at(DAY_OF_VISIT, 11), team="Đoàn kiểm tra theo Quyết định 2025/QĐ-UBND", chair="Ông Nguyễn Văn An")
    with db.session() as session:
        saved = session.get(Inspection, case_id)
        assert (saved.team, saved.team_members, saved.chair) == ("Đoàn kiểm tra theo Quyết định 2025/QĐ-UBND", None, "Ông Nguyễn Văn An")


def test_the_correction_form_no_longer_takes_the_assessment_nor_the_opinion():
    for name in ("team_assessment", "unit_opinion"):
        with pytest.raises(BadData) as refused:
            trigger_data.parse("correct", {name: "x"}, trigger_data.CaseEdit)
        assert refused.value.problems[0].field == name


@pytest.mark.libreoffice
def test_the_surprise_case_s_papers_as_pdf_pages(db, store):
    """The minutes and the conclusion of a recorded surprise case as LibreOffice prints them, kept
    as PDF and PNG in tests/artifacts/record/ to be looked at; the PDF's text says what the record
    holds (no dotted line left where the team wrote something)."""
    import shutil
    import subprocess

    from tests.conftest import missing
    from vocabulary.config import PROJECT_DIR
    from workflow.casefile.rendering import pdf_converter

    tools = {name: shutil.which(name) for name in ("soffice", "pdftoppm", "pdftotext")}
    if not all(tools.values()):
        missing("LibreOffice / poppler-utils", f"not found: {[name for name, path in tools.items() if not path]}")
    case_id = surprise_case(db)
    fire_in(db, case_id, "visit", at(DAY_OF_VISIT, 11), team=[1, 3, 4], radio="Trần Văn Bình", visit_started="08:00", visit_ended="10:45",
            unit_people=[{"name": "Vũ Văn Dũng", "title": "Chủ tịch UBND xã"}, {"name": "Đỗ Thị Hoa", "title": "Công chức Văn phòng - Thống kê"}],
            unit_attendees=["Đại diện Lãnh đạo Đảng ủy", "Đại diện Lãnh đạo UBND"], unit_signer="Vũ Văn Dũng", unit_signer_title="Chủ tịch UBND xã")
    record_every_section(db, case_id, at(DAY_OF_VISIT, 11))
    with db.session() as session:
        record_closing(session, case_id, team_assessment=ASSESSMENT, unit_opinion=OPINION, actor=COORDINATOR, now=at(DAY_OF_VISIT, 11))
    fire_in(db, case_id, "sign_minutes", at(DAY_OF_VISIT, 16))
    fire_in(db, case_id, "conclude", at(DAY_OF_VISIT + 10 * DAY), findings=[{"section": "B.3", "text": "Công khai đầy đủ TTHC."}])
    sources = {}
    for kind in ("minutes", "conclusion_notice"):
        with db.session() as session:
            attachment = render_document(session, store, kind, actor=COORDINATOR, now=at(DAY_OF_VISIT + 10 * DAY, 11), inspection_id=case_id)
            sources[f"{kind}.docx"] = store.read(attachment.sha256)
    folder = PROJECT_DIR / "tests" / "artifacts" / "record"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, content in pdf_converter(tools["soffice"]).convert_many(sources).items():
        pdf = folder / f"surprise-{name}"
        pdf.write_bytes(content)
        subprocess.run([tools["pdftoppm"], "-r", "80", "-png", str(pdf), str(folder / pdf.stem)], check=True, timeout=60)
        text = " ".join(subprocess.run([tools["pdftotext"], str(pdf), "-"], check=True, capture_output=True, text=True).stdout.split())
        assert "đột xuất" in text and "Phản ánh của người dân" in text and "báo cáo của đơn vị" not in text.lower()
        assert "……" not in text.replace("Kế hoạch số ……/KH-UBND ngày ……/……/2023", "")
