"""In real Chromium: a unit hands in a tampered signed report and is refused next to the file
field; it then hands in the report as signed and sees, next to the file in the case's files,
"Chữ ký số hợp lệ — ký bởi …". Screenshots go to tests/artifacts/."""
from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests import samples, signed_reports
from tests.test_browser import act, browser, log_in, page, serving, snap, switch_to  # noqa: F401 (fixtures)


@pytest.fixture
def trusting_server(web_template, tmp_path, signing_pki):
    """The app on a fresh copy of the seeded database, trusting the test PKI's roots."""
    database = tmp_path / "web.db"
    shutil.copy(web_template, database)
    with serving(database, tmp_path, TRUST_ROOTS=str(signing_pki.trust_dir), FILES_DIR=str(tmp_path / "files")) as base:
        yield base


def test_a_unit_sees_its_tampered_report_refused_and_its_signed_report_checked(trusting_server, page, tmp_path, signing_pki):
    server = trusting_server
    # pyHanko signs with asyncio.run, which cannot run inside Playwright's loop: sign on another thread.
    with ThreadPoolExecutor(1) as worker:
        report = worker.submit(signed_reports.signed, signed_reports.report_pdf(), signing_pki["person"]).result()
    tampered = samples.write(tmp_path, "Báo cáo CCHC 2023.pdf", signed_reports.tampered(report))
    log_in(page, server, "coordinator")
    page.goto(server + "/admin/inspection/details/?id=1")
    act(page, "notify", notice_date="17/07/2023", notice_number="57/TB-UBND")
    switch_to(page, server, "unit")
    page.goto(server + "/admin/inspection/details/?id=1")
    act(page, "receive_report", upload=str(tampered))
    refusal = page.inner_text(".field-refusal[data-field=file]")
    assert "Báo cáo CCHC 2023.pdf: bị từ chối vì chữ ký số không toàn vẹn" in refusal and "Tệp đã bị sửa đổi sau khi ký" in refusal
    snap(page, "arrival-1-tampered-refused")

    (tmp_path / "signed").mkdir()
    page.set_input_files("#file", str(samples.write(tmp_path / "signed", "Báo cáo CCHC 2023.pdf", report)))
    page.click("#submit")
    page.wait_for_load_state()
    assert page.inner_text("#case-state") == "Đã nhận báo cáo"
    assert "Chữ ký số hợp lệ — ký bởi Nguyễn Văn Ánh" in page.inner_text(".alert-success")
    verdict = page.locator("#case-files [data-signatures]")
    assert verdict.count() == 1 and verdict.inner_text().startswith("Chữ ký số hợp lệ — ký bởi Nguyễn Văn Ánh, lúc ")
    assert "signatures-success" in verdict.get_attribute("class")
    page.locator("#files").scroll_into_view_if_needed()
    snap(page, "arrival-2-signed-report-checked")
