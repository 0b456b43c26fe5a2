"""Issue 30 end to end, in real headless Chromium against gunicorn: a direct case and a surprise
case of the seeded campaign taken from the visit to a signed conclusion notice by clicking, as the
coordinator, the team's chair and secretary, the leader and the văn thư would. Each signer's key
is registered by ``users signing-key`` (the chair's on a SoftHSM2 token, the others PKCS#12 files
of the test PKI); the minutes and the conclusion are read back (DOCX and PDF text), the signed PDFs
checked by pyHanko's validation (documents.signatures.check_pdf), and their signature pages
rendered to tests/artifacts/signed/ to be looked at."""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from documents.signatures.checking import TrustStore, check_pdf
from models.db import Database
from tests import pki as test_pki
from tests.conftest import FLASK, PASSWORD, SEED_NOW, VN, missing
from tests.documents_readback import in_order, lines, open_docx
from tests.signature_images import blue_signature_png, red_seal_png
from tests.test_browser import act, browser, fill_dates, open_surprise_case, page, serving, snap  # noqa: F401 (fixtures)
from vocabulary.config import PROJECT_DIR
from workflow.people.accounts import save_user
from workflow.people.permissions import Actor

ARTIFACTS = PROJECT_DIR / "tests" / "artifacts" / "signed"
CHAIR, SECRETARY, LEADER, CLERK = "chair", "secretary", "leader", "clerk"
# Who signs, as the roster (chair, secretary) and the campaign (its signer) name them.
SIGNERS = {
    CHAIR: ("truongdoan@tuky.local", "inspector", "Nguyễn Văn An"),
    SECRETARY: ("thuky@tuky.local", "inspector", "Lê Thị Mai"),
    LEADER: ("chutich@tuky.local", "leader", "Vũ Thị Hà"),
    CLERK: ("vanthu@tuky.local", "clerk", "Đào Thị Văn"),
}
COORDINATOR_EMAIL = "coordinator@tuky.local"
# The roster's members as the minutes print them.
TEAM = {1: "Nguyễn Văn An - Phó Chủ tịch UBND huyện, Trưởng đoàn", 2: "Trần Thị Bình - Trưởng phòng Nội vụ, Phó Trưởng đoàn",
        3: "Lê Thị Mai - Chuyên viên Phòng Nội vụ, Thư ký", 4: "Phạm Văn Cường - Phó Chánh Văn phòng HĐND và UBND huyện, Thành viên"}
REASON = "Phản ánh của người dân về việc chậm trả kết quả hồ sơ đất đai"
PAPER = "Nhận bản giấy trực tiếp tại Phòng Nội vụ"
DOTS = "……"
pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]


@dataclass
class Site:
    base: str
    trust: TrustStore
    folder: Path


def _tools() -> dict[str, str]:
    tools = {name: shutil.which(name) for name in ("soffice", "pdftoppm", "pdftotext")}
    if not all(tools.values()):
        missing("LibreOffice / poppler-utils", f"not found: {[name for name, path in tools.items() if not path]}")
    return tools


