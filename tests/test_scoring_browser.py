"""In real Chromium: a commune scores itself against the SAMPLE set with its evidence, the team
corrects two criteria with reasons during the visit, a lost criterion becomes a finding in one
click, the conclusion notice shows the scores, and the ranking and its charts show the result.
Screenshots go to tests/artifacts/."""
from __future__ import annotations

from datetime import timedelta

import docx
import openpyxl
from sqlalchemy import select

from models import Inspection, Unit
from models.db import Database
from tests import samples
from tests.conftest import PASSWORD, SEED_NOW
from tests.test_browser import PAPER, act, browser, fill_dates, log_in, page, server, snap, switch_to  # noqa: F401 (fixtures)
from workflow.people.accounts import save_user
from workflow.people.permissions import Actor

COMMUNE_EMAIL = "vanthu@xa.tuky.local"


def commune_case(tmp_path) -> Inspection:
    """The first commune's direct case, and a login for that commune (added beside the server's users)."""
    database = Database(f"sqlite:///{tmp_path / 'web.db'}")
    with database.session() as session:
        inspection = session.scalars(select(Inspection).join(Unit).where(Unit.kind == "commune", Inspection.kind == "direct")
                                     .order_by(Inspection.id)).first()
        session.expunge(inspection)
        save_user(session, email=COMMUNE_EMAIL, role="unit", unit_name=inspection.unit_name, password=PASSWORD,
                  actor=Actor("test", "admin"), now=SEED_NOW)
    database.dispose()
    return inspection


def as_commune(page, base: str) -> None:
    page.click("#logout")
    page.wait_for_load_state()
    page.goto(base + "/login")
    page.fill("#email", COMMUNE_EMAIL)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def row(page, code: str):
    return page.locator(f"#score-sheet tr[data-code='{code}']")


