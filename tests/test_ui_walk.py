"""Every admin page, as each role, in real Chromium at 1366 × 768 (issue #11): the walker follows
every link a role is shown (menus, lists, details, forms, the case page in several states, the
review page, the campaign wizard, the scoring pages) from the dashboard and fails on English
words, ISO dates or raw identifiers in the visible text, a page wider than the screen, a console
error, a failed or 4xx/5xx request. Screenshots go to tests/artifacts/walk/<role>-<page>.png.

One server and one browser for all roles; SQLite only (nothing here depends on the database)."""
from __future__ import annotations

import asyncio
import re
import shutil
import unicodedata
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest

from models import Inspection, OutboxMessage
from models.db import Database, write_transaction
from tests.conftest import PASSWORD, ROLE_USERS, missing
from tests.helpers import COORDINATOR, DAY, at, direct_path, fire_in, run_path
from tests.test_browser import ARTIFACTS, CHROMIUM_FLAGS, serving
from tests.web import login
from vocabulary.states import Kind, State, UnitKind
from workflow.campaigns.drafts import copy_campaign
from workflow.casefile.review import review_section, review_sheet
from workflow.engine.trigger_data import SCHEMAS

WALK = ARTIFACTS / "walk"
ROLES = ("coordinator", "leader", "unit", "inspector", "auditor")
PAGES_PER_ROLE = 90

# Words of an untranslated English UI (Flask-Admin's, WTForms', a date picker's, ours); a
# Vietnamese word written without diacritics that is also English ("to", "an", "in", "do", "can",
# "may", "tin", "ban"…) is left out on purpose.
ENGLISH = set("""
the and of for with not this that from are was were will have has been which when what who your you please
save cancel delete edit create list search filter filters apply page next previous prev first last file choose browse
date name email password login logout log out new add remove view details yes none select all records record items
item export import submit back home show hide close open invalid required field error value case cases unit units
campaign campaigns state kind due days report notice minutes finding findings team inspection inspections audit user
users role status total sort click here more less week month year today until sun mon tue wed thu fri sat jan feb mar
apr jun jul aug sep oct nov dec dashboard alerts alert documents outline score scoring section sections upload
download changes change history reason number time level planned notified visited concluded remediation closed
cancelled accept accepted direct self office commune draft active reference data mail outgoing sent failed pending
actions action selected reset clear yesterday custom range
""".split())
ALLOWED = {"English"}  # the language switch names its language in its own words
IDENTIFIERS = ({s.value for s in State} | {k.value for k in Kind} | {u.value for u in UnitKind} | set(SCHEMAS))
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# Not words: addresses, file names, hashes (hex runs such as "9feb…").
NOT_WORDS = re.compile(r"\S+@\S+|https?://\S+|\S+\.(?:pdf|docx|xlsx|csv|png|svg|ico)\b|\b[0-9a-f]{16,}\b", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]+")
SKIP = re.compile(r"/lang/|logout|/export/|\.xlsx|\.csv|\.docx|\.pdf|/file/|/download|/static/|[?&](sort|desc|page|page_size|flt\d+_?\d*|search)=|as_of=")


