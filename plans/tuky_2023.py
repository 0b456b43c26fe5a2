"""The 2023 plan of UBND huyện Tứ Kỳ (Hải Dương), ``plans/tuky-2023.toml``: a shortcut for the
seed, the tests and the benchmarks. The plan's text is ``plans/data/ke-hoach-kiem-tra-cchc-2023.txt``."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from . import PLANS_DIR, load as load_plan, shipped
from workflow.campaigns.plans import ImportReport

CODE = "tuky-2023"
PLAN_TEXT = PLANS_DIR / "data" / "ke-hoach-kiem-tra-cchc-2023.txt"
PLAN = shipped(CODE)
DIRECT_UNITS = [unit for unit in PLAN.units if unit.inspection == "direct"]
SELF_UNITS = [unit for unit in PLAN.units if unit.inspection == "self"]


def load(session: Session, now: datetime) -> ImportReport:
    return load_plan(session, now, CODE)
