"""The JSON API: the same objects and errors as the service, checked against its OpenAPI document."""
import re
from datetime import datetime, timezone

import jsonschema
import pytest
from sqlalchemy import select

from models import User
from tests.conftest import ROLE_USERS
from tests.web import csrf_token, login
from workflow.people.accounts import issue_api_token
from workflow.people.permissions import Actor
from workflow.queries.case_list import case_summary, list_cases


@pytest.fixture
def document(app):
    return app.test_client().get("/api/v1/openapi.json").json


def conforms(document, model: str, body) -> None:
    """``body`` is valid against ``#/components/schemas/<model>`` of the document."""
    schema = {**document, "$ref": f"#/components/schemas/{model}"}
    jsonschema.Draft202012Validator(schema).validate(body)


def bearer(app, role: str) -> dict:
    """An Authorization header with a fresh API token of the user of ``role``."""
    with app.extensions["database"].session() as session:
        user_id = session.scalar(select(User.id).where(User.email == ROLE_USERS[role][0]))
        token = issue_api_token(session, user_id, Actor("test", "admin"), datetime.now(timezone.utc))
    return {"Authorization": f"Bearer {token}"}


def test_list_matches_the_cli_objects_and_the_schema(app, document):
    client = app.test_client()
    listed = client.get("/api/v1/inspections", headers=bearer(app, "leader")).json
    with app.extensions["database"].session() as session:
        expected = [case_summary(case) for case in list_cases(session, Actor("x", "leader"))]
    assert listed == expected and len(listed) == 35
    for case in listed:
        conforms(document, "CaseSummary", case)
    planned_self = client.get("/api/v1/inspections?kind=self&unit_kind=commune", headers=bearer(app, "leader")).json
    assert len(planned_self) == 4 and {c["kind"] for c in planned_self} == {"self"}
    unknown = client.get("/api/v1/inspections?state=done", headers=bearer(app, "leader"))
    assert unknown.status_code == 422 and unknown.json["errors"][0]["field"] == "state"
    assert "Trạng thái: “done” is not" not in unknown.json["detail"] and "không phải một trong" in unknown.json["detail"]
    overdue = client.get("/api/v1/inspections?overdue=true", headers=bearer(app, "leader")).json
    assert len(overdue) == 35  # the 2023 plan, seen from today


def test_fire_through_the_api_and_its_problems(app, document):
    client = app.test_client()
    headers = bearer(app, "coordinator")
    case = client.get("/api/v1/inspections/1", headers=headers).json
    conforms(document, "CaseDetail", case)
    assert case["available_triggers"] == ["notify", "reschedule", "cancel"]

    late = client.post("/api/v1/inspections/1/fire", headers=headers,
                       json={"trigger": "notify", "data": {"notice_date": "2023-07-18"}})
    assert late.status_code == 422 and late.mimetype == "application/problem+json"
    conforms(document, "Problem", late.json)
    assert late.json["code"] == "guard_refused" and late.json["errors"][0]["field"] == "notice_date"
    assert "ít nhất 10 ngày" in late.json["detail"]

    done = client.post("/api/v1/inspections/1/fire", headers=headers,
                       json={"trigger": "notify", "data": {"notice_date": "2023-07-17", "notice_number": "01/TB-UBND"}})
    assert done.status_code == 200
    conforms(document, "FireResponse", done.json)
    assert (done.json["from_state"], done.json["to_state"]) == ("planned", "notified")

    again = client.post("/api/v1/inspections/1/fire", headers=headers, json={"trigger": "notify", "data": {}})
    assert again.status_code == 409 and again.json["code"] == "transition_not_allowed"
    stale = client.post("/api/v1/inspections/1/fire", headers=headers,
                        json={"trigger": "cancel", "data": {"reason": "x"}, "expected_version": case["version"]})
    assert stale.status_code == 409 and stale.json["code"] == "concurrent_update"
    bad = client.post("/api/v1/inspections/1/fire", headers=headers, json={"trigger": "visit", "data": {"visit_date": "27/07/2023"}})
    assert bad.status_code == 422 and bad.json["code"] == "bad_data"
    missing = client.post("/api/v1/inspections/999/fire", headers=headers, json={"trigger": "cancel", "data": {"reason": "x"}})
    assert missing.status_code == 404
    forbidden = client.post("/api/v1/inspections/1/fire", headers=bearer(app, "auditor"), json={"trigger": "cancel", "data": {"reason": "x"}})
    assert forbidden.status_code == 403 and forbidden.json["code"] == "not_permitted"
    for response in (again, stale, bad, missing, forbidden):
        conforms(document, "Problem", response.json)


