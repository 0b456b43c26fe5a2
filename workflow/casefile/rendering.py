"""Producing the documents of a case or a campaign from its data, as files of the case file.

One call (one click, one CLI command) gathers the facts, takes a number from the register when
the document needs one, builds the DOCX/XLSX, writes it to the store and records it as an
attachment with an audit entry — all in one transaction, so a failure leaves no number used
and no attachment (at most an orphan blob for the cleanup).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, raiseload

from documents import texts
from documents.facts import CampaignFacts, CaseFacts, FindingFacts, MemberFacts, PersonFacts, SectionFacts, dmy
from documents.pdf import ConversionFailed, PdfConverter, pdf_converter  # noqa: F401 (pdf_converter: for the entry points)
from models import Attachment, Campaign, Inspection, RegisterEntry
from vocabulary.campaigns import COMMUNE_WORDS, ISSUER_LEVELS
from vocabulary.config import local_date
from vocabulary.i18n import N_, _, gettext, use_locale
from vocabulary.states import Kind, State
from workflow.casefile.case_edits import Change, campaign_change, case_change
from workflow.casefile.review import review_sheet
from workflow.casefile.signing_steps import SIGNING_STEPS
from workflow.casefile.versions import DRAFT, draft_name
from workflow.deadlines.due_dates import announced, late_steps, missed_steps
from workflow.errors import BadData, GuardRefused, NotPermitted
from workflow.people.permissions import Actor
from workflow.records import register
from workflow.records.attachments import new_attachment
from workflow.records.files import DOCX, PDF, XLSX, FileStore, FileType


@dataclass(frozen=True)
class DocumentKind:
    label: str
    scope: str  # "case" or "campaign"
    roles: frozenset[str]
    file_type: FileType = DOCX


TEAM = frozenset({"admin", "coordinator", "inspector"})
OFFICE = frozenset({"admin", "coordinator"})
DOCUMENT_KINDS: dict[str, DocumentKind] = {
    "schedule_notice": DocumentKind(N_("Schedule notice"), "campaign", OFFICE),
    "unit_schedule_notice": DocumentKind(N_("Schedule notice of this unit"), "case", OFFICE),
    "minutes": DocumentKind(N_("Inspection minutes"), "case", TEAM),
    "conclusion_notice": DocumentKind(N_("Conclusion notice"), "case", OFFICE),
    "summary_report": DocumentKind(N_("Summary report to the Chairman"), "campaign", OFFICE),
    "summary_xlsx": DocumentKind(N_("Campaign summary (spreadsheet)"), "campaign", OFFICE, XLSX),
    "scores_annex": DocumentKind(N_("Annex: the PAR Index scoring results"), "campaign", OFFICE),
}
# The attachment kind each document is stored as (the annex goes with the summary report).
ATTACHMENT_KIND = {"minutes": "minutes_draft", "unit_schedule_notice": "schedule_notice", "scores_annex": "summary_report"}
# The kinds that carry no number of their own.
UNNUMBERED = frozenset({"summary_xlsx", "scores_annex"})
FORMATS = ("docx", "pdf")


def attendee_choices(unit_kind: str) -> tuple[str, ...]:
    """The unit's attendees the plan's section IV lists for this kind of unit (the checklist)."""
    return texts.ATTENDEES.get(unit_kind, ())


def _communes(campaign: Campaign) -> str:
    """"xã", "xã, phường": the categories of the communes the campaign visits, in a fixed order."""
    visited = {line.unit.category for line in campaign.units if line.kind != Kind.SELF and line.unit.kind == "commune"}
    return ", ".join(word for category, word in COMMUNE_WORDS.items() if category in visited) or COMMUNE_WORDS["xa"]


def campaign_facts(campaign: Campaign) -> CampaignFacts:
    level = ISSUER_LEVELS[campaign.issuer_level]
    facts = CampaignFacts(
        title=campaign.title, year=campaign.year, issuer=campaign.issuer, place=campaign.place, plan="",
        team_decision=None, signer_title=campaign.signer_title, signer_name=campaign.signer_name,
        report_lead_days=campaign.report_lead_days, abbreviation=campaign.issuer_short, level=level.word,
        office=campaign.office, radio=f"{level.radio} {campaign.place}", communes=_communes(campaign),
        office_head_title=campaign.office_head_title, office_head_name=campaign.office_head_name,
        summary_assessment=campaign.summary_assessment, summary_models=campaign.summary_models,
        summary_reminders=campaign.summary_reminders, summary_violations=campaign.summary_violations,
    )
    title = campaign.title[0].lower() + campaign.title[1:]
    plan = texts.PLAN.format(
        number=campaign.plan_number or texts.PLAN_NUMBER_BLANK.format(suffix=campaign.issuer_short),
        date=dmy(campaign.plan_date) or texts.PLAN_DATE_BLANK.format(year=campaign.year), issuer=facts.issuer_short, title=title,
    )
    decision = (texts.TEAM_DECISION.format(number=campaign.team_decision_number, date=dmy(campaign.team_decision_date),
                                           issuer=facts.issuer_short)
                if campaign.team_decision_number else None)
    return replace(facts, plan=plan, team_decision=decision)


def case_facts(session: Session | None, inspection: Inspection, as_of: date | None = None) -> CaseFacts:
    """The case as a document dated ``as_of`` reports it: a review recorded after that day is
    not in it (the minutes do not show what was found after they were drawn up), and the steps
    missed by then are counted (a report's date).

    Without a session, the facts of a campaign's row: no review sections (no campaign document
    shows them), and no query — the cases, units and findings are loaded beforehand in one
    select (:func:`_campaign_cases`)."""
    sheet = review_sheet(session, inspection) if session is not None else []
    titles = {entry.section.code: entry.section.title for entry in sheet}

    def in_time(entry) -> bool:
        return entry.review is not None and (as_of is None or local_date(entry.review.reviewed_at) <= as_of)

    sections = tuple(
        SectionFacts(
            code=entry.section.code, number=entry.section.heading.rstrip("."), title=entry.section.title,
            achieved=entry.review.achieved if in_time(entry) else None,
            shortcomings=entry.review.shortcomings if in_time(entry) else None,
            causes=entry.review.causes if in_time(entry) else None,
            missing=tuple(item.text for item in entry.missing) if in_time(entry) else (), reviewed=in_time(entry),
        )
        for entry in sheet
    )
    findings = tuple(
        FindingFacts(
            number=number, section_code=finding.section_code, section_title=titles.get(finding.section_code, ""),
            text=finding.text, due=finding.due_date, status=finding.status, unit_note=finding.unit_note,
            accepted=finding.accepted, review_note=finding.review_note, carried=finding.carried_from_id is not None,
        )
        for number, finding in enumerate(inspection.findings, start=1)
    )
    unit = inspection.unit
    # A phúc tra cites the conclusion it follows up (a campaign's rows do not load it).
    followed = inspection.reinspection_of if session is not None and inspection.reinspection_of_id else None
    return CaseFacts(
        id=inspection.id, unit=inspection.unit_name, unit_full=unit.full_name if unit.name == inspection.unit_name else inspection.unit_name,
        unit_kind=unit.kind, unit_category=unit.category, kind=inspection.kind, kind_label=Kind(inspection.kind).label, state_label=State(inspection.state).label,
        visit_date=inspection.visit_date, visit_time=inspection.visit_time, visited_date=inspection.visited_date,
        notice_number=inspection.notice_number, notice_date=inspection.notice_date, received_date=inspection.received_date,
        team=inspection.team, team_members=_members(inspection), visit_reason=inspection.visit_reason,
        unannounced=bool(inspection.unannounced), radio=inspection.radio, chair=inspection.chair, secretary=inspection.secretary,
        visit_started=inspection.visit_started, visit_ended=inspection.visit_ended,
        unit_attendees=tuple(inspection.unit_attendees or ()), participants=inspection.participants,
        unit_people=tuple(PersonFacts(person["name"], person.get("title")) for person in inspection.unit_people or ()),
        unit_signer=inspection.unit_signer, unit_signer_title=inspection.unit_signer_title,
        team_assessment=inspection.team_assessment, unit_opinion=inspection.unit_opinion, minutes_number=inspection.minutes_number,
        minutes_date=inspection.minutes_date, conclusion_number=inspection.conclusion_number,
        conclusion_date=inspection.conclusion_date, remediation_due=inspection.remediation_due,
        follows_up_number=followed.conclusion_number if followed else None, follows_up_date=followed.conclusion_date if followed else None,
        remediation_reported_date=inspection.remediation_reported_date, closed_date=inspection.closed_date,
        late_steps=tuple(late_steps(inspection, inspection.campaign)),
        missed_steps=tuple(missed_steps(inspection, as_of)) if as_of else (), sections=sections, findings=findings,
    )


def _members(inspection: Inspection) -> tuple[MemberFacts, ...]:
    """The roster's members who made the visit, as the case copied them."""
    return tuple(MemberFacts(name=member["name"], title=member["title"], role=member.get("role", "member"),
                             workplace=member.get("workplace"), part=member.get("part"))
                 for member in inspection.team_members or ())


