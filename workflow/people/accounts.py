"""User accounts: creating them and checking their passwords."""
from __future__ import annotations

import difflib
import hashlib
import secrets
import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from models import Unit, User
from models.db import write_transaction
from vocabulary.i18n import _
from workflow import audit
from workflow.errors import BadData, WorkflowError
from workflow.people.permissions import ROLES, Actor

MIN_PASSWORD_LENGTH = 10
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


class LoginRefused(WorkflowError):
    http_status = 401
    code = "login_refused"
    title = "Login refused"


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def password_matches(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def find_unit(session: Session, name: str) -> Unit | None:
    """A unit by its name, ignoring case (SQLite's lower() knows no Vietnamese letters)."""
    wanted = name.strip().casefold()
    return next((unit for unit in session.scalars(select(Unit)) if unit.name.casefold() == wanted), None)


def _plain(text: str) -> str:
    """Lower case without diacritics ("Đại Sơn" → "dai son"): people often type names without marks."""
    decomposed = unicodedata.normalize("NFD", text.strip().casefold().replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def close_unit_names(names: list[str], wanted: str, limit: int = 5) -> list[str]:
    """The names nearest to ``wanted``: those containing it first, then the similar ones (difflib),
    diacritics and case aside."""
    folded = {_plain(name): name for name in names}
    key = _plain(wanted)
    containing = [name for fold, name in folded.items() if key and key in fold]
    similar = [folded[fold] for fold in difflib.get_close_matches(key, list(folded), n=limit, cutoff=0.6)]
    return list(dict.fromkeys(containing + similar))[:limit]


def unit_named(session: Session, name: str, field: str = "unit") -> Unit:
    """The unit of that name (ignoring case), or a refusal naming the closest units. Every
    command that takes a unit by name (``--unit``) looks it up here."""
    unit = find_unit(session, name)
    if unit is not None:
        return unit
    close = close_unit_names(list(session.scalars(select(Unit.name))), name)
    if close:
        raise BadData(_("Unit: there is no unit named \u201c{name}\u201d; the closest: {names}.", name=name,
                        names=", ".join(f"\u201c{n}\u201d" for n in close)), field=field)
    raise BadData(_("Unit: there is no unit named \u201c{name}\u201d.", name=name), field=field)


def _validate(email: str, role: str, password: str) -> None:
    if "@" not in email or len(email) > 200:
        raise BadData(_("E-mail: \u201c{email}\u201d is not an e-mail address.", email=email), field="email")
    if role not in ROLES:
        raise BadData(_("Role: must be one of {roles}.", roles=", ".join(ROLES)), field="role")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadData(_("Password: must have at least {count} characters.", count=MIN_PASSWORD_LENGTH), field="password")


def save_user(
    session: Session,
    *,
    email: str,
    role: str,
    actor: Actor,
    now: datetime,
    unit_name: str | None = None,
    password: str | None = None,
    reset_existing: bool = False,
) -> tuple[User, str, bool]:
    """Create a user (or, with ``reset_existing``, update role, unit and password of an existing
    one). Returns the user, the password set and whether the user was created."""
    email = email.strip().lower()
    password = password or generate_password()
    _validate(email, role, password)
    with write_transaction(session):
        unit = unit_named(session, unit_name) if unit_name else None
        if role == "unit" and unit is None:
            raise BadData(_("Unit: a unit contact needs the unit it speaks for (--unit)."), field="unit")
        user = session.scalar(select(User).where(User.email == email))
        created = user is None
        if created:
            user = User(email=email, created_at=now)
            session.add(user)
        elif not reset_existing:
            raise BadData(_("E-mail: a user {email} already exists.", email=email), field="email")
        user.role, user.unit_id, user.active = role, unit.id if unit else None, True
        user.password_hash = hash_password(password)
        user.updated_at = now
        session.flush()
        audit.append(session, user, at=now, actor=actor.name, trigger="create" if created else "reset_password",
                     data=audit.snapshot(user))
    return user, password, created


def authenticate(session: Session, email: str, password: str, now: datetime) -> User:
    """Check a login. Too many failures in a row lock the account for a while; every success,
    failure and lock is written to the user's audit chain."""
    refusal = None
    with write_transaction(session):
        user = session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None or not user.active:
            check_password_hash(_DUMMY_HASH, password)  # same time as a real check
            refusal = _("Wrong e-mail or password.")
        elif user.locked_until is not None and user.locked_until > now:
            refusal = _("Too many failed logins: this account is locked until {until}.", until=user.locked_until)
        elif not password_matches(user, password):
            user.failed_logins += 1
            event = "login_failed"
            refusal = _("Wrong e-mail or password.")
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked_until, user.failed_logins, event = now + LOCKOUT, 0, "account_locked"
                refusal = _("Too many failed logins: this account is locked until {until}.", until=user.locked_until)
            audit.append(session, user, at=now, actor=user.email, trigger=event)
        else:
            user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
            audit.append(session, user, at=now, actor=user.email, trigger="login")
    if refusal is not None:
        raise LoginRefused(refusal)
    return user


_DUMMY_HASH = generate_password_hash("not a real password")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_api_token(session: Session, user_id: int, actor: Actor, now: datetime) -> str:
    """A new API token for the user, replacing the old one. Shown once; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    with write_transaction(session):
        user = session.get(User, user_id)
        if user is None:
            raise BadData(_("There is no such user."), field="user")
        user.api_token_hash = token_digest(token)
        user.updated_at = now
        audit.append(session, user, at=now, actor=actor.name, trigger="issue_api_token")
    return token


def user_for_token(session: Session, token: str) -> User | None:
    user = session.scalar(select(User).where(User.api_token_hash == token_digest(token)))
    return user if user is not None and user.active else None
