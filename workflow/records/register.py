"""The register of outgoing documents (sổ đăng ký văn bản đi): one sequence per year and type.

A number is taken inside the transaction that records the document, after locking the
(year, type) counter row: two coordinators issuing at once get consecutive numbers, and a
transaction that fails gives its number back (no gaps). Numbers below 10 have a leading zero
and each year starts again at 01 (Nghị định 30/2020/NĐ-CP): "05/TB-UBND".

A user may give a number of their own (a document numbered on paper or in Voffice): that is an
override and needs a reason, kept in the register and in the audit entry; it may not take a
number already given, and the sequence later skips it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import Campaign, Inspection, RegisterCounter, RegisterEntry
from vocabulary.i18n import N_, _, gettext
from workflow.errors import BadData
from workflow.people.permissions import Actor

# Document type → the issuer part of its symbol; None means the campaign's issuer (UBND).
# Minutes are drawn up and signed by the inspection team (Đoàn kiểm tra); the summary report to
# the Chairman is Phòng Nội vụ's (plan, section V.1).
SUFFIXES: dict[str, str | None] = {"TB": None, "BB": "ĐKT", "BC": "NV"}

_SYMBOL = re.compile(r"^\s*(\d{1,6})\s*/\s*([A-ZĐ]{2,4})\s*-\s*(\S+)\s*$")


def suffix(campaign: Campaign, doc_type: str) -> str:
    return SUFFIXES[doc_type] or campaign.issuer_short


def format_symbol(number: int, doc_type: str, issuer: str) -> str:
    """``5, "TB", "UBND"`` → ``"05/TB-UBND"``."""
    return f"{number:02d}/{doc_type}-{issuer}"


@dataclass(frozen=True)
class Proposal:
    number: str
    doc_date: date
    reused: bool = False  # the campaign's schedule notice, already in the register


def _next_free(session: Session, year: int, doc_type: str, last: int) -> int:
    taken = set(session.scalars(select(RegisterEntry.number).where(
        RegisterEntry.year == year, RegisterEntry.doc_type == doc_type, RegisterEntry.number > last)))
    number = last + 1
    while number in taken:
        number += 1
    return number


def _lock_counter(session: Session, year: int, doc_type: str) -> int:
    """Create the (year, type) counter if it is missing, lock it, return its last number."""
    dialect = session.bind.dialect.name  # type: ignore[union-attr]
    insert = (postgresql if dialect == "postgresql" else sqlite).insert
    session.execute(insert(RegisterCounter).values(year=year, doc_type=doc_type, last_number=0).on_conflict_do_nothing())
    return session.scalar(
        select(RegisterCounter.last_number)
        .where(RegisterCounter.year == year, RegisterCounter.doc_type == doc_type)
        .with_for_update()
    )


def peek(session: Session, campaign: Campaign, doc_type: str, doc_date: date) -> str:
    """The number the next document of this type would get (nothing is reserved)."""
    last = session.scalar(select(RegisterCounter.last_number).where(
        RegisterCounter.year == doc_date.year, RegisterCounter.doc_type == doc_type)) or 0
    return format_symbol(_next_free(session, doc_date.year, doc_type, last), doc_type, suffix(campaign, doc_type))


def schedule_notice_for(session: Session, inspection: Inspection) -> RegisterEntry | None:
    """The latest schedule notice of the campaign that lists this case at its current date."""
    if inspection.visit_date is None:
        return None
    notices = session.scalars(
        select(RegisterEntry)
        .where(RegisterEntry.campaign_id == inspection.campaign_id, RegisterEntry.purpose == "schedule_notice")
        .order_by(RegisterEntry.doc_date.desc(), RegisterEntry.id.desc())
    )
    return next((n for n in notices if n.covers.get(str(inspection.id)) == inspection.visit_date.isoformat()), None)


def campaign_schedule_notice(session: Session, campaign: Campaign, symbol: str) -> RegisterEntry | None:
    """The campaign's schedule notice numbered ``symbol``, if there is one."""
    return session.scalar(select(RegisterEntry).where(
        RegisterEntry.campaign_id == campaign.id, RegisterEntry.purpose == "schedule_notice",
        RegisterEntry.symbol == symbol.strip()))


def _symbol_parts(text: str, field: str) -> tuple[int, str, str]:
    match = _SYMBOL.match(text)
    if not match:
        raise BadData(_("{value}: a document number is written like 05/TB-UBND.", value=text), field=field)
    return int(match.group(1)), match.group(2), match.group(3)