@pytest.fixture(scope="module")
def site(web_template, tmp_path_factory, signing_pki, softhsm) -> Site:
    """One server for the module: the seeded database with the signers' accounts, each key
    registered by ``users signing-key``; gunicorn gets the passphrase, the PIN, SOFTHSM2_CONF and
    TRUST_ROOTS."""
    _tools()
    folder = tmp_path_factory.mktemp("signed-e2e")
    database = folder / "web.db"
    shutil.copy(web_template, database)
    db = Database(f"sqlite:///{database}")
    with db.session() as session:
        for email, role, name in SIGNERS.values():
            save_user(session, email=email, role=role, name=name, password=PASSWORD, actor=Actor("test", "admin"), now=SEED_NOW)
    db.dispose()
    token = softhsm.make_token("e2e-chair", signing_pki.issue("e2e-chair", SIGNERS[CHAIR][2], test_pki.BODY), "chair-key")
    settings = {"DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "browser-test", "FILES_DIR": str(folder / "files"),
                "AUDIT_CHECKPOINT_DIR": str(folder / "checkpoints"), "TRUST_ROOTS": str(signing_pki.trust_dir),
                "P12_PASSPHRASE": test_pki.PASSPHRASE, **token.env}
    signature, seal = folder / "chu-ky.png", folder / "con-dau.png"
    signature.write_bytes(blue_signature_png())
    seal.write_bytes(red_seal_png())
    p12 = ("--passphrase-env", "P12_PASSPHRASE")
    keys = {
        CHAIR: ("--pkcs11", token.module, "--token", token.label, "--key", token.key_label, "--pin-env", "TOKEN_PIN", "--image", str(signature)),
        SECRETARY: ("--p12", str(signing_pki.issue("e2e-secretary", SIGNERS[SECRETARY][2], test_pki.BODY).p12_path), *p12, "--image", str(signature)),
        LEADER: ("--p12", str(signing_pki.issue("e2e-leader", SIGNERS[LEADER][2], test_pki.BODY).p12_path), *p12, "--image", str(signature)),
        CLERK: ("--p12", str(signing_pki["organisation"].p12_path), *p12, "--image", str(seal)),
    }
    for who, options in keys.items():
        result = subprocess.run([*FLASK, "users", "signing-key", SIGNERS[who][0], *options], cwd=PROJECT_DIR,
                                env={**os.environ, **settings}, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0 and SIGNERS[who][0] in result.stdout, result.stderr
    settings.pop("DATABASE_URL"), settings.pop("SECRET_KEY"), settings.pop("AUDIT_CHECKPOINT_DIR")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # not emptied: under xdist each test's worker may start its own server
    with serving(database, folder, **settings) as base:
        yield Site(base, TrustStore.from_folder(signing_pki.trust_dir), folder)


# --- what the users do ---------------------------------------------------------------------------

def log_in_as(page, site: Site, email: str) -> None:
    if page.locator("#logout").count():
        page.click("#logout")
        page.wait_for_load_state()
    page.goto(site.base + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#logout").count() == 1, f"{email} did not log in"


def case_files(page) -> list[dict]:
    """The case page's files: id, name and stage (draft / issued / signed; '' for an upload), newest first or as listed."""
    return page.eval_on_selector_all("#case-files tbody tr", """rows => rows.filter(r => r.querySelector('a[data-file]')).map(r => ({
        id: Number(r.querySelector('a[data-file]').dataset.file), name: r.querySelector('a[data-file]').innerText,
        stage: (r.querySelector('[data-stage]') || {dataset: {stage: ''}}).dataset.stage,
        label: (r.querySelector('[data-stage]') || {innerText: ''}).innerText}))""")


def newest(page, stage: str, prefix: str) -> dict:
    found = [f for f in case_files(page) if f["stage"] == stage and f["name"].startswith(prefix)]
    assert found, (stage, prefix, case_files(page))
    return max(found, key=lambda f: f["id"])


def download(page, site: Site, file_id: int) -> bytes:
    response = page.request.get(f"{site.base}/admin/inspection/file/{file_id}")
    assert response.ok
    return response.body()


def open_case(page, site: Site, case_id: int) -> None:
    page.goto(f"{site.base}/admin/inspection/details/?id={case_id}")
    page.wait_for_load_state()


def success(page) -> str:
    flashed = " ".join(page.locator(".alert-success").all_inner_texts())
    refused = " ".join(page.locator(".alert-danger").all_inner_texts())
    assert flashed and not refused, refused
    return flashed


def record_on_site(page, site: Site, case_id: int, tag: str) -> dict[str, str]:
    """On "Ghi nhận kết quả kiểm tra": what the team found in every section, its assessment and
    the unit's opinion; returns what was typed."""
    open_case(page, site, case_id)
    page.click("#review-link")
    page.wait_for_load_state()
    assert page.inner_text("h2") == "Ghi nhận kết quả kiểm tra"
    typed = {}
    for section in page.locator("[data-section]").all():
        code = section.get_attribute("data-section")
        for part, words in (("achieved", "Kết quả"), ("shortcomings", "Hạn chế"), ("causes", "Nguyên nhân")):
            typed[f"{part}-{code}"] = f"{words} mục {code} ({tag})."
            section.locator(f"textarea[name^={part}]").fill(typed[f"{part}-{code}"])
    typed["team_assessment"] = f"Đoàn đánh giá đơn vị đã quan tâm công tác CCHC ({tag})."
    typed["unit_opinion"] = f"Đơn vị nhất trí với kết quả kiểm tra ({tag})."
    page.fill("#team_assessment", typed["team_assessment"])
    page.fill("#unit_opinion", typed["unit_opinion"])
    page.click("#save-record")
    page.wait_for_load_state()
    assert "Đánh giá chung của Đoàn và ý kiến của đơn vị: đã lưu." in success(page)
    snap(page, f"signed-{tag}-1-record")
    return typed


def draw_up_and_issue(page, site: Site, case_id: int, kind: str, prefix: str, number: str) -> tuple[bytes, bytes]:
    """Draw the document up (a draft, "Dự thảo"), then issue it ("Ban hành"): the draft's DOCX and
    the issued PDF."""
    open_case(page, site, case_id)
    page.click(f"button[data-render={kind}]")
    page.wait_for_load_state()
    draft = newest(page, "draft", prefix)
    assert draft["label"] == "Dự thảo" and draft["name"].endswith(".docx"), draft
    if number.startswith("…"):  # no number yet: the name says it is a draft
        assert draft["name"].endswith("(dự thảo).docx"), draft
    docx_bytes = download(page, site, draft["id"])
    draft_text = "\n".join(lines(open_docx(docx_bytes)))
    assert f"Số: …/{number.split('/', 1)[1]}" in draft_text or f"Số: {number}" in draft_text, draft_text[:600]
    page.click(f"button[data-issue='{draft['id']}']")
    page.wait_for_load_state()
    success(page)
    issued = newest(page, "issued", prefix)
    assert issued["label"] == "Ban hành" and issued["name"].endswith(".pdf"), issued
    return docx_bytes, download(page, site, issued["id"])


def sign_in_turn(page, site: Site, case_id: int, who: list[str], prefix: str) -> bytes:
    """Each of ``who`` logs in and clicks "Ký số" on the newest version; the fully signed PDF."""
    for step, role in enumerate(who, start=1):
        log_in_as(page, site, SIGNERS[role][0])
        open_case(page, site, case_id)
        buttons = page.locator("button[data-sign]")
        assert buttons.count() == 1 and buttons.inner_text() == "Ký số", f"{role}: {buttons.count()} sign buttons"
        buttons.click()
        page.wait_for_load_state()
        assert "Đã ký số" in success(page)
        signed = newest(page, "signed", prefix)
        assert signed["name"].endswith(f"(đã ký {step}-{len(who)}).pdf") and signed["label"] == f"Đã ký ({step}/{len(who)})", signed
        assert page.locator(f"[data-verdict='{signed['id']}']").inner_text().startswith("Chữ ký số hợp lệ")
    snap(page, f"signed-{prefix[:20]}-{case_id}-signed")
    return download(page, site, signed["id"])


# --- what is checked ----------------------------------------------------------------------------

def pdf_text(pdf: bytes) -> str:
    result = subprocess.run([_tools()["pdftotext"], "-layout", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60)
    return result.stdout.decode()


def without_plan_blanks(text: str) -> str:
    """The text less the plan's own number and date, which the seeded plan leaves blank."""
    return re.sub(r"Kế hoạch số …+/KH-UBND ngày …+/…+/2023", "", " ".join(text.split()))


def assert_signed(pdf: bytes, site: Site, signers: list[str]) -> None:
    """Valid by pyHanko's validation: each signature intact, trusted, covering the whole file,
    the people in order, then the organisation."""
    # pyHanko validates with asyncio.run, which cannot run inside Playwright's loop: on another thread.
    with ThreadPoolExecutor(1) as worker:
        verdict = worker.submit(check_pdf, pdf, site.trust).result()
    assert verdict.status == "valid", verdict.message
    assert [(check.role, check.signer) for check in verdict.signatures] == \
        [*(("person", SIGNERS[who][2]) for who in signers), ("organisation", test_pki.BODY)]
    assert all(c.intact and c.trusted and c.covers_whole_file and c.valid_at_signing and not c.revoked for c in verdict.signatures)
    times = [check.signed_at for check in verdict.signatures]
    assert times == sorted(times)


def signature_pages(pdf: bytes) -> list[int]:
    pages = set()
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
        for annotation in page.get("/Annots") or []:
            widget = annotation.get_object()
            if widget.get("/FT") == "/Sig" or widget.get("/Parent", {}).get("/FT") == "/Sig":
                pages.add(number)
    return sorted(pages)


def render_pages(pdf: bytes, name: str) -> list[Path]:
    """The first page and those carrying the signatures, at 80 dpi, in tests/artifacts/signed/."""
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    rendered = []
    for number in sorted({0, *signature_pages(pdf)}):  # the first page too: its number and date
        stem = ARTIFACTS / f"{name}-page{number + 1}"
        subprocess.run([_tools()["pdftoppm"], "-png", "-r", "80", "-f", str(number + 1), "-l", str(number + 1), "-singlefile",
                        str(source), str(stem)], check=True, timeout=60)
        rendered.append(stem.with_suffix(".png"))
    assert rendered and all(path.stat().st_size > 10_000 for path in rendered)
    return rendered


def minutes_to_conclusion(page, site: Site, case_id: int, *, tag: str, unit: str, number: str, typed: dict[str, str],
                          team: list[int], unit_signer: str, surprise: bool) -> None:
    """From the recorded visit on: the minutes drawn up, issued, signed (chair, secretary, văn thư),
    uploaded as signed; the conclusion; its notice drawn up, issued, signed (leader, văn thư)."""
    minutes_prefix = f"Biên bản kiểm tra {unit}"
    minutes_docx, issued = draw_up_and_issue(page, site, case_id, "minutes", minutes_prefix, "…/BB-ĐKT")
    minutes = open_docx(minutes_docx)
    text = "\n".join(lines(minutes))
    assert DOTS not in without_plan_blanks(text), [line for line in lines(minutes) if DOTS in line]
    in_order(minutes, "BIÊN BẢN KIỂM TRA", *(f"- Ông/Bà {TEAM[member]}." for member in team),
             *(typed[f"achieved-{code}"] for code in ("B.1", "B.2")), "ĐÁNH GIÁ CHUNG", typed["team_assessment"], "Ý KIẾN",
             typed["unit_opinion"], "THƯ KÝ", "TRƯỞNG ĐOÀN")
    # The names alone under the signatures: the unit's (the first of its people present, left out on the form), the team's.
    assert lines(minutes)[-3:] == [unit_signer, "Lê Thị Mai", "Nguyễn Văn An"]
    assert all(value in text for value in typed.values())  # everything recorded, in its section
    if surprise:
        assert "đột xuất" in text and f"Lý do kiểm tra đột xuất: {REASON}." in text and "báo cáo của đơn vị" not in text.lower()
        assert "- Phóng viên Đài Phát thanh huyện Tứ Kỳ: Trần Văn Bình (ghi hình, đưa tin)." in text
    else:
        assert "đột xuất" not in text and "đã nghiên cứu báo cáo của đơn vị" in text
    issued_text = pdf_text(issued)
    minutes_number = re.search(r"Số: *(\d+/BB-ĐKT)", issued_text)
    assert minutes_number, issued_text[:800]  # the register's number, before signing
    assert DOTS not in without_plan_blanks(issued_text)

    signed = sign_in_turn(page, site, case_id, [CHAIR, SECRETARY, CLERK], minutes_prefix)
    render_pages(signed, f"{tag}-minutes")
    assert_signed(signed, site, [CHAIR, SECRETARY])
    signed_text = " ".join(pdf_text(signed).split())
    assert f"Số: {minutes_number.group(1)}" in signed_text and DOTS not in without_plan_blanks(signed_text)
    if surprise:
        assert "kiểm tra đột xuất" in signed_text and REASON in signed_text and "báo cáo của đơn vị" not in signed_text.lower()

    # The coordinator records the signing with the signed file, the number proposed as issued.
    log_in_as(page, site, COORDINATOR_EMAIL)
    open_case(page, site, case_id)
    page.click("#case-actions a[data-trigger=sign_minutes]")
    page.wait_for_load_state()
    assert page.input_value("#minutes_number") == minutes_number.group(1)
    upload = site.folder / f"{tag}-bien-ban-da-ky.pdf"
    upload.write_bytes(signed)
    page.set_input_files("#file", str(upload))
    page.click("#submit")
    page.wait_for_load_state()
    assert page.inner_text("#case-state") == "Đã thông qua biên bản", success(page)

    today = datetime.now(VN).date()
    page.click("#case-actions a[data-trigger=conclude]")
    page.wait_for_load_state()
    fill_dates(page, conclusion_date=today.strftime("%d/%m/%Y"), conclusion_number=number)
    page.select_option("#findings-0-section", "B.3")
    page.fill("#findings-0-text", f"Công khai đầy đủ thủ tục hành chính tại Bộ phận một cửa ({tag})")
    fill_dates(page, **{"findings-0-due_date": (today + timedelta(days=60)).strftime("%d/%m/%Y")})
    page.click("#submit")
    page.wait_for_load_state()
    assert page.inner_text("#case-state") == "Đã ban hành kết luận", " ".join(page.locator(".alert-danger, .field-refusal").all_inner_texts())

    conclusion_prefix = f"Thông báo kết luận kiểm tra {unit}"
    conclusion_docx, issued = draw_up_and_issue(page, site, case_id, "conclusion_notice", conclusion_prefix, number)
    conclusion = open_docx(conclusion_docx)
    text = "\n".join(lines(conclusion))
    assert DOTS not in without_plan_blanks(text), [line for line in lines(conclusion) if DOTS in line]
    in_order(conclusion, typed["team_assessment"], "1. Ưu điểm", typed["achieved-B.1"], "2. Tồn tại, hạn chế", typed["shortcomings-B.1"],
             "3. Nguyên nhân", typed["causes-B.1"], "4. Kiến nghị", f"({tag})", "Vũ Thị Hà")
    assert all(value in text for name, value in typed.items() if name != "unit_opinion")  # what the team found, section by section
    if surprise:
        assert "đột xuất" in text and REASON in text and "báo cáo của đơn vị" not in text.lower() and "Trên cơ sở báo cáo" not in text
    assert f"Số: {number}" in " ".join(pdf_text(issued).split())

    signed = sign_in_turn(page, site, case_id, [LEADER, CLERK], conclusion_prefix)
    render_pages(signed, f"{tag}-conclusion")
    assert_signed(signed, site, [LEADER])
    signed_text = " ".join(pdf_text(signed).split())
    assert f"Số: {number}" in signed_text and DOTS not in without_plan_blanks(signed_text)
    assert f"Tứ Kỳ, ngày {datetime.now(VN):%d} tháng {datetime.now(VN):%m} năm {datetime.now(VN):%Y}" in signed_text
    log_in_as(page, site, COORDINATOR_EMAIL)


def test_a_direct_case_from_the_visit_to_a_signed_conclusion(site, page):
    case_id = 1  # Phòng Tài nguyên và Môi trường, a direct inspection with a report
    log_in_as(page, site, COORDINATOR_EMAIL)
    open_case(page, site, case_id)
    act(page, "notify", notice_date="17/07/2023", notice_number="57/TB-UBND")
    act(page, "receive_report", received_date="21/07/2023", paper_reason=PAPER)
    act(page, "visit", team=(1, 2, 3), visit_date="27/07/2023", visit_started="08:00", visit_ended="11:00",
        **{"unit_people-0-name": "Đặng Văn Khoa", "unit_people-0-title": "Trưởng phòng Tài nguyên và Môi trường"})
    assert page.inner_text("#case-state") == "Đã kiểm tra trực tiếp"
    typed = record_on_site(page, site, case_id, "direct")
    minutes_to_conclusion(page, site, case_id, tag="direct", unit="Phòng Tài nguyên và Môi trường", number="60/TB-UBND",
                          typed=typed, team=[1, 2, 3], unit_signer="Đặng Văn Khoa", surprise=False)


def test_a_surprise_case_from_the_visit_to_a_signed_conclusion(site, page):
    log_in_as(page, site, COORDINATOR_EMAIL)
    case_id = open_surprise_case(page, site.base, "UBND xã Chí Minh", "09/08/2023", REASON)
    act(page, "visit", team=(1, 3, 4), visit_date="09/08/2023", visit_started="08:00", visit_ended="10:30", radio="Trần Văn Bình",
        **{"unit_people-0-name": "Vũ Văn Dũng", "unit_people-0-title": "Chủ tịch UBND xã"})
    assert page.inner_text("#case-state") == "Đã kiểm tra trực tiếp"
    typed = record_on_site(page, site, case_id, "surprise")
    minutes_to_conclusion(page, site, case_id, tag="surprise", unit="UBND xã Chí Minh", number="61/TB-UBND",
                          typed=typed, team=[1, 3, 4], unit_signer="Vũ Văn Dũng", surprise=True)
