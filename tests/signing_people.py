"""The signers of the tests: users named as the documents name them, each with a PKCS#12 key of
the test PKI (tests/pki.py) and an image, and a conclusion notice issued for them to sign."""
from __future__ import annotations

import itertools
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from documents.signatures.checking import TrustStore
from documents.signatures.keys import KeySpec
from models import Campaign
from tests import pki as test_pki
from tests.conftest import missing
from tests.helpers import COORDINATOR, DAY, at, reviewed_and_concluded
from tests.signature_images import blue_signature_png, red_seal_png
from workflow.casefile.issuing import issue_document
from workflow.casefile.rendering import pdf_converter, render_document
from workflow.people.accounts import save_user
from workflow.people.permissions import Actor
from workflow.people.signing_keys import register_key
from workflow.records.files import PNG, FileStore

ARTIFACTS = Path(__file__).parent / "artifacts" / "signing"
ENV = {"P12_PASSPHRASE": test_pki.PASSPHRASE}
ADMIN = Actor("seed:test", "admin")


def converter():
    soffice = shutil.which("soffice")
    if soffice is None:
        missing("soffice", "the issued version is a PDF")
    return pdf_converter(soffice)


def p12(holder: test_pki.Holder) -> KeySpec:
    return KeySpec("p12", p12_path=str(holder.p12_path), passphrase_env="P12_PASSPHRASE")


@dataclass
class People:
    signer: Actor  # the campaign's signer (a leader)
    clerk: Actor
    other: Actor  # an inspector the document does not name
    trust: TrustStore
    environ: dict[str, str]  # the passphrase, and the token's PIN


_TOKENS = itertools.count(1)


def add_user(db, email: str, role: str, name: str) -> Actor:
    with db.session() as session:
        user, _password, _created = save_user(session, email=email, role=role, name=name, actor=ADMIN, now=at(datetime.now().date()),
                                              password="mat-khau-thu-nghiem")
        return Actor.for_user(user)


def with_key(db, store: FileStore, actor: Actor, spec: KeySpec, png: bytes | None, environ: dict[str, str] = ENV) -> None:
    with db.session() as session:
        image = store.store_generated(png, "chu-ky.png", PNG).recorded() if png else None
        register_key(session, actor.name, spec, actor=ADMIN, now=at(datetime.now().date()), image=image, environ=environ)


def signers(db, store: FileStore, signing_pki, softhsm=None) -> People:
    """The campaign's signer (on a SoftHSM2 token when ``softhsm`` is given, else a PKCS#12
    file), the văn thư with the organisation's PKCS#12 key, and a team member."""
    with db.session() as session:
        signer_name = session.scalar(select(Campaign.signer_name))
    signer = add_user(db, "chutich@tuky.local", "leader", signer_name)
    clerk = add_user(db, "vanthu@tuky.local", "clerk", "Đào Thị Văn")
    other = add_user(db, "thanhvien@tuky.local", "inspector", "Nguyễn Văn Ánh")
    holder, environ = signing_pki.issue("campaign-signer", signer_name, test_pki.BODY), dict(ENV)
    spec = p12(holder)
    if softhsm is not None:
        token = softhsm.make_token(f"signer-token-{next(_TOKENS)}", holder, "signer-key")
        spec = KeySpec("pkcs11", module=token.module, token=token.label, key=token.key_label, pin_env="TOKEN_PIN")
        environ.update(token.env)
    with_key(db, store, signer, spec, blue_signature_png(), environ)
    with_key(db, store, clerk, p12(signing_pki["organisation"]), red_seal_png())
    with_key(db, store, other, p12(signing_pki["person"]), blue_signature_png())
    return People(signer, clerk, other, TrustStore.from_folder(signing_pki.trust_dir), environ)


def issued_conclusion(db, store, converter) -> tuple[int, int, datetime]:
    """A concluded case's conclusion notice drawn up and issued: (case id, issued file id, the
    moment to sign at — today, when the test certificates are valid)."""
    inspection = reviewed_and_concluded(db)
    now = at(inspection.visit_date + 12 * DAY)
    with db.session() as session:
        draft = render_document(session, store, "conclusion_notice", actor=COORDINATOR, now=now, inspection_id=inspection.id)
        draft_id = draft.id
    with db.session() as session:
        issued = issue_document(session, store, draft_id, actor=COORDINATOR, now=now, pdf=converter)
        return inspection.id, issued.id, test_pki.NOW


