"""The inputs that reached a 500 in the probe of issue 28, each answered in kind (a page, a
problem+json, a Vietnamese line), and the edges every request goes through: JSON bodies bounded
before parsing on every route, ids in ASCII digits only, 405 naming what is allowed."""
from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.conftest import PASSWORD
from tests.test_campaign_admin import new_draft
from tests.web import csrf_token, login

BREAKING_NEXT = ["/admin/\r\nSet-Cookie: x=1", "/a\nb", "/a\rb", "/\\evil.example/", "/admin/\u2028"]


@pytest.fixture
def coordinator(app):
    client = app.test_client()
    login(client, "coordinator")
    return client


def test_a_ranking_of_a_campaign_without_criteria_sets_is_refused_in_words(coordinator, cli, tmp_path):
    response = coordinator.get("/admin/scoring/ranking.xlsx?campaign=tuky-2023")
    assert response.status_code == 302
    assert "chưa có bộ tiêu chí nào" in coordinator.get(response.headers["Location"]).get_data(as_text=True)
    result = cli("scoring", "ranking", "tuky-2023", "--out", str(tmp_path / "x.xlsx"), check=False)
    assert result.returncode != 0 and "chưa có bộ tiêu chí nào" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize("target", BREAKING_NEXT)
def test_a_next_with_a_line_break_or_another_host_goes_to_the_dashboard(app, target):
    client = app.test_client()
    token = csrf_token(client)
    response = client.post("/login", query_string={"next": target},
                           data={"email": "coordinator@tuky.local", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    again = client.get("/login", query_string={"next": target})  # logged in already
    assert again.status_code == 302 and again.headers["Location"] == "/admin/"
    chosen = client.post("/campaign/choose", data={"campaign": "tuky-2023", "next": target, "csrf_token": csrf_token(client, "/admin/")})
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/admin/"
    kept = client.post("/campaign/choose", data={"campaign": "tuky-2023", "next": "/admin/inspection/?x=Hà Kỳ",
                                                 "csrf_token": csrf_token(client, "/admin/")})
    assert kept.headers["Location"].startswith("/admin/inspection/?x=")


def _open(client, body: str | bytes, token: str, **headers):
    return client.post("/api/v1/inspections", data=body, content_type="application/json", headers={"X-CSRFToken": token, **headers})


def test_json_bodies_are_bounded_before_parsing_on_every_route(coordinator):
    token = csrf_token(coordinator, "/admin/")
    deep = '{"campaign": "tuky-2023", "unit": "x", "kind": "direct", "data": ' + "[" * 1000 + "]" * 1000 + "}"
    response = _open(coordinator, deep, token)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert "lồng danh sách và đối tượng quá sâu" in response.json["detail"]
    huge = json.dumps({"campaign": "tuky-2023", "unit": "U" * (10 * 1024 * 1024), "kind": "direct"})
    response = _open(coordinator, huge, token)
    assert response.status_code == 413 and response.mimetype == "application/problem+json" and len(response.data) < 2000
    chunked = coordinator.post("/api/v1/inspections", input_stream=io.BytesIO(huge.encode()), content_type="application/json",
                               headers={"X-CSRFToken": token, "Transfer-Encoding": "chunked"},
                               environ_overrides={"wsgi.input_terminated": True})  # as gunicorn reads a chunked body
    assert chunked.status_code == 413
    long_name = _open(coordinator, json.dumps({"campaign": "tuky-2023", "unit": "U" * 500_000, "kind": "direct"}), token)
    assert long_name.status_code == 422 and len(long_name.data) < 2000, long_name.data[:300]  # refused, not echoed
    assert long_name.json["errors"][0]["field"] == "unit"
    # Outside the API too (a JSON body to an admin page): bounded before anything could parse it.
    assert coordinator.post("/admin/", data="[" * 1000, content_type="application/json").status_code == 422


@pytest.mark.parametrize("path", ["/api/v1/inspections/１２", "/api/v1/inspections/١٢", "/api/v1/inspections/²",
                                  "/api/v1/inspections/１/fire"])
def test_ids_in_other_digits_than_ascii_name_nothing(app, path):
    from tests.web import new_coordinator_token

    client = app.test_client()
    token = new_coordinator_token(app.extensions["database"], "so@tuky.local")
    response = client.get(path, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (404, 405) and response.mimetype == "application/problem+json"
    assert client.get("/api/v1/inspections/12", headers={"Authorization": f"Bearer {token}"}).status_code == 200


@pytest.mark.parametrize("query", [{"limit": "²"}, {"limit": "１０"}, {"offset": "٣"}])
def test_page_bounds_in_other_digits_are_refused(app, query):
    from tests.web import new_coordinator_token

    token = new_coordinator_token(app.extensions["database"], "so@tuky.local")
    response = app.test_client().get("/api/v1/inspections", query_string=query, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422 and response.json["errors"][0]["field"] == next(iter(query))


@pytest.mark.parametrize("path", ["/admin/inspection/details/?id=１２", "/admin/inspection/details/?id=²", "/admin/inspection/file/１２",
                                  "/admin/audit/?page=²", "/admin/scoring/case/１"])
def test_admin_ids_in_other_digits_name_nothing(coordinator, path):
    assert coordinator.get(path).status_code == 404


def test_method_not_allowed_says_what_is(app):
    response = app.test_client().delete("/api/v1/inspections")
    assert response.status_code == 405 and response.mimetype == "application/problem+json"
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def with_dtd(content: bytes, part: str) -> bytes:
    """``content`` (an XLSX) with a DTD declaring nested entities at the head of ``part``."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    dtd = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name == part:
                head, mark, rest = data.partition(b"?>")
                data = head + mark + dtd + rest if mark else dtd + data
            target.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels"])
def test_a_workbook_carrying_a_dtd_is_refused_unread(coordinator, part):
    from workflow.scoring import criteria

    template = criteria.template_workbook("office")
    if part not in zipfile.ZipFile(io.BytesIO(template)).namelist():
        part = "xl/styles.xml"
    response = coordinator.post("/admin/scoring/import", data={"csrf_token": csrf_token(coordinator, "/admin/scoring/"),
                                                               "file": (io.BytesIO(with_dtd(template, part)), "bo.xlsx")},
                                content_type="multipart/form-data")
    assert response.status_code == 302
    page = coordinator.get("/admin/scoring/").get_data(as_text=True)
    assert "khai báo DTD" in page and "Đã nạp bộ tiêu chí" not in page
    draft = new_draft(coordinator)
    table = coordinator.get(f"/admin/campaign/table/{draft}/units.xlsx").data
    path = f"/admin/campaign/plan/{draft}/units"
    refused = coordinator.post(path, data={"csrf_token": csrf_token(coordinator, path), "table": (io.BytesIO(with_dtd(table, "xl/worksheets/sheet1.xml")), "b.xlsx")},
                               content_type="multipart/form-data")
    assert refused.status_code == 422 and "khai báo DTD" in refused.get_data(as_text=True)


def test_a_workbook_in_utf16_is_refused_unread():
    from workflow.errors import BadData
    from workflow.records.workbooks import open_workbook
    from workflow.scoring import criteria

    source, out = zipfile.ZipFile(io.BytesIO(criteria.template_workbook("office"))), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, b"\xff\xfe" + data.decode().encode("utf-16-le") if name == "xl/workbook.xml" else data)
    with pytest.raises(BadData, match="DTD"):
        open_workbook(out.getvalue())


def test_the_command_line_reads_ids_in_ascii_digits_only(cli):
    refused = cli("inspections", "outline", "１２", check=False)
    assert refused.returncode != 0 and "chữ số 0-9" in refused.stderr and "Traceback" not in refused.stderr
    assert cli("inspections", "outline", "12").returncode == 0
