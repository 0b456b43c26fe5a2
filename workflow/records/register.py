"""The register of outgoing documents (sổ đăng ký văn bản đi): one number per year and type.

Who numbers a type is the campaign's setting (:func:`numbered_by`):

* ``agency`` — the agency's văn thư (Nghị định 30/2020, Art. 15: one sequence for the whole agency
  in the year; a TB-UBND number comes from the UBND's register, which holds every notice of the
  UBND, not only ours). The coordinator types the number the văn thư gave; the register checks its
  form and that it is not used twice in the year, and asks no reason.
* ``own`` — this product keeps the sequence (the team's BB-ĐKT). A number is taken inside the
  transaction that records the document, after locking the (year, type) counter row: two
  coordinators issuing at once get consecutive numbers, and a transaction that fails gives its
  number back (no gaps). Another number is an override and needs a reason; it may not take a
  number already given, and the sequence later skips it.

Numbers below 10 have a leading zero and each year starts again at 01: "05/TB-UBND". A number
whose place breaks the order of the dates (a lower number dated later) is recorded but flagged
(:func:`out_of_order`). A number is corrected after issue only with a reason (:func:`correct`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, exists, func, select, union_all, update
from sqlalchemy import case as sql_case
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

AGENCY, OWN = "agency", "own"
NUMBERING_MODES = (AGENCY, OWN)
# The agency's văn thư numbers what the UBND and Phòng Nội vụ issue; the team numbers its minutes.
DEFAULT_NUMBERING: dict[str, str] = {"TB": AGENCY, "BB": OWN, "BC": AGENCY}


def numbered_by(campaign: Campaign, doc_type: str) -> str:
    """``agency`` (the văn thư gives the number) or ``own`` (this register's sequence)."""
    mode = (campaign.numbering or {}).get(doc_type, DEFAULT_NUMBERING[doc_type])
    return mode if mode in NUMBERING_MODES else DEFAULT_NUMBERING[doc_type]

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


# The next free number of a (year, type), taken in one statement: the counter's row is locked by
# the UPDATE itself (on PostgreSQL a second writer waits, then counts from the first one's number),
# moved past the numbers an override took above it, and its new value returned.
_COUNTER = RegisterCounter.__table__
_TAKEN, _AFTER = RegisterEntry.__table__.alias("taken"), RegisterEntry.__table__.alias("after_taken")


def _is_taken(entries: Any, year: Any, doc_type: Any, number: Any) -> Any:
    return exists().where(entries.c.year == year, entries.c.doc_type == doc_type, entries.c.number == number)


_FOLLOWING = _COUNTER.c.last_number + 1
_END_OF_TAKEN_RUN = (  # the first number after the run of taken numbers that starts at the following one
    select(func.min(_TAKEN.c.number) + 1)
    .where(_TAKEN.c.year == _COUNTER.c.year, _TAKEN.c.doc_type == _COUNTER.c.doc_type, _TAKEN.c.number > _COUNTER.c.last_number,
           ~_is_taken(_AFTER, _TAKEN.c.year, _TAKEN.c.doc_type, _TAKEN.c.number + 1))
    .scalar_subquery()
)
_TAKE_NEXT = (
    update(_COUNTER)
    .where(_COUNTER.c.year == bindparam("the_year"), _COUNTER.c.doc_type == bindparam("the_type"))
    .values(last_number=sql_case((_is_taken(_AFTER, _COUNTER.c.year, _COUNTER.c.doc_type, _FOLLOWING), _END_OF_TAKEN_RUN),
                                 else_=_FOLLOWING))
    .returning(_COUNTER.c.last_number)
)


def _take_next(session: Session, year: int, doc_type: str) -> int:
    """Move the (year, type) counter to its next free number and return it (the counter is
    created at the year's first document)."""
    params = {"the_year": year, "the_type": doc_type}
    number = session.execute(_TAKE_NEXT, params).scalar()
    if number is None:
        _lock_counter(session, year, doc_type)
        number = session.execute(_TAKE_NEXT, params).scalar_one()
    return number


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
    if not match or int(match.group(1)) == 0:
        raise BadData(_("{value}: a document number is written like 05/TB-UBND.", value=text), field=field)
    return int(match.group(1)), match.group(2), match.group(3)


def _checked(session: Session, campaign: Campaign, doc_type: str, year: int, given: str, field: str,
             following: int | None = None, exclude: int | None = None) -> tuple[int, str]:
    """The number and issuer of ``given``, refused when it is malformed, of another type, or
    already given in the year. The type must be this document's; the issuer part is the user's
    to write (the team's minutes may be "BB-ĐKT" or "BB-UBND")."""
    number, given_type, issuer = _symbol_parts(given, field)
    if given_type != doc_type:
        raise BadData(_("{value}: this document is numbered …/{doc_type}-{issuer}.", value=given, doc_type=doc_type, issuer=suffix(campaign, doc_type)), field=field)
    holder = session.scalar(select(RegisterEntry).where(
        RegisterEntry.year == year, RegisterEntry.doc_type == doc_type, RegisterEntry.number == number,
        *([RegisterEntry.id != exclude] if exclude else [])))
    if holder is not None and number != following:
        value = format_symbol(number, doc_type, issuer)
        if following is None:
            raise BadData(_("{value} was already given to another document on {date}: a number is used once in a year.",
                            value=value, date=holder.doc_date), field=field)
        raise BadData(_("{value} was already given to another document on {date}; the next free number is {next}.",
                        value=value, date=holder.doc_date, next=format_symbol(following, doc_type, issuer)), field=field)
    return number, issuer


# Built once: it runs on every numbered step. Two ranges, each on one column of its own index,
# so the check reads the entries dated after this one and those numbered above it (a few, as
# numbers are given in date order), not the whole year; the other half of each test is Python's.
_E = RegisterEntry
_SAME_SERIES = (_E.year == bindparam("the_year"), _E.doc_type == bindparam("the_type"))
_OUT_OF_ORDER = union_all(
    select(_E.number, _E.symbol, _E.doc_date).where(*_SAME_SERIES, _E.doc_date > bindparam("the_date")),
    select(_E.number, _E.symbol, _E.doc_date).where(*_SAME_SERIES, _E.number > bindparam("the_number")),
)


def out_of_order(session: Session, entry: RegisterEntry) -> list[str]:
    """Numbers of the same year and type whose dates contradict this one's place: a lower
    number dated later, or a higher one dated earlier."""
    rows = session.execute(_OUT_OF_ORDER, {"the_year": entry.year, "the_type": entry.doc_type,
                                           "the_number": entry.number, "the_date": entry.doc_date})
    number, day = entry.number, entry.doc_date
    wrong = {row.number: row.symbol for row in rows
             if (row.number < number and row.doc_date > day) or (row.number > number and row.doc_date < day)}
    return [wrong[n] for n in sorted(wrong)]


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

    A type the agency's văn thư numbers needs ``given`` (checked, no reason asked). For a type
    this register numbers: without ``given`` the next number of (year of ``doc_date``,
    ``doc_type``) is taken; with it, the number the sequence would give anyway is simply taken,
    any other is an override that needs ``reason`` and must be free.
    """
    year = doc_date.year
    if numbered_by(campaign, doc_type) == AGENCY:
        if not given:
            raise BadData(_("is given by the agency's văn thư: type the number it gave (for example 57/{doc_type}-{issuer}).",
                            doc_type=doc_type, issuer=suffix(campaign, doc_type)), field=field)
        number, issuer = _checked(session, campaign, doc_type, year, given, field)
        return _entry(session, campaign, doc_type, number, issuer, doc_date, purpose, inspection, covers, None, actor, now)
    issuer = suffix(campaign, doc_type)
    if not given:  # the register's own next number: one statement
        number = _take_next(session, year, doc_type)
        return _entry(session, campaign, doc_type, number, issuer, doc_date, purpose, inspection, covers, None, actor, now)
    last = _lock_counter(session, year, doc_type)
    following = _next_free(session, year, doc_type, last)
    override = None
    number, issuer = _checked(session, campaign, doc_type, year, given, field, following)
    if number != following:
        if not reason:
            raise BadData(_("{value} is not the next number of the register ({next}): give the reason for using another number.",
                            value=given, next=format_symbol(following, doc_type, issuer)), field="number_reason")
        override = reason
    if number == following:
        session.execute(update(RegisterCounter)
                        .where(RegisterCounter.year == year, RegisterCounter.doc_type == doc_type)
                        .values(last_number=number))
    return _entry(session, campaign, doc_type, number, issuer, doc_date, purpose, inspection, covers, override, actor, now)


def _entry(session: Session, campaign: Campaign, doc_type: str, number: int, issuer: str, doc_date: date, purpose: str,
           inspection: Inspection | None, covers: dict[str, Any] | None, override: str | None, actor: Actor, now: datetime) -> RegisterEntry:
    entry = RegisterEntry(
        year=doc_date.year, doc_type=doc_type, number=number, symbol=format_symbol(number, doc_type, issuer), doc_date=doc_date,
        purpose=purpose, campaign_id=campaign.id, inspection_id=inspection.id if inspection else None,
        covers=covers or {}, override_reason=override, issued_by=actor.name, issued_at=now,
    )
    session.add(entry)  # written by the change's one flush
    return entry


def issued_for(session: Session, campaign: Campaign, purpose: str, symbol: str, inspection: Inspection | None = None) -> RegisterEntry | None:
    """The document of this campaign (and case) and purpose already entered as ``symbol``:
    drawing it up again does not take another number."""
    return session.scalar(select(RegisterEntry).where(
        RegisterEntry.campaign_id == campaign.id, RegisterEntry.purpose == purpose, RegisterEntry.symbol == symbol.strip(),
        RegisterEntry.inspection_id == (inspection.id if inspection else None)))


def correct(session: Session, campaign: Campaign, entry: RegisterEntry, given: str, reason: str | None, field: str) -> dict[str, str]:
    """Correct the number of an issued document (a typing error, the văn thư's register said
    otherwise): with a reason, never onto a number used in the year. Returns old → new for the
    audit entry of the change that makes it."""
    if not reason:
        raise BadData(_("is required to correct the number of a document already issued ({value}).", value=entry.symbol), field="correction_reason")
    number, issuer = _checked(session, campaign, entry.doc_type, entry.year, given, field, exclude=entry.id)
    old = entry.symbol
    entry.number, entry.symbol = number, format_symbol(number, entry.doc_type, issuer)
    entry.override_reason = reason
    return {"old": old, "new": entry.symbol}


def recorded(entry: RegisterEntry, session: Session | None = None) -> dict[str, Any]:
    """What the audit entry keeps of a register entry (with the numbers its date contradicts)."""
    data: dict[str, Any] = {"number": entry.symbol, "date": entry.doc_date.isoformat()}
    if entry.override_reason:
        data["override_reason"] = entry.override_reason
    if session is not None and (conflicts := out_of_order(session, entry)):
        data["out_of_date_order"] = conflicts
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


def propose(session: Session, inspection: Inspection, trigger: str, day: date) -> Proposal | None:
    """What a form should show for ``trigger`` dated ``day`` (None: the trigger takes no number).
    A notice is the campaign's schedule notice when one lists the case at its current date; a
    document issued before the step (the minutes) keeps its number and date; a
    type the văn thư numbers has no number to propose (``number`` is empty); otherwise the next
    number of ``day``'s year — the one the register gives when the field is left empty."""
    if trigger not in NUMBERED_TRIGGERS:
        return None
    if trigger == "notify":
        notice = schedule_notice_for(session, inspection)
        if notice is not None:
            return Proposal(notice.symbol, notice.doc_date, reused=True)
    doc_type, number_field, _date_field, purpose = NUMBERED_TRIGGERS[trigger]
    issued = getattr(inspection, number_field) and issued_for(session, inspection.campaign, purpose, getattr(inspection, number_field), inspection)
    if issued:  # issued before the step (the minutes): its number and date, taken once
        return Proposal(issued.symbol, issued.doc_date, reused=True)
    if numbered_by(inspection.campaign, doc_type) == AGENCY:
        return Proposal("", day)
    return Proposal(peek(session, inspection.campaign, doc_type, day), day)
