"""The login limits under concurrent requests, on SQLite and PostgreSQL: bursts of logins at
``/login`` at once, counting the passwords really checked; and the password policy."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import AuditEntry, User
from models.db import Database
from tests.conftest import PASSWORD, SEED_NOW
from tests.web import csrf_token
from workflow.people import accounts
from workflow.people.accounts import authenticate, save_user
from workflow.people.login_limits import ADDRESS_LIMIT, FREE_FAILURES
from workflow.people.password_policy import password_problem
from workflow.people.permissions import Actor

ADMIN = Actor("test", "admin")
OFFICE = "10.0.0.7"


@pytest.fixture
def web(database_url, tmp_path):
    """The web app on each backend, and a user to guess at."""
    from vocabulary.config import Settings
    from wsgi import create_app

    database = Database(database_url)
    with database.session() as session:
        for number in range(12):
            save_user(session, email=f"nguoi{number}@tuky.local", role="inspector", password=PASSWORD, actor=ADMIN, now=SEED_NOW)
    database.dispose()
    application = create_app(Settings(database_url=database_url, secret_key="test-secret", checkpoint_dir=tmp_path / "checkpoints"),
                             web=True)
    application.config["TESTING"] = True
    yield application
    application.extensions["database"].dispose()


@pytest.fixture
def checks(monkeypatch) -> list[int]:
    """The user id of every password really checked against its hash."""
    checked: list[int] = []
    real = accounts.password_matches

    def counted(user, password: str) -> bool:
        checked.append(user.id)
        return real(user, password)

    monkeypatch.setattr(accounts, "password_matches", counted)
    return checked


def _at_once(app, attempts: list[list[tuple[str, str, str]]]) -> list[int]:
    """Each inner list runs in its own thread, one login after another ((e-mail, password,
    address) each), all threads released together; the status of every answer."""
    barrier = threading.Barrier(len(attempts))
    statuses: list[int] = []
    lock = threading.Lock()

    def run(logins: list[tuple[str, str, str]]) -> None:
        client = app.test_client()
        token = csrf_token(client)
        barrier.wait()
        for email, password, address in logins:
            response = client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                                   environ_base={"REMOTE_ADDR": address})
            with lock:
                statuses.append(response.status_code)

    threads = [threading.Thread(target=run, args=(logins,)) for logins in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert len(statuses) == sum(map(len, attempts))
    return statuses


def _post(app, email: str, password: str, address: str) -> int:
    client = app.test_client()
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)},
                       environ_base={"REMOTE_ADDR": address}).status_code


def _failures_logged(app, email: str) -> int:
    with app.extensions["database"].session() as session:
        user = session.scalar(select(User).where(User.email == email))
        return len(session.scalars(select(AuditEntry).where(
            AuditEntry.entity == "user", AuditEntry.entity_id == user.id,
            AuditEntry.trigger.in_(["login_failed", "login_delayed"]))).all())


def test_sixty_logins_at_once_from_one_address_over_twelve_accounts(web, checks):
    guesser = "203.0.113.5"
    burst = [[(f"nguoi{number % 12}@tuky.local", f"doan-sai-{number}", guesser)] for number in range(60)]
    statuses = Counter(_at_once(web, burst))
    assert statuses == {401: ADDRESS_LIMIT, 429: 60 - ADDRESS_LIMIT}, statuses
    assert len(checks) == ADDRESS_LIMIT
    assert sum(_failures_logged(web, f"nguoi{number}@tuky.local") for number in range(12)) == ADDRESS_LIMIT
    # The right password, sent next from that address, is not even checked.
    assert _post(web, "nguoi11@tuky.local", PASSWORD, guesser) == 429
    assert len(checks) == ADDRESS_LIMIT


def test_two_hundred_logins_at_once_from_forty_addresses_on_one_account(web, checks):
    victim = "nguoi0@tuky.local"
    assert _post(web, victim, PASSWORD, OFFICE) == 302  # the owner, at the office, before the attack
    checks.clear()
    burst = [[(victim, f"doan-{address}-{number}", f"198.51.100.{address}") for number in range(5)] for address in range(40)]
    statuses = Counter(_at_once(web, burst))
    assert statuses == {401: 200}, statuses
    assert len(checks) == FREE_FAILURES
    assert _failures_logged(web, victim) == FREE_FAILURES
    # From a new address even the right password waits now (unchecked); from the office it works.
    assert _post(web, victim, PASSWORD, "192.0.2.1") == 401
    assert len(checks) == FREE_FAILURES
    assert _post(web, victim, PASSWORD, OFFICE) == 302


def test_the_account_delay_is_shared_by_workers(database_url, checks):
    """Two workers (two Database objects, as two processes have) take turns on one account from
    ever new addresses: only the free attempts are checked, the rest wait unchecked."""
    workers = [Database(database_url), Database(database_url)]
    with workers[0].session() as session:
        save_user(session, email="lanhdao@tuky.local", role="leader", password=PASSWORD, actor=ADMIN, now=SEED_NOW)
    try:
        for attempt in range(4 * FREE_FAILURES):
            with workers[attempt % 2].session() as session, pytest.raises(accounts.LoginRefused):
                authenticate(session, "lanhdao@tuky.local", "doan", SEED_NOW + timedelta(milliseconds=attempt), f"10.1.0.{attempt}")
    finally:
        for worker in workers:
            worker.dispose()
    assert len(checks) == FREE_FAILURES


@pytest.mark.parametrize("password", ["aaaaaaaaaa", "1234567890", "0987654321", "abcdefghijk", "qwertyuiop",
                                      "ababababab", "password123", "Password2024!", "iloveyou12345"])
def test_easy_passwords_are_refused(password):
    assert password_problem(password, email="lan.hoang@tuky.local") is not None


@pytest.mark.parametrize("password", ["lan.hoang-2024", "hoang-nha-minh", "Nguyen-Van-Lan-99", "nguyenvanlan!"])
def test_a_password_with_ones_own_name_or_email_is_refused(password):
    assert password_problem(password, email="lan.hoang@tuky.local", name="Nguyễn Văn Lan") is not None


def test_a_good_password_is_accepted_and_the_reason_is_vietnamese():
    assert password_problem("chim-sao-bay-qua-song", email="lan.hoang@tuky.local", name="Nguyễn Văn Lan") is None
    assert str(password_problem("1234567890", email="x@tuky.local")) == (
        "Mật khẩu: một ký tự lặp lại hoặc một dãy đơn giản như 1234567890 quá dễ đoán.")


def test_the_command_line_and_the_users_page_refuse_an_easy_password(cli, app):
    from tests.web import form_values, login

    result = cli("users", "create", "moi@tuky.local", "--role", "inspector", "--password", "1234567890", check=False)
    assert result.returncode != 0 and "quá dễ đoán" in result.stderr + result.stdout
    client = app.test_client()
    login(client, "admin")
    values = form_values(client.get("/admin/user/new/").get_data(as_text=True), "admin-form")
    values.update({"email": "hoanglan@tuky.local", "role": "inspector", "new_password": "matkhau123456"})
    page = client.post("/admin/user/new/", data=values).get_data(as_text=True)
    assert "đây là một trong những mật khẩu phổ biến nhất" in page
    values["new_password"] = "hoanglan-o-tuky"
    assert "không được chứa tên hoặc địa chỉ e-mail" in client.post("/admin/user/new/", data=values).get_data(as_text=True)
