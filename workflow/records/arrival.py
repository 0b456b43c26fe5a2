"""What units send, checked on arrival (NĐ 30/2020/NĐ-CP Art. 21(2)): every PDF kept as a unit's
report, appendix, remediation report or evidence carries the verdict of its digital signatures.

The file store checks a PDF's signatures when the bytes come in (``FileStore.store_upload``,
against the trust roots of ``TRUST_ROOTS``) and hands the verdict on with the
:class:`~workflow.records.files.StoredFile`; this module decides what the verdict means for the
file: a broken signature (the file was changed after it was signed) is always refused, and a file
without a valid signature (unsigned, or signed by a certificate outside the trust roots, expired
or revoked) is accepted and flagged, or refused when the campaign says so
(``Campaign.unsigned_uploads``). See docs/signatures.md.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from models import Campaign
from vocabulary.campaigns import REFUSE_UNSIGNED
from vocabulary.i18n import DEFAULT_LOCALE, _, use_locale
from workflow.errors import BadData

if TYPE_CHECKING:  # pyHanko is loaded when a file is checked, not by every command that imports the workflow
    from documents.signatures.checking import TrustStore, Verdict
    from workflow.records.files import StoredFile

# The kinds of file a unit sends; their PDFs are checked and their arrival is confirmed by mail.
CHECKED_KINDS = frozenset({"report", "appendix", "remediation_report", "evidence"})
VALID, BROKEN = "valid", "broken"

_trust_stores: dict[Path | None, tuple[tuple, "TrustStore"]] = {}


def _stamp(folder: Path | None) -> tuple:
    """What changes when a root or a CRL is added, replaced or removed."""
    if folder is None or not folder.is_dir():
        return ()
    return tuple(sorted((entry.name, entry.stat().st_mtime_ns, entry.stat().st_size) for entry in folder.iterdir()))


def trust_store(folder: Path | None) -> "TrustStore":
    """The CA certificates and CRLs of ``folder`` (``TRUST_ROOTS``), read once per process and
    again when a file in the folder changes (a new CRL is dropped in)."""
    from documents.signatures.checking import TrustStore

    stamp = _stamp(folder)
    cached = _trust_stores.get(folder)
    if cached is None or cached[0] != stamp:
        cached = (stamp, TrustStore.from_folder(folder))
        _trust_stores[folder] = cached
    return cached[1]


def signature_check(pdf: bytes, trust_roots: Path | None) -> dict[str, Any]:
    """The verdict on ``pdf``'s signatures, as kept with the file and in the audit entry: its
    message in Vietnamese, the language of the record and of the unit's receipt, whatever the
    language of the uploader's page."""
    from documents.signatures.checking import check_pdf

    with use_locale(DEFAULT_LOCALE):
        return check_pdf(pdf, trust_store(trust_roots)).as_json()


def verdict_of(check: dict[str, Any]) -> "Verdict":
    from documents.signatures.checking import Verdict

    return Verdict.from_json(check)


def admit(stored: "StoredFile", *, kind: str, campaign: Campaign, field: str) -> None:
    """Refuse (:class:`BadData` naming ``field``) a file of ``kind`` that may not arrive in
    ``campaign``: a checked kind whose signature is broken, or not valid where the campaign
    refuses such files. Any other file passes; its verdict, if any, is kept all the same."""
    if kind not in CHECKED_KINDS or stored.signatures is None:
        return
    verdict = verdict_of(stored.signatures)
    # A signature present but broken. A PDF the checker cannot read at all shows no signature to
    # judge: it is "not validly signed", like an unsigned one.
    if verdict.status == BROKEN and verdict.signatures:
        raise BadData(_("{name}: refused, its digital signature is broken ({reason}); nothing was recorded. Send the file exactly "
                        "as it was signed.", name=stored.original_name, reason=verdict.message), field=field)
    if verdict.status != VALID and campaign.unsigned_uploads == REFUSE_UNSIGNED:
        raise BadData(_("{name}: refused, it is not validly signed ({reason}); this campaign accepts only files signed with a "
                        "valid digital signature.", name=stored.original_name, reason=verdict.message), field=field)


# How a verdict is shown beside its file: green when valid, red when broken, amber otherwise.
TONES = {VALID: "success", BROKEN: "danger"}


def verdict_line(check: dict[str, Any] | None) -> tuple[str, str] | None:
    """(tone, the verdict's one line) for a file's kept verdict; None for a file without one."""
    if check is None:
        return None
    verdict = verdict_of(check)
    return TONES.get(verdict.status, "warning"), verdict.message
