"""The generated documents read back with python-docx (and openpyxl): Nghị định 30 layout, parts
present and in order, the register's numbers, Vietnamese text intact."""
from __future__ import annotations

import io
import re
import unicodedata
from datetime import date

import openpyxl
import pytest
from docx.enum.text import WD_TAB_LEADER
from docx.shared import Mm, Pt
from sqlalchemy import func, select

from models import AuditEntry, Campaign, Inspection, RegisterEntry
from tests.documents_readback import in_order, lines, open_docx, paragraphs, run_of
from tests.helpers import (COORDINATOR, DAY, FINDINGS, REVIEWS, at, direct_path, fire_in, first_case, own_numbering,
                           reviewed_and_concluded, run_path)
from workflow.audit import verify
from workflow.casefile.rendering import record_summary_content, render_document
from workflow.errors import BadData, GuardRefused, NotPermitted
from workflow.people.permissions import Actor
from workflow.records.files import FileStore

UNIT = "Phòng Tài nguyên và Môi trường"


@pytest.fixture
def store(tmp_path) -> FileStore:
    return FileStore(tmp_path / "files", 1 << 20)


@pytest.fixture(autouse=True)
def own_sequences(db):
    """The layout tests number every document from the register's own sequence (a campaign may
    choose it); drafts with the văn thư's numbers are tested in test_date_rules.py."""
    own_numbering(db, "TB", "BC")


def render(db, store, kind: str, now, **where) -> tuple[bytes, dict]:
    with db.session() as session:
        attachment = render_document(session, store, kind, actor=COORDINATOR, now=now, **where)
        return store.read(attachment.sha256), {"name": attachment.original_name, "kind": attachment.kind, "entry": attachment.audit_entry_id,
                                               "inspection": attachment.inspection_id, "type": attachment.content_type}


