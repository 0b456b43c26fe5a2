"""The `inspections` commands. The workflow's modules are imported by the command that uses
them: `--help` and a listing do not load the engine, the campaigns or the case file (start-up,
issue #14)."""
from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from vocabulary.i18n import N_, format_date, gettext
from vocabulary.states import OPENING_KINDS, Kind, State, UnitKind
from workflow.errors import WorkflowError
from workflow.people.permissions import Actor

from .common import (
    RECORD_ID,
    acting_as,
    as_option,
    at_option,
    database,
    fail,
    moment_option,
    print_table,
    say,
)

if TYPE_CHECKING:
    from workflow.records.files import FileStore


@click.group("inspections", help=N_("Inspection cases."))
def group() -> None:
    pass


@group.command("list", help=N_("List the cases, optionally in one state."))
@click.option("--state", type=click.Choice([s.value for s in State]))
@click.option("--kind", type=click.Choice([k.value for k in Kind]))
@click.option("--unit-kind", type=click.Choice([k.value for k in UnitKind]))
@click.option("--campaign", help=N_("Only this campaign (its code). Default: every campaign."))
@click.option("--json", "as_json", is_flag=True, help=N_("One JSON list of objects, for scripts."))
def list_command(state: str | None, kind: str | None, unit_kind: str | None, campaign: str | None, as_json: bool) -> None:
    from workflow.queries.case_list import case_summary, list_cases, stream_summaries

    filters = dict(state=state, kind=kind, unit_kind=unit_kind, campaign=campaign)
    if as_json:
        with database().session() as session:
            try:
                _echo_json_list(stream_summaries(session, Actor.command_line("list"), **filters))
            except WorkflowError as error:
                fail(error)
        return
    with database().session() as session:
        try:
            found = list_cases(session, Actor.command_line("list"), **filters)
        except WorkflowError as error:
            fail(error)
        cases = [case_summary(case) for case in found]
    rows = [
        [str(c["id"]), c["unit"], Kind(c["kind"]).label, c["state_label"], _date(c["visit_date"]),
         _date(c["next_due"]["date"]) if c["next_due"] else ""]
        for c in cases
    ]
    print_table((N_("ID"), N_("Unit"), N_("Kind"), N_("State"), N_("Inspection date"), N_("Next deadline")), rows)


