from datetime import datetime
from pathlib import Path

import click
from sqlalchemy.orm import Session

from vocabulary.i18n import N_, _, format_datetime
from web.files import checkpoint_store
from workflow.audit.chain import VerifyReport
from workflow.audit.checkpoint import Checkpoint, make_checkpoint, verify_log

from .common import database, say, wall_clock


@click.group("audit", help=N_("The audit log."))
def group() -> None:
    pass


def _print(report: VerifyReport) -> None:
    for problem in report.problems:
        click.echo(str(problem), err=True)
    if report.ok:
        say("Audit log intact: {entries} entries in {chains} chains checked.", entries=report.entries, chains=report.chains)
    else:
        say("Audit log ALTERED: {count} problem(s) in {entries} entries, {chains} chains.", count=len(report.problems), entries=report.entries, chains=report.chains)


def checkpoint_and_report(session: Session, now: datetime) -> bool:
    """Write the next checkpoint (``jobs sweep`` and ``audit checkpoint``); False when the log
    does not verify and so gets none."""
    result = make_checkpoint(session, checkpoint_store(), now)
    if result.checkpoint is None or result.path is None:
        _print(result.report)
        return False
    say("Checkpoint no. {number} of {chains} chains ({entries} entries), root {root}: {path}", number=result.checkpoint.number,
        chains=len(result.checkpoint.heads), entries=result.checkpoint.entries, root=result.checkpoint.root, path=str(result.path))
    return True


@group.command("verify", help=N_("Check every hash chain of the log, and the log against the latest checkpoint (or --against FILE); "
               "exit code 1 if anything was altered."))
@click.option("--against", "against", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("A checkpoint file you kept (from the checkpoint directory or the auditors' mail)."))
def verify_command(against: Path | None) -> None:
    store = checkpoint_store()
    kept = None
    if against is not None:
        try:
            kept = Checkpoint.from_json(against.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            raise click.BadParameter(str(_("{path} is not a checkpoint file of this system.", path=str(against))), param_hint="--against") from None
    with database().session() as session:
        report = verify_log(session, store, kept)
    if kept is not None:
        say("Checked against checkpoint no. {number} of {made_at}.", number=kept.number, made_at=format_datetime(kept.made_at))
    elif report.checkpoint is not None:
        say("Checked against checkpoint no. {number} of {made_at}.", number=report.checkpoint.number, made_at=format_datetime(report.checkpoint.made_at))
    else:
        say("No checkpoint yet in {directory}: the chains alone were checked.", directory=str(store.directory))
    _print(report)
    if not report.ok:
        raise SystemExit(1)


@group.command("checkpoint", help=N_("Verify the log and write the next signed checkpoint of every chain's head to the checkpoint directory."))
def checkpoint_command() -> None:
    with database().session() as session:
        if not checkpoint_and_report(session, wall_clock()):
            raise SystemExit(1)
