"""The seal of every entry: HMAC-SHA256 of its hash under the audit key.

The hash of an entry shows it was not altered since it was hashed, but anyone who can write the
database can hash a forged entry correctly. The seal cannot be made without the audit key
(``AUDIT_KEY`` or ``AUDIT_KEY_FILE``, :meth:`vocabulary.config.Settings.audit_signing_key`), which
is never stored in the database: an entry appended or rewritten with database access alone has no
valid seal, and :func:`workflow.audit.verify` names it.

The key belongs to the installation, so to the database's engine: the web app and the commands
register theirs from their settings (:func:`use_key`); an engine no one registered a key for (a
test's, a script's) uses the key of the settings in the environment.
"""
from __future__ import annotations

import hmac
from functools import lru_cache
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from vocabulary.config import Settings

_keys: WeakKeyDictionary[Engine, bytes] = WeakKeyDictionary()


def use_key(engine: Engine, key: bytes) -> None:
    """Seal and check the entries written through ``engine`` with ``key``."""
    _keys[engine] = key


@lru_cache(maxsize=1)
def _environment_key() -> bytes:
    return Settings.from_env().audit_signing_key()


def audit_key(session: Session) -> bytes:
    """The key of the installation ``session`` works on."""
    engine = session.get_bind().engine
    return _keys.get(engine) or _environment_key()


def seal(entry_hash: str, key: bytes) -> str:
    # hmac.digest: the one-shot C path, a few times faster than hmac.new (verify checks every entry).
    return hmac.digest(key, entry_hash.encode("ascii"), "sha256").hex()


def is_sealed(entry_hash: str, mac: str | None, key: bytes) -> bool:
    return mac is not None and hmac.compare_digest(seal(entry_hash, key), mac)
