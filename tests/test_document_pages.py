"""Golden pages: one fixed commune case, taken through a direct inspection with every part of
its content entered, renders each document type; LibreOffice converts them to PDF (once, all
together, for the whole session) and poppler draws every page to PNG in
``tests/artifacts/pages/`` (git-ignored) to be looked at. The tests read the PDFs back: page
count, fonts (embedded, Liberation Serif / Times New Roman only), the text of every required
part in order, and that no page but the last is less than a third full.

Needs ``soffice`` and poppler-utils (``scripts/system-deps.sh``); under STRICT=1 their absence fails.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from models import Inspection
from models.db import Database
from tests.conftest import missing
from tests.helpers import COORDINATOR, DAY, at, fire_in, first_case, own_numbering
from workflow.casefile.rendering import DOCUMENT_KINDS, pdf_converter, record_summary_content, render_document
from workflow.casefile.review import review_section, review_sheet
from workflow.records.files import FileStore
from workflow.scoring import criteria

PAGES = Path(__file__).parent / "artifacts" / "pages"
TOOLS = ("soffice", "pdftoppm", "pdftotext", "pdffonts")
UNIT = "UBND xã Đại Sơn"
UNIT_FULL = "Ủy ban nhân dân xã Đại Sơn"

VISIT = {
    "team": [1, 2, 3, 4],  # the roster of plans/tuky-2023.toml: the head chairs, the secretary keeps the minutes
    "visit_started": "08:00", "visit_ended": "11:30",
    "radio": "Bà Phạm Thu Hà",
    "unit_attendees": ["Đại diện Lãnh đạo Đảng ủy", "Đại diện Lãnh đạo UBND", "Công chức Văn phòng - Thống kê",
                       "Công chức Tư pháp - Hộ tịch", "Bộ phận Tiếp nhận và Trả kết quả"],
    "unit_people": [{"name": "Vũ Văn Dũng", "title": "Chủ tịch UBND xã"}, {"name": "Đỗ Thị Hoa", "title": "Công chức Văn phòng - Thống kê"}],
    "unit_signer": "Vũ Văn Dũng", "unit_signer_title": "Chủ tịch UBND xã",
}
MINUTES = {
    "team_assessment": "UBND xã Đại Sơn đã quan tâm chỉ đạo, triển khai các nhiệm vụ CCHC năm 2023; còn một số hạn chế trong công khai TTHC và ứng dụng CNTT.",
    "unit_opinion": "UBND xã nhất trí với kết quả kiểm tra và cam kết khắc phục trong thời hạn.",
}
REVIEWS = {
    "B.1": ("Đã ban hành Kế hoạch CCHC năm 2023 và phân công công chức phụ trách.", "Chưa tổ chức đối thoại với người dân.", "Lãnh đạo chưa quan tâm đúng mức."),
    "B.3": ("Bộ phận Tiếp nhận và Trả kết quả bố trí đủ công chức.", "Còn 5 hồ sơ giải quyết quá hạn chưa xin lỗi người dân.", "Thiếu phối hợp giữa các công chức chuyên môn."),
    "B.7": ("Sử dụng chữ ký số trên văn bản điện tử.", "Tỷ lệ hồ sơ trực tuyến còn thấp.", "Hạ tầng CNTT còn hạn chế."),
}
FINDINGS = [
    {"section": "B.3", "text": "Thực hiện xin lỗi người dân đối với 5 hồ sơ giải quyết quá hạn", "due_date": "2023-09-30"},
    {"section": "B.7", "text": "Nâng tỷ lệ hồ sơ tiếp nhận trực tuyến", "due_date": "2023-09-30"},
]
SUMMARY = {
    "summary_assessment": "Các cơ quan, đơn vị được kiểm tra cơ bản thực hiện đúng Kế hoạch CCHC năm 2023.",
    "summary_models": "Mô hình \u201cCà phê số\u201d hướng dẫn người dân nộp hồ sơ trực tuyến của UBND xã Đại Sơn.",
    "summary_reminders": "Chấn chỉnh UBND xã Đại Sơn về việc chưa xin lỗi người dân khi giải quyết hồ sơ quá hạn.",
    "summary_violations": "Chưa phát hiện sai phạm phải xử lý.",
    "office_head_name": "Nguyễn Văn An",
}


@dataclass(frozen=True)
class Rendered:
    pdf: Path
    pages: int
    text: str  # pdftotext, whitespace collapsed
    fonts: str  # pdffonts
    fullness: list[float]  # per page: the share of the text area down to its last line


def _tools() -> dict[str, str]:
    found = {name: shutil.which(name) for name in TOOLS}
    if not all(found.values()):
        missing("LibreOffice / poppler-utils", f"not found: {[name for name, path in found.items() if not path]}")
    return found


def _fullness(pdf: Path) -> list[float]:
    """For each page, how far down the text area (margins 20 mm) the last line of text reaches."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    shares = []
    for page in re.findall(r"<page width=\"([\d.]+)\" height=\"([\d.]+)\">(.*?)</page>", html, re.S):
        height = float(page[1])
        bottoms = [float(y) for y in re.findall(r'yMax="([\d.]+)"', page[2])]
        margin = 20 / 25.4 * 72
        shares.append(max(0.0, (max(bottoms, default=margin) - margin) / (height - 2 * margin)))
    return shares