def _campaign_cases(session: Session, campaign: Campaign) -> list[Inspection]:
    """Every case of the campaign with its unit and findings: one joined select, whatever the size."""
    query = (
        select(Inspection).where(Inspection.campaign_id == campaign.id)
        .options(joinedload(Inspection.unit), joinedload(Inspection.findings), raiseload("*", sql_only=True)).order_by(Inspection.id)
    )
    return list(session.scalars(query).unique())


def _scheduled(cases: list[Inspection]) -> list[Inspection]:
    """The announced visits still to come or done, in the order of their date and time."""
    listed = [c for c in cases if announced(c) and c.visit_date and c.state != State.CANCELLED]
    return sorted(listed, key=lambda c: (c.visit_date, c.visit_time or datetime.min.time(), c.id))


def _in_name(symbol: str) -> str:
    """A document number inside a file name: "05/TB-UBND" → "05-TB-UBND"."""
    return symbol.replace("/", "-")


def _numbered_name(symbol: str, change: Change) -> str:
    """A document's number in its file name, or "(dự thảo)" for a draft with none yet."""
    return texts.DRAFT_IN_NAME if change.data.get("draft") else _in_name(symbol)


def _blank_number(doc_type: str, issuer: str) -> str:
    """A draft's number, filled in when the document is issued: "…/BB-ĐKT"."""
    return f"…/{doc_type}-{issuer}"