def _cases_in_several_states(path) -> None:
    """The seeded campaign with cases in most states, and a draft for the next year: the unit contact's own (#1) in remediation,
    #2 notified, #3 inspected with the team's review of B.1, #4 cancelled, #5 concluded, #6 with
    its remediation reported, #26 (a self-inspection) with its report received."""
    database = Database(f"sqlite:///{path}")
    with database.session() as session:
        visits = {case.id: case.visit_date for case in session.query(Inspection).filter(Inspection.id.in_((1, 2, 3, 4, 5, 6)))}
    for case_id in (1, 5, 6):
        run_path(database, case_id, direct_path(visits[case_id]))
    for case_id in (1, 6):
        fire_in(database, case_id, "start_remediation", at(visits[case_id] + 11 * DAY))
    fire_in(database, 6, "report_remediation", at(visits[6] + 20 * DAY), reported_date=(visits[6] + 20 * DAY).isoformat(),
            statuses={"1": "done", "2": "in_progress"})
    run_path(database, 2, direct_path(visits[2])[:1])
    run_path(database, 3, direct_path(visits[3])[:3])
    with database.session() as session:
        section = next(entry.section for entry in review_sheet(session, session.get(Inspection, 3)) if entry.section.code == "B.1")
        session.rollback()
        review_section(session, 3, section.code, achieved="Đã ban hành Kế hoạch CCHC năm 2023.", shortcomings="Chưa có sáng kiến.",
                       missing_items=[], actor=COORDINATOR, now=at(visits[3], 16))
    fire_in(database, 4, "cancel", at(visits[4] - 20 * DAY), reason="Đơn vị sáp nhập theo Nghị quyết của HĐND huyện")
    with database.session() as session:
        self_case = session.get(Inspection, 26)
        due = self_case.self_check_due or self_case.self_report_due
    fire_in(database, 26, "receive_report", at(due - timedelta(days=1)), received_date=(due - timedelta(days=1)).isoformat())
    with database.session() as session:  # next year's campaign, a draft: the wizard's steps
        copy_campaign(session, "tuky-2023", new_code="tuky-2024", year=2024, actor=COORDINATOR, now=at(date(2023, 12, 1)))
    with database.session() as session, write_transaction(session):  # a mail whose text came decomposed (NFD)
        session.add(OutboxMessage(recipient="donvi1@tuky.local", subject="Nhắc hạn gửi báo cáo", message_id="<walk@tuky.local>",
                                  body=unicodedata.normalize("NFD", "Kính gửi Phòng Y tế: hạn gửi báo cáo là 21/07/2023."),
                                  next_attempt_at=at(date(2023, 7, 18)), created_at=at(date(2023, 7, 18))))
    database.dispose()


@pytest.fixture(scope="module")
def walk_server(web_template, tmp_path_factory):
    directory = tmp_path_factory.mktemp("walk")
    database = directory / "walk.db"
    shutil.copy(web_template, database)
    _cases_in_several_states(database)
    with serving(database, directory) as base:
        yield base


def page_key(url: str) -> str:
    """One page of each kind: ids and numbers folded, so /admin/unit/details/?id=3 and ?id=7 are one."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+", "/N", parts.path)
    query = re.sub(r"(^|&)(id|url)=[^&]*", "", parts.query)
    return (path + ("?" + query.strip("&") if query.strip("&") else "")).strip("/")


# Pages looked at one by one even where their kind was seen: the page of each case made above,
# by the coordinator and the unit contact (the other roles see one case page of each kind).
ONE_BY_ONE = ("coordinator", "unit")
ALWAYS = re.compile(r"/admin/inspection/(details/\?id=|review/)(1|2|3|4|5|6|26)$")


async def problems_on(page) -> list[str]:
    found = []
    text = await page.evaluate("() => document.body.innerText")
    hints = " ".join(await page.evaluate("() => [...document.querySelectorAll('input:not([type=hidden]), textarea, select, [title]')]"
                                         ".filter(e => e.offsetParent !== null).map(e => (e.placeholder || '') + ' ' + (e.title || ''))"))
    for where, words in (("text", text), ("placeholder/title", hints)):
        if dates := ISO_DATE.findall(words):
            found.append(f"ISO date in the {where}: {sorted(set(dates))[:5]}")
        tokens = set(WORD.findall(NOT_WORDS.sub(" ", words)))
        english = sorted(t for t in tokens if t.isascii() and t.casefold() in ENGLISH and t not in ALLOWED)
        if english:
            found.append(f"English in the {where}: {english[:12]}")
        raw = sorted({t for t in re.findall(r"[a-z_]+", NOT_WORDS.sub(" ", words)) if t in IDENTIFIERS and "_" in t})
        if raw:
            found.append(f"raw identifiers in the {where}: {raw}")
    width = await page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if width[0] > width[1]:
        found.append(f"wider than the screen: {width[0]} > {width[1]} px")
    return found


async def case_list_reads_at_a_glance(page) -> list[str]:
    """One line per case (names do not wrap), and a row's menu of other actions opens whole."""
    found = []
    heights = await page.evaluate("() => [...document.querySelectorAll('table.model-list tbody tr')].map(tr => tr.offsetHeight)")
    if not heights or max(heights) > 40:
        found.append(f"case list rows of up to {max(heights or [0])} px (one line is at most 40)")
    await page.click("table.model-list .dropdown-toggle-split >> nth=0")
    menu = page.locator("table.model-list .dropdown-menu.show")
    await menu.wait_for()
    box, height = await menu.bounding_box(), await page.evaluate("() => document.documentElement.scrollHeight")
    if box is None or box["x"] < 0 or box["x"] + box["width"] > 1366 or box["y"] + box["height"] > height:
        found.append(f"a row's menu is cut off: {box}")
    if not await menu.locator("a.text-danger[data-trigger=cancel]").count():
        found.append("the row's menu has no “Hủy cuộc kiểm tra” apart, in red")
    await page.screenshot(path=str(WALK / "coordinator-inspection-row-menu.png"))
    return found


