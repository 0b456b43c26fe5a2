"""A document drawn up before its number exists is a draft; issuing it takes the number and date
from the register, draws it up again and keeps the PDF; the minutes' step then reuses that number."""
from __future__ import annotations

import io
import shutil

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from models import Attachment, AuditEntry, Inspection, RegisterEntry
from tests.conftest import missing
from tests.documents_readback import lines, open_docx
from tests.helpers import COORDINATOR, DAY, TEAM, at, direct_path, fire_in, first_case, run_path
from workflow.casefile.issuing import issue_document
from workflow.casefile.rendering import pdf_converter, render_document
from workflow.casefile.versions import stage_label
from workflow.errors import BadData, GuardRefused
from workflow.records import register
from workflow.records.files import FileStore


@pytest.fixture
def store(tmp_path) -> FileStore:
    return FileStore(tmp_path / "files", 1 << 22)


@pytest.fixture(scope="module")
def converter():
    soffice = shutil.which("soffice")
    if soffice is None:
        missing("soffice", "the issued version is a PDF")
    return pdf_converter(soffice)


def visited(db) -> Inspection:
    """A direct case visited by the roster's first three members: its chair and secretary are the
    roster's Trưởng đoàn and Thư ký."""
    inspection = first_case(db, "direct", "commune")
    steps = direct_path(inspection.visit_date)
    run_path(db, inspection.id, steps[:2])
    trigger, now, data = steps[2]
    fire_in(db, inspection.id, trigger, now, **{**data, "team": TEAM})
    return inspection


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_minutes_go_from_draft_to_issued_and_sign_minutes_reuses_the_number(db, store, converter):
    inspection = visited(db)
    visit = inspection.visit_date
    with db.session() as session:
        draft = render_document(session, store, "minutes", actor=COORDINATOR, now=at(visit, 17), inspection_id=inspection.id)
        assert (draft.stage, draft.document, stage_label(draft)) == ("draft", "minutes", "Dự thảo")
        assert draft.original_name == f"Biên bản kiểm tra {inspection.unit_name} (dự thảo).docx"
        assert "Số: …/BB-ĐKT" in lines(open_docx(store.read(draft.sha256)))
        assert session.scalar(select(func.count()).select_from(RegisterEntry).where(RegisterEntry.purpose == "minutes")) == 0
        draft_id = draft.id

    with db.session() as session:
        issued = issue_document(session, store, draft_id, actor=COORDINATOR, now=at(visit, 17), pdf=converter)
        case = session.get(Inspection, inspection.id)
        assert (issued.stage, issued.parent_id, issued.content_type) == ("issued", draft_id, "application/pdf")
        assert stage_label(issued) == "Ban hành"
        number = case.minutes_number
        assert number and number.endswith("/BB-ĐKT") and case.minutes_date == visit and case.state == "visited"
        assert issued.original_name == f"Biên bản kiểm tra {inspection.unit_name} {number.replace('/', '-')}.pdf"
        assert f"Số: {number}" in pdf_text(store.read(issued.sha256))
        entry = session.scalar(select(AuditEntry).where(AuditEntry.id == issued.audit_entry_id))
        assert (entry.trigger, entry.from_state, entry.to_state) == ("issue_document", "visited", "visited")
        issued_id = issued.id

    with db.session() as session:  # the step's form shows the number issued, and its date
        proposal = register.propose(session, session.get(Inspection, inspection.id), "sign_minutes", visit + DAY)
        assert (proposal.number, proposal.doc_date, proposal.reused) == (number, visit, True)
    for again in (issued_id, draft_id):  # only a draft is issued, once
        with db.session() as session, pytest.raises(GuardRefused):
            issue_document(session, store, again, actor=COORDINATOR, now=at(visit, 17), pdf=converter)

    with pytest.raises(BadData, match=number):  # no second number for the same minutes
        fire_in(db, inspection.id, "sign_minutes", at(visit + DAY), minutes_number="99/BB-ĐKT", number_reason="thử")
    result = fire_in(db, inspection.id, "sign_minutes", at(visit + DAY), minutes_date=(visit + DAY).isoformat())
    assert result.extra["register"]["number"] == number and result.extra["register"]["issued_before"]
    with db.session() as session:
        case = session.get(Inspection, inspection.id)
        assert (case.state, case.minutes_number, case.minutes_date) == ("minutes_signed", number, visit)
        assert session.scalar(select(func.count()).select_from(RegisterEntry).where(RegisterEntry.purpose == "minutes")) == 1


def test_issuing_refuses_without_libreoffice_and_changes_nothing(db, store):
    inspection = visited(db)
    with db.session() as session:
        draft = render_document(session, store, "minutes", actor=COORDINATOR, now=at(inspection.visit_date, 17), inspection_id=inspection.id)
        draft_id, before = draft.id, session.scalar(select(func.count()).select_from(AuditEntry))
    with db.session() as session:
        with pytest.raises(GuardRefused, match="LibreOffice"):
            issue_document(session, store, draft_id, actor=COORDINATOR, now=at(inspection.visit_date, 17), pdf=None)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == before
        assert session.scalar(select(func.count()).select_from(Attachment).where(Attachment.parent_id == draft_id)) == 0
        assert session.get(Inspection, inspection.id).minutes_number is None


def test_the_pdf_beside_a_draft_is_not_issued_a_second_time(db, store, converter):
    """A draft drawn up as PDF is kept as DOCX and PDF; it is issued once, from the DOCX: the PDF
    beside it is refused (two issued versions would be two signing chains of one document)."""
    inspection = visited(db)
    with db.session() as session:
        pdf_draft = render_document(session, store, "minutes", actor=COORDINATOR, now=at(inspection.visit_date, 17),
                                    inspection_id=inspection.id, format="pdf", pdf=converter)
        pdf_draft_id, before = pdf_draft.id, session.scalar(select(func.count()).select_from(AuditEntry))
        assert pdf_draft.stage == "draft" and pdf_draft.content_type == "application/pdf"
    with db.session() as session:
        with pytest.raises(GuardRefused, match="DOCX"):
            issue_document(session, store, pdf_draft_id, actor=COORDINATOR, now=at(inspection.visit_date, 17), pdf=converter)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == before
        assert session.get(Inspection, inspection.id).minutes_number is None
