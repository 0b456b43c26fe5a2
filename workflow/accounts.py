"""User accounts: creating them and checking their passwords."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from models import Unit, User
from models.db import write_transaction

from . import audit
from .errors import BadData
from .i18n import _
from .permissions import ROLES, Actor

MIN_PASSWORD_LENGTH = 10


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
        unit = None
        if unit_name:
            unit = find_unit(session, unit_name)
            if unit is None:
                raise BadData(_("Unit: there is no unit named \u201c{name}\u201d.", name=unit_name), field="unit")
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
