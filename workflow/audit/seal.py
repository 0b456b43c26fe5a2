"""The seal of every entry: HMAC-SHA256 of its hash under the audit key.

The hash of an entry shows it was not altered since it was hashed, but anyone who can write the
database can hash a forged entry correctly. The seal cannot be made without the audit key
(``AUDIT_KEY`` or ``AUDIT_KEY_FILE``, :meth:`vocabulary.config.Settings.audit_signing_key`), which
is never stored in the database: an entry appended or rewritten with database access alone has no
valid seal, and :func:`workflow.audit.verify` names it.

The key is the installation's: the entry points hand it over once (:func:`use_key`); a process
that does not reads it from its settings on first use.
"""
from __future__ import annotations

import hmac

from vocabulary.config import Settings

_key: bytes | None = None


def use_key(key: bytes) -> None:
    """The key this process seals and checks entries with (the web app's, from its settings)."""
    global _key
    _key = key


def audit_key() -> bytes:
    global _key
    if _key is None:
        _key = Settings.from_env().audit_signing_key()
    return _key


def seal(entry_hash: str, key: bytes | None = None) -> str:
    # hmac.digest: the one-shot C path, a few times faster than hmac.new (verify checks every entry).
    return hmac.digest(key or audit_key(), entry_hash.encode("ascii"), "sha256").hex()


def is_sealed(entry_hash: str, mac: str | None, key: bytes) -> bool:
    return mac is not None and hmac.compare_digest(seal(entry_hash, key), mac)
