"""README's role table and the views' ``allowed_roles`` say the same thing (issue 12)."""
from __future__ import annotations

import re

from admin.views.alerts import AlertView
from admin.views.audit import AuditView
from admin.views.cases import CaseView
from admin.views.dashboard import DashboardView
from admin.views.documents import DocumentsView
from admin.views.campaigns import CampaignView
from admin.views.reference import UserView
from admin.views.units import UnitView
from vocabulary.config import PROJECT_DIR
from vocabulary.roles import ROLES

# Unit contacts are sent from the dashboard to their cases (admin/views/dashboard.py).
PAGES = {
    "dashboard": set(DashboardView.allowed_roles) - {"unit"},
    "cases": set(CaseView.allowed_roles),
    "alerts": set(AlertView.allowed_roles),
    "documents": set(DocumentsView.allowed_roles),
    "audit log": set(AuditView.allowed_roles),
    "reference data": set(CampaignView.allowed_roles) & set(UnitView.allowed_roles) & set(UserView.allowed_roles),
}


def readme_table() -> dict[str, set[str]]:
    text = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    table = text.split("| role | opens | may |", 1)[1].split("\n\n", 1)[0]
    opens: dict[str, set[str]] = {}
    for line in table.splitlines()[2:]:
        roles, pages, _may = [cell.strip() for cell in line.strip("|").split("|")]
        for role in re.split(r",\s*", roles):
            opens[role] = {page.strip() for page in pages.split(",")}
    return opens


def test_the_readme_role_table_is_what_the_views_allow():
    table = readme_table()
    assert set(table) == set(ROLES)
    for page, roles in PAGES.items():
        assert {role for role, pages in table.items() if page in pages} == roles, page
    assert set(AuditView.allowed_roles) >= {"leader", "auditor"} and AuditView.can_export  # read, verify and export together
