"""Every bad input the probe of issue 12 sent, on both databases: a 404 or 422 answered in kind
(problem+json under /api/, a page in the admin, a Vietnamese line from the CLI), never a 500 or a
traceback, nothing changed; and the headers every response carries."""
from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from sqlalchemy import func, select

from models import AuditEntry
from tests.conftest import PASSWORD
from tests.helpers import first_case
from tests.web import new_coordinator_token
from vocabulary.config import Settings

COORDINATOR = "dieuphoi@tuky.local"


@pytest.fixture
def served(database_url, tmp_path):
    """The app on each database, with a coordinator and their API token."""
    from wsgi import create_app

    application = create_app(Settings(database_url=database_url, secret_key="test", files_dir=tmp_path / "files",
                                      checkpoint_dir=tmp_path / "checkpoints"))
    database = application.extensions["database"]
    token = new_coordinator_token(database, COORDINATOR, PASSWORD)
    client = application.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    yield application, client
    database.dispose()


def _log_size(application) -> int:
    with application.extensions["database"].session() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry))


HUGE = ["2147483648", "9223372036854775808", "99999999999999999999999", "-1", "0", "abc", "1e3"]


@pytest.mark.parametrize("path", [f"/api/v1/inspections/{value}" for value in HUGE] + [f"/api/v1/inspections/{value}/fire" for value in HUGE[:3]])
def test_ids_no_database_can_hold_are_not_found(served, path):
    _app, client = served
    response = client.get(path) if not path.endswith("/fire") else client.post(path, json={"trigger": "notify"})
    assert response.status_code == 404 and response.mimetype == "application/problem+json", response.data[:200]
    assert response.json["status"] == 404


@pytest.mark.parametrize("query", [
    {"offset": "99999999999999999999999"}, {"offset": "-1"}, {"limit": "-1"}, {"limit": "0"}, {"limit": "1001"},
    {"limit": "abc"}, {"from": "9999-12-31T23:59:59-12:00"}, {"to": "0001-01-01T00:00:00+14:00"}, {"from": "hôm qua"},
    {"inspection": "abc"}, {"inspection": "9223372036854775808"}, {"actor": "a\x00b"}, {"state": "x\x00"},
    {"unit": "\x1b[31m"}, {"trigger": "notify\x00"},
])
def test_audit_query_parameters_are_bounded(served, query):
    _app, client = served
    response = client.get("/api/v1/audit", query_string=query)
    assert response.status_code == 422 and response.mimetype == "application/problem+json", response.data[:300]
    assert response.json["errors"][0]["field"] == next(iter(query))


@pytest.mark.parametrize("query", [{"state": "x"}, {"kind": "x"}, {"unit_kind": "x"}, {"overdue": "perhaps"}, {"campaign": "a\x00"}])
def test_case_list_filters_are_bounded(served, query):
    _app, client = served
    response = client.get("/api/v1/inspections", query_string=query)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"


def _fire(client, case_id: int, trigger: str, **data):
    return client.post(f"/api/v1/inspections/{case_id}/fire", json={"trigger": trigger, "data": data})


@pytest.mark.parametrize("data, field", [
    ({"notice_date": "0001-01-01"}, "notice_date"),
    ({"visit_date": "9999-12-31"}, "visit_date"),
    ({"comment": "ghi chú\x00"}, "comment"),
    ({"notice_number": "01/TB\x07"}, "notice_number"),
])
def test_trigger_data_out_of_bounds_is_refused_and_changes_nothing(served, data, field):
    application, client = served
    case_id = first_case(application.extensions["database"], "direct").id
    before = _log_size(application)
    response = _fire(client, case_id, "notify", **data)
    assert response.status_code == 422 and response.json["errors"][0]["field"] == field, response.json
    assert _log_size(application) == before


def test_a_reschedule_to_9999_is_refused(served):
    application, client = served
    case_id = first_case(application.extensions["database"], "direct").id
    response = _fire(client, case_id, "reschedule", visit_date="9999-12-31", reason="thử")
    assert response.status_code == 422 and "2100" in response.json["detail"]


def test_deeply_nested_and_oversized_json_are_refused(served):
    application, client = served
    case_id = first_case(application.extensions["database"], "direct").id
    deep = '{"trigger": "conclude", "data": {"findings": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    response = client.post(f"/api/v1/inspections/{case_id}/fire", data=deep, content_type="application/json")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    big = json.dumps({"trigger": "notify", "data": {"comment": "x" * (2 * 1024 * 1024)}})
    assert client.post(f"/api/v1/inspections/{case_id}/fire", data=big, content_type="application/json").status_code in (413, 422)


def test_findings_per_conclusion_are_capped(served):
    application, client = served
    case_id = first_case(application.extensions["database"], "direct").id
    findings = [{"section": "B.3", "text": f"Kiến nghị {n}"} for n in range(20_000)]
    response = _fire(client, case_id, "conclude", findings=findings)
    assert response.status_code in (409, 413, 422)
    from workflow.engine.trigger_data import parse
    from workflow.errors import BadData

    with pytest.raises(BadData, match="tối đa 100 kiến nghị"):
        parse("conclude", {"findings": findings})


