"""``scoring …``: the criteria sets of a campaign (import, export, the SAMPLE sets, copy) and its
ranking as a spreadsheet."""
from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from documents.scores import ranking_xlsx
from models import Campaign
from vocabulary.config import local_date
from vocabulary.i18n import N_, _
from workflow.errors import BadData, WorkflowError
from workflow.scoring import criteria, results

from .common import acting_as, as_option, at_option, database, fail, moment_option, say

KINDS = click.Choice(["office", "commune"])


@click.group("scoring", help=N_("Scoring against the Chỉ số CCHC: criteria sets and the ranking."))
def group() -> None:
    pass


def _campaign(session, code: str) -> Campaign:
    campaign = session.scalar(select(Campaign).where(Campaign.code == code))
    if campaign is None:
        raise click.BadParameter(f"no campaign {code}", param_hint="CAMPAIGN")
    return campaign


@group.command("import", help=N_("Import a criteria file (TOML) or workbook (XLSX) as the campaign's set for its kind of unit."))
@click.argument("campaign_code", metavar="CAMPAIGN")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@as_option
@at_option
def import_command(campaign_code: str, path: Path, as_email: str | None, at: str | None) -> None:
    with database().session() as session:
        campaign, actor = _campaign(session, campaign_code), acting_as(session, as_email)
        try:
            imported = criteria.import_criteria_upload(session, campaign.id, path.read_bytes(), actor=actor, now=moment_option(at))
        except WorkflowError as error:
            fail(error)
        say("Imported: {title} ({count} scored criteria).", title=imported.title, count=len(criteria.leaves(imported)))


@group.command("sample", help=N_("Load the shipped SAMPLE set for offices or communes into the campaign."))
@click.argument("campaign_code", metavar="CAMPAIGN")
@click.argument("unit_kind", type=KINDS)
@as_option
@at_option
def sample_command(campaign_code: str, unit_kind: str, as_email: str | None, at: str | None) -> None:
    with database().session() as session:
        campaign, actor = _campaign(session, campaign_code), acting_as(session, as_email)
        try:
            loaded = criteria.load_sample(session, campaign.id, unit_kind, actor=actor, now=moment_option(at))
        except WorkflowError as error:
            fail(error)
        say("Imported: {title} ({count} scored criteria).", title=loaded.title, count=len(criteria.leaves(loaded)))


@group.command("export", help=N_("Write the campaign's set for a kind of unit as a criteria file (TOML), or as a workbook with an --out ending in .xlsx."))
@click.argument("campaign_code", metavar="CAMPAIGN")
@click.argument("unit_kind", type=KINDS)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help=N_("Write here instead of the standard output."))
def export_command(campaign_code: str, unit_kind: str, out: Path | None) -> None:
    with database().session() as session:
        found = criteria.criteria_set_for(session, _campaign(session, campaign_code).id, unit_kind)
        if found is None:
            raise click.ClickException(f"campaign {campaign_code} has no criteria set for {unit_kind}")
        if out and out.suffix.lower() == ".xlsx":
            out.write_bytes(criteria.export_workbook(found))
            return
        text = criteria.export_criteria(found)
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@group.command("copy", help=N_("Copy the criteria sets of one campaign to another."))
@click.argument("from_code", metavar="FROM_CAMPAIGN")
@click.argument("to_code", metavar="TO_CAMPAIGN")
@as_option
@at_option
def copy_command(from_code: str, to_code: str, as_email: str | None, at: str | None) -> None:
    with database().session() as session:
        target, actor = _campaign(session, to_code), acting_as(session, as_email)
        try:
            copied = criteria.copy_sets(session, from_code, target.id, actor=actor, now=moment_option(at))
        except WorkflowError as error:
            fail(error)
        for criteria_set in copied:
            say("Imported: {title} ({count} scored criteria).", title=criteria_set.title, count=len(criteria.leaves(criteria_set)))


@group.command("ranking", help=N_("The campaign's ranking (every kind of unit with a set) as a spreadsheet."))
@click.argument("campaign_code", metavar="CAMPAIGN")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help=N_("The XLSX file to write."))
@at_option
def ranking_command(campaign_code: str, out: Path, at: str | None) -> None:
    with database().session() as session:
        campaign = _campaign(session, campaign_code)
        tables = [table for kind in ("office", "commune") if (table := results.ranking(session, campaign.id, kind)) is not None]
        if not tables:
            fail(BadData(_(results.NO_RANKING, code=campaign_code)))
        content = ranking_xlsx(campaign.title, campaign.issuer, [results.ranking_facts(t) for t in tables], local_date(moment_option(at)))
    out.write_bytes(content)
    for table in tables:
        say("{title}: {count} units ranked, {waiting} not submitted yet.", title=table.criteria_set.title, count=len(table.rows),
            waiting=len(table.waiting))
