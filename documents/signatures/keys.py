"""How a user's signing key is reached — a PKCS#12 file or a USB token speaking PKCS#11 — and
what its certificate says.

Secrets never live in the key's description: the PKCS#12 passphrase and the token's PIN are read
from environment variables named by the :class:`KeySpec`.

Role rule: a certificate whose subject common name equals its subject organisation is an
organisation's certificate (the body's seal: CN = O = "UBND xã Quang Khải"); any other is a
person's (CN = the person's name, O = the body they work for). That is how the certificates of
Ban Cơ yếu Chính phủ name the two kinds, and the only rule :class:`CertificateInfo` and the
checking of a signed file apply.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Mapping

from asn1crypto import x509
from pyhanko.sign import signers

from vocabulary.i18n import _

KINDS = ("p12", "pkcs11")


class SigningError(Exception):
    """Why a signature could not be made; ``str()`` is a translated, user-readable reason."""

    def __init__(self, reason: Any) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return str(self.reason)


@dataclass(frozen=True)
class KeySpec:
    """How a user's key is reached; stored as JSON on the user's key row."""

    kind: str
    p12_path: str | None = None
    passphrase_env: str | None = None
    module: str | None = None
    token: str | None = None
    key: str | None = None
    pin_env: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise SigningError(_("Unknown kind of signing key: {kind}", kind=self.kind))
        if self.kind == "p12" and not self.p12_path:
            raise SigningError(_("A PKCS#12 key needs the path of its file"))
        if self.kind == "pkcs11" and not (self.module and self.token and self.key):
            raise SigningError(_("A PKCS#11 key needs the module, the token label and the key label"))

    def as_json(self) -> dict[str, str]:
        return {name: value for name, value in asdict(self).items() if value is not None}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> KeySpec:
        known = {item.name for item in fields(cls)}
        return cls(**{name: value for name, value in data.items() if name in known})


@dataclass(frozen=True)
class CertificateInfo:
    """What a signing certificate says about its holder (see the module's role rule)."""

    common_name: str
    organisation: str | None
    serial: str
    issuer: str
    not_before: datetime
    not_after: datetime
    is_organisation: bool

    @classmethod
    def of(cls, certificate: x509.Certificate) -> CertificateInfo:
        subject = certificate.subject.native
        common_name = _single(subject.get("common_name")) or certificate.subject.human_friendly
        organisation = _single(subject.get("organization_name"))
        validity = certificate["tbs_certificate"]["validity"]
        return cls(
            common_name=common_name,
            organisation=organisation,
            serial=format(certificate.serial_number, "x"),
            issuer=_single(certificate.issuer.native.get("common_name"))
            or certificate.issuer.human_friendly,
            not_before=validity["not_before"].native.astimezone(timezone.utc),
            not_after=validity["not_after"].native.astimezone(timezone.utc),
            is_organisation=organisation is not None and common_name.strip() == organisation.strip(),
        )


def _single(value: Any) -> str | None:
    """A name attribute may be repeated; the first one names the holder."""
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    return str(value) if value is not None else None


def _secret(name: str | None, environ: Mapping[str, str]) -> str | None:
    if name is None:
        return None
    if name not in environ:
        raise SigningError(_("The environment variable {name} holding the key's secret is not set", name=name))
    return environ[name]


def _p12_signer(spec: KeySpec, environ: Mapping[str, str]) -> signers.SimpleSigner:
    path = Path(spec.p12_path or "")
    passphrase = _secret(spec.passphrase_env, environ)
    try:
        data = path.read_bytes()
    except OSError:
        raise SigningError(_("The key file {path} cannot be read", path=str(path))) from None
    try:
        return signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=(), passphrase=passphrase.encode() if passphrase is not None else None
        )
    except ValueError:
        raise SigningError(
            _("The key file {path} cannot be opened: wrong passphrase or not a PKCS#12 file", path=str(path))
        ) from None


@contextmanager
def _pkcs11_signer(spec: KeySpec, environ: Mapping[str, str]) -> Iterator[signers.Signer]:
    from pkcs11 import exceptions as p11
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    pin = _secret(spec.pin_env, environ)
    try:
        session = open_pkcs11_session(
            spec.module or "", token_criteria=TokenCriteria(label=spec.token), user_pin=pin
        )
    except (p11.PinIncorrect, p11.PinInvalid, p11.PinLenRange):
        raise SigningError(_("Wrong PIN for the token {token}", token=spec.token)) from None
    except p11.PinLocked:
        raise SigningError(_("The token {token} is locked (too many wrong PINs)", token=spec.token)) from None
    except (p11.PKCS11Error, RuntimeError, OSError) as error:
        raise SigningError(
            _("The token {token} cannot be opened with the module {module}: {error}",
              token=spec.token, module=spec.module, error=str(error) or type(error).__name__)
        ) from None
    try:
        signer = PKCS11Signer(session, key_label=spec.key, cert_label=spec.key, other_certs_to_pull=None)
        try:
            signer.signing_cert  # loads key and certificate now, so a wrong label fails here
        except (p11.PKCS11Error, RuntimeError) as error:
            raise SigningError(
                _("The token {token} has no key and certificate labelled {key}: {error}",
                  token=spec.token, key=spec.key, error=str(error) or type(error).__name__)
            ) from None
        yield signer
    finally:
        session.close()


@contextmanager
def open_signer(spec: KeySpec, environ: Mapping[str, str] = os.environ) -> Iterator[signers.Signer]:
    """A pyHanko signer for the key, usable inside the with-block (a token's session stays open
    for as long). Raises :class:`SigningError` with the reason when the key cannot be used."""
    if spec.kind == "p12":
        yield _p12_signer(spec, environ)
        return
    with _pkcs11_signer(spec, environ) as signer:
        yield signer


def certificate_of(spec: KeySpec, environ: Mapping[str, str] = os.environ) -> CertificateInfo:
    with open_signer(spec, environ) as signer:
        return CertificateInfo.of(signer.signing_cert)
