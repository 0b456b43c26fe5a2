"""Who is logged in, and which roles may open what."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, redirect, request, url_for
from flask_login import LoginManager, current_user

from models import User
from vocabulary.bounds import id_in_range, is_digits
from web.database import db_session
from workflow.people.permissions import AUDIT_READERS, Actor

EVERYONE = ("admin", "coordinator", "inspector", "unit", "leader", "auditor", "clerk")
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
    generation: int

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        """What the session cookie keeps: the user and the session generation it began in."""
        return f"{self.id}:{self.generation}"

    @property
    def actor(self) -> Actor:
        return Actor(self.email, self.role, self.id, self.unit_id)

    @classmethod
    def of(cls, user: User) -> "LoggedIn":
        return cls(user.id, user.email, user.role, user.unit_id, user.name, user.session_generation)


@login_manager.user_loader
def load_user(session_id: str) -> LoggedIn | None:
    """Checked on every request: a session from before a logout, a password change or reset, a
    role change or a deactivation of its user carries an older generation and is refused."""
    user_id, _sep, generation = session_id.partition(":")
    if not (is_digits(user_id) and is_digits(generation) and id_in_range(int(user_id))):
        return None
    user = db_session().get(User, int(user_id))
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return LoggedIn.of(user)


@login_manager.unauthorized_handler
def to_login():
    if request.path.startswith("/api/"):
        abort(401)
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))


def has_role(*roles: str) -> bool:
    return current_user.is_authenticated and current_user.role in roles


def current_actor() -> Actor:
    return current_user.actor
