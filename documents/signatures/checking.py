"""Checking the digital signatures of a PDF, without the network: each signature intact and
covering the whole file (or followed only by signatures and form filling), its certificate chaining
to a root of the configured trust folder, valid at the signing time the signature claims, and not
revoked per the CRLs found in that folder (Nghị định 30/2020/NĐ-CP Art. 21(2); Nghị định
23/2025/NĐ-CP Art. 15–17).

A file is judged by its worst signature: broken > revoked > expired > untrusted > valid. A file that
cannot be read as a PDF (garbage, encrypted) is "broken": it cannot be shown to be what was signed.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path
from typing import Any, Mapping

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, RevocationCheckingPolicy, RevocationCheckingRule

from documents.signatures.keys import CertificateInfo, SigningError
from vocabulary.i18n import _, format_datetime

log = logging.getLogger(__name__)

# worst first: the verdict of a file is that of its worst signature
_SEVERITY = ("broken", "revoked", "expired", "untrusted", "valid")

CERT_SUFFIXES = {".pem", ".crt", ".cer", ".der"}


def _pem_or_der(data: bytes) -> list[bytes]:
    if pem.detect(data):
        return [der for _name, _headers, der in pem.unarmor(data, multiple=True)]
    return [data]


@dataclass(frozen=True)
class TrustStore:
    """The roots a signature must chain to, and the CRLs that say which certificates are revoked."""

    roots: tuple[asn1_x509.Certificate, ...] = ()
    crls: tuple[asn1_crl.CertificateList, ...] = ()

    @classmethod
    def from_folder(cls, path: Path | None) -> TrustStore:
        """Every certificate (*.pem, *.crt, *.cer, *.der) and CRL (*.crl), PEM or DER, in ``path``;
        an unreadable file is logged and left out. ``None`` or a missing folder: an empty store
        (nothing is trusted)."""
        roots: list[asn1_x509.Certificate] = []
        crls: list[asn1_crl.CertificateList] = []
        if path is None or not Path(path).is_dir():
            return cls()
        for file in sorted(Path(path).iterdir()):
            suffix = file.suffix.lower()
            if suffix not in CERT_SUFFIXES and suffix != ".crl":
                continue
            try:
                for der in _pem_or_der(file.read_bytes()):
                    if suffix == ".crl":
                        crl = asn1_crl.CertificateList.load(der)
                        crl.native  # parse now: a broken file is left out here, not at check time
                        crls.append(crl)
                    else:
                        certificate = asn1_x509.Certificate.load(der)
                        certificate.native
                        roots.append(certificate)
            except (OSError, ValueError, TypeError) as error:
                log.warning("trust folder: %s left out (%s)", file, error)
        return cls(tuple(roots), tuple(crls))


@dataclass(frozen=True)
class SignatureCheck:
    field: str
    signer: str
    organisation: str | None
    signed_at: datetime | None
    intact: bool
    trusted: bool
    valid_at_signing: bool
    revoked: bool
    covers_whole_file: bool
    role: str
    problem: str | None = None

    @property
    def status(self) -> str:
        if not (self.intact and self.covers_whole_file):
            return "broken"
        if self.revoked:
            return "revoked"
        if not self.valid_at_signing:
            return "expired"
        if not self.trusted:
            return "untrusted"
        return "valid"

    @property
    def ok(self) -> bool:
        return self.status == "valid"

    def as_json(self) -> dict[str, Any]:
        return {
            "field": self.field, "signer": self.signer, "organisation": self.organisation,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "intact": self.intact, "trusted": self.trusted, "valid_at_signing": self.valid_at_signing,
            "revoked": self.revoked, "covers_whole_file": self.covers_whole_file, "role": self.role,
            "problem": self.problem, "status": self.status,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SignatureCheck:
        signed_at = data.get("signed_at")
        return cls(
            field=data["field"], signer=data["signer"], organisation=data.get("organisation"),
            signed_at=datetime.fromisoformat(signed_at) if signed_at else None,
            intact=data["intact"], trusted=data["trusted"], valid_at_signing=data["valid_at_signing"],
            revoked=data["revoked"], covers_whole_file=data["covers_whole_file"], role=data["role"],
            problem=data.get("problem"),
        )


@dataclass(frozen=True)
class Verdict:
    """The file's verdict; ``has_person``/``has_organisation``: a valid signature of that role is there."""

    status: str
    signatures: tuple[SignatureCheck, ...]
    has_person: bool
    has_organisation: bool
    message: str

    @property
    def ok(self) -> bool:
        return self.status == "valid"

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status, "signatures": [item.as_json() for item in self.signatures],
            "has_person": self.has_person, "has_organisation": self.has_organisation, "message": self.message,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Verdict:
        return cls(
            status=data["status"], signatures=tuple(SignatureCheck.from_json(item) for item in data["signatures"]),
            has_person=data["has_person"], has_organisation=data["has_organisation"], message=data["message"],
        )