def _case(db: Database) -> int:
    """The fixed case: the first commune of the plan, every step on time, every part entered."""
    own_numbering(db, "TB", "BC")  # the register numbers them here: the golden numbers are 01/TB-UBND, 01/BC-NV
    inspection = first_case(db, "direct", "commune")
    visit = inspection.visit_date
    fire_in(db, inspection.id, "notify", at(visit - 12 * DAY), notice_date=(visit - 12 * DAY).isoformat(), visit_date=visit.isoformat(), visit_time="08:00")
    fire_in(db, inspection.id, "receive_report", at(visit - 7 * DAY), received_date=(visit - 7 * DAY).isoformat())
    fire_in(db, inspection.id, "visit", at(visit, 12), visit_date=visit.isoformat(), **VISIT)
    with db.session() as session:
        sections = {entry.section.code: entry.section for entry in review_sheet(session, session.get(Inspection, inspection.id))}
        session.rollback()
        for code, (achieved, shortcomings, causes) in REVIEWS.items():
            review_section(session, inspection.id, code, achieved=achieved, shortcomings=shortcomings, causes=causes,
                           missing_items=[sections[code].items[0].id] if code == "B.1" else [], actor=COORDINATOR, now=at(visit, 11))
    fire_in(db, inspection.id, "sign_minutes", at(visit, 15), minutes_date=visit.isoformat(), **MINUTES)
    fire_in(db, inspection.id, "conclude", at(visit + 10 * DAY), conclusion_date=(visit + 10 * DAY).isoformat(), findings=FINDINGS)
    with db.session() as session:
        # Reviewed after the minutes: in the conclusion notice, not in the minutes.
        review_section(session, inspection.id, "B.5", achieved="Đánh giá, xếp loại công chức đúng quy định.", shortcomings=None,
                       actor=COORDINATOR, now=at(visit + 9 * DAY))
    return inspection.id


