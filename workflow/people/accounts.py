"""User accounts: creating them and checking their passwords."""
from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from models import LoginThrottle, Unit, User
from models.db import write_transaction
from vocabulary.config import local_date
from vocabulary.i18n import N_, _
from workflow import audit
from workflow.errors import BadData, WorkflowError
from workflow.people.permissions import ROLES, Actor
from workflow.people.unit_names import unit_named

MIN_PASSWORD_LENGTH = 10
# Per address: attempts a minute. Per (address, account): failures before the delays start,
# the first delay and the longest.
ADDRESS_LIMIT = 20
ADDRESS_WINDOW = timedelta(minutes=1)
FREE_FAILURES = 5
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)
THROTTLE_KEPT = timedelta(days=1)


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def password_matches(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


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
    name: str | None = None,
) -> tuple[User, str, bool]:
    """Create a user (or, with ``reset_existing``, update role, unit and password of an existing
    one). ``name``: the person's full name, as documents print it under a signature. Returns the
    user, the password set and whether the user was created."""
    email = email.strip().lower()
    password = password or generate_password()
    _validate(email, role, password)
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


def _throttle(session: Session, key: str, now: datetime) -> LoginThrottle:
    row = session.get(LoginThrottle, key)
    if row is None:
        row = LoginThrottle(key=key, window_start=now, attempts=0, failures=0, updated_at=now)
        session.add(row)
    row.updated_at = now
    return row


def pair_delay(failures: int) -> timedelta:
    """How long an address waits before trying an account again after ``failures`` in a row:
    nothing for the first few, then doubling from 30 s, at most 15 minutes."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(FIRST_DELAY * 2 ** (failures - FREE_FAILURES), MAX_DELAY)


def authenticate(session: Session, email: str, password: str, now: datetime, address: str = "-") -> User:
    """Check a login from ``address``. At most ``ADDRESS_LIMIT`` attempts a minute per address
    (else :class:`TooManyAttempts`); after a few failures in a row, that address waits longer
    and longer before it may try that account again — from another address its owner logs in
    as usual. Every refusal is the same :class:`LoginRefused`. Successes and failures on an
    existing account are written to its audit chain."""
    email = email.strip().lower()
    refusal: WorkflowError | None = None
    with write_transaction(session):
        session.execute(delete(LoginThrottle).where(LoginThrottle.updated_at < now - THROTTLE_KEPT))
        by_address = _throttle(session, f"address:{address}", now)
        if now - by_address.window_start >= ADDRESS_WINDOW:
            by_address.window_start, by_address.attempts = now, 0
        by_address.attempts += 1
        if by_address.attempts > ADDRESS_LIMIT:
            refusal = TooManyAttempts(_("Too many attempts: wait a minute and try again."))
        else:
            pair = _throttle(session, f"pair:{address} {email}"[:300], now)
            user = session.scalar(select(User).where(User.email == email))
            waiting = pair.blocked_until is not None and pair.blocked_until > now
            if waiting or user is None or not user.active:
                check_password_hash(_dummy_hash(), password)  # the same time as a real check
                matches = False
            else:
                matches = password_matches(user, password)
            if matches and user is not None:
                session.delete(pair)
                user.last_login_at = now
                audit.append(session, user, at=now, actor=user.email, trigger="login")
            else:
                refusal = LoginRefused(_(LOGIN_REFUSED))
                if not waiting:
                    pair.failures += 1
                    delay = pair_delay(pair.failures)
                    pair.blocked_until = now + delay if delay else None
                    if user is not None:
                        audit.append(session, user, at=now, actor=user.email, trigger="login_delayed" if delay else "login_failed",
                                     data={"address": address, **({"delay_seconds": int(delay.total_seconds())} if delay else {})})
    if refusal is not None:
        raise refusal
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