@dataclass
class Job:
    """What one render needs besides the facts: the session, the register inputs, the moment."""

    session: Session
    actor: Actor
    now: datetime
    day: date
    number: str | None
    number_reason: str | None

    def issue(self, campaign: Campaign, doc_type: str, purpose: str, change: Change, covers: dict[str, str] | None = None) -> str:
        """The number the document carries: a draft of a type the văn thư numbers, with no
        number given, has none yet ("Số: …/TB-UBND") and takes nothing from the register;
        drawing up again a document already entered under the number given takes no other."""
        if not self.number and register.numbered_by(campaign, doc_type) == register.AGENCY:
            change.data["draft"] = True
            return _blank_number(doc_type, register.suffix(campaign, doc_type))
        entry = self.number and register.issued_for(self.session, campaign, purpose, self.number)
        if not entry:
            entry = register.issue(
                self.session, campaign=campaign, doc_type=doc_type, purpose=purpose, doc_date=self.day, actor=self.actor,
                now=self.now, given=self.number, reason=self.number_reason, covers=covers,
            )
        change.data["register"] = register.recorded(entry, self.session)
        return entry.symbol


def _schedule_notice(job: Job, campaign: Campaign, change: Change) -> tuple[bytes, str]:
    from documents import schedule_notice

    cases = _scheduled(_campaign_cases(job.session, campaign))
    if not cases:
        raise GuardRefused(_("No announced inspection of this campaign has a date yet."))
    symbol = job.issue(campaign, "TB", "schedule_notice", change, {str(c.id): c.visit_date.isoformat() for c in cases})
    content = schedule_notice.build(campaign_facts(campaign), [case_facts(None, c) for c in cases], symbol, job.day)
    return content, texts.FILE_NAMES["schedule_notice"].format(number=_numbered_name(symbol, change))


