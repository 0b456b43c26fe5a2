"""Sessions that end, and logins that slow a guesser down without locking the owner out."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from models import User
from tests.conftest import PASSWORD, ROLE_USERS, SEED_NOW
from tests.web import csrf_token, form_values, login
from workflow.people.accounts import LoginRefused, TooManyAttempts, authenticate, issue_api_token, save_user
from workflow.people.login_limits import ADDRESS_LIMIT, FREE_FAILURES, account_delay
from workflow.people.permissions import Actor

ADMIN = Actor("test", "admin")
CSRF_VALUE = re.compile(r'name="csrf_token" type="hidden" value="[^"]*"')


def _logged_in(client) -> bool:
    return client.get("/admin/inspection/").status_code == 200


def _copy_cookie(source, target) -> None:
    cookie = source.get_cookie("session")
    target.set_cookie("session", cookie.value)


def _user_id(app, role: str) -> int:
    with app.extensions["database"].session() as session:
        return session.query(User).filter_by(email=ROLE_USERS[role][0]).one().id


def _token(app, role: str) -> str:
    with app.extensions["database"].session() as session:
        return issue_api_token(session, _user_id(app, role), ADMIN, SEED_NOW)


def _token_works(client, token: str) -> bool:
    return client.get("/api/v1/inspections", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_logout_ends_the_old_cookie_everywhere_and_the_token(app):
    browser, stolen = app.test_client(), app.test_client()
    login(browser, "coordinator")
    token = _token(app, "coordinator")
    _copy_cookie(browser, stolen)
    assert _logged_in(stolen) and _token_works(stolen, token)
    assert browser.post("/logout", data={"csrf_token": csrf_token(browser, "/logout")}).status_code == 302
    assert not _logged_in(stolen)  # the same cookie, replayed after the logout
    assert not _token_works(stolen, token)


def test_a_password_reset_ends_every_session_and_the_token(app):
    browser = app.test_client()
    login(browser, "inspector")
    token = _token(app, "inspector")
    with app.extensions["database"].session() as session:
        save_user(session, email=ROLE_USERS["inspector"][0], role="inspector", password="mot-mat-khau-moi",
                  actor=ADMIN, now=SEED_NOW, reset_existing=True)
    assert not _logged_in(browser) and not _token_works(browser, token)


@pytest.mark.parametrize("change", ["role", "active", "new_password"])
def test_a_role_change_a_lock_or_a_new_password_in_the_users_page_ends_the_sessions(app, change):
    victim, admin = app.test_client(), app.test_client()
    login(victim, "leader")
    token = _token(app, "leader")
    login(admin, "admin")
    user_id = _user_id(app, "leader")
    page = f"/admin/user/edit/?id={user_id}"
    fields = form_values(admin.get(page).get_data(as_text=True), "admin-form")
    if change == "role":
        fields["role"] = "auditor"
    elif change == "active":
        fields.pop("active", None)
    else:
        fields["new_password"] = "mat-khau-moi-hoan-toan"
    assert admin.post(page, data=fields).status_code == 302
    assert not _logged_in(victim) and not _token_works(victim, token)
    assert _logged_in(admin)


def test_the_same_answer_for_a_wrong_password_an_unknown_address_and_a_waiting_pair(app):
    client = app.test_client()
    token = csrf_token(client)
    answers = set()
    for email, password in [(ROLE_USERS["auditor"][0], "sai-mat-khau"), ("khong-co@tuky.local", "sai-mat-khau"),
                            (ROLE_USERS["auditor"][0], "sai-mat-khau")]:
        response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
        page = CSRF_VALUE.sub("", response.get_data(as_text=True).replace(email, "EMAIL"))  # the token is signed with the time
        answers.add((response.status_code, page))
    assert len(answers) == 1 and next(iter(answers))[0] == 401


def test_guessers_wait_longer_and_longer_but_the_owner_logs_in_where_they_did_before(session):
    email = "nguoi-dung@tuky.local"
    save_user(session, email=email, role="leader", password=PASSWORD, actor=ADMIN, now=SEED_NOW)
    now = SEED_NOW
    assert authenticate(session, email, PASSWORD, now, "10.0.0.7").email == email  # the owner, at the office
    for attempt in range(FREE_FAILURES):  # guessers, each from another address
        with pytest.raises(LoginRefused):
            authenticate(session, email, "doan-mo", now + timedelta(milliseconds=attempt), f"10.0.1.{attempt}")
    # Every address the account never logged in from must now wait, even with the right password…
    with pytest.raises(LoginRefused):
        authenticate(session, email, PASSWORD, now + timedelta(seconds=1), "10.0.0.66")
    # …while the owner, from the office, is not locked out.
    assert authenticate(session, email, PASSWORD, now + timedelta(seconds=2), "10.0.0.7").email == email
    # After the delay the next guess is checked, and each failure doubles the wait.
    later = now + account_delay(FREE_FAILURES) + timedelta(seconds=1)
    with pytest.raises(LoginRefused):
        authenticate(session, email, "doan-nua", later, "10.0.0.66")
    assert account_delay(FREE_FAILURES + 1) == 2 * account_delay(FREE_FAILURES)
    with pytest.raises(LoginRefused):
        authenticate(session, email, PASSWORD, later + account_delay(FREE_FAILURES), "10.0.0.66")
    assert authenticate(session, email, PASSWORD, later + account_delay(FREE_FAILURES + 1) + timedelta(seconds=1), "10.0.0.66")


def test_the_address_limit_is_kept_in_the_database_so_two_workers_share_it(database_url):
    """Two web workers are two processes with their own memory: here, two Database objects."""
    from models.db import Database

    workers = [Database(database_url), Database(database_url)]
    answers = []
    try:
        for attempt in range(3 * ADDRESS_LIMIT):
            with workers[attempt % 2].session() as session:
                try:
                    authenticate(session, "ai-do@tuky.local", "doan", SEED_NOW + timedelta(milliseconds=attempt), "10.9.9.9")
                except (LoginRefused, TooManyAttempts) as refused:
                    answers.append(refused.http_status)
    finally:
        for worker in workers:
            worker.dispose()
    assert answers.count(401) == ADDRESS_LIMIT and answers.count(429) == 2 * ADDRESS_LIMIT