def _unreadable(reason: Any) -> Verdict:
    return Verdict("broken", (), False, False, str(reason))


def _reader(pdf: bytes) -> PdfFileReader:
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    reader.root  # a file without a catalogue fails here, not later
    return reader


def _validation_context(trust: TrustStore, certificate: asn1_x509.Certificate, moment: datetime) -> ValidationContext:
    """Soft-fail revocation checking, except that a signing certificate whose issuer has a CRL in
    the trust folder must be cleared by it: pyHanko consults CRLs only for certificates that
    declare a distribution point, and a folder's CRL must count whatever the certificate says."""
    issuer_has_crl = any(crl.issuer == certificate.issuer for crl in trust.crls)
    soft = RevocationCheckingRule.CHECK_IF_DECLARED_SOFT
    policy = RevocationCheckingPolicy(RevocationCheckingRule.CRL_REQUIRED if issuer_has_crl else soft, soft)
    return ValidationContext(
        trust_roots=list(trust.roots), crls=list(trust.crls), allow_fetching=False, moment=moment,
        # the CRLs of the folder are today's: they may be newer than the signature they judge
        revinfo_policy=CertRevTrustPolicy(policy, retroactive_revinfo=True),
    )


def _check(embedded: EmbeddedPdfSignature, trust: TrustStore) -> SignatureCheck:
    certificate = embedded.signer_cert
    info = CertificateInfo.of(certificate)
    signed_at = embedded.self_reported_timestamp
    signed_at = signed_at.astimezone(timezone.utc) if signed_at else None
    moment = signed_at or datetime.now(timezone.utc)
    status = validate_pdf_signature(embedded, signer_validation_context=_validation_context(trust, certificate, moment))
    covers = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        status.docmdp_ok is not False
        and status.modification_level is not None
        and status.modification_level <= ModificationLevel.FORM_FILLING
    )
    valid_at_signing = info.not_before <= moment <= info.not_after
    trusted = status.trusted or (status.validation_path is not None and (status.revoked or not valid_at_signing))
    check = SignatureCheck(
        field=str(embedded.field_name), signer=info.common_name, organisation=info.organisation,
        signed_at=signed_at, intact=bool(status.intact and status.valid), trusted=trusted,
        valid_at_signing=valid_at_signing, revoked=status.revoked, covers_whole_file=covers,
        role="organisation" if info.is_organisation else "person",
    )
    problems = {
        "broken": _("The file was changed after it was signed"),
        "revoked": _("The certificate was revoked (per the CRL of {issuer})", issuer=info.issuer),
        "expired": _("The certificate had expired (or was not yet valid) when it signed"),
        "untrusted": _("The certificate's revocation could not be checked: the CRL of {issuer} in the trust "
                       "folder is out of date", issuer=info.issuer)
        if status.trust_problem_indic == AdESIndeterminate.TRY_LATER
        else _("The signer's certificate does not chain to a trusted root"),
    }
    problem = problems.get(check.status)
    return check if problem is None else replace(check, problem=str(problem))