async def walk(browser, base: str, role: str) -> dict[str, list[str]]:
    """Breadth first from the dashboard along every link the role is shown; the problems by page."""
    context = await browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = await context.new_page()
    failures: dict[str, list[str]] = {}
    errors: list[str] = []
    page.on("console", lambda message: errors.append(f"console: {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
    # A request the next page's navigation cut short is not a failure of the page.
    page.on("requestfailed", lambda request: errors.append(f"failed request: {request.url} ({request.failure})")
            if request.failure != "net::ERR_ABORTED" else None)
    page.on("response", lambda response: errors.append(f"{response.status}: {response.url}") if response.status >= 400 else None)
    await page.goto(base + "/login")
    await page.screenshot(path=str(WALK / f"{role}-login.png"), full_page=True)
    if found := await problems_on(page) + errors:
        failures["/login"] = found
    await page.fill("#email", ROLE_USERS[role][0])
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_load_state()
    queue, seen = [page.url], {page_key(page.url)}
    for visited in range(PAGES_PER_ROLE):
        if not queue:
            break
        url = queue.pop(0)
        errors.clear()
        response = await page.goto(url)
        key = url.removeprefix(base) if ALWAYS.search(url) else page_key(url)
        name = re.sub(r"[^\w]+", "-", key.removeprefix("/").removeprefix("admin")).strip("-") or "dashboard"
        await page.screenshot(path=str(WALK / f"{role}-{name}.png"), full_page=True)
        found = await problems_on(page) + errors
        if key == "admin/inspection" and role == "coordinator":
            found += await case_list_reads_at_a_glance(page)
        if response is None or response.status >= 400:
            found.append(f"answered {response.status if response else 'nothing'}")
        if found:
            failures[url.removeprefix(base)] = found
        for href in await page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)"):
            href = href.split("#")[0]
            if not href.startswith(base + "/admin") or SKIP.search(href):
                continue
            link_key = href if role in ONE_BY_ONE and ALWAYS.search(href) else page_key(href)
            if link_key not in seen:
                seen.add(link_key)
                queue.append(href)
    if queue:
        failures["(walk)"] = [f"more than {PAGES_PER_ROLE} pages: {len(queue)} left, e.g. {queue[:3]}"]
    await context.close()
    return failures


async def walk_every_role(base: str, chromium: str) -> dict[str, list[str]]:
    """The roles side by side in one browser (one tab each): the walk takes the time of the longest."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        walks = await asyncio.gather(*(walk(browser, base, role) for role in ROLES))
        await browser.close()
    return {f"{role} {url}": found for role, failures in zip(ROLES, walks) for url, found in failures.items()}


def test_every_page_as_every_role_reads_vietnamese_and_fits_the_screen(walk_server):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        missing("Chromium", "apt-get install chromium")
    WALK.mkdir(parents=True, exist_ok=True)
    failures = asyncio.run(walk_every_role(walk_server, chromium))
    assert not failures, "\n".join(f"{where}: {found}" for where, found in failures.items())


def test_the_audit_csv_opens_in_excel_with_its_diacritics(app):
    client = app.test_client()
    login(client, "auditor")
    response = client.get("/admin/audit/export/csv/")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = response.data.decode("utf-8-sig")
    assert response.data.startswith("\ufeff".encode()) and "Nạp kế hoạch" in text and "seed:" not in text  # the actor named, not its code
