"""Issue 9 in real Chromium against gunicorn, as a coordinator would do it: next year's campaign
from the 2023 one — a unit removed, one added, an outline pasted from the plan, a schedule
proposed and one visit moved, the cases created and the first notice sent — then a surprise
inspection of a commune taken to signed minutes that name the radio reporter."""
from __future__ import annotations

from datetime import datetime, timezone

import docx

from tests import samples
from tests.test_browser import act, browser, fill_dates, log_in, page, server, snap  # noqa: F401 (fixtures)
from vocabulary.config import PROJECT_DIR, local_date
from vocabulary.i18n import format_date
from workflow.campaigns.outline_parser import OUTLINE_START

PLAN_TEXT = (PROJECT_DIR / "plans" / "data" / "ke-hoach-kiem-tra-cchc-2023.txt").read_text(encoding="utf-8")
COMMUNE_OUTLINE = PLAN_TEXT[PLAN_TEXT.rindex(OUTLINE_START):]  # the second outline: communes
NEW_UNIT = "Trung tâm Phục vụ hành chính công"
REMOVED = "UBND xã Hà Kỳ"
RADIO = "Phóng viên Trần Văn Bình, Đài Phát thanh huyện"


def go(page, selector: str) -> None:
    page.click(selector)
    page.wait_for_load_state()


