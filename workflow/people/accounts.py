"""User accounts: creating them and checking their passwords."""
from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from models import User
from models.db import write_transaction
from vocabulary.config import local_date
from vocabulary.i18n import N_, _
from workflow import audit
from workflow.errors import BadData, WorkflowError
from workflow.people import login_limits
from workflow.people.password_policy import check_password
from workflow.people.permissions import ROLES, Actor
from workflow.people.unit_names import unit_named

def generate_password() -> str:
    return secrets.token_urlsafe(12)


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def password_matches(user: Any, password: str) -> bool:
    """``user``: anything with the ``password_hash`` of a :class:`User`."""
    return check_password_hash(user.password_hash, password)


def _validate(email: str, role: str, password: str | None) -> None:
    """``password``: the one a person chose (a generated one needs no policy)."""
    if "@" not in email or len(email) > 200:
        raise BadData(_("E-mail: \u201c{email}\u201d is not an e-mail address.", email=email), field="email")
    if role not in ROLES:
        raise BadData(_("Role: must be one of {roles}.", roles=", ".join(ROLES)), field="role")
    if password is not None:
        check_password(password, email=email)


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
    name: str | None = None,
) -> tuple[User, str, bool]:
    """Create a user (or, with ``reset_existing``, update role, unit and password of an existing
    one). ``name``: the person's full name, as documents print it under a signature. Returns the
    user, the password set and whether the user was created."""
    email = email.strip().lower()
    _validate(email, role, password)
    password = password or generate_password()
    with write_transaction(session):
        unit = unit_named(session, unit_name, day=local_date(now)) if unit_name else None
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
        if name:  # as the documents print it: who signs is matched by it
            user.name = name.strip()[:200]
        user.password_hash = hash_password(password)
        if not created:
            end_sessions(user)
        user.updated_at = now
        session.flush()
        audit.append(session, user, at=now, actor=actor.name, trigger="create" if created else "reset_password",
                     data=audit.snapshot(user))
    return user, password, created


LOGIN_REFUSED = N_("Login refused: wrong e-mail or password, or too many failed attempts from here (then wait a few minutes and try again).")


class LoginRefused(WorkflowError):
    """The one refusal a stranger sees, whatever the reason: a wrong password, an unknown
    address, an inactive account or a pair that must wait all read the same."""

    http_status = 401
    code = "login_refused"
    title = "Login refused"


class TooManyAttempts(WorkflowError):
    http_status = 429
    code = "too_many_attempts"
    title = "Too many attempts"


def authenticate(session: Session, email: str, password: str, now: datetime, address: str = "-") -> User:
    """Check a login from ``address``, if :func:`login_limits.admit` lets it be checked (else
    :class:`TooManyAttempts` for the address's limit, or the same :class:`LoginRefused` as a wrong
    password for an account's delay). Every refusal after a check is that same
    :class:`LoginRefused`; successes and checked failures on an existing account are written to
    its audit chain (attempts refused unchecked are not: they would let a guesser fill it)."""
    email = email.strip().lower()
    admission = login_limits.admit(session, email, address, now)
    if not admission.address_allowed:
        raise TooManyAttempts(_("Too many attempts: wait a minute and try again."))
    if not admission.checked:
        raise LoginRefused(_(LOGIN_REFUSED))
    # Columns, not the User: the entity is loaded (and locked) only in the transaction that writes it.
    account = session.execute(select(User.id, User.active, User.password_hash).where(User.email == email)).one_or_none()
    if account is None or not account.active:
        check_password_hash(_dummy_hash(), password)  # the same time as a real check
        matches = False
    else:
        matches = password_matches(account, password)
    user = None
    with write_transaction(session):
        if account is not None:  # locked: concurrent attempts append to its chain one after another
            user = session.get(User, account.id, with_for_update=True)
        if matches and user is not None:
            login_limits.record_success(session, admission, email, address, now)
            user.last_login_at = now
            audit.append(session, user, at=now, actor=user.email, trigger="login")
        elif user is not None:
            delay = admission.delay
            audit.append(session, user, at=now, actor=user.email, trigger="login_delayed" if delay else "login_failed",
                         data={"address": address, **({"delay_seconds": int(delay.total_seconds())} if delay else {})})
    if not matches:
        raise LoginRefused(_(LOGIN_REFUSED))
    return user  # type: ignore[return-value]


def end_sessions(user: User) -> None:
    """Every session of ``user`` ends (the next request of each is sent to the login page) and
    their API token stops working; in the caller's transaction."""
    user.session_generation = (user.session_generation or 1) + 1
    user.api_token_hash = None


def log_out(session: Session, user_id: int, generation: int, now: datetime) -> None:
    """Logging out ends every session and the token of the user, unless another logout (or a
    change) already did."""
    with write_transaction(session):
        user = session.get(User, user_id)
        if user is None or user.session_generation != generation:
            return
        end_sessions(user)
        user.updated_at = now
        audit.append(session, user, at=now, actor=user.email, trigger="logout")


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to check a password against when there is no account (the time of a real check);
    made at the first login, not at import: scrypt costs a third of a second of every start-up."""
    return generate_password_hash("not a real password")


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
    """The active user whose token this is (a token ends with the user's sessions)."""
    user = session.scalar(select(User).where(User.api_token_hash == token_digest(token)))
    return user if user is not None and user.active else None