def _summary_report(job: Job, campaign: Campaign, change: Change) -> tuple[bytes, str]:
    from documents import summary_report

    symbol = job.issue(campaign, "BC", "summary_report", change)
    cases = [case_facts(None, c, job.day) for c in _campaign_cases(job.session, campaign)]
    content = summary_report.build(campaign_facts(campaign), cases, symbol, job.day,
                                   kind_order=[kind.label for kind in Kind], state_order=[state.label for state in State])
    return content, texts.FILE_NAMES["summary_report"].format(number=_numbered_name(symbol, change))


def _summary_xlsx(job: Job, campaign: Campaign, change: Change) -> tuple[bytes, str]:
    from documents import summary_xlsx

    cases = [case_facts(None, c, job.day) for c in _campaign_cases(job.session, campaign)]
    return summary_xlsx.build(campaign_facts(campaign), cases, job.day), texts.FILE_NAMES["summary_xlsx"].format(day=job.day.isoformat())


def _scores_annex(job: Job, campaign: Campaign, change: Change) -> tuple[bytes, str]:
    """The annex names the summary report it goes with: the last one entered in the register,
    or blanks to fill in by hand."""
    from documents import scores
    from workflow.scoring.results import campaign_rankings, ranking_facts

    tables = campaign_rankings(job.session, campaign.id)
    if not tables:
        raise GuardRefused(_("The campaign has no criteria set yet: import one on the page \u201c{page}\u201d first.",
                             page=gettext(N_("PAR Index scoring"))))
    report = annexed_report(job.session, campaign)
    number = report.symbol if report else _blank_number("BC", register.suffix(campaign, "BC"))
    content = scores.ranking_annex(campaign.year, campaign.office, [ranking_facts(table) for table in tables], number,
                                   report.doc_date if report else None)
    return content, texts.FILE_NAMES["scores_annex"].format(day=job.day.isoformat())


def annexed_report(session: Session, campaign: Campaign) -> RegisterEntry | None:
    """The summary report the scores annex goes with: the last one entered in the register."""
    return session.scalar(select(RegisterEntry).where(RegisterEntry.campaign_id == campaign.id, RegisterEntry.purpose == "summary_report")
                          .order_by(RegisterEntry.doc_date.desc(), RegisterEntry.id.desc()).limit(1))


def _minutes(job: Job, inspection: Inspection, change: Change) -> tuple[bytes, str]:
    from documents import minutes

    if inspection.visited_date is None:
        raise GuardRefused(_("The minutes are drawn up at the on-site inspection, which is not recorded yet."))
    number = inspection.minutes_number
    if number is None:  # numbered at issue (workflow.casefile.issuing)
        change.data["draft"] = True
        number = _blank_number("BB", register.suffix(inspection.campaign, "BB"))
    # Signed minutes say what was recorded by their date; a draft, everything recorded so far
    # (the team may complete its record the days after the visit).
    as_of = inspection.minutes_date if inspection.minutes_date else None
    content = minutes.build(campaign_facts(inspection.campaign), case_facts(job.session, inspection, as_of=as_of), number)
    return content, texts.FILE_NAMES["minutes"].format(unit=inspection.unit_name)


