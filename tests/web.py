"""Helpers for tests that drive the web app through Flask's test client."""
from __future__ import annotations

import re

from tests.conftest import PASSWORD, ROLE_USERS, SEED_NOW

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(client, path: str = "/login") -> str:
    match = TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def login(client, role: str) -> None:
    email = ROLE_USERS[role][0]
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


class _FormReader:
    """The fields of the first form with the given id or class, as a browser would submit them."""

    def __init__(self, form_id: str | None):
        from html.parser import HTMLParser

        reader = self

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                reader.start(tag, dict(attrs))

            def handle_endtag(self, tag):
                reader.end(tag)

            def handle_data(self, data):
                reader.data(data)

        self.parser, self.form_id, self.inside = Parser(), form_id, False
        self.values: dict[str, str] = {}
        self.textarea: str | None = None
        self.select: str | None = None

    def start(self, tag, attrs):
        wanted = self.form_id is None or self.form_id in (attrs.get("id"), *attrs.get("class", "").split())
        if tag == "form" and wanted and not self.values:
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.values[name] = attrs.get("value", "y")
            else:
                self.values[name] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self.textarea, self.values[name] = name, ""
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and ("selected" in attrs or self.select not in self.values):
            self.values[self.select] = attrs.get("value", "")

    def end(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea:
            # Browsers drop the newline that follows <textarea> (WTForms writes one).
            name = self.textarea
            self.values[name] = self.values[name].removeprefix("\r\n").removeprefix("\n")
            self.textarea = None
        elif tag == "select":
            self.select = None

    def data(self, text):
        if self.textarea:
            self.values[self.textarea] += text


def form_values(html: str, form_id: str | None = None) -> dict[str, str]:
    reader = _FormReader(form_id)
    reader.parser.feed(html)
    return reader.values


def new_coordinator_token(database, email: str, password: str = "mat-khau-kiem-thu") -> str:
    """A new coordinator ``email`` in ``database`` and a fresh API token of theirs."""
    from workflow.people.accounts import issue_api_token, save_user
    from workflow.people.permissions import Actor

    with database.session() as session:
        user, _password, _created = save_user(session, email=email, role="coordinator", password=password,
                                              actor=Actor("test", "admin"), now=SEED_NOW)
        return issue_api_token(session, user.id, Actor("test", "admin"), SEED_NOW)
