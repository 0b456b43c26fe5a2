"""Signing an issued document in the product: the person, then the organisation, each step a new
version checked by pyHanko, audited; every refusal (a draft, out of order, the wrong person, no
key, the wrong key, all done) leaves the case and its files as they were."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from documents.signatures.checking import Verdict, check_pdf
from documents.signatures.keys import KeySpec
from models import Attachment, AuditEntry, Campaign, Inspection, User
from tests import pki as test_pki
from tests import signing_people
from tests.conftest import missing
from tests.helpers import COORDINATOR, DAY, at
from tests.signing_people import ADMIN, ARTIFACTS, People, add_user, issued_conclusion, p12, signers, with_key
from workflow.casefile.issuing import issue_document
from workflow.casefile.rendering import render_document
from workflow.casefile.signing import may_sign_next, sign_document
from workflow.casefile.versions import stage_label
from workflow.errors import GuardRefused, NotPermitted, WorkflowError
from workflow.people.permissions import Actor
from workflow.people.signing_keys import register_key
from workflow.records.files import FileStore
from workflow.scoring import criteria


@pytest.fixture
def store(tmp_path) -> FileStore:
    return FileStore(tmp_path / "files", 1 << 22)


@pytest.fixture(scope="module")
def converter():
    return signing_people.converter()


@pytest.fixture
def people(db, store, signing_pki, softhsm) -> People:
    """The campaign's signer holds a SoftHSM2 token; the văn thư a PKCS#12 file."""
    return signers(db, store, signing_pki, softhsm)


def counts(db, inspection_id: int) -> tuple[int, int, int]:
    with db.session() as session:
        return (session.scalar(select(func.count()).select_from(Attachment)),
                session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.inspection_id == inspection_id)),
                session.get(Inspection, inspection_id).version)


def sign(db, store, file_id: int, actor: Actor, now: datetime, people: People) -> Attachment:
    with db.session() as session:
        signed = sign_document(session, store, file_id, actor=actor, now=now, trust=people.trust, environ=people.environ)
        session.refresh(signed)
        session.expunge(signed)
        return signed


def field_rects(pdf: bytes) -> dict[str, tuple[int, list[float]]]:
    """Each signature field's page and rectangle."""
    rects = {}
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
        for annotation in page.get("/Annots") or []:
            widget = annotation.get_object()
            if widget.get("/FT") == "/Sig" or widget.get("/Parent", {}).get("/FT") == "/Sig":
                rects[str(widget.get("/T"))] = (number, [float(value) for value in widget["/Rect"]])
    return rects


def render_page(pdf: bytes, page: int, name: str) -> Path:
    if shutil.which("pdftoppm") is None:
        missing("pdftoppm", "the signed page is looked at as an image")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page + 1), "-l", str(page + 1), "-singlefile", str(source),
                    str(ARTIFACTS / name)], check=True)
    return ARTIFACTS / f"{name}.png"


def test_the_conclusion_notice_is_signed_by_the_person_then_the_organisation(db, store, converter, people):
    inspection_id, issued_id, now = issued_conclusion(db, store, converter)
    with db.session() as session:
        issued = session.get(Attachment, issued_id)
        assert stage_label(issued) == "Ban hành"
        assert may_sign_next(session, issued, _user(session, people.signer))
        assert not may_sign_next(session, issued, _user(session, people.clerk))

    first = sign(db, store, issued_id, people.signer, now, people)
    assert (first.stage, first.parent_id, first.document) == ("signed", issued_id, "conclusion_notice")
    assert first.original_name.endswith("(đã ký 1-2).pdf") and first.signature_check["status"] == "valid"
    second = sign(db, store, first.id, people.clerk, now + DAY / 24, people)
    assert second.original_name.endswith("(đã ký 2-2).pdf")

    signed = store.read(second.sha256)
    verdict = check_pdf(signed, people.trust)
    assert verdict.status == "valid" and verdict.has_person and verdict.has_organisation
    assert [check.role for check in verdict.signatures] == ["person", "organisation"]
    assert all(check.intact and check.trusted and check.covers_whole_file for check in verdict.signatures)
    assert Verdict.from_json(second.signature_check).status == "valid"

    rects = field_rects(signed)
    (person_page, person), (seal_page, seal) = rects["step1_person_campaign_signer"], rects["step2_organisation_clerk"]
    assert person_page == seal_page
    seal_centre = ((seal[0] + seal[2]) / 2, (seal[1] + seal[3]) / 2)
    third = (person[2] - person[0]) / 3
    assert person[0] <= seal_centre[0] <= person[0] + third  # over the left third of the person's box
    assert person[1] <= seal_centre[1] <= person[3]
    assert render_page(signed, person_page, "conclusion-notice-signed").stat().st_size > 10_000

    with db.session() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.inspection_id == inspection_id,
                                                           AuditEntry.trigger == "sign_document").order_by(AuditEntry.id)).all()
        assert len(entries) == 2
        data = [json.loads(entry.data_json) for entry in entries]
        assert [item["step"] for item in data] == ["1/2", "2/2"] and [item["kind"] for item in data] == ["person", "organisation"]
        assert data[1]["certificate"]["subject"] == test_pki.BODY and data[0]["certificate"]["serial"]
        assert stage_label(session.get(Attachment, second.id)) == "Đã ký (2/2)"

    before = counts(db, inspection_id)
    with pytest.raises(GuardRefused, match="đủ các bước"):
        sign(db, store, second.id, people.clerk, now, people)
    assert counts(db, inspection_id) == before


