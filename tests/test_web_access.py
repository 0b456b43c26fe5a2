"""Every role against every page and endpoint: allowed, 403, or the login page; and CSRF."""
import pytest

from tests.conftest import ROLE_USERS
from tests.web import csrf_token, login

ROLES = ["admin", "coordinator", "inspector", "leader", "auditor", "unit"]
EVERYONE, STAFF, MANAGERS = set(ROLES), set(ROLES) - {"unit"}, {"admin", "coordinator"}
OWN_CASE, OTHER_CASE = 1, 2  # the unit contact's unit is case 1's (Phòng Tài nguyên và Môi trường)

PAGES = {
    "/admin/inspection/": EVERYONE,
    f"/admin/inspection/details/?id={OWN_CASE}": EVERYONE,
    f"/admin/inspection/details/?id={OTHER_CASE}": STAFF,
    f"/admin/inspection/fire/{OWN_CASE}/notify": MANAGERS,
    f"/admin/inspection/fire/{OWN_CASE}/visit": MANAGERS | {"inspector"},
    f"/admin/inspection/correct/{OWN_CASE}": MANAGERS,
    "/admin/audit/": STAFF,
    "/admin/alert/": STAFF,
    "/admin/outbox/": MANAGERS,
    "/admin/documents/": STAFF,
    "/admin/audit/export/csv/": STAFF,
    "/admin/campaign/": MANAGERS,
    "/admin/campaign/edit/?id=1": MANAGERS,
    "/admin/unit/": MANAGERS,
    "/admin/user/": MANAGERS,
    "/admin/outline_section/": MANAGERS,
    "/admin/outline_item/": MANAGERS,
}
# Case 1 is planned: the form of a step it cannot take now is not opened, the case page is shown instead.
NOT_NOW = {f"/admin/inspection/fire/{OWN_CASE}/visit"}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(app, role):
    client = app.test_client()
    login(client, role)
    dashboard = client.get("/admin/")
    assert dashboard.status_code == (302 if role == "unit" else 200)
    for path, allowed in PAGES.items():
        response = client.get(path)
        if role in allowed:
            assert response.status_code == (302 if path in NOT_NOW else 200), (role, path, response.status_code)
        else:
            expected = 404 if path.endswith(f"id={OTHER_CASE}") else 403
            assert response.status_code == expected, (role, path, response.status_code)
            if expected == 403:
                assert "Vai trò của bạn không được mở trang này." in response.get_data(as_text=True)


@pytest.mark.parametrize("path", [*PAGES, "/admin/"])
def test_anonymous_users_are_sent_to_the_login_page(app, path):
    response = app.test_client().get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_public_pages(app):
    client = app.test_client()
    assert client.get("/healthz").json["database"]["ok"] is True
    assert client.get("/login").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_a_unit_contact_sees_only_its_own_cases(app):
    client = app.test_client()
    login(client, "unit")
    listing = client.get("/admin/inspection/").get_data(as_text=True)
    assert "Phòng Tài nguyên và Môi trường" in listing and "Phòng Giáo dục và Đào tạo" not in listing
    not_now = client.get(f"/admin/inspection/fire/{OWN_CASE}/receive_report", follow_redirects=True)  # planned: no report yet
    assert not_now.request.path == "/admin/inspection/details/" and "Không thể “Gửi báo cáo”" in not_now.get_data(as_text=True)
    assert client.get(f"/admin/inspection/fire/{OTHER_CASE}/receive_report").status_code == 404
    api = client.get("/api/v1/inspections").json
    assert {case["unit"] for case in api} == {"Phòng Tài nguyên và Môi trường"}
    assert client.get(f"/api/v1/inspections/{OTHER_CASE}").status_code == 404


def test_login_form_needs_its_csrf_token(app):
    client = app.test_client()
    response = client.post("/login", data={"email": ROLE_USERS["coordinator"][0], "password": "x"})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)


def test_firing_from_the_ui_needs_the_csrf_token(app):
    client = app.test_client()
    login(client, "coordinator")
    response = client.post(f"/admin/inspection/fire/{OWN_CASE}/cancel", data={"reason": "thử"})
    assert response.status_code == 400
    assert client.get("/api/v1/inspections/1").json["state"] == "planned"


def test_logout_needs_a_post_with_its_token(app):
    client = app.test_client()
    login(client, "leader")
    assert client.get("/logout").status_code == 200  # a confirmation page, still logged in
    assert client.get("/admin/").status_code == 200
    assert client.post("/logout").status_code == 400
    assert client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")}).status_code == 302
    assert client.get("/admin/").status_code == 302


def test_session_cookie_is_http_only_and_same_site(app):
    client = app.test_client()
    response = client.post("/login", data={"email": ROLE_USERS["leader"][0], "password": "mat-khau-thu-nghiem",
                                           "csrf_token": csrf_token(client)})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_english_is_available(app):
    client = app.test_client()
    login(client, "coordinator")
    client.get("/lang/en")
    page = client.get("/admin/inspection/").get_data(as_text=True)
    assert "Schedule notice sent" in page or "Planned" in page
    client.get("/lang/vi")
    assert "Dự kiến" in client.get("/admin/inspection/").get_data(as_text=True)
