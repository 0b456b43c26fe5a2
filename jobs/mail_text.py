"""The words of the e-mails: Vietnamese (the catalog in ``translations/vi``), English as fallback.

Plain text, one message id per sentence so that translators see whole sentences; dates are
dd/mm/yyyy and times are in the configured time zone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from vocabulary.i18n import N_, Text, _, gettext
from vocabulary.states import Kind, State
from workflow.alerts.rules import ESCALATION, OVERDUE, REMINDER, Rule
from workflow.audit.checkpoint import Checkpoint

SUBJECTS = {
    REMINDER: N_("[CCHC] Reminder: {what} of {unit} is due on {due}"),
    OVERDUE: N_("[CCHC] Overdue: {what} of {unit} was due on {due}"),
    ESCALATION: N_("[CCHC] Escalation: {what} of {unit} (due {due}) is still missing"),
}
OPENINGS = {
    REMINDER: N_("This is a reminder that {what} of {unit} is due on {due}."),
    OVERDUE: N_("{what} of {unit} was due on {due} and has not been recorded."),
    ESCALATION: N_("{what} of {unit} was due on {due} and is still missing; this is escalated to the leaders of {issuer}."),
}
# The office and the issuing body are the campaign's (Campaign.office, Campaign.issuer).
FOOTER = N_("This message was sent automatically by the CCHC inspection system of {office}. Please do not reply to it.")


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


def _sentence(msgid: str, **params: object) -> str:
    """A translated sentence, capitalised (a label such as "báo cáo …" may start it)."""
    text = str(Text(msgid, params))
    return text[:1].upper() + text[1:]


# The case page of the web UI, under the address the office reaches it at (setting BASE_URL).
CASE_PATH = "/admin/inspection/details/?id={id}"


def case_url(base_url: str | None, case_id: int) -> str | None:
    return base_url.rstrip("/") + CASE_PATH.format(id=case_id) if base_url else None


def alert_mail(rule: Rule, level: int, *, case_id: int, unit: str, kind: str, state: str, due: date,
               action: str | None, grace_days: int, issuer: str, office: str, case_url: str | None = None) -> Mail:
    what = gettext(rule.label)
    lines = [
        _sentence(OPENINGS[level], what=what, unit=unit, due=due, issuer=issuer),
        "",
        str(_("Case: #{id}, {unit} ({kind})", id=case_id, unit=unit, kind=Kind(kind).label)),
        str(_("Current step: {state}", state=State(state).label)),
        str(_("Due date: {due}", due=due)),
    ]
    if case_url:
        lines.append(str(_("Open the case: {url}", url=case_url)))
    if action == "order_reinspection":
        lines += ["", str(_("No remediation report came in within {days} days after the deadline: the system orders a re-inspection of this unit.", days=grace_days))]
    lines += ["", str(_(FOOTER, office=office))]
    return Mail(_sentence(SUBJECTS[level], what=what, unit=unit, due=due), "\n".join(lines))


@dataclass(frozen=True)
class DigestLine:
    case_id: int
    unit: str
    what: str
    due: date
    level: int | None = None


DIGEST_SECTION_LIMIT = 50


def digest_mail(today: date, due_today: list[DigestLine], overdue: list[DigestLine], escalated: list[DigestLine],
                office: str, reinspections: list[DigestLine] = ()) -> Mail:
    subject = _sentence(N_("[CCHC] Daily digest for {date}: {due} due today, {overdue} overdue, {escalated} escalated"),
                       date=today, due=len(due_today), overdue=len(overdue), escalated=len(escalated))
    lines = [str(_("Deadlines of the inspection campaign as of {date}.", date=today)), ""]
    sections = ((_("Due today"), due_today), (_("Overdue"), overdue), (_("Escalated to the leaders (level 2)"), escalated),
                (_("Re-inspections (phúc tra) ordered, planned on"), list(reinspections)))
    for title, entries in sections:
        lines.append(f"{title} ({len(entries)}):")
        for entry in entries[:DIGEST_SECTION_LIMIT]:
            lines.append(str(_("  - case #{id}, {unit}: {what}, due {due}", id=entry.case_id, unit=entry.unit, what=entry.what, due=entry.due)))
        if len(entries) > DIGEST_SECTION_LIMIT:
            lines.append(str(_("  … and {count} more (see the list of alerts).", count=len(entries) - DIGEST_SECTION_LIMIT)))
        if not entries:
            lines.append(str(_("  (none)")))
        lines.append("")
    lines.append(str(_(FOOTER, office=office)))
    return Mail(subject, "\n".join(lines))


def checkpoint_mail(checkpoint: Checkpoint, file_name: str) -> Mail:
    """The auditors' daily copy of a checkpoint: its summary, and the file itself after a line,
    to keep and check the log against with ``audit verify --against FILE``."""
    subject = _sentence(N_("[CCHC] Audit log checkpoint no. {number} of {date}"), number=checkpoint.number, date=checkpoint.made_at)
    lines = [
        str(_("The audit log verified and its {chains} chains ({entries} entries) were folded into checkpoint no. {number} at {made_at}.",
              chains=len(checkpoint.heads), entries=checkpoint.entries, number=checkpoint.number, made_at=checkpoint.made_at)),
        str(_("Root: {root}", root=checkpoint.root)),
        str(_("Signature: {signature}", signature=checkpoint.signature)),
        "",
        str(_("Keep this message. Save the part below the line as {name} and check the log against it at any time with: flask --app wsgi audit verify --against {name}", name=file_name)),
        "-----",
        checkpoint.to_json(),
        "-----",
        gettext(FOOTER),
    ]
    return Mail(subject, "\n".join(lines))