def _user(session, actor: Actor) -> User:
    return session.get(User, actor.user_id)


@pytest.mark.parametrize("case", ["draft", "out_of_order", "wrong_person", "no_key", "wrong_key", "older_version"])
def test_a_refused_step_changes_nothing(db, store, converter, people, signing_pki, case):
    inspection_id, issued_id, now = issued_conclusion(db, store, converter)
    target, actor, expected = issued_id, people.signer, GuardRefused
    if case == "draft":
        with db.session() as session:
            target = session.get(Attachment, issued_id).parent_id
    elif case == "out_of_order":
        actor = people.clerk
    elif case == "wrong_person":
        actor, expected = people.other, NotPermitted
    elif case == "no_key":
        actor = add_user(db, "phochutich@tuky.local", "leader", "Người Không Khóa")
        with db.session() as session:  # the campaign names this one, who has no key
            session.scalar(select(Campaign)).signer_name = "Người Không Khóa"
            session.commit()
    elif case == "wrong_key":
        with_key(db, store, people.signer, p12(signing_pki["organisation"]), None)
    elif case == "older_version":
        sign(db, store, issued_id, people.signer, now, people)
        actor = people.clerk
    before = counts(db, inspection_id)
    with pytest.raises(expected) as refused:
        sign(db, store, target, actor, now, people)
    assert str(refused.value)
    if case == "out_of_order":
        assert "Điều 32" in str(refused.value)
    assert counts(db, inspection_id) == before


def test_the_clerk_is_no_signer_of_a_person_s_step_and_fires_no_trigger(people):
    assert not people.clerk.may_fire("notify", 1) and people.clerk.may_edit("issue_document", 1)


def test_a_key_that_does_not_open_is_not_registered(db, store, people, signing_pki):
    spec = KeySpec("p12", p12_path=str(signing_pki["person"].p12_path), passphrase_env="NO_SUCH_VARIABLE")
    with db.session() as session:
        with pytest.raises(WorkflowError):
            register_key(session, people.other.name, spec, actor=ADMIN, now=at(datetime.now().date()), environ={})


def test_the_scores_annex_gets_the_organisation_s_text_signature_at_the_top_right_of_page_1(db, store, converter, people):
    """The annex of the summary report, issued as PDF (audited on the campaign's chain), is signed
    by the văn thư alone, without image; the person may not."""
    with db.session() as session:
        campaign = session.scalar(select(Campaign))
        campaign_id, day = campaign.id, campaign.window_start
        criteria.load_sample(session, campaign_id, "commune", actor=COORDINATOR, now=at(day))
    with db.session() as session:
        render_document(session, store, "summary_report", actor=COORDINATOR, now=at(day), campaign_id=campaign_id, number="12/BC-NV")
        draft_id = render_document(session, store, "scores_annex", actor=COORDINATOR, now=at(day), campaign_id=campaign_id).id
    with db.session() as session:
        issued = issue_document(session, store, draft_id, actor=people.clerk, now=at(day), pdf=converter)
        issued_id = issued.id
        assert (issued.stage, issued.inspection_id, json.loads(issued.audit_entry.data_json)["document"]) == ("issued", None, "scores_annex")
    with pytest.raises(NotPermitted):
        sign(db, store, issued_id, people.signer, test_pki.NOW, people)
    signed = sign(db, store, issued_id, people.clerk, test_pki.NOW, people)
    assert signed.original_name.endswith("(đã ký 1-1).pdf") and signed.signature_check["status"] == "valid"
    content = store.read(signed.sha256)
    page, rect = field_rects(content)["step1_annex_clerk"]
    width, height = (float(value) for value in PdfReader(io.BytesIO(content)).pages[0].mediabox[2:])
    assert page == 0 and rect[0] > width / 2 and rect[1] > height * 0.85
    assert render_page(content, 0, "scores-annex-signed").exists()
    with db.session() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "campaign", AuditEntry.trigger == "sign_document"))
        assert json.loads(entry.data_json)["kind"] == "annex"