def issue(
    session: Session,
    *,
    campaign: Campaign,
    doc_type: str,
    purpose: str,
    doc_date: date,
    actor: Actor,
    now: datetime,
    inspection: Inspection | None = None,
    given: str | None = None,
    reason: str | None = None,
    covers: dict[str, Any] | None = None,
    field: str = "number",
) -> RegisterEntry:
    """Enter a document in the register, inside the caller's write transaction.

    Without ``given`` the next number of (year of ``doc_date``, ``doc_type``) is taken. With
    ``given``: the number the sequence would give anyway is simply taken; any other is an
    override that needs ``reason`` and must be free.
    """
    year = doc_date.year
    last = _lock_counter(session, year, doc_type)
    following = _next_free(session, year, doc_type, last)
    issuer = suffix(campaign, doc_type)
    number, override = following, None
    if given:
        # The type must be this document's; the issuer part is the user's to write (the team's
        # minutes may be "BB-ĐKT" or "BB-UBND"): the sequence is per year and type either way.
        number, given_type, issuer = _symbol_parts(given, field)
        if given_type != doc_type:
            raise BadData(_("{value}: this document is numbered …/{doc_type}-{issuer}.", value=given, doc_type=doc_type, issuer=suffix(campaign, doc_type)), field=field)
        if number != following:
            holder = session.scalar(select(RegisterEntry).where(
                RegisterEntry.year == year, RegisterEntry.doc_type == doc_type, RegisterEntry.number == number))
            if holder is not None:
                raise BadData(_("{value} was already given to another document on {date}; the next free number is {next}.",
                                value=given, date=holder.doc_date, next=format_symbol(following, doc_type, issuer)), field=field)
            if not reason:
                raise BadData(_("{value} is not the next number of the register ({next}): give the reason for using another number.",
                                value=given, next=format_symbol(following, doc_type, issuer)), field="number_reason")
            override = reason
    if number == following:
        session.execute(update(RegisterCounter)
                        .where(RegisterCounter.year == year, RegisterCounter.doc_type == doc_type)
                        .values(last_number=number))
    entry = RegisterEntry(
        year=year, doc_type=doc_type, number=number, symbol=format_symbol(number, doc_type, issuer), doc_date=doc_date,
        purpose=purpose, campaign_id=campaign.id, inspection_id=inspection.id if inspection else None,
        covers=covers or {}, override_reason=override, issued_by=actor.name, issued_at=now,
    )
    session.add(entry)
    return entry


def recorded(entry: RegisterEntry) -> dict[str, Any]:
    """What the audit entry keeps of a register entry."""
    data: dict[str, Any] = {"number": entry.symbol, "date": entry.doc_date.isoformat()}
    if entry.override_reason:
        data["override_reason"] = entry.override_reason
    return data


# What each entry of the register was given for, as the register's reader names it.
PURPOSE_LABELS = {
    "notice": N_("Schedule notice (one unit)"),
    "schedule_notice": N_("Schedule notice of the campaign"),
    "minutes": N_("Inspection minutes"),
    "conclusion": N_("Conclusion notice"),
    "summary_report": N_("Summary report to the Chairman"),
}


def purpose_label(purpose: str) -> str:
    return gettext(PURPOSE_LABELS.get(purpose, purpose))


# Trigger → (document type, its number field, its date field, purpose in the register).
NUMBERED_TRIGGERS = {
    "notify": ("TB", "notice_number", "notice_date", "notice"),
    "sign_minutes": ("BB", "minutes_number", "minutes_date", "minutes"),
    "conclude": ("TB", "conclusion_number", "conclusion_date", "conclusion"),
}


def propose(session: Session, inspection: Inspection, trigger: str, today: date) -> Proposal | None:
    """The number and date a form should show for ``trigger`` (None: the trigger takes none).
    A notice is the campaign's schedule notice when one lists the case at its current date."""
    if trigger not in NUMBERED_TRIGGERS:
        return None
    if trigger == "notify":
        notice = schedule_notice_for(session, inspection)
        if notice is not None:
            return Proposal(notice.symbol, notice.doc_date, reused=True)
    doc_type = NUMBERED_TRIGGERS[trigger][0]
    return Proposal(peek(session, inspection.campaign, doc_type, today), today)
