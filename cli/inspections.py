import json
from datetime import date
from typing import Any

import click

from workflow.errors import WorkflowError
from workflow.i18n import N_, format_date
from workflow.permissions import Actor
from workflow.queries import case_summary, list_cases
from workflow.service import fire
from workflow.states import Kind, State, UnitKind

from .common import acting_as, database, fail, moment_option, print_table, say


@click.group("inspections", help="Inspection cases.")
def group() -> None:
    pass


@group.command("list", help="List the cases, optionally in one state.")
@click.option("--state", type=click.Choice([s.value for s in State]))
@click.option("--kind", type=click.Choice([k.value for k in Kind]))
@click.option("--unit-kind", type=click.Choice([k.value for k in UnitKind]))
@click.option("--json", "as_json", is_flag=True, help="One JSON list of objects, for scripts.")
def list_command(state: str | None, kind: str | None, unit_kind: str | None, as_json: bool) -> None:
    with database().session() as session:
        cases = [case_summary(case) for case in list_cases(session, Actor.command_line("list"), state=state, kind=kind, unit_kind=unit_kind)]
    if as_json:
        click.echo(json.dumps(cases, ensure_ascii=False, indent=2))
        return
    rows = [
        [str(c["id"]), c["unit"], Kind(c["kind"]).label, c["state_label"], _date(c["visit_date"]),
         _date(c["next_due"]["date"]) if c["next_due"] else ""]
        for c in cases
    ]
    print_table((N_("ID"), N_("Unit"), N_("Kind"), N_("State"), N_("Inspection date"), N_("Next deadline")), rows)


def _date(iso: str | None) -> str:
    return format_date(date.fromisoformat(iso)) if iso else ""


def _pairs(values: tuple[str, ...]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r}: expected key=value", param_hint="--set")
        data[key.strip()] = value
    return data


@group.command("fire", help="Fire TRIGGER on case ID. Exit code 0 on success; otherwise the reason on stderr.")
@click.argument("inspection_id", type=int)
@click.argument("trigger")
@click.option("--as", "as_email", help="Act as this user (their role applies). Default: the command line, as admin.")
@click.option("--at", "at", help="The moment of the change (ISO time, local time zone). Default: now.")
@click.option("--set", "values", multiple=True, help="Data of the trigger, key=value; repeatable. JSON for findings and statuses.")
def fire_command(inspection_id: int, trigger: str, as_email: str | None, at: str | None, values: tuple[str, ...]) -> None:
    now = moment_option(at)
    data = _pairs(values)
    with database().session() as session:
        actor = acting_as(session, as_email)
        try:
            result = fire(session, inspection_id, trigger, actor, now, **data)
        except WorkflowError as error:
            fail(error)
    say("Case #{id}: {before} → {after}.", id=result.inspection_id, before=State(result.from_state).label, after=State(result.to_state).label)