def test_tokens_and_sessions(app):
    client = app.test_client()
    assert client.get("/api/v1/inspections").status_code == 401
    assert client.get("/api/v1/inspections", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    login(client, "coordinator")
    assert client.get("/api/v1/inspections").status_code == 200
    # A browser session must send the CSRF token with a POST; a token caller need not.
    without = client.post("/api/v1/inspections/3/fire", json={"trigger": "cancel", "data": {"reason": "thử"}})
    assert without.status_code == 400
    with_token = client.post("/api/v1/inspections/3/fire", json={"trigger": "cancel", "data": {"reason": "thử"}},
                             headers={"X-CSRFToken": csrf_token(client, "/admin/")})
    assert with_token.status_code == 200 and with_token.json["to_state"] == "cancelled"


def test_audit_endpoint(app, document):
    client = app.test_client()
    client.post("/api/v1/inspections/1/fire", headers=bearer(app, "coordinator"),
                json={"trigger": "notify", "data": {"notice_date": "2023-07-17", "notice_number": "57/TB-UBND"}})
    page = client.get("/api/v1/audit?inspection=1", headers=bearer(app, "auditor")).json
    conforms(document, "AuditPage", page)
    assert [e["trigger"] for e in page["entries"]] == ["create", "notify"]
    assert page["entries"][1]["at"].endswith("+07:00")
    assert page["entries"][1]["unit"] == "Phòng Tài nguyên và Môi trường"
    notifies = client.get("/api/v1/audit?trigger=notify&state=notified", headers=bearer(app, "auditor")).json
    assert notifies["total"] == 1
    limited = client.get("/api/v1/audit?limit=5&offset=5", headers=bearer(app, "leader")).json
    assert len(limited["entries"]) == 5 and limited["total"] > 10
    assert client.get("/api/v1/audit", headers=bearer(app, "unit")).status_code == 403
    assert client.get("/api/v1/audit?from=yesterday", headers=bearer(app, "auditor")).status_code == 422


def test_the_document_covers_every_route(app, document):
    routes = {re.sub(r"<int:(\w+)>", r"{\1}", rule.rule.replace("/api/v1", ""))
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")}
    assert routes == set(document["paths"])
    jsonschema.Draft202012Validator.check_schema({"$defs": document["components"]["schemas"]})
    assert set(document["components"]["schemas"]["FireRequest"]["properties"]["trigger"]["enum"]) >= {"notify", "conclude", "cancel"}


def test_issue_and_sign_through_the_api(app, document, signing_pki, softhsm, monkeypatch):
    """Issuing without LibreOffice is refused with the reason; an issued conclusion notice is
    signed by the văn thư only after the person: 422 with Art. 32(2d), then 201 for each step."""
    from tests.helpers import COORDINATOR, reviewed_and_concluded
    from tests.signing_people import converter, signers
    from workflow.casefile.rendering import render_document

    database, store = app.extensions["database"], app.extensions["file_store"]
    inspection = reviewed_and_concluded(database)
    with database.session() as session:
        draft_id = render_document(session, store, "conclusion_notice", actor=COORDINATOR, now=datetime.now(timezone.utc),
                                   inspection_id=inspection.id).id
    people = signers(database, store, signing_pki, softhsm)
    for name, value in people.environ.items():
        monkeypatch.setenv(name, value)
    app.extensions["trust_roots"] = signing_pki.trust_dir

    def token(actor) -> dict:
        with database.session() as session:
            return {"Authorization": f"Bearer {issue_api_token(session, actor.user_id, Actor('test', 'admin'), datetime.now(timezone.utc))}"}

    client = app.test_client()
    app.extensions["pdf_converter"] = None
    refused = client.post(f"/api/v1/files/{draft_id}/issue", headers=token(people.clerk), json={})
    assert refused.status_code == 422 and "LibreOffice" in refused.json["detail"]
    app.extensions["pdf_converter"] = converter()
    issued = client.post(f"/api/v1/files/{draft_id}/issue", headers=token(people.clerk), json={})
    assert issued.status_code == 201 and issued.json["stage"] == "issued" and issued.json["parent"] == draft_id
    conforms(document, "FileOut", issued.json)

    out_of_order = client.post(f"/api/v1/files/{issued.json['id']}/sign", headers=token(people.clerk))
    assert out_of_order.status_code == 422 and "Điều 32" in out_of_order.json["detail"]
    first = client.post(f"/api/v1/files/{issued.json['id']}/sign", headers=token(people.signer))
    assert first.status_code == 201 and first.json["label"] == "Đã ký (1/2)"
    second = client.post(f"/api/v1/files/{first.json['id']}/sign", headers=token(people.clerk))
    assert second.status_code == 201 and second.json["signatures"]["status"] == "valid"
    conforms(document, "FileOut", second.json)
