"""A test PKI built with ``cryptography``: a root CA, an intermediate CA issuing people's and an
organisation's certificates (key usage digitalSignature + nonRepudiation, as signing certificates
of Ban Cơ yếu Chính phủ carry), an expired certificate, a certificate from a CA outside the trust
roots, and a revoked certificate listed by a CRL of the intermediate.

``build(directory)`` writes every key as a PKCS#12 file (passphrase :data:`PASSPHRASE`) and as a
PKCS#8 PEM (what ``softhsm2-util --import`` takes), and ``directory/trust`` as the trust folder a
``TRUST_ROOTS`` setting names: the root's certificate and the CRLs. RSA 2048 keys; build it once
per session (the ``signing_pki`` fixture of tests/conftest.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSPHRASE = "mat-khau-p12"
BODY = "UBND xã Quang Khải"
NOW = datetime.now(timezone.utc).replace(microsecond=0)


@dataclass(frozen=True)
class Holder:
    """A key with its certificate, and the files it was written to."""

    name: str
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    p12_path: Path
    key_pem_path: Path
    cert_pem_path: Path
    chain: tuple[x509.Certificate, ...] = ()

    @property
    def cert_der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)


def _name(common_name: str, organisation: str | None = None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _certificate(subject: x509.Name, key: rsa.RSAPrivateKey, issuer: x509.Name, issuer_key: rsa.RSAPrivateKey, *,
                 ca: bool, not_before: datetime, not_after: datetime,
                 issuer_cert: x509.Certificate | None = None) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.KeyUsage(digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                          encipher_only=False, decipher_only=False),
            critical=True,
        )
    )
    if issuer_cert is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_cert.public_key()), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


@dataclass
class Pki:
    directory: Path
    root_key: rsa.RSAPrivateKey
    root: x509.Certificate
    intermediate_key: rsa.RSAPrivateKey
    intermediate: x509.Certificate
    untrusted_root_key: rsa.RSAPrivateKey
    untrusted_root: x509.Certificate
    holders: dict[str, Holder] = field(default_factory=dict)

    @property
    def trust_dir(self) -> Path:
        return self.directory / "trust"

    def issue(self, slug: str, common_name: str, organisation: str | None, *, not_before: datetime | None = None,
              not_after: datetime | None = None, untrusted: bool = False) -> Holder:
        """A signing certificate from the intermediate (or from the untrusted CA), written out."""
        key = _key()
        issuer_cert, issuer_key = ((self.untrusted_root, self.untrusted_root_key) if untrusted
                                   else (self.intermediate, self.intermediate_key))
        certificate = _certificate(
            _name(common_name, organisation), key, issuer_cert.subject, issuer_key, ca=False,
            not_before=not_before or NOW - timedelta(days=365), not_after=not_after or NOW + timedelta(days=730),
            issuer_cert=issuer_cert)
        chain = (issuer_cert,) if untrusted else (self.intermediate, self.root)
        p12_path = self.directory / f"{slug}.p12"
        p12_path.write_bytes(pkcs12.serialize_key_and_certificates(
            slug.encode(), key, certificate, list(chain),
            serialization.BestAvailableEncryption(PASSPHRASE.encode())))
        key_pem_path = self.directory / f"{slug}.key.pem"
        key_pem_path.write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        cert_pem_path = self.directory / f"{slug}.pem"
        cert_pem_path.write_bytes(_pem(certificate))
        holder = Holder(common_name, key, certificate, p12_path, key_pem_path, cert_pem_path, chain)
        self.holders[slug] = holder
        return holder

    def __getitem__(self, slug: str) -> Holder:
        return self.holders[slug]

    def revoke(self, *holders: Holder, folder: Path | None = None, issued: datetime | None = None) -> Path:
        """(Re)write the intermediate's CRL into the trust folder (or ``folder``), listing ``holders``
        revoked a day ago; the CRL is issued at ``issued`` (default: yesterday) and valid 30 days."""
        issued = issued or NOW - timedelta(days=1)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.intermediate.subject)
            .last_update(issued)
            .next_update(issued + timedelta(days=30))
            .add_extension(x509.CRLNumber(len(holders) + 1), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.intermediate.public_key()),
                           critical=False)
        )
        for holder in holders:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(holder.certificate.serial_number)
                .revocation_date(NOW - timedelta(days=1))
                .build())
        path = (folder or self.trust_dir) / "intermediate.crl"
        path.write_bytes(builder.sign(self.intermediate_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER))
        return path


def build(directory: Path) -> Pki:
    """The whole test PKI under ``directory`` (holders: ``person``, ``secretary``, ``organisation``,
    ``expired``, ``untrusted``, ``revoked``)."""
    directory.mkdir(parents=True, exist_ok=True)
    root_key, intermediate_key, untrusted_key = _key(), _key(), _key()
    start, end = NOW - timedelta(days=3650), NOW + timedelta(days=3650)
    root_name = _name("Test Root CA (Ban Cơ yếu Chính phủ thử nghiệm)", "Test PKI")
    root = _certificate(root_name, root_key, root_name, root_key, ca=True, not_before=start, not_after=end)
    intermediate = _certificate(_name("Test Issuing CA", "Test PKI"), intermediate_key, root_name, root_key, ca=True,
                                not_before=start, not_after=end, issuer_cert=root)
    untrusted_name = _name("Untrusted CA", "Nobody")
    untrusted_root = _certificate(untrusted_name, untrusted_key, untrusted_name, untrusted_key, ca=True,
                                  not_before=start, not_after=end)
    pki = Pki(directory, root_key, root, intermediate_key, intermediate, untrusted_key, untrusted_root)
    pki.trust_dir.mkdir(exist_ok=True)
    (pki.trust_dir / "root.pem").write_bytes(_pem(root))
    pki.issue("person", "Nguyễn Văn Ánh", BODY)
    pki.issue("secretary", "Trần Thị Hồng", BODY)
    pki.issue("organisation", BODY, BODY)
    pki.issue("expired", "Lê Văn Cũ", BODY, not_before=NOW - timedelta(days=800), not_after=NOW - timedelta(days=30))
    pki.issue("untrusted", "Phạm Văn Lạ", BODY, untrusted=True)
    pki.revoke(pki.issue("revoked", "Hoàng Văn Thu", BODY))
    return pki
