"""The people who receive the deadline engine's mail, for the tests: one coordinator, one leader,
and a contact address for every unit."""
from __future__ import annotations

from sqlalchemy import select

from models import Unit
from models.db import Database, write_transaction
from tests.conftest import SEED_NOW
from workflow.people.accounts import save_user
from workflow.people.permissions import Actor

COORDINATOR_EMAIL = "dieuphoi@tuky.local"
LEADER_EMAIL = "lanhdao@tuky.local"
ADMIN = Actor("seed:test", "admin")


def unit_email(unit_id: int) -> str:
    return f"donvi{unit_id}@tuky.local"


def add_people(db: Database) -> None:
    with db.session() as session:
        for email, role in ((COORDINATOR_EMAIL, "coordinator"), (LEADER_EMAIL, "leader")):
            save_user(session, email=email, role=role, actor=ADMIN, now=SEED_NOW, password="mat-khau-thu-nghiem")
        with write_transaction(session):
            for unit in session.scalars(select(Unit)):
                unit.contact_email = unit_email(unit.id)