def _unit_schedule_notice(job: Job, inspection: Inspection, change: Change) -> tuple[bytes, str]:
    """The notice a unit notified on its own receives: the number and date ``notify`` recorded."""
    from documents import schedule_notice

    if inspection.notice_number is None or inspection.notice_date is None:
        raise GuardRefused(_("The schedule notice is not sent yet: fire \u201c{action}\u201d first.", action=gettext(N_("Send the schedule notice"))))
    content = schedule_notice.build_for_unit(campaign_facts(inspection.campaign), case_facts(job.session, inspection),
                                             inspection.notice_number, inspection.notice_date)
    return content, texts.FILE_NAMES["unit_schedule_notice"].format(unit=inspection.unit_name, number=_in_name(inspection.notice_number))


def _conclusion_notice(job: Job, inspection: Inspection, change: Change) -> tuple[bytes, str]:
    from documents import conclusion_notice
    from workflow.scoring.results import score_facts  # the scoring's models and criteria files: only here

    if inspection.conclusion_number is None:
        raise GuardRefused(_("The conclusion is not issued yet: fire \u201c{action}\u201d first.", action=gettext(N_("Issue the conclusion"))))
    content = conclusion_notice.build(campaign_facts(inspection.campaign), case_facts(job.session, inspection),
                                     score_facts(job.session, inspection))
    return content, texts.FILE_NAMES["conclusion_notice"].format(unit=inspection.unit_name)


# Each builder imports its document module itself: python-docx and openpyxl are loaded by the
# first render, not by every start of the web app or the command line.
BUILDERS: dict[str, Callable[[Job, object, Change], tuple[bytes, str]]] = {
    "schedule_notice": _schedule_notice,
    "unit_schedule_notice": _unit_schedule_notice,
    "minutes": _minutes,
    "conclusion_notice": _conclusion_notice,
    "summary_report": _summary_report,
    "summary_xlsx": _summary_xlsx,
    "scores_annex": _scores_annex,
}


def document_spec(kind: str, format: str, actor: Actor, kinds: dict[str, DocumentKind] = DOCUMENT_KINDS) -> DocumentKind:
    """The kind of document asked for, refused when it is not one of ``kinds``, the format is not
    one we make, or the actor's role may not produce it."""
    spec = kinds.get(kind)
    if spec is None:
        raise BadData(_("Document: \u201c{kind}\u201d is not one of {kinds}.", kind=kind, kinds=", ".join(kinds)), field="kind")
    if format not in FORMATS:
        raise BadData(_("Format: \u201c{format}\u201d is not one of {formats}.", format=format, formats=", ".join(FORMATS)), field="format")
    if actor.role not in spec.roles:
        raise NotPermitted(_("Your role may not produce the {document}.", document=gettext(spec.label).lower()))
    return spec


def render_document(
    session: Session,
    store: FileStore,
    kind: str,
    *,
    actor: Actor,
    now: datetime,
    inspection_id: int | None = None,
    campaign_id: int | None = None,
    number: str | None = None,
    doc_date: date | None = None,
    number_reason: str | None = None,
    expected_version: int | None = None,
    format: str = "docx",
    pdf: PdfConverter | None = None,
) -> Attachment:
    """Build document ``kind`` of a case (``inspection_id``) or a campaign (``campaign_id``) and
    keep it as an attachment. Campaign documents that are numbered take the next number of the
    register, or ``number`` with ``number_reason``; ``doc_date`` defaults to today.

    With ``format="pdf"`` the DOCX (or XLSX) is kept and, beside it, the PDF ``pdf`` converts it
    to, in the same change; the PDF's attachment is returned."""
    spec = document_spec(kind, format, actor)
    if format == "pdf" and pdf is None:
        raise BadData(_("Format: PDF is not available here (LibreOffice is not installed or SOFFICE=off); take the DOCX."), field="format")
    owner_id = inspection_id if spec.scope == "case" else campaign_id
    if owner_id is None:
        field = "inspection_id" if spec.scope == "case" else "campaign_id"
        raise BadData(_("The {document} belongs to a {scope}: say which one.", document=gettext(spec.label).lower(), scope=gettext(N_("case") if spec.scope == "case" else N_("campaign"))), field=field)
    changing = case_change if spec.scope == "case" else campaign_change
    job = Job(session, actor, now, doc_date or local_date(now), number, number_reason)
    with use_locale("vi"), changing(session, owner_id, "render_document", actor, now, expected_version) as change:
        content, filename = BUILDERS[kind](job, change.subject, change)
        stage = DRAFT if kind in SIGNING_STEPS else None  # issued and signed later (workflow.casefile.issuing)
        if change.data.get("draft"):  # no number yet: "(dự thảo)" in the name
            filename = draft_name(filename)
        stored = store.store_generated(content, filename, spec.file_type)
        inspection = change.subject if spec.scope == "case" else None
        campaign = inspection.campaign if inspection is not None else change.subject
        attachment = new_attachment(
            session, stored, kind=ATTACHMENT_KIND.get(kind, kind), trigger="render_document", actor=actor, now=now,
            inspection=inspection, campaign=campaign, generated=True, stage=stage, document=kind,
        )
        change.attachments.append(attachment)
        change.data.update({"document": kind, "file": stored.recorded()})
        if format == "pdf":
            stored_pdf = store.store_generated(converted_pdf(pdf, filename, content), filename.rsplit(".", 1)[0] + ".pdf", PDF)
            attachment = new_attachment(
                session, stored_pdf, kind=ATTACHMENT_KIND.get(kind, kind), trigger="render_document", actor=actor, now=now,
                inspection=inspection, campaign=campaign, generated=True, stage=stage, document=kind,
            )
            change.attachments.append(attachment)
            change.data["pdf"] = stored_pdf.recorded()
    return attachment