def assert_nd30_page_and_fonts(document) -> None:
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1) and abs(section.page_height - Mm(297)) < Mm(0.1)  # A4, in twips
    within = lambda value, low, high: Mm(low - 0.1) <= value <= Mm(high + 0.1)  # stored in twips
    assert within(section.top_margin, 20, 25) and within(section.bottom_margin, 20, 25)
    assert within(section.left_margin, 30, 35) and within(section.right_margin, 15, 20)
    runs = [run for paragraph in paragraphs(document) for run in paragraph.runs if run.text.strip()]
    assert runs and {run.font.name for run in runs} == {"Times New Roman"}
    assert all(Pt(11) <= run.font.size <= Pt(14) for run in runs)
    body = [run for paragraph in document.paragraphs for run in paragraph.runs if run.text.strip()]
    assert {run.font.size for run in body} == {Pt(14)}  # the body is 14 pt
    text = "\n".join(lines(document))
    assert unicodedata.is_normalized("NFC", text)
    national = run_of(document, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    motto = run_of(document, "Độc lập - Tự do - Hạnh phúc")
    assert national.bold and motto.bold


def assert_place_and_date(document, day: date) -> None:
    line = next(text for text in lines(document) if text.startswith("Tứ Kỳ, ngày"))
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    assert line == f"Tứ Kỳ, ngày {day.day:02d} tháng {month} năm {day.year}"
    assert run_of(document, line).italic


def assert_closing(document, recipients_first: str) -> None:
    notes = run_of(document, "Nơi nhận:")
    assert notes.bold and notes.italic
    in_order(document, "Nơi nhận:", recipients_first, "- Lưu: VT, NV.")


def test_minutes_and_conclusion_notice_of_a_case(db, store):
    inspection = reviewed_and_concluded(db)
    visit = inspection.visit_date
    minutes, minutes_file = render(db, store, "minutes", at(visit + 10 * DAY), inspection_id=inspection.id)
    conclusion, conclusion_file = render(db, store, "conclusion_notice", at(visit + 10 * DAY, 11), inspection_id=inspection.id)
    assert minutes_file["name"] == f"Biên bản kiểm tra {UNIT}.docx" and minutes_file["kind"] == "minutes_draft"
    assert conclusion_file["inspection"] == inspection.id and conclusion_file["type"].endswith("wordprocessingml.document")

    document = open_docx(minutes)
    assert_nd30_page_and_fonts(document)
    assert_place_and_date(document, visit)
    in_order(document, "UBND HUYỆN TỨ KỲ", "ĐOÀN KIỂM TRA", "Số: 01/BB-ĐKT", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
             "Độc lập - Tự do - Hạnh phúc", "Tứ Kỳ, ngày", "BIÊN BẢN KIỂM TRA", "năm 2023", f"tại {UNIT}", "Căn cứ Kế hoạch",
             "Căn cứ Quyết định số 2025/QĐ-UBND", "Hôm nay, vào hồi …… giờ ……, ngày 27/07/2023", "I. THÀNH PHẦN",
             "- Ông/Bà Nguyễn Văn An - Phó Chủ tịch UBND huyện, Trưởng đoàn.", "- Ông/Bà Trần Thị Bình - Trưởng phòng Nội vụ, Phó Trưởng đoàn.",
             "- Ông/Bà Lê Thị Mai - Chuyên viên Phòng Nội vụ, Thư ký.", "- Lãnh đạo đơn vị", "II. NỘI DUNG KIỂM TRA",
             "1. Công tác chỉ đạo, điều hành", REVIEWS["B.1"][0], REVIEWS["B.1"][1], "Báo cáo của đơn vị chưa nêu",
             "Việc xây dựng và áp dụng các sáng kiến", "Nguyên nhân:", "3. Cải cách thủ tục hành chính", REVIEWS["B.3"][1],
             "8. Thực hiện phân cấp quản lý", "III. ĐÁNH GIÁ CHUNG CỦA ĐOÀN KIỂM TRA", "IV. Ý KIẾN CỦA ĐƠN VỊ ĐƯỢC KIỂM TRA",
             "Buổi kiểm tra kết thúc vào hồi …… giờ ……", "ĐẠI DIỆN", "THƯ KÝ", "TM. ĐOÀN KIỂM TRA", "TRƯỞNG ĐOÀN")
    text = "\n".join(lines(document))
    assert FINDINGS[0]["text"].rstrip(".") not in text  # decided ten days after the minutes
    assert "chưa ghi nhận" not in text and "nội dung B." not in text
    assert "4. Cải cách tổ chức bộ máy" in lines(document)
    dotted = [p for p in document.paragraphs if p.text.endswith("\t") and p.paragraph_format.tab_stops]
    assert dotted and all(stop.leader == WD_TAB_LEADER.DOTS for p in dotted for stop in p.paragraph_format.tab_stops)

    document = open_docx(conclusion)
    assert_nd30_page_and_fonts(document)
    assert_place_and_date(document, visit + 10 * DAY)
    number = next(text for text in lines(document) if text.startswith("Số:"))
    assert re.fullmatch(r"Số: \d{2,}/TB-UBND", number) and number == "Số: 02/TB-UBND"
    in_order(document, "ỦY BAN NHÂN DÂN", "HUYỆN TỨ KỲ", "Số: 02/TB-UBND", "CỘNG HÒA", "Độc lập", "Tứ Kỳ, ngày", "THÔNG BÁO",
             "Kết luận kiểm tra công tác cải cách hành chính", f"tại {UNIT}", "Căn cứ Kế hoạch", "Căn cứ Biên bản kiểm tra số 01/BB-ĐKT",
             "1. Ưu điểm", REVIEWS["B.1"][0], "2. Tồn tại, hạn chế", f'{REVIEWS["B.1"][1].rstrip(".")}; báo cáo của đơn vị chưa nêu: việc xây dựng và áp dụng các sáng kiến',
             REVIEWS["B.3"][1], "3. Nguyên nhân", "4. Kiến nghị", f"1. {FINDINGS[0]['text'].rstrip('.')} (Cải cách thủ tục hành chính; thời hạn hoàn thành: chậm nhất ngày 05/09/2023).",
             "2. Tỷ lệ hồ sơ", "5. Tổ chức thực hiện",
             "gửi báo cáo kết quả khắc phục từng kiến nghị (kèm tài liệu chứng minh) về UBND huyện Tứ Kỳ (qua Phòng Nội vụ) chậm nhất ngày 05/09/2023.", "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Vũ Thị Hà")
    assert "Căn cứ Quyết định số 2025/QĐ-UBND ngày 17/07/2023 của UBND huyện Tứ Kỳ về việc kiện toàn Đoàn kiểm tra việc thực thi công vụ và nhiệm vụ cải cách hành chính;" in lines(document)
    assert not any("Không có tồn tại" in line for line in lines(document))
    assert sum(1 for line in lines(document) if line.startswith("- Công tác chỉ đạo, điều hành:")) == 2  # strengths, shortcomings: one bullet each
    assert_closing(document, f"- {UNIT} (để thực hiện);")
    assert run_of(document, "THÔNG BÁO").bold and run_of(document, "TM. ỦY BAN NHÂN DÂN").bold
    with db.session() as session:
        entry = session.get(AuditEntry, conclusion_file["entry"])
        assert (entry.trigger, entry.inspection_id, entry.from_state) == ("render_document", inspection.id, "concluded")


def test_campaign_documents_schedule_notice_summary_report_and_xlsx(db, store):
    inspection = reviewed_and_concluded(db)
    now = at(inspection.visit_date + 11 * DAY)
    campaign = {"campaign_id": inspection.campaign_id}
    notice, notice_file = render(db, store, "schedule_notice", now, **campaign)
    report, _ = render(db, store, "summary_report", now, **campaign)
    sheet_bytes, sheet_file = render(db, store, "summary_xlsx", now, **campaign)
    assert notice_file["name"] == "Thông báo lịch kiểm tra 03-TB-UBND.docx" and notice_file["inspection"] is None

    document = open_docx(notice)
    assert_nd30_page_and_fonts(document)
    in_order(document, "ỦY BAN NHÂN DÂN", "Số: 03/TB-UBND", "THÔNG BÁO", "Lịch kiểm tra công tác cải cách hành chính",
             "Thực hiện Kế hoạch số ……/KH-UBND ngày ……/……/2023", "1. Lịch kiểm tra", "STT", "Cơ quan, đơn vị được kiểm tra", "Ngày kiểm tra", "Thời gian",
             "Địa điểm", UNIT, "Thứ Năm, 27/07/2023", "08 giờ 00", f"Trụ sở {UNIT}", "Phòng Giáo dục và Đào tạo", "14 giờ 00", "UBND xã Hà Kỳ",
             "2. Thành phần làm việc", "Tư pháp - Hộ tịch", "3. Trách nhiệm", "trước 05 ngày kiểm tra", "Nơi nhận:",
             "- Đài Phát thanh huyện Tứ Kỳ (để đưa tin);", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Vũ Thị Hà")
    table = document.tables[1]
    assert len(table.rows) == 1 + 25 and table.rows[25].cells[1].text == "UBND xã Hà Kỳ"
    assert all(re.fullmatch(r"Thứ \w+, \d\d/\d\d/2023", row.cells[2].text) for row in table.rows[1:])
    assert_closing(document, "- Các cơ quan, đơn vị có tên tại mục 1;")

    document = open_docx(report)
    assert_nd30_page_and_fonts(document)
    in_order(document, "UBND HUYỆN TỨ KỲ", "PHÒNG NỘI VỤ", "Số: 01/BC-NV", "BÁO CÁO", "Kết quả kiểm tra công tác cải cách hành chính,",
             "Kính gửi: Chủ tịch Ủy ban nhân dân huyện Tứ Kỳ.", "I. KHÁI QUÁT", "Tổng số 35 cuộc kiểm tra, gồm: Kiểm tra trực tiếp: 25; Tự kiểm tra: 10.",
             "Dự kiến: 34; Đã ban hành kết luận: 1.", "II. KẾT QUẢ KIỂM TRA", "1. Đánh giá chung", "2. Kết quả theo từng đơn vị",
             "Kiến nghị đạt / tổng số", UNIT, "Đã ban hành kết luận", "0/2", "UBND xã Quang Khải",
             "3. Kiến nghị và kết quả khắc phục", f"{UNIT} (Thông báo kết luận kiểm tra số 02/TB-UBND ngày 06/08/2023):",
             "thời hạn: 05/09/2023; đơn vị báo cáo: chưa báo cáo; đánh giá: chưa đánh giá.", "III. ĐỀ XUẤT, KIẾN NGHỊ",
             "1. Mô hình hay", "2. Tập thể, cá nhân cần chấn chỉnh", "3. Đề xuất xử lý", "Nơi nhận:", "TRƯỞNG PHÒNG")
    assert_closing(document, "- Như trên;")

    workbook = openpyxl.load_workbook(io.BytesIO(sheet_bytes))
    sheet = workbook.active
    header = [cell.value for cell in sheet[3]]
    assert header[:6] == ["STT", "Đơn vị", "Loại đơn vị", "Hình thức kiểm tra", "Tình trạng", "Ngày kiểm tra"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 35 and [row[0] for row in rows] == list(range(1, 36))
    first = dict(zip(header, rows[0]))
    assert (first["Đơn vị"], first["Tình trạng"], first["Số kiến nghị"], first["Số kết luận"]) == (UNIT, "Đã ban hành kết luận", 2, "02/TB-UBND")
    assert first["Ngày kiểm tra"].date() == inspection.visit_date and first["Hạn khắc phục"].date() == date(2023, 9, 5)
    date_cell = sheet.cell(row=4, column=header.index("Ngày kiểm tra") + 1)
    assert date_cell.number_format == "DD/MM/YYYY"
    assert sheet_file["name"].endswith(".xlsx") and sheet_file["type"].endswith("spreadsheetml.sheet")
    with db.session() as session:
        assert session.scalars(select(AuditEntry.trigger).where(AuditEntry.entity == "campaign", AuditEntry.trigger == "render_document")).all() == ["render_document"] * 3
        assert verify(session).ok


def test_who_may_produce_what_and_failures_take_no_number(db, store):
    inspection = reviewed_and_concluded(db)
    now = at(inspection.visit_date + 11 * DAY)
    team, unit = Actor("team@tuky.local", "inspector"), Actor("vt@tnmt.local", "unit", unit_id=inspection.unit_id)
    with db.session() as session:
        assert render_document(session, store, "minutes", actor=team, now=now, inspection_id=inspection.id).generated
    for actor, kind, where in ((team, "conclusion_notice", {"inspection_id": inspection.id}), (unit, "minutes", {"inspection_id": inspection.id}),
                               (unit, "summary_xlsx", {"campaign_id": inspection.campaign_id})):
        with db.session() as session, pytest.raises(NotPermitted):
            render_document(session, store, kind, actor=actor, now=now, **where)
    other = first_case(db, "direct", "commune")
    with db.session() as session, pytest.raises(GuardRefused) as refused:
        render_document(session, store, "conclusion_notice", actor=COORDINATOR, now=now, inspection_id=other.id)
    assert "Chưa ban hành kết luận" in str(refused.value)
    with db.session() as session:
        before = session.scalar(select(func.count()).select_from(RegisterEntry))
    with db.session() as session, pytest.raises(BadData) as refused:
        render_document(session, store, "summary_report", actor=COORDINATOR, now=now, campaign_id=inspection.campaign_id, number="09/BC-NV")
    assert refused.value.problems[0].field == "number_reason"
    with db.session() as session, pytest.raises(BadData):
        render_document(session, store, "report", actor=COORDINATOR, now=now, campaign_id=inspection.campaign_id)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(RegisterEntry)) == before
    _, override = render(db, store, "summary_report", now, campaign_id=inspection.campaign_id, number="09/BC-NV", number_reason="Số của văn thư")
    with db.session() as session:
        assert "Số của văn thư" in session.get(AuditEntry, override["entry"]).data_json


def test_a_notice_can_be_the_campaigns_schedule_notice(db, store):
    inspection = first_case(db, "direct")
    render(db, store, "schedule_notice", at(date(2023, 7, 17)), campaign_id=inspection.campaign_id, doc_date=date(2023, 7, 17))
    with db.session() as session:
        assert session.scalar(select(Campaign.audit_seq)) > 1
    result = fire_in(db, inspection.id, "notify", at(date(2023, 7, 18)))
    assert result.extra["register"] == {"number": "01/TB-UBND", "date": "2023-07-17", "schedule_notice": True}
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(RegisterEntry)) == 1  # the same notice, not a new one


def test_the_unit_notice_needs_the_notice_and_the_summary_content_is_the_offices(db, store):
    inspection = first_case(db, "direct", "commune")
    with db.session() as session, pytest.raises(GuardRefused) as refused:
        render_document(session, store, "unit_schedule_notice", actor=COORDINATOR, now=at(date(2023, 7, 18)), inspection_id=inspection.id)
    assert "Chưa gửi thông báo lịch kiểm tra" in str(refused.value)
    fire_in(db, inspection.id, "notify", at(inspection.visit_date - 12 * DAY), visit_time="14:00")
    notice, file = render(db, store, "unit_schedule_notice", at(inspection.visit_date - 12 * DAY), inspection_id=inspection.id)
    assert file["kind"] == "schedule_notice" and file["name"] == "Thông báo lịch kiểm tra UBND xã Đại Sơn 01-TB-UBND.docx"
    in_order(open_docx(notice), "Số: 01/TB-UBND", "THÔNG BÁO", "tại Ủy ban nhân dân xã Đại Sơn", "1. Thời gian, địa điểm",
             "- Thời gian: 14 giờ 00, Thứ Ba ngày 01/08/2023.", "- Địa điểm: Trụ sở Ủy ban nhân dân xã Đại Sơn.",
             "Nơi nhận:", "- Ủy ban nhân dân xã Đại Sơn (để thực hiện);")
    with db.session() as session, pytest.raises(NotPermitted):
        record_summary_content(session, inspection.campaign_id, actor=Actor("team@tuky.local", "inspector"), now=at(date(2023, 9, 1)),
                               summary_models="x")
    with db.session() as session, pytest.raises(BadData) as refused:
        record_summary_content(session, inspection.campaign_id, actor=COORDINATOR, now=at(date(2023, 9, 1)), plan_number="1")
    assert refused.value.problems[0].field == "plan_number"


def test_the_minutes_keep_what_the_visit_recorded_when_signing_leaves_it_out(db):
    inspection = first_case(db, "direct", "office")
    steps = direct_path(inspection.visit_date)
    run_path(db, inspection.id, steps[:2])
    fire_in(db, inspection.id, "visit", at(inspection.visit_date, 16), visit_date=inspection.visit_date.isoformat(),
            participants="Ông Vũ Văn Dũng, Trưởng phòng", unit_attendees='["Lãnh đạo cơ quan được kiểm tra"]', visit_started="08:00")
    fire_in(db, inspection.id, "sign_minutes", at(inspection.visit_date, 17), team_assessment="Tốt.")
    with db.session() as session:
        saved = session.get(Inspection, inspection.id)
        assert (saved.participants, saved.unit_attendees, saved.team_assessment) == (
            "Ông Vũ Văn Dũng, Trưởng phòng", ["Lãnh đạo cơ quan được kiểm tra"], "Tốt.")