@pytest.mark.parametrize("value", ["not json", "5", "[" * 50_000, '{"1": ' * 30 + "1" + "}" * 30])
def test_statuses_that_are_not_a_report_are_refused_in_words(value):
    from workflow.engine.trigger_data import parse
    from workflow.errors import BadData

    with pytest.raises(BadData, match="Tình trạng từng kiến nghị"):
        parse("report_remediation", {"statuses": value})


@pytest.mark.parametrize("path", [
    "/api/v1/nothing-here", "/api/v1/inspections/abc", "/api/v1/inspections/1/fire?x=1",
])
def test_everything_under_api_answers_problem_json(served, path):
    _app, client = served
    response = client.get(path)
    assert response.status_code in (404, 405) and response.mimetype == "application/problem+json"


ADMIN_PATHS = ["/admin/inspection/details/?id={v}", "/admin/inspection/fire/{v}/notify", "/admin/inspection/correct/{v}",
               "/admin/inspection/file/{v}", "/admin/audit/details/?id={v}", "/admin/user/edit/?id={v}",
               "/admin/alert/details/?id={v}", "/admin/audit/?page={v}", "/admin/unit/details/?id={v}"]


@pytest.mark.parametrize("value", ["2147483648", "9223372036854775808", "abc", "-5"])
def test_admin_urls_with_ids_no_database_can_hold_are_not_found(served, value):
    application, _client = served
    browser = application.test_client()
    token_page = browser.get("/login").get_data(as_text=True)
    token = token_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert browser.post("/login", data={"email": COORDINATOR, "password": PASSWORD, "csrf_token": token}).status_code == 302
    for path in ADMIN_PATHS:
        response = browser.get(path.format(v=value))
        assert response.status_code in (302, 404), (path, response.status_code)
    assert browser.get("/admin/?as_of=31/12/9999").status_code == 200
    for moments in ("2023-07-01 00:00:00 to 2023-08-01 00:00:00", "9999-12-31 23:59:59 to 9999-12-31 23:59:59"):
        assert browser.get("/admin/audit/", query_string={"flt0_0": moments}).status_code == 200
    assert browser.get("/admin/audit/?search=%00").status_code == 400


@pytest.mark.parametrize("args, expected", [
    (["inspections", "fire", "1", "notify", "--at", "0001-01-01T00:00"], "2000"),
    (["inspections", "fire", "1", "notify", "--at", "9999-12-31T23:59-12:00"], "2000"),
    (["inspections", "fire", "1", "report_remediation", "--set", "statuses=not json"], ""),
    (["inspections", "fire", "1", "report_remediation", "--set", "statuses=5"], ""),
    (["inspections", "fire", "9223372036854775808", "notify"], "1<=x<=2147483647"),
    (["inspections", "fire", "1", "notify", "--set", "comment=a\x00b"], "ký tự điều khiển"),
    (["inspections", "fire", "1", "notify", "--set", "notice_date=0001-01-01"], "2000"),
    (["documents", "render", "minutes", "--case", "1", "--date", "9999-12-31"], "2000"),
    (["alerts", "ack", "99999999999999999999"], "2147483647"),
    (["audit", "verify", "--against", "/etc/hostname"], "mốc kiểm chứng"),
])
def test_the_cli_answers_in_words_never_with_a_traceback(served, args, expected):
    application, _client = served
    with application.app_context():  # as `flask --app wsgi` runs them
        result = application.test_cli_runner().invoke(args=args)
    output = result.output
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in output and expected in output, output


def test_security_headers_on_every_response(served):
    application, _client = served
    browser = application.test_client()
    login_page = browser.get("/login")
    for name in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):
        assert name in login_page.headers
    assert "frame-ancestors 'none'" in login_page.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in login_page.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    assert "Strict-Transport-Security" not in login_page.headers
    token = login_page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    browser.post("/login", data={"email": COORDINATOR, "password": PASSWORD, "csrf_token": token})
    page = browser.get("/admin/inspection/")
    assert page.headers["Cache-Control"] == "no-store"
    nonce = page.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in page.get_data(as_text=True)
    export = browser.get("/admin/audit/export/csv/")
    assert export.headers["Cache-Control"] == "no-store"
    application.config["SESSION_COOKIE_SECURE"] = True
    assert "max-age=" in application.test_client().get("/login").headers["Strict-Transport-Security"]


def test_audit_exports_write_formulas_as_text(served):
    application, client = served
    payloads = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
    for case_id, payload in enumerate(payloads, start=1):
        response = _fire(client, case_id, "cancel", reason=payload, comment=payload)
        assert response.status_code == 200, response.json
    browser = application.test_client()
    token = browser.get("/login").get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    browser.post("/login", data={"email": COORDINATOR, "password": PASSWORD, "csrf_token": token})
    rows = list(csv.reader(io.StringIO(browser.get("/admin/audit/export/csv/").get_data(as_text=True))))
    cells = [cell for row in rows for cell in row]
    assert all(cell[:1] not in ("=", "+", "-", "@", "\t", "\r") for cell in cells)
    assert "'=1+1" in cells and "'+cmd|' /C calc'!A0" in cells
    sheet = openpyxl.load_workbook(io.BytesIO(browser.get("/admin/audit/export/xlsx/").data)).active
    values = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.value for cell in values if cell.data_type == "f"]
    assert "'=1+1" in [cell.value for cell in values]