@pytest.fixture(scope="session")
def golden(sqlite_templates, tmp_path_factory) -> dict[str, Rendered]:
    tools = _tools()
    work = tmp_path_factory.mktemp("golden")
    path = work / "cchc.db"
    shutil.copy(sqlite_templates["seeded"], path)
    db = Database(f"sqlite:///{path}")
    store = FileStore(work / "files", 1 << 22)
    case_id = _case(db)
    with db.session() as session:
        inspection = session.get(Inspection, case_id)
        campaign_id, visit = inspection.campaign_id, inspection.visit_date
        session.rollback()
        record_summary_content(session, campaign_id, actor=COORDINATOR, now=at(visit + 20 * DAY), **SUMMARY)
        criteria.load_sample(session, campaign_id, "commune", actor=COORDINATOR, now=at(visit + 20 * DAY))  # for the scores' annex
    sources = {}
    for kind, spec in DOCUMENT_KINDS.items():
        where = {"inspection_id": case_id} if spec.scope == "case" else {"campaign_id": campaign_id}
        with db.session() as session:
            attachment = render_document(session, store, kind, actor=COORDINATOR, now=at(visit + 21 * DAY), **where)
            sources[f"{kind}.{attachment.original_name.rsplit('.', 1)[1]}"] = store.read(attachment.sha256)
    db.dispose()
    shutil.rmtree(PAGES, ignore_errors=True)
    PAGES.mkdir(parents=True)
    for name, content in sources.items():
        (PAGES / name).write_bytes(content)
    converted = pdf_converter(tools["soffice"]).convert_many(sources)  # one LibreOffice run for all
    rendered = {}
    for name, content in converted.items():
        pdf = PAGES / name
        pdf.write_bytes(content)
        subprocess.run([tools["pdftoppm"], "-r", "60", "-png", str(pdf), str(PAGES / pdf.stem)], check=True, timeout=60)
        text = subprocess.run([tools["pdftotext"], str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        fonts = subprocess.run([tools["pdffonts"], str(pdf)], check=True, capture_output=True, text=True).stdout
        fullness = _fullness(pdf)
        rendered[pdf.stem] = Rendered(pdf, len(fullness), " ".join(text.split()), fonts, fullness)
    return rendered


# Per document: pages expected, and parts that must appear in this order.
EXPECTED = {
    "schedule_notice": ((2, 3), [
        "ỦY BAN NHÂN DÂN", "HUYỆN TỨ KỲ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "THÔNG BÁO", "Lịch kiểm tra công tác cải cách hành chính", "Thực hiện Kế hoạch số ……/KH-UBND ngày ……/……/2023",
        "Căn cứ Quyết định số 2025/QĐ-UBND ngày 17/07/2023", "1. Lịch kiểm tra", "~Địa điểm", f"~{UNIT}", "~08 giờ 00",
        f"~Trụ sở {UNIT_FULL}", "2. Thành phần làm việc", "mời phóng viên Đài Phát thanh huyện Tứ Kỳ",
        "Văn phòng - Thống kê, Tài chính - Kế toán, Tư pháp - Hộ tịch, Văn hóa - Thông tin, Bộ phận Tiếp nhận và Trả kết quả",
        "3. Trách nhiệm", "trước 05 ngày kiểm tra", "Nơi nhận:", "- Đài Phát thanh huyện Tứ Kỳ (để đưa tin);",
        "CT, các PCT UBND huyện Tứ Kỳ", "- Lưu: VT, NV.", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Vũ Thị Hà"]),
    "unit_schedule_notice": ((1, 2), [
        "Số: 01/TB-UBND", "THÔNG BÁO", f"Lịch kiểm tra công tác cải cách hành chính, hoạt động công vụ năm 2023 tại {UNIT_FULL}",
        "1. Thời gian, địa điểm", "- Thời gian: 08 giờ 00", f"- Địa điểm: Trụ sở {UNIT_FULL}.", "2. Thành phần làm việc",
        f"- {UNIT_FULL}: Đại diện Lãnh đạo Đảng ủy và Lãnh đạo UBND", "Bộ phận Tiếp nhận và Trả kết quả.", "3. Trách nhiệm",
        "Nơi nhận:", f"- {UNIT_FULL} (để thực hiện);", "Đài Phát thanh huyện Tứ Kỳ (để đưa tin)", "TM. ỦY BAN NHÂN DÂN", "Vũ Thị Hà"]),
    "minutes": ((3, 5), [
        "UBND HUYỆN TỨ KỲ", "ĐOÀN KIỂM TRA", "Số: 01/BB-ĐKT", "BIÊN BẢN KIỂM TRA", "Căn cứ Kế hoạch số",
        "Căn cứ Quyết định số 2025/QĐ-UBND", "Hôm nay, vào hồi 08 giờ 00, ngày", f"tại trụ sở {UNIT_FULL}", "I. THÀNH PHẦN",
        "1. Đoàn kiểm tra của UBND huyện Tứ Kỳ", "- Ông/Bà Nguyễn Văn An - Phó Chủ tịch UBND huyện, Trưởng đoàn.",
        "- Ông/Bà Trần Thị Bình - Trưởng phòng Nội vụ, Phó Trưởng đoàn.", "- Ông/Bà Lê Thị Mai - Chuyên viên Phòng Nội vụ, Thư ký.",
        "- Ông/Bà Phạm Văn Cường - Phó Chánh Văn phòng HĐND và UBND huyện, Thành viên.", "2. Khách mời",
        "- Phóng viên Đài Phát thanh huyện Tứ Kỳ: Bà Phạm Thu Hà",
        f"3. Đại diện {UNIT_FULL}", "- Ông/Bà Vũ Văn Dũng - Chủ tịch UBND xã.", "- Ông/Bà Đỗ Thị Hoa - Công chức Văn phòng - Thống kê.",
        "- Thành phần tham dự: Đại diện Lãnh đạo Đảng ủy;", "Bộ phận Tiếp nhận và Trả kết quả.",
        "II. NỘI DUNG KIỂM TRA", "1. Công tác chỉ đạo, điều hành", "a) Kết quả đạt được:", REVIEWS["B.1"][0], "b) Tồn tại, hạn chế:",
        REVIEWS["B.1"][1], "Báo cáo của đơn vị chưa nêu các nội dung sau của Đề cương:", "Nguyên nhân:", REVIEWS["B.1"][2],
        "3. Cải cách thủ tục hành chính", REVIEWS["B.3"][1], "5. Cải cách chế độ công vụ", "a) Kết quả đạt được: ....",
        "7. Xây dựng và phát triển chính quyền điện tử", REVIEWS["B.7"][2], "III. ĐÁNH GIÁ CHUNG CỦA ĐOÀN KIỂM TRA",
        MINUTES["team_assessment"], "IV. Ý KIẾN CỦA ĐƠN VỊ ĐƯỢC KIỂM TRA", MINUTES["unit_opinion"],
        "Buổi kiểm tra kết thúc vào hồi 11 giờ 30 cùng ngày", "ĐẠI DIỆN", "THƯ KÝ", "TM. ĐOÀN KIỂM TRA", "Vũ Văn Dũng", "Lê Thị Mai",
        "Nguyễn Văn An"]),
    "conclusion_notice": ((2, 3), [
        "ỦY BAN NHÂN DÂN", "Số: 02/TB-UBND", "THÔNG BÁO", "Kết luận kiểm tra công tác cải cách hành chính, hoạt động công vụ năm 2023", f"tại {UNIT_FULL}",
        "Căn cứ Kế hoạch số", "Căn cứ Quyết định số 2025/QĐ-UBND ngày 17/07/2023 của UBND huyện Tứ Kỳ về việc kiện toàn Đoàn kiểm tra",
        "Căn cứ Biên bản kiểm tra số 01/BB-ĐKT", "1. Ưu điểm", REVIEWS["B.1"][0], REVIEWS["B.3"][0], "Đánh giá, xếp loại công chức",
        "2. Tồn tại, hạn chế", REVIEWS["B.1"][1].rstrip("."), "báo cáo của đơn vị chưa nêu:", REVIEWS["B.3"][1], "3. Nguyên nhân",
        REVIEWS["B.1"][2], REVIEWS["B.7"][2], "4. Kiến nghị", "1. Thực hiện xin lỗi người dân",
        "(Cải cách thủ tục hành chính (TTHC); thời hạn hoàn thành: chậm nhất ngày 02/10/2023).", "5. Tổ chức thực hiện",
        "báo cáo kết quả khắc phục", "chậm nhất ngày 02/10/2023.", "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Vũ Thị Hà"]),
    "summary_report": ((3, 5), [
        "UBND HUYỆN TỨ KỲ", "PHÒNG NỘI VỤ", "Số: 01/BC-NV", "BÁO CÁO", "Kính gửi: Chủ tịch Ủy ban nhân dân huyện Tứ Kỳ.",
        "I. KHÁI QUÁT", "Tổng số 35 cuộc kiểm tra, gồm: Kiểm tra trực tiếp: 25; Tự kiểm tra: 10.",
        "Tình trạng đến ngày", "Dự kiến:", "Đã ban hành kết luận: 1.", "II. KẾT QUẢ KIỂM TRA", "1. Đánh giá chung",
        SUMMARY["summary_assessment"], "2. Kết quả theo từng đơn vị", "~Kiến nghị đạt / tổng số", "~0/2",
        "3. Kiến nghị và kết quả khắc phục", f"{UNIT} (Thông báo kết luận kiểm tra số 02/TB-UBND",
        "1. Thực hiện xin lỗi người dân đối với 5 hồ sơ giải quyết quá hạn; thời hạn: 02/10/2023; đơn vị báo cáo: chưa báo cáo; đánh giá: chưa đánh giá.",
        "III. ĐỀ XUẤT, KIẾN NGHỊ", "1. Mô hình hay, sáng kiến cần nhân rộng", SUMMARY["summary_models"],
        "2. Tập thể, cá nhân cần chấn chỉnh", SUMMARY["summary_reminders"], "3. Đề xuất xử lý", SUMMARY["summary_violations"],
        "Nơi nhận:", "- Như trên;", "- Lưu: VT, NV.", "TRƯỞNG PHÒNG", "Nguyễn Văn An"]),
    "summary_xlsx": ((1, 3), [
        "TỔNG HỢP KẾT QUẢ KIỂM TRA", "~Loại đơn vị", "~Phòng Tài nguyên và Môi trường",
        "~Cơ quan chuyên môn thuộc UBND huyện Tứ Kỳ", f"~{UNIT}", "~UBND xã", "~01/TB-UBND", "~Trang 1/"]),
    "scores_annex": ((1, 1), [
        "Phụ lục", "KẾT QUẢ CHẤM ĐIỂM, XẾP LOẠI", "CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023", "(Kèm theo Báo cáo số 01/BC-NV ngày",
        "của Phòng Nội vụ)", "I. UBND xã, phường, thị trấn", "chưa có đơn vị nào gửi bản tự chấm điểm."]),
}


def test_every_document_type_has_its_golden_case():
    assert set(EXPECTED) == set(DOCUMENT_KINDS)


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_golden_pages(golden, kind):
    document = golden[kind]
    (low, high), parts = EXPECTED[kind]
    assert low <= document.pages <= high, f"{kind}: {document.pages} pages"
    assert sorted(PAGES.glob(f"{kind}-*.png")) and len(list(PAGES.glob(f"{kind}-*.png"))) == document.pages
    rows = [line.split() for line in document.fonts.splitlines()[2:] if line.strip()]
    assert rows, document.fonts
    for row in rows:  # name type encoding emb sub uni object ID
        name, embedded = row[0], row[-5]
        assert embedded == "yes", document.fonts
        assert re.search(r"LiberationSerif|TimesNewRoman", name), f"{kind}: {name} substituted\n{document.fonts}"
    position = 0
    for part in parts:
        if part.startswith("~"):  # in a table: pdftotext reads tables column by column
            assert " ".join(part[1:].split()) in document.text, f"{kind}: {part[1:]!r} missing"
            continue
        found = document.text.find(" ".join(part.split()), position)
        assert found >= 0, f"{kind}: {part!r} missing or out of order after …{document.text[max(0, position - 80):position + 80]}…"
        position = found + len(part)
    for number, share in enumerate(document.fullness[:-1], start=1):
        assert share >= 1 / 3, f"{kind}: page {number} is only {share:.0%} full"
    assert {"schedule_notice": "Số: 03/TB-UBND"}.get(kind, "") in document.text
    assert "B.1" not in document.text and "nội dung B." not in document.text  # no internal codes
    assert "chưa ghi nhận" not in document.text


@pytest.mark.libreoffice
def test_minutes_show_only_what_was_known_at_their_date(golden):
    assert "Đánh giá, xếp loại công chức" not in golden["minutes"].text
    assert "Thực hiện xin lỗi người dân" not in golden["minutes"].text  # a finding of the conclusion, decided later
    assert "Đánh giá, xếp loại công chức" in golden["conclusion_notice"].text


@pytest.mark.libreoffice
def test_page_numbers_from_the_second_page_at_the_top(golden):
    pdf = golden["minutes"].pdf
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    second = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert first.split()[0] != "1" and second.split()[0] == "2"


TYPES = {"schedule_notice": "THÔNG BÁO", "unit_schedule_notice": "THÔNG BÁO", "conclusion_notice": "THÔNG BÁO",
         "minutes": "BIÊN BẢN KIỂM TRA", "summary_report": "BÁO CÁO"}


def _lines(pdf: Path, page: int = 1) -> list[tuple[str, float, float, float, float]]:
    """(text, xMin, yMin, xMax, yMax) of each line of ``page``, in points, in reading order."""
    html = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    found = []
    for box, body in re.findall(r"<line (.*?)>(.*?)</line>", html, re.S):
        x0, y0, x1, y1 = (float(value) for value in re.findall(r'="([\d.]+)"', box))
        found.append((" ".join(re.findall(r">([^<]+)</word>", body)), x0, y0, x1, y1))
    return found


def _longest_dark_run(pdf: Path, top: float, height: float) -> float:
    """The longest horizontal run of dark pixels in a band of page 1 (72 dpi: a pixel is a point)."""
    pgm = subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "72", "-gray", "-y", str(int(top)), "-H", str(int(height) + 1),
                          "-W", "595", "-x", "0", str(pdf)], check=True, capture_output=True).stdout
    header = pgm.split(b"\n", 3)
    width, rows = (int(value) for value in header[1].split())
    pixels = header[3]
    best = 0
    for row in range(rows):
        run = 0
        for value in pixels[row * width:(row + 1) * width]:
            run = run + 1 if value < 160 else 0
            best = max(best, run)
    return float(best)


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", sorted(TYPES))
def test_the_rule_under_the_subject_is_a_third_to_a_half_of_its_line(golden, kind):
    lines = _lines(golden[kind].pdf)
    start = next(index for index, line in enumerate(lines) if line[0] == TYPES[kind])
    subject = [lines[start + 1]]
    for line in lines[start + 2:]:
        if line[2] - subject[-1][4] > 4 or line[0].startswith(("Căn cứ", "Thực hiện", "Kính gửi")):
            break
        subject.append(line)
    widest = max(line[3] - line[1] for line in subject)
    rule = _longest_dark_run(golden[kind].pdf, subject[-1][4] - 1, 12)
    assert widest / 3 <= rule <= widest / 2, f"{kind}: rule {rule:.0f} pt under a subject line of {widest:.0f} pt"
