"""A SoftHSM2 token for the tests: the PKCS#11 USB token of a signer, in software. ``SoftHsm``
keeps its tokens under a folder of its own (``SOFTHSM2_CONF`` points at its configuration, in
this process's environment, since the library reads it when it is loaded); ``make_token`` puts a
test key (tests/pki.py) and its certificate chain on a new token: the key through
``softhsm2-util --import`` (PKCS#8 PEM), the certificates through python-pkcs11."""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from tests.pki import Holder

MODULES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
           "/usr/local/lib/softhsm/libsofthsm2.so", "/usr/lib64/pkcs11/libsofthsm2.so")
PIN, SO_PIN = "123456", "12345678"


def module_path() -> str | None:
    return next((path for path in MODULES if Path(path).exists()), None)


def available() -> str | None:
    """Why SoftHSM2 cannot be used here, or None when it can."""
    if shutil.which("softhsm2-util") is None:
        return "softhsm2-util not found (apt-get install softhsm2)"
    if module_path() is None:
        return f"libsofthsm2.so not found in {MODULES}"
    return None


@dataclass(frozen=True)
class Token:
    module: str
    label: str
    key_label: str
    pin: str
    conf: Path

    @property
    def env(self) -> dict[str, str]:
        """What a subprocess needs to find the token (the PIN under the name ``TOKEN_PIN``)."""
        return {"SOFTHSM2_CONF": str(self.conf), "TOKEN_PIN": self.pin}


class SoftHsm:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        (directory / "tokens").mkdir(parents=True, exist_ok=True)
        self.conf = directory / "softhsm2.conf"
        self.conf.write_text(f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\n"
                             "log.level = ERROR\nslots.removable = false\n")
        os.environ["SOFTHSM2_CONF"] = str(self.conf)
        self.module = module_path() or ""

    def _util(self, *args: str) -> None:
        subprocess.run(["softhsm2-util", *args], check=True, capture_output=True, timeout=60,
                       env={**os.environ, "SOFTHSM2_CONF": str(self.conf)})

    def make_token(self, label: str, holder: Holder, key_label: str, pin: str = PIN) -> Token:
        """A new token ``label`` holding ``holder``'s key and certificate (both labelled
        ``key_label``, the same CKA_ID) and the certificates of its chain."""
        import pkcs11
        from pkcs11 import Attribute, CertificateType, ObjectClass

        self._util("--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", SO_PIN)
        key_id = f"{holder.certificate.serial_number & 0xFFFFFFFFFFFFFFFF:016x}"
        self._util("--import", str(holder.key_pem_path), "--token", label, "--label", key_label,
                   "--id", key_id, "--pin", pin)
        library = pkcs11.lib(self.module)
        library.reinitialize()  # the library lists tokens when it starts: make it see the new one
        with library.get_token(token_label=label).open(rw=True, user_pin=pin) as session:
            for index, certificate in enumerate((holder.certificate, *holder.chain)):
                session.create_object({
                    Attribute.CLASS: ObjectClass.CERTIFICATE,
                    Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                    Attribute.TOKEN: True,
                    Attribute.LABEL: key_label if index == 0 else f"{key_label}-ca{index}",
                    Attribute.ID: bytes.fromhex(key_id) if index == 0
                    else bytes([index]),
                    Attribute.SUBJECT: certificate.subject.public_bytes(),
                    Attribute.VALUE: certificate.public_bytes(serialization.Encoding.DER),
                })
        return Token(self.module, label, key_label, pin, self.conf)
