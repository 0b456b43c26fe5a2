"""End to end in real headless Chromium (Debian's, driven by Playwright) against the app served by
gunicorn: what a coordinator, a unit contact and an auditor do by clicking. Screenshots of the main
pages go to tests/artifacts/."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.request import urlopen

import docx
import openpyxl
import pytest

from tests import samples
from tests.conftest import PASSWORD, ROLE_USERS, missing
from vocabulary.config import PROJECT_DIR

ARTIFACTS = PROJECT_DIR / "tests" / "artifacts"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


@contextmanager
def serving(database: Path, directory: Path, **settings: str) -> Iterator[str]:
    """The app under gunicorn on a free loopback port, on the SQLite file ``database`` (and any
    more ``settings`` of the environment, e.g. TRUST_ROOTS); yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "browser-test",
           "AUDIT_CHECKPOINT_DIR": str(directory / "checkpoints"), **settings}
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                                "--threads", "4", "wsgi:create_app()"], cwd=PROJECT_DIR, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urlopen(base + "/healthz", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def server(web_template, tmp_path):
    """The app on a fresh copy of the seeded database."""
    database = tmp_path / "web.db"
    shutil.copy(web_template, database)
    with serving(database, tmp_path) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        missing("Chromium", "apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A page; every test fails if the Content-Security-Policy blocked anything on it."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(f"{page.url}: {message.text}") if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert not blocked, blocked


ADMIN_PAGES = ["/admin/", "/admin/inspection/", "/admin/inspection/details/?id=1", "/admin/inspection/fire/1/notify",
               "/admin/inspection/correct/1", "/admin/alert/", "/admin/documents/", "/admin/audit/", "/admin/audit/details/?id=1",
               "/admin/campaign/edit/?id=1", "/admin/unit/", "/admin/user/", "/admin/outline_item/", "/admin/outbox/"]


def test_every_admin_page_works_under_the_csp(server, page):
    """No inline script runs but the page's own, by nonce: each page loads, its scripts work (the
    date picker opens, a filter is added, the delete asks first) and the CSP blocks nothing."""
    log_in(page, server, "coordinator")
    for path in ADMIN_PAGES:
        response = page.goto(server + path)
        page.wait_for_load_state()
        assert response.status == 200 and "'nonce-" in response.headers["content-security-policy"], path
    page.goto(server + "/admin/audit/")
    page.click("a.nav-link:text('Thêm bộ lọc')") if page.locator("a.nav-link:text('Thêm bộ lọc')").count() else None
    page.click("a.filter >> nth=0") if page.locator("a.filter").count() else None
    page.goto(server + "/admin/inspection/fire/1/notify")
    page.click("#notice_date")
    assert page.locator(".daterangepicker, .datepicker, .bootstrap-datetimepicker-widget").count() >= 1
    page.goto(server + "/admin/outline_item/")
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.locator("form.icon button").first.click()
    page.wait_for_load_state()
    assert asked, "the delete did not ask first"
    snap(page, "csp-outline-items")


def log_in(page, base: str, role: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", ROLE_USERS[role][0])
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def switch_to(page, base: str, role: str) -> None:
    """Log out (the button in the navigation bar) and log in as ``role``."""
    page.click("#logout")
    page.wait_for_load_state()
    log_in(page, base, role)


def snap(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def fill_dates(page, **fields: str) -> None:
    """Type into the fields; a click on the heading closes the date picker the way a user would."""
    for name, value in fields.items():
        page.fill(f"#{name}", value)
        page.click("h2")


def open_surprise_case(page, base: str, unit: str, visit_date: str, reason: str) -> int:
    """"Mở cuộc kiểm tra": a surprise inspection of ``unit`` opened on the day, with its reason; its id."""
    page.goto(base + "/admin/inspection/open/")
    page.select_option("#unit", unit)
    page.check("input[name=kind][value=surprise]")
    fill_dates(page, visit_date=visit_date)
    page.fill("#reason", reason)
    page.click("#submit")
    page.wait_for_load_state()
    return int(re.search(r"id=(\d+)", page.url).group(1))


def act(page, trigger: str, upload: str | None = None, team: tuple[int, ...] = (), **fields: str) -> None:
    """Fire ``trigger`` from the case page: tick the ``team`` members of the roster, type ``fields``,
    attach ``upload`` (a path) as the file."""
    page.click(f"#case-actions a[data-trigger={trigger}]")
    page.wait_for_load_state()
    for member in team:
        page.check(f"input[name=team][value='{member}']")
    fill_dates(page, **fields)
    if upload:
        page.set_input_files("#file", upload)
    page.click("#submit")
    page.wait_for_load_state()


PAPER = "Nhận bản giấy trực tiếp tại Phòng Nội vụ"


def test_a_coordinator_takes_a_case_from_planned_to_closed(server, page, tmp_path):
    scan = samples.write(tmp_path, "Biên bản đã ký.pdf", samples.PDF)
    log_in(page, server, "coordinator")
    snap(page, "01-dashboard")
    page.click("text=Hồ sơ kiểm tra")
    page.wait_for_load_state()
    snap(page, "02-cases")
    page.click("a:text('Phòng Giáo dục và Đào tạo')")
    page.wait_for_load_state()
    assert page.inner_text("#case-state") == "Dự kiến"

    page.click("#case-actions a[data-trigger=notify]")
    page.wait_for_load_state()
    # The văn thư numbers the UBND's notices: nothing is proposed, the field is required.
    assert page.input_value("#notice_number") == "" and page.get_attribute("#notice_number", "placeholder") == "57/TB-UBND"
    assert page.locator("label[for=notice_number] + .required-mark").count() == 1
    page.click("a:text('Quay lại')")
    page.wait_for_load_state()
    act(page, "notify", notice_date="17/07/2023", notice_number="59/TB-UBND")
    assert "Dự kiến → Đã thông báo lịch" in page.inner_text(".alert-success")
    act(page, "receive_report", received_date="21/07/2023", paper_reason=PAPER)
    act(page, "visit", visit_date="27/07/2023", team=(1, 2, 3))
    page.click("#case-actions a[data-trigger=sign_minutes]")
    page.wait_for_load_state()
    fill_dates(page, minutes_date="27/07/2023", participants="Lãnh đạo phòng")
    page.set_input_files("#file", str(scan))
    page.click("#submit")
    page.wait_for_load_state()
    page.click("#case-actions a[data-trigger=conclude]")
    page.wait_for_load_state()
    fill_dates(page, conclusion_date="03/08/2023", conclusion_number="60/TB-UBND")
    page.select_option("#findings-0-section", "B.3")
    page.fill("#findings-0-text", "Chưa niêm yết đầy đủ thủ tục hành chính")
    fill_dates(page, **{"findings-0-due_date": "30/09/2023"})
    page.click("#add-finding")
    page.select_option("#findings-3-section", "B.7")
    page.fill("#findings-3-text", "Tỷ lệ hồ sơ trực tuyến còn thấp")
    snap(page, "03-conclude-form")
    page.click("#submit")
    page.wait_for_load_state()
    # The second finding has no deadline: refused on its own row, nothing recorded.
    row_refusal = page.inner_text(".field-refusal[data-field=findings-3-due_date]")
    assert "Kiến nghị số 2: Vui lòng nhập hạn khắc phục." in row_refusal
    snap(page, "03b-finding-row-refused")
    fill_dates(page, **{"findings-3-due_date": "30/09/2023"})
    page.click("#submit")
    page.wait_for_load_state()
    assert page.inner_text("#case-state") == "Đã ban hành kết luận"
    assert page.locator("#findings tbody tr").count() == 2
    act(page, "start_remediation")
    page.click("#case-actions a[data-trigger=report_remediation]")
    page.wait_for_load_state()
    assert page.input_value("#statuses-0-status") == ""  # no status chosen for the unit
    fill_dates(page, reported_date="25/09/2023", paper_reason=PAPER)
    page.select_option("#statuses-0-status", "done")
    page.select_option("#statuses-1-status", "done")
    page.click("#submit")
    page.wait_for_load_state()
    for number in (1, 2):  # the team accepts the remediation of each finding
        page.click(f"form.decide-finding[data-finding='{number}'] button[value='1']")
        page.wait_for_load_state()
    assert page.locator("#findings [data-accepted='1']").count() == 2
    act(page, "accept")
    assert page.inner_text("#case-state") == "Hoàn thành"
    timeline = page.inner_text("#timeline")
    assert timeline.count("coordinator@tuky.local") == 10 and "Chấp nhận và hoàn thành" in timeline
    assert page.locator("#diagram svg").count() == 1
    snap(page, "04-case-closed")


def test_a_notice_too_late_is_refused_next_to_its_field(server, page):
    log_in(page, server, "coordinator")
    page.goto(server + "/admin/inspection/details/?id=1")
    page.click("#case-actions a[data-trigger=notify]")
    page.wait_for_load_state()
    fill_dates(page, notice_date="18/07/2023")
    page.click("#submit")
    page.wait_for_load_state()
    refusal = page.inner_text(".field-refusal[data-field=notice_date]")
    assert "phải gửi trước ngày kiểm tra ít nhất 10 ngày" in refusal and "17/07/2023" in refusal
    snap(page, "05-notice-refused")
    page.goto(server + "/admin/inspection/details/?id=1")
    assert page.inner_text("#case-state") == "Dự kiến"


def test_the_vanthu_number_is_recorded_as_typed_and_not_twice_in_the_year(server, page):
    log_in(page, server, "coordinator")
    page.goto(server + "/admin/inspection/details/?id=1")
    act(page, "notify", notice_date="17/07/2023", notice_number="57/TB-UBND")
    message = page.inner_text(".alert-success")
    assert "Dự kiến → Đã thông báo lịch" in message and "Số đã vào sổ: 57/TB-UBND." in message  # no reason asked
    page.goto(server + "/admin/inspection/details/?id=2")
    act(page, "notify", notice_date="17/07/2023", notice_number="57/TB-UBND")
    refusal = page.inner_text(".field-refusal[data-field=notice_number]")
    assert "Số 57/TB-UBND đã cấp cho văn bản khác ngày 17/07/2023" in refusal
    snap(page, "05b-notice-number-taken")
    page.goto(server + "/admin/inspection/details/?id=2")
    assert page.inner_text("#case-state") == "Dự kiến"
    # A visit on a day off: refused next to the date, naming the holiday.
    page.goto(server + "/admin/inspection/details/?id=3")
    page.click("#case-actions a[data-trigger=notify]")
    page.wait_for_load_state()
    fill_dates(page, notice_date="17/07/2023", visit_date="02/09/2023", notice_number="61/TB-UBND")
    page.click("#submit")
    page.wait_for_load_state()
    refusals = " ".join(page.locator(".field-refusal[data-field=visit_date]").all_inner_texts())
    assert "02/09/2023 là ngày lễ, Tết (Quốc khánh" in refusals and "ngoài thời gian kiểm tra của đợt" in refusals
    snap(page, "05c-visit-on-a-holiday")


def test_a_unit_contact_sees_only_its_own_unit(server, page):
    log_in(page, server, "unit")
    assert "/admin/inspection/" in page.url  # unit contacts land on their cases
    rows = page.locator("table.model-list tbody tr")
    assert rows.count() == 1 and "Phòng Tài nguyên và Môi trường" in rows.first.inner_text()
    assert page.locator("a[data-trigger]").all_inner_texts() == ["Gửi báo cáo"] or \
        page.locator("a[data-trigger]").count() == 0
    page.goto(server + "/admin/inspection/details/?id=2")
    assert "Không có trang hoặc bản ghi này." in page.inner_text("#error-message")
    page.goto(server + "/admin/audit/")
    assert "Vai trò của bạn không được mở trang này." in page.inner_text("#error-message")
    snap(page, "06-unit-refused")


def test_an_auditor_reads_and_verifies_the_log(server, page):
    log_in(page, server, "auditor")
    page.click("text=Nhật ký thay đổi")
    page.wait_for_load_state()
    assert page.locator("table.model-list tbody tr").count() >= 50
    snap(page, "07-audit-log")
    page.click("#verify-chain")
    page.wait_for_load_state()
    assert page.get_attribute("#verify-result", "data-ok") == "1"
    assert "Nhật ký nguyên vẹn" in page.inner_text("#verify-result")
    snap(page, "08-audit-verified")
    with page.expect_download() as download:
        page.goto(server + "/admin/audit/")
        page.click("text=Kết xuất")
        page.click("a:text('Kết xuất XLSX')")
    assert download.value.suggested_filename.endswith(".xlsx")


def test_the_case_file_from_the_report_to_the_campaign_summary(server, page, tmp_path):
    """The unit hands in its report; the team reviews it against the outline, concludes with a
    finding, draws up the minutes and the conclusion notice; the office downloads the campaign's
    summary report and spreadsheet."""
    report = samples.write(tmp_path, "Báo cáo CCHC 2023.docx", samples.docx_bytes())
    appendix = samples.write(tmp_path, "Phụ lục 1.pdf", samples.PDF)
    disguised = samples.write(tmp_path, "bao-cao.pdf", "chỉ là văn bản".encode())

    log_in(page, server, "coordinator")
    page.goto(server + "/admin/inspection/details/?id=1")
    act(page, "notify", notice_date="17/07/2023", notice_number="57/TB-UBND")
    switch_to(page, server, "unit")
    page.goto(server + "/admin/inspection/details/?id=1")
    page.click("#case-actions a[data-trigger=receive_report]")
    page.wait_for_load_state()
    page.set_input_files("#file", str(disguised))
    page.click("#submit")
    page.wait_for_load_state()
    assert "nội dung tệp không phải PDF, DOCX, XLSX, JPEG hay PNG" in page.inner_text(".field-refusal[data-field=file]")
    assert page.locator("#received_date").count() == 0  # the day it reaches the office is the server's
    page.set_input_files("#file", str(report))
    page.set_input_files("#appendices", str(appendix))
    page.click("#submit")
    page.wait_for_load_state()
    assert page.inner_text("#case-state") == "Đã nhận báo cáo"
    assert page.locator("#case-files a[data-file]").all_inner_texts() == ["Báo cáo CCHC 2023.docx", "Phụ lục 1.pdf"]
    switch_to(page, server, "coordinator")
    page.goto(server + "/admin/inspection/details/?id=1")
    page.click("#review-link")
    page.wait_for_load_state()
    # One form: what is typed in B.1 is saved with B.3, not thrown away.
    page.locator("[data-section='B.1'] textarea[name^=achieved]").fill("Đã ban hành Kế hoạch CCHC năm 2023.")
    section = page.locator("[data-section='B.3']")
    section.locator("textarea[name^=achieved]").fill("Đã công khai TTHC tại Bộ phận một cửa.")
    section.locator("textarea[name^=shortcomings]").fill("Chưa cập nhật TTHC mới ban hành.")
    section.locator("input[name^=missing]").first.check()
    section.locator("button").click()
    page.wait_for_load_state()
    saved = " ".join(page.locator(".alert-success").all_inner_texts())
    assert "Mục B.3: đã lưu." in saved and "Mục B.1: đã lưu." in saved
    assert page.input_value("[data-section='B.1'] textarea[name^=achieved]") == "Đã ban hành Kế hoạch CCHC năm 2023."
    snap(page, "09-review")
    page.goto(server + "/admin/inspection/details/?id=1")
    act(page, "visit", visit_date="27/07/2023", team=(1, 2, 3))
    page.click("#case-actions a[data-trigger=sign_minutes]")
    page.wait_for_load_state()
    fill_dates(page, minutes_date="27/07/2023", participants="Lãnh đạo phòng; Đoàn kiểm tra")
    page.set_input_files("#file", str(appendix))
    page.click("#submit")
    page.wait_for_load_state()
    page.click("#case-actions a[data-trigger=conclude]")
    page.wait_for_load_state()
    fill_dates(page, conclusion_date="03/08/2023", conclusion_number="58/TB-UBND")
    page.select_option("#findings-0-section", "B.3")
    page.fill("#findings-0-text", "Cập nhật, công khai đầy đủ TTHC mới ban hành")
    fill_dates(page, **{"findings-0-due_date": "29/09/2023"})
    page.click("#submit")
    page.wait_for_load_state()
    for kind in ("minutes", "conclusion_notice"):
        page.click(f"button[data-render={kind}]")
        page.wait_for_load_state()
    documents = page.locator("#case-files a[data-file]").all_inner_texts()
    assert "Biên bản kiểm tra Phòng Tài nguyên và Môi trường.docx" in documents
    assert "Thông báo kết luận kiểm tra Phòng Tài nguyên và Môi trường.docx" in documents
    with page.expect_download() as download:
        page.click("#case-files a:text('Thông báo kết luận kiểm tra Phòng Tài nguyên và Môi trường.docx')")
    saved = tmp_path / "conclusion.docx"
    download.value.save_as(saved)
    assert "Cập nhật, công khai đầy đủ TTHC mới ban hành" in "\n".join(p.text for p in docx.Document(saved).paragraphs)
    snap(page, "10-case-file")

    page.click("text=Văn bản")
    page.wait_for_load_state()
    for kind in ("summary_report", "summary_xlsx"):
        page.click(f"button[data-render={kind}]")
        page.wait_for_load_state()
    names = page.locator("#campaign-files a[data-file]").all_inner_texts()
    assert any(name.startswith("Báo cáo tổng hợp kết quả kiểm tra") for name in names)
    xlsx_name = next(name for name in names if name.endswith(".xlsx"))
    with page.expect_download() as download:
        page.click(f"#campaign-files a:text('{xlsx_name}')")
    spreadsheet = tmp_path / "summary.xlsx"
    download.value.save_as(spreadsheet)
    workbook = openpyxl.load_workbook(spreadsheet)
    rows = [[cell for cell in row] for row in workbook.active.iter_rows(values_only=True)]
    assert any("Phòng Tài nguyên và Môi trường" in [str(c) for c in row] for row in rows)
    snap(page, "11-campaign-documents")


def test_the_date_picker_speaks_vietnamese(server, page):
    log_in(page, server, "coordinator")
    page.goto(server + "/admin/inspection/fire/1/notify")
    page.click("#notice_date")
    picker = page.locator(".daterangepicker:visible")
    weekdays = picker.locator("thead tr").nth(1).inner_text().split()
    assert weekdays == ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]  # the week starts on Monday
    assert picker.locator("select.monthselect option").all_inner_texts()[:2] == ["Th1", "Th2"]
    snap(page, "11-date-picker")
    page.fill("#notice_date", "")
    page.type("#notice_date", "32/13/2023")  # not a date: kept as typed, not "Invalid date"
    page.click("h2")
    assert page.input_value("#notice_date") == "32/13/2023"
    page.click("#submit")
    page.wait_for_load_state()
    assert "dd/mm/yyyy" in page.inner_text(".field-refusal[data-field=notice_date]")
    page.fill("#notice_date", "")
    page.type("#notice_date", "14/07/2023")  # a whole date closes the picker: the button is free
    assert page.input_value("#notice_date") == "14/07/2023" and not page.is_visible(".daterangepicker")

    page.goto(server + "/admin/audit/?flt0_0=" + "01%2F07%2F2023+00%3A00+%E2%80%93+31%2F08%2F2023+23%3A59")
    page.click("input.filter-val")
    picker = page.locator(".daterangepicker:visible")
    assert picker.locator(".applyBtn").inner_text() == "Áp dụng" and picker.locator(".cancelBtn").inner_text() == "Đóng"
    assert picker.locator("input[name=daterangepicker_start]").input_value() == "01/07/2023 00:00"
    snap(page, "12-audit-time-range")


def test_a_surprise_case_recorded_on_site_reads_back_in_its_minutes(server, page, tmp_path):
    """Issue 30: a surprise case opened on the day, its team picked from the roster, what the team
    found typed on the record page (a refusal keeps every text typed), and the minutes drawn up
    from it: "đột xuất" and the reason, the team's names and titles, no report of the unit."""
    reason = "Phản ánh của người dân về việc chậm trả kết quả"
    log_in(page, server, "coordinator")
    open_surprise_case(page, server, "UBND xã Chí Minh", "09/08/2023", reason)
    assert page.locator("#review-link").count() == 0  # nothing to record before the visit, no report to review
    act(page, "visit", team=(1, 3, 4), visit_date="09/08/2023", visit_started="08:00", visit_ended="10:30",
        radio="Trần Văn Bình", **{"unit_people-0-name": "Vũ Văn Dũng", "unit_people-0-title": "Chủ tịch UBND xã"})
    assert page.inner_text("#case-state") == "Đã kiểm tra trực tiếp"
    page.click("#review-link")
    page.wait_for_load_state()
    assert page.inner_text("h2") == "Ghi nhận kết quả kiểm tra"
    assert page.locator("input[name^=missing]").count() == 0  # no report: nothing "missing from the report"
    section = page.locator("[data-section='B.1']")
    section.locator("textarea[name^=achieved]").fill("Đã ban hành Kế hoạch CCHC năm 2023.")
    section.locator("textarea[name^=shortcomings]").fill("Chưa niêm yết đầy đủ TTHC.")
    section.locator("textarea[name^=causes]").fill("Công chức mới nhận nhiệm vụ.")
    page.fill("#team_assessment", "UBND xã quan tâm công tác CCHC.")
    page.fill("#unit_opinion", "x" * 20_001)  # too long: refused, and nothing typed is lost
    page.click("#save-record")
    page.wait_for_load_state()
    assert "quá dài" in " ".join(page.locator(".alert-danger").all_inner_texts())
    assert page.input_value("#team_assessment") == "UBND xã quan tâm công tác CCHC."
    assert page.input_value("[data-section='B.1'] textarea[name^=causes]") == "Công chức mới nhận nhiệm vụ."
    page.fill("#unit_opinion", "UBND xã nhất trí với kết quả kiểm tra.")
    page.click("#save-record")
    page.wait_for_load_state()
    assert "Đánh giá chung của Đoàn và ý kiến của đơn vị: đã lưu." in " ".join(page.locator(".alert-success").all_inner_texts())
    snap(page, "12-record-surprise")
    page.click("text=Về hồ sơ")
    page.wait_for_load_state()
    page.click("button[data-render=minutes]")
    page.wait_for_load_state()
    name = next(n for n in page.locator("#case-files a[data-file]").all_inner_texts() if n.startswith("Biên bản kiểm tra UBND xã Chí Minh"))
    with page.expect_download() as download:
        page.click(f"#case-files a:text('{name}')")
    saved = tmp_path / "minutes.docx"
    download.value.save_as(saved)
    from tests.documents_readback import lines

    text = "\n".join(lines(docx.Document(saved)))
    assert "kiểm tra đột xuất" in text and f"Lý do kiểm tra đột xuất: {reason}." in text
    assert "báo cáo của đơn vị" not in text.lower()
    for line in ("- Ông/Bà Nguyễn Văn An - Phó Chủ tịch UBND huyện, Trưởng đoàn.", "- Ông/Bà Lê Thị Mai - Chuyên viên Phòng Nội vụ, Thư ký.",
                 "- Ông/Bà Vũ Văn Dũng - Chủ tịch UBND xã.", "Đã ban hành Kế hoạch CCHC năm 2023.", "UBND xã quan tâm công tác CCHC.",
                 "UBND xã nhất trí với kết quả kiểm tra."):
        assert line in text
    assert text.splitlines()[-2:] == ["Lê Thị Mai", "Nguyễn Văn An"]
