"""Who is logged in, and which roles may open what."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, redirect, request, url_for
from flask_login import LoginManager, current_user

from models import User
from web.database import db_session
from workflow.people.permissions import AUDIT_READERS, Actor

EVERYONE = ("admin", "coordinator", "inspector", "unit", "leader", "auditor")
STAFF = AUDIT_READERS  # all but unit contacts
MANAGERS = ("admin", "coordinator")

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.session_protection = "strong"


@dataclass(frozen=True)
class LoggedIn:
    """The user of the request, as Flask-Login wants it."""

    id: int
    email: str
    role: str
    unit_id: int | None
    name: str | None

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def actor(self) -> Actor:
        return Actor(self.email, self.role, self.id, self.unit_id)

    @classmethod
    def of(cls, user: User) -> "LoggedIn":
        return cls(user.id, user.email, user.role, user.unit_id, user.name)


@login_manager.user_loader
def load_user(user_id: str) -> LoggedIn | None:
    user = db_session().get(User, int(user_id)) if user_id.isdigit() else None
    return LoggedIn.of(user) if user is not None and user.active else None


@login_manager.unauthorized_handler
def to_login():
    if request.path.startswith("/api/"):
        abort(401)
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))


def has_role(*roles: str) -> bool:
    return current_user.is_authenticated and current_user.role in roles


def current_actor() -> Actor:
    return current_user.actor