def _broken(embedded: EmbeddedPdfSignature, error: Exception) -> SignatureCheck:
    """A signature pyHanko cannot even evaluate (mangled CMS, a /ByteRange that lies)."""
    log.info("signature %s cannot be evaluated: %s", embedded.field_name, error)
    try:
        info: CertificateInfo | None = CertificateInfo.of(embedded.signer_cert)
    except Exception:  # the certificate itself may be what is mangled
        info = None
    return SignatureCheck(
        field=str(embedded.field_name), signer=info.common_name if info else "?",
        organisation=info.organisation if info else None, signed_at=None, intact=False, trusted=False,
        valid_at_signing=False, revoked=False, covers_whole_file=False,
        role="organisation" if info and info.is_organisation else "person",
        problem=str(_("The signature cannot be evaluated: it is damaged, or the file was altered around it")),
    )


def check_pdf(pdf: bytes, trust: TrustStore) -> Verdict:
    """The verdict on every signature of ``pdf``; never raises on a bad file."""
    try:
        reader = _reader(pdf)
    except Exception as error:  # pyHanko and the codecs raise many kinds on garbage
        log.info("not a readable PDF: %s", error)
        return _unreadable(_("The file cannot be read as a PDF"))
    if reader.encrypted:
        return _unreadable(_("The file is encrypted and its signatures cannot be checked"))
    try:
        embedded = list(reader.embedded_regular_signatures)
    except Exception as error:
        log.info("signatures cannot be listed: %s", error)
        return _unreadable(_("The file cannot be read as a PDF"))
    checks = []
    for signature in embedded:
        try:
            checks.append(_check(signature, trust))
        except Exception as error:  # a signature that cannot be evaluated is not intact
            checks.append(_broken(signature, error))
    return _verdict(tuple(checks))


def _verdict(checks: tuple[SignatureCheck, ...]) -> Verdict:
    has_person = any(item.role == "person" and item.ok for item in checks)
    has_organisation = any(item.role == "organisation" and item.ok for item in checks)
    if not checks:
        return Verdict("unsigned", (), False, False, str(_("The file carries no digital signature")))
    worst = min(checks, key=lambda item: _SEVERITY.index(item.status))
    if worst.ok:
        last = checks[-1]
        message = _("Valid digital signature — signed by {signer}, at {time}",
                    signer=", ".join(item.signer for item in checks), time=format_datetime(last.signed_at))
        return Verdict("valid", checks, has_person, has_organisation, str(message))
    return Verdict(worst.status, checks, has_person, has_organisation, f"{worst.signer}: {worst.problem}")


def first_signed_revision(pdf: bytes) -> bytes:
    """The bytes of the file before its first signature was added: what the first signer was
    given (the revision the first signature's incremental update starts from). Raises
    :class:`SigningError` with the reason when there is no such revision: the file is not a
    readable PDF, carries no signature, or was signed as a whole (no earlier revision)."""
    try:
        reader = _reader(pdf)
        signatures = list(reader.embedded_regular_signatures)
    except Exception:  # as in check_pdf: garbage raises many kinds
        raise SigningError(_("The file cannot be read as a PDF")) from None
    if not signatures:
        raise SigningError(_("The file carries no digital signature"))
    first = min(signatures, key=lambda item: item.signed_revision)
    if first.signed_revision == 0:
        raise SigningError(_("The file was signed as a whole: it keeps no unsigned revision to compare"))
    previous = reader.xrefs.get_xref_container_info(first.signed_revision - 1)
    end = pdf.index(b"%%EOF", previous.end_location) + len(b"%%EOF")
    while end < len(pdf) and pdf[end:end + 1] in (b"\r", b"\n"):
        end += 1
    return pdf[:end]
