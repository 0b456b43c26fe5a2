"""The plan files shipped with the project (``plans/*.toml``) and the seed's shortcut to them:
``flask --app wsgi seed tuky-2023`` imports ``plans/tuky-2023.toml`` as ``plans import`` would."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from workflow.campaigns.plan_file import PlanFile, parse_plan
from workflow.campaigns.plans import ImportReport, import_plan
from workflow.people.permissions import Actor

PLANS_DIR = Path(__file__).parent


def plan_path(code: str) -> Path:
    return PLANS_DIR / f"{code}.toml"


def shipped_codes() -> list[str]:
    return sorted(path.stem for path in PLANS_DIR.glob("*.toml"))


def shipped(code: str) -> PlanFile:
    path = plan_path(code)
    return parse_plan(path.read_text(encoding="utf-8"), source=path.name)


def seed_actor(code: str) -> Actor:
    return Actor(f"seed:{code}", "admin")


def load(session: Session, now: datetime, code: str) -> ImportReport:
    """Import the shipped plan ``code``; running it again changes nothing."""
    return import_plan(session, shipped(code), actor=seed_actor(code), now=now)