def converted_pdf(pdf: PdfConverter | None, filename: str, content: bytes) -> bytes:
    """The PDF LibreOffice makes of a generated document; a clear refusal where it cannot."""
    if pdf is None:
        raise GuardRefused(_("LibreOffice is not available here (not installed, or SOFFICE=off): the PDF cannot be made."))
    try:
        return pdf.convert(filename, content)
    except ConversionFailed as error:
        raise GuardRefused(_("The PDF could not be made from {name}: {reason}", name=filename, reason=str(error))) from None


# The summary report's own content, kept on the campaign (plan, section V.1).
SUMMARY_CONTENT = ("summary_assessment", "summary_models", "summary_reminders", "summary_violations", "office_head_name")
SUMMARY_LIMITS = {"office_head_name": 100}
MAX_SUMMARY_TEXT = 20_000


def record_summary_content(session: Session, campaign_id: int, *, actor: Actor, now: datetime,
                           expected_version: int | None = None, **values: str | None) -> Campaign:
    """Write what the summary report says besides the figures: the team's overall assessment,
    models to replicate, reminders, proposed handling of violations, and who signs it. Only the
    keys given change (an empty text clears one); audited on the campaign's chain."""
    unknown = sorted(set(values) - set(SUMMARY_CONTENT))
    if unknown:
        raise BadData(_("{label}: {reason}", label=", ".join(unknown), reason=_("is not a field of this action")), field=unknown[0])
    cleaned = {}
    for name, value in values.items():
        text = (value or "").strip()
        limit = SUMMARY_LIMITS.get(name, MAX_SUMMARY_TEXT)
        if len(text) > limit:
            raise BadData(_("{label}: is too long (at most {max_length} characters)", label=gettext(SUMMARY_LABELS[name]), max_length=limit), field=name)
        cleaned[name] = text or None
    with campaign_change(session, campaign_id, "summary_content", actor, now, expected_version) as change:
        campaign: Campaign = change.subject
        old = {name: getattr(campaign, name) for name in cleaned}
        for name, value in cleaned.items():
            setattr(campaign, name, value)
        change.data = {"old": old, "new": cleaned}
    return campaign


SUMMARY_LABELS = {
    "summary_assessment": N_("The team's overall assessment"),
    "summary_models": N_("Good models and initiatives to replicate"),
    "summary_reminders": N_("Collectives and individuals to be reminded"),
    "summary_violations": N_("Proposed handling of violations"),
    "office_head_name": N_("Head of the office (signs the report)"),
}