def _echo_json_list(items) -> None:
    """The list as ``json.dumps(..., indent=2)`` would print it, written an item at a time."""
    opened = False
    for item in items:
        click.echo("[\n  " if not opened else ",\n  ", nl=False)
        click.echo(json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  "), nl=False)
        opened = True
    click.echo("\n]" if opened else "[]")


def _date(iso: str | None) -> str:
    return format_date(date.fromisoformat(iso)) if iso else ""


# ``file=``, ``appendices=`` and ``evidence.N=`` take paths of files to upload; the last two repeat.
EVIDENCE_PREFIX = "evidence."


def _pairs(values: tuple[str, ...]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for item in values:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise click.BadParameter(f"{item!r}: expected key=value", param_hint="--set")
        if key == "appendices" or key.startswith(EVIDENCE_PREFIX):
            data.setdefault(key, []).append(value)
        else:
            data[key] = value
    return data


def _upload_files(data: dict[str, Any], store: FileStore) -> dict[str, Any]:
    """Store the files named by path (``file=``, ``appendices=``, ``evidence.N=``) before the
    change that records them; the evidence goes to finding N's entry in ``statuses``."""
    data = dict(data)
    if data.get("file"):
        data["file"] = store.store_path(Path(data["file"]), field="file")
    if "appendices" in data:
        data["appendices"] = [store.store_path(Path(path), field="appendices") for path in data["appendices"] if path]
    evidence = {key[len(EVIDENCE_PREFIX):]: data.pop(key) for key in list(data) if key.startswith(EVIDENCE_PREFIX)}
    if evidence:
        statuses = data.get("statuses")
        statuses = json.loads(statuses) if isinstance(statuses, str) and statuses else statuses or {}
        if isinstance(statuses, list):
            statuses = {str(number): item for number, item in enumerate(statuses, start=1)}
        for number, paths in evidence.items():
            entry = statuses.get(number, {})
            entry = entry if isinstance(entry, dict) else {"status": entry}
            entry["evidence"] = [store.store_path(Path(path), field="evidence") for path in paths]
            statuses[number] = entry
        data["statuses"] = statuses
    return data


@group.command("fire", help=N_("Fire TRIGGER on case ID. Exit code 0 on success; otherwise the reason on stderr. "
               "Files by path: --set file=/path/report.pdf, --set appendices=/path/pl1.xlsx (repeatable), "
               "--set evidence.2=/path/photo.jpg (evidence of finding 2, repeatable)."))
@click.argument("inspection_id", type=RECORD_ID)
@click.argument("trigger")
@as_option
@at_option
@click.option("--set", "values", multiple=True, help=N_("Data of the trigger, key=value; repeatable. JSON for findings and statuses."))
def fire_command(inspection_id: int, trigger: str, as_email: str | None, at: str | None, values: tuple[str, ...]) -> None:
    from web.files import file_store
    from workflow.engine.service import fire
    from workflow.records.attachments import entry_attachments

    now = moment_option(at)
    with database().session() as session:
        actor = acting_as(session, as_email)
        try:
            data = _upload_files(_pairs(values), file_store())
            result = fire(session, inspection_id, trigger, actor, now, **data)
        except WorkflowError as error:
            fail(error)
        say("Case #{id}: {before} → {after}.", id=result.inspection_id, before=State(result.from_state).label, after=State(result.to_state).label)
        if "register" in result.extra:
            say("Document number: {number}.", number=result.extra["register"]["number"])
        for file in entry_attachments(session, result.audit_entry_id):  # what the check on arrival found
            if file.signature_check is not None:
                click.echo(f"{file.original_name}: {file.signature_check['message']}")


@group.command("open", help=N_("Open a case outside the plan's list: a surprise inspection on the day, or a unit added to a "
               "running campaign (direct or self). Coordinators only; the first entry of the case's audit chain."))
@click.option("--campaign", "campaign_code", required=True, help=N_("The campaign's code."))
@click.option("--unit", "unit_name", required=True, help=N_("The unit's name, as the registry has it."))
@click.option("--kind", required=True, type=click.Choice(OPENING_KINDS))
@click.option("--visit-date", type=click.DateTime(formats=["%Y-%m-%d"]), help=N_("The day of the visit (ISO date)."))
@click.option("--visit-time", type=click.DateTime(formats=["%H:%M"]), help=N_("The time of the visit (HH:MM)."))
@click.option("--reason", help=N_("Why the case is opened (kept in its first audit entry)."))
@as_option
@at_option
def open_command(campaign_code: str, unit_name: str, kind: str, visit_date: datetime | None, visit_time: datetime | None,
                 reason: str | None, as_email: str | None, at: str | None) -> None:
    from workflow.campaigns.opening import open_inspection

    now = moment_option(at)
    with database().session() as session:
        actor = acting_as(session, as_email)
        try:
            case = open_inspection(session, campaign_code=campaign_code, unit_name=unit_name, kind=kind, actor=actor, now=now,
                                   visit_date=visit_date.date() if visit_date else None, reason=reason,
                                   data={"visit_time": visit_time.time()} if visit_time else None)
        except WorkflowError as error:
            fail(error)
        say("Case #{id} opened: {kind}, {unit}.", id=case.id, kind=Kind(case.kind).label, unit=case.unit_name)


@group.command("outline", help=N_("The outline sections of case ID with their items (numbered) and the team's review."))
@click.argument("inspection_id", type=RECORD_ID)
@as_option
def outline_command(inspection_id: int, as_email: str | None) -> None:
    from models import Inspection
    from workflow.casefile.review import review_sheet

    with database().session() as session:
        actor = acting_as(session, as_email)
        inspection = session.get(Inspection, inspection_id)
        if inspection is None or not actor.sees_unit(inspection.unit_id):
            raise click.BadParameter(f"no case {inspection_id}", param_hint="ID")
        for entry in review_sheet(session, inspection):
            click.echo(f"{entry.section.code}  {entry.section.title}")
            missing = {item.id for item in entry.missing}
            for number, item in enumerate(entry.section.items, start=1):
                click.echo(f"    {number:2d}. {'[' + gettext(N_('missing')) + '] ' if item.id in missing else ''}{item.text}")
            if entry.review:
                click.echo(f"    a) {entry.review.achieved or ''}")
                click.echo(f"    b) {entry.review.shortcomings or ''}")
                if entry.review.causes:
                    click.echo(f"       {gettext(N_('Causes'))}: {entry.review.causes}")


@group.command("review-section", help=N_("Record what the team found for one outline section (e.g. B.3): on the unit's report, or on site."))
@click.argument("inspection_id", type=RECORD_ID)
@click.argument("section")
@click.option("--achieved", help=N_("Results achieved (a)."))
@click.option("--shortcomings", help=N_("Shortcomings and limitations (b)."))
@click.option("--causes", help=N_("Their causes (b)."))
@click.option("--missing", "missing", type=RECORD_ID, multiple=True, help=N_("Number of an item of the section the report leaves out (as `inspections outline` lists them); repeatable."))
@as_option
@at_option
def review_section_command(inspection_id: int, section: str, achieved: str | None, shortcomings: str | None,
                           causes: str | None, missing: tuple[int, ...], as_email: str | None, at: str | None) -> None:
    from models import Inspection
    from workflow.casefile.review import review_section, review_sheet

    now = moment_option(at)
    with database().session() as session:
        actor = acting_as(session, as_email)
        inspection = session.get(Inspection, inspection_id)
        items = next((entry.section.items for entry in review_sheet(session, inspection) if entry.section.code == section), []) if inspection else []
        unknown = [number for number in missing if not 1 <= number <= len(items)]
        if unknown:
            raise click.BadParameter(f"{unknown}: section {section} has items 1–{len(items)}", param_hint="--missing")
        try:
            review_section(session, inspection_id, section, achieved=achieved, shortcomings=shortcomings, causes=causes,
                           missing_items=[items[number - 1].id for number in missing], actor=actor, now=now)
        except WorkflowError as error:
            fail(error)
    say("Case #{id}: section {section} reviewed.", id=inspection_id, section=section)


@group.command("record-closing", help=N_("Record the team's general assessment and the unit's opinion (the minutes' parts III and IV) of case ID."))
@click.argument("inspection_id", type=RECORD_ID)
@click.option("--assessment", help=N_("The team's general assessment."))
@click.option("--opinion", help=N_("The unit's opinion."))
@as_option
@at_option
def record_closing_command(inspection_id: int, assessment: str | None, opinion: str | None, as_email: str | None, at: str | None) -> None:
    from workflow.casefile.review import record_closing

    now = moment_option(at)
    given = {name: value for name, value in (("team_assessment", assessment), ("unit_opinion", opinion)) if value is not None}
    with database().session() as session:
        actor = acting_as(session, as_email)
        try:
            record_closing(session, inspection_id, actor=actor, now=now, **given)
        except WorkflowError as error:
            fail(error)
    say("Case #{id}: the team's assessment and the unit's opinion recorded.", id=inspection_id)


@group.command("review-finding", help=N_("Accept (or not) the remediation of finding NUMBER of case ID."))
@click.argument("inspection_id", type=RECORD_ID)
@click.argument("number", type=RECORD_ID)
@click.option("--accept/--reject", "accepted", required=True)
@click.option("--note", help=N_("What the team found; required with --reject."))
@as_option
@at_option
def review_finding_command(inspection_id: int, number: int, accepted: bool, note: str | None, as_email: str | None, at: str | None) -> None:
    from workflow.casefile.findings import review_finding

    now = moment_option(at)
    with database().session() as session:
        actor = acting_as(session, as_email)
        try:
            review_finding(session, inspection_id, number, accepted=accepted, note=note, actor=actor, now=now)
        except WorkflowError as error:
            fail(error)
    if accepted:
        say("Case #{id}: finding no. {number} accepted.", id=inspection_id, number=number)
    else:
        say("Case #{id}: finding no. {number} not accepted.", id=inspection_id, number=number)