def test_a_commune_scores_itself_and_the_team_appraises_it(server, page, tmp_path):
    inspection = commune_case(tmp_path)
    visit = inspection.visit_date
    dmy = lambda day: day.strftime("%d/%m/%Y")
    evidence = samples.write(tmp_path, "Tài liệu kiểm chứng.pdf", samples.PDF)
    page.on("dialog", lambda dialog: dialog.accept())

    log_in(page, server, "coordinator")
    page.click("text=Chấm điểm Chỉ số CCHC")
    page.wait_for_load_state()
    page.click("button[data-sample=commune]")
    page.wait_for_load_state()
    assert "MẪU" in page.inner_text("#criteria-sets tr[data-set=commune]")
    snap(page, "scoring-01-criteria-sets")
    page.goto(f"{server}/admin/inspection/details/?id={inspection.id}")
    act(page, "notify", notice_date=dmy(visit - timedelta(days=12)), notice_number="58/TB-UBND")

    as_commune(page, server)
    page.click("text=Chấm điểm Chỉ số CCHC")
    page.wait_for_load_state()
    assert page.url.endswith(f"/admin/scoring/case/{inspection.id}")
    rows = page.locator("#score-sheet tr[data-code]")
    for index in range(rows.count()):
        line = rows.nth(index)
        choice = line.locator("select[name^='value-']")
        if choice.count():
            choice.select_option(index=1)  # yes, or the first (highest) level
        else:
            line.locator("input[name^='value-']").fill("100")
        if line.locator(".badge-info").count():
            line.locator("input[type=file]").set_input_files(str(evidence))
    row(page, "3.2").locator("textarea").fill("Năm 2023 tiếp nhận 1.250 hồ sơ, tất cả giải quyết đúng hạn.")
    page.click("#save-sheet")
    page.wait_for_load_state()
    assert "chưa gửi" in page.inner_text(".alert-success")
    assert row(page, "3.2").locator("a[data-evidence]").count() == 1
    page.click("#submit-sheet")
    page.wait_for_load_state()
    assert "đã khóa" in page.inner_text(".alert-success")
    assert page.locator("#score-sheet input[name^='value-'], #score-sheet select[name^='value-']").count() == 0
    assert page.inner_text("#self-total").startswith("100 / 100")
    snap(page, "scoring-02-self-assessment-submitted")

    switch_to(page, server, "coordinator")
    page.goto(f"{server}/admin/inspection/details/?id={inspection.id}")
    act(page, "receive_report", received_date=dmy(visit - timedelta(days=7)), paper_reason=PAPER)
    act(page, "visit", visit_date=dmy(visit), team=(1, 2, 3))
    switch_to(page, server, "inspector")
    page.goto(f"{server}/admin/inspection/details/?id={inspection.id}")
    page.click("#scoring-link")
    page.wait_for_load_state()
    for radio in page.locator("#score-sheet input[value=accept]").all():
        radio.check()
    on_time, one_stop = row(page, "3.2"), row(page, "3.1.1")
    on_time.locator("input[value=correct]").check()
    on_time.locator("input[name^='final-']").fill("93,5")
    one_stop.locator("input[value=correct]").check()
    one_stop.locator("select[name^='final-']").select_option("0")
    one_stop.locator("[name^='reason-']").fill("Chưa niêm yết 12 TTHC mới ban hành")
    page.click("#save-appraisal")
    page.wait_for_load_state()
    assert "cần nêu lý do" in page.inner_text(".field-refusal")  # 3.2 was corrected without its reason
    row(page, "3.2").locator("[name^='reason-']").fill("Hệ thống một cửa ghi nhận 93,5% hồ sơ đúng hạn")
    page.click("#save-appraisal")
    page.wait_for_load_state()
    assert page.inner_text("#final-total").startswith("94 / 100") and page.inner_text("#final-band") == "Xuất sắc"
    assert page.inner_text("#difference") == "-6 điểm"
    assert page.locator("#score-sheet tr.table-danger").count() == 2
    assert page.locator("#field-chart svg rect").count() >= 16
    snap(page, "scoring-03-appraisal")

    page.goto(f"{server}/admin/inspection/details/?id={inspection.id}")
    act(page, "sign_minutes", upload=str(samples.write(tmp_path, "Biên bản đã ký.pdf", samples.PDF)), minutes_date=dmy(visit),
        participants="Lãnh đạo UBND xã; Đoàn kiểm tra")
    page.click("#scoring-link")
    page.wait_for_load_state()
    page.click("button[data-propose='3.1.1']")  # one click: to the conclusion form, the finding filled in
    page.wait_for_load_state()
    assert "/fire/" in page.url and page.input_value("#findings-0-text").startswith("Khắc phục tồn tại ở tiêu chí 3.1.1 “Công khai đầy đủ")
    assert page.input_value("#findings-0-section") == "B.3"
    snap(page, "scoring-04-conclusion-prefilled")
    switch_to(page, server, "coordinator")
    page.goto(f"{server}/admin/inspection/fire/{inspection.id}/conclude")
    # The proposed finding carries its section and text; its deadline is the team's to set, and the
    # notice's number is the one the agency's văn thư gave (issue 15).
    fill_dates(page, **{"conclusion_number": "59/TB-UBND", "conclusion_date": dmy(visit + timedelta(days=7)),
                        "findings-0-due_date": dmy(visit + timedelta(days=40))})
    page.click("#submit")
    page.wait_for_load_state()
    assert page.locator("#findings tbody tr").count() == 1 and "3.1.1" in page.inner_text("#findings")
    page.click("button[data-render=conclusion_notice]")
    page.wait_for_load_state()
    with page.expect_download() as download:
        page.click("#case-files a:text('Thông báo kết luận kiểm tra %s.docx')" % inspection.unit_name)
    saved = tmp_path / "ket-luan.docx"
    download.value.save_as(saved)
    notice = docx.Document(saved)
    text = "\n".join(p.text for p in notice.paragraphs)
    assert "4. Kết quả chấm điểm Chỉ số cải cách hành chính" in text and "Đoàn kiểm tra thẩm định 94 điểm" in text
    assert [c.text for c in notice.tables[-2].rows[-1].cells][1:] == ["Tổng cộng", "100", "100", "94"]

    page.click("text=Chấm điểm Chỉ số CCHC")
    page.wait_for_load_state()
    ranked = page.locator("table.ranking[data-kind=commune] tbody tr").first.inner_text()
    assert inspection.unit_name in ranked and "94" in ranked and "Xuất sắc" in ranked
    assert page.locator("#ranking-chart-commune svg rect").count() >= 1
    snap(page, "scoring-05-ranking")
    with page.expect_download() as download:
        page.click("#ranking-xlsx")
    download.value.save_as(tmp_path / "xep-hang.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "xep-hang.xlsx").worksheets[0]
    assert [cell.value for cell in sheet[4]][:2] == [1, inspection.unit_name]
    with page.expect_download() as download:  # the ranking as the summary report's annex, kept with the campaign's documents
        page.click("#annex-docx")
    download.value.save_as(tmp_path / "phu-luc.docx")
    annex = docx.Document(tmp_path / "phu-luc.docx")
    assert [c.text for c in annex.tables[0].rows[1].cells] == ["1", inspection.unit_name, "100", "94", "-6", "Xuất sắc", "–"]
    page.click("text=Tổng quan")
    page.wait_for_load_state()
    assert page.locator("#score-rankings").count() == 1 and page.locator(".ranking-chart").count() == 1
    assert page.locator("[data-distribution] svg title").all_text_contents() == ["Xuất sắc: 1"]
    assert page.locator(".dashboard-fields svg rect").count() >= 16  # the first unit against the average, by field
    snap(page, "scoring-06-dashboard")