def test_next_years_campaign_and_a_surprise_inspection(server, page, tmp_path):
    log_in(page, server, "coordinator")

    # A unit that did not exist in 2023 joins the registry.
    page.goto(server + "/admin/unit/new/")
    page.fill("#name", NEW_UNIT)
    page.fill("#full_name", NEW_UNIT + " huyện Tứ Kỳ")
    page.select_option("#kind", "office")
    page.select_option("#category", "co_quan_khac")
    go(page, "input[type=submit]")

    # "Tạo đợt kiểm tra mới": a copy of 2023, moved to 2027.
    go(page, "text=Đợt kiểm tra")
    assert page.inner_text("span[data-status=active]") == "Đang thực hiện"
    snap(page, "20-campaigns")
    go(page, "#new-campaign")
    page.fill("#year", "2027")
    page.fill("#code", "tuky-2027")
    go(page, "#submit")
    assert "Dự thảo" in page.inner_text("span[data-status=draft]")
    assert page.input_value("#window_start") == "01/07/2027" and page.input_value("#team_decision_date") == "17/07/2027"
    page.fill("#plan_number", "45/KH-UBND")
    # The 2027 plan and the team's decision are issued today, so that a notice can go out today.
    issued = format_date(local_date(datetime.now(timezone.utc)))
    fill_dates(page, plan_date=issued, team_decision_date=issued)
    snap(page, "21-draft-settings")
    go(page, "#submit")

    # Units: one removed, one added.
    assert page.locator("#units-table tr[data-unit] select").count() >= 36
    page.select_option(f"tr[data-unit='{REMOVED}'] select", "")
    page.select_option(f"tr[data-unit='{NEW_UNIT}'] select", "direct")
    snap(page, "22-draft-units")
    go(page, "#submit")

    # Outlines: the communes' outline pasted from the plan, checked, saved.
    page.fill("#text-commune", COMMUNE_OUTLINE)
    go(page, "button[data-preview=commune]")
    preview = page.inner_text("#preview-commune")
    assert "Công tác chỉ đạo, điều hành" in preview and page.locator("#preview-commune li[data-section='B.9']").count() == 1
    snap(page, "23-outline-preview")
    go(page, "button[data-save=commune]")
    assert "Đã lưu đề cương" in page.inner_text(".alert-success")
    go(page, "#next")

    # Schedule: proposed, then one visit moved by hand.
    page.fill("#proposal-avoid", "28/07/2027 Họp HĐND huyện")
    go(page, "#propose")
    dates = page.locator("#schedule-table input[name^=date-]")
    assert dates.count() == 25 and all(value for value in (dates.nth(i).input_value() for i in range(25)))
    assert "28/07/2027" not in [dates.nth(i).input_value() for i in range(25)]
    first = page.locator("#schedule-table tr[data-unit='Phòng Tài nguyên và Môi trường']")
    first.locator("input[name^=date-]").fill("30/07/2027")
    first.locator("input[name^=time-]").fill("09:00")
    page.click("h2")
    snap(page, "24-draft-schedule")
    go(page, "#submit")

    # "Tạo hồ sơ": every case at once; the case list now shows 2027.
    assert page.inner_text("#campaign-summary [data-count=direct]") == "25"
    snap(page, "25-draft-create")
    go(page, "#activate")
    assert "35 hồ sơ" in page.inner_text(".alert-success")
    assert page.locator("table.model-list tbody tr").count() == 35
    assert REMOVED not in page.inner_text("table.model-list") and NEW_UNIT in page.inner_text("table.model-list")
    assert "2027" in page.inner_text("#campaign-choice option:checked")
    snap(page, "26-cases-2027")
    go(page, "a:text('Phòng Tài nguyên và Môi trường')")
    assert "30/07/2027 09:00" in page.inner_text("#case-fields")
    # Dated today, before the window of July–August 2027: allowed with a recorded reason (issue 15).
    act(page, "notify", notice_number="57/TB-UBND", date_reason="Thông báo sớm theo chỉ đạo của Chủ tịch UBND")
    assert page.inner_text("#case-state") == "Đã thông báo lịch"

    # A surprise inspection of a commune, opened on the day.
    go(page, "text=Hồ sơ kiểm tra")
    go(page, "#open-inspection")
    page.select_option("#unit", REMOVED)
    page.check("input[name=kind][value=surprise]")
    page.fill("#reason", "Phản ánh của người dân về việc giải quyết thủ tục hành chính")
    snap(page, "27-open-inspection")
    go(page, "#submit")
    assert page.inner_text("#case-state") == "Dự kiến" and "Kiểm tra đột xuất" in page.inner_text("#case-fields")
    today = format_date(local_date(datetime.now(timezone.utc)))
    page.click("#case-actions a[data-trigger=visit]")
    page.wait_for_load_state()
    assert "Đài Phát thanh huyện" in page.inner_text("label[for=radio]")
    for member in ("1", "3"):  # the roster, copied with the 2023 campaign
        page.check(f"input[name=team][value='{member}']")
    page.fill("#radio", RADIO)
    fill_dates(page, visit_date=today)
    go(page, "#submit")
    act(page, "sign_minutes", upload=str(samples.write(tmp_path, "Biên bản đã ký.pdf", samples.PDF)), minutes_date=today,
        participants="Chủ tịch UBND xã; Công chức Văn phòng - Thống kê")
    assert page.inner_text("#case-state") == "Đã thông qua biên bản"
    go(page, "button[data-render=minutes]")
    with page.expect_download() as download:
        page.click(f"#case-files a:text('Biên bản kiểm tra {REMOVED}.docx')")
    minutes = tmp_path / "minutes.docx"
    download.value.save_as(minutes)
    text = "\n".join(paragraph.text for paragraph in docx.Document(minutes).paragraphs)
    assert RADIO in text and "Chủ tịch UBND xã" in text
    snap(page, "28-surprise-minutes")

    # The unit's page: its inspections across the years, under the names they had.
    go(page, "#unit-history-link")
    years = page.locator("#unit-cases tbody tr td:first-child").all_inner_texts()
    assert years[0] == "2027" and "2023" in years
    snap(page, "29-unit-history")
    go(page, "text=Đợt kiểm tra")
    assert page.locator("span[data-status=active]").count() == 2
    go(page, "a:text('Kiểm tra công tác cải cách hành chính, hoạt động công vụ năm 2027')")
    assert "Bắt đầu đợt kiểm tra" in page.inner_text("#campaign-history")
    snap(page, "30-campaign-2027")

    # Last year's campaign stays readable under its own name, dates and outlines.
    page.select_option("#campaign-choice", "tuky-2023")
    page.wait_for_load_state()
    go(page, "text=Tổng quan")
    assert page.inner_text("h2") == "Kiểm tra công tác cải cách hành chính, hoạt động công vụ năm 2023"
    snap(page, "31-dashboard-2023")
