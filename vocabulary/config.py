"""Settings read from the environment, in one place.

Every entry point (web app, CLI, scheduler) builds a :class:`Settings` once and passes it on;
the domain only needs the time zone, through :func:`local_date`.
"""
from __future__ import annotations

import os
import secrets
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parseaddr
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from .bounds import date_in_range

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


DEFAULT_MAX_UPLOAD_MB = 20
DEFAULT_MAIL_FROM = "Phòng Nội vụ - Kiểm tra CCHC <cchc@localhost>"
DEFAULT_MAX_FINDINGS = 100


def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_DIR / 'instance' / 'cchc.db'}"


def _default_files_dir() -> Path:
    return PROJECT_DIR / "instance" / "files"


def _instance(name: str) -> Path:
    return PROJECT_DIR / "instance" / name


def _soffice(value: str | None) -> str | None:
    """``SOFFICE``: LibreOffice's program for the PDFs; unset, the one on the PATH; ``off``: none."""
    if value and value.strip().lower() in ("off", "0", "no", "false"):
        return None
    return value or shutil.which("soffice")


class SettingsError(ValueError):
    """A setting of the environment that cannot be used: its message names the setting and says
    what it may be (the command line prints it as it is, without a stack)."""


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=_default_database_url)
    secret_key: str | None = None
    smtp_url: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    # Where uploaded and generated files are kept (never under a static folder), and how big one may be.
    files_dir: Path = field(default_factory=_default_files_dir)
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MB * 1024 * 1024
    # The key that signs the audit checkpoints (never kept in the database), and where they go.
    audit_key: str | None = None
    audit_key_file: Path = field(default_factory=lambda: _instance("audit_key"))
    checkpoint_dir: Path = field(default_factory=lambda: _instance("checkpoints"))
    # LibreOffice, to give every document as PDF too; None where it is not installed (or turned off).
    soffice: str | None = None
    # The folder of trusted CA certificates and CRLs a PDF's signatures are checked against
    # (documents.signatures.TrustStore.from_folder); None: no root is trusted.
    trust_roots: Path | None = None

    @classmethod
    def from_env(cls, environ: os._Environ[str] | dict[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("DATABASE_URL") or _default_database_url(),
            secret_key=env.get("SECRET_KEY") or None,
            smtp_url=env.get("SMTP_URL") or None,
            timezone=env.get("TIMEZONE") or DEFAULT_TIMEZONE,
            files_dir=Path(env["FILES_DIR"]) if env.get("FILES_DIR") else _default_files_dir(),
            max_upload_bytes=int(float(env.get("MAX_UPLOAD_MB") or DEFAULT_MAX_UPLOAD_MB) * 1024 * 1024),
            audit_key=env.get("AUDIT_KEY") or None,
            audit_key_file=Path(env["AUDIT_KEY_FILE"]) if env.get("AUDIT_KEY_FILE") else _instance("audit_key"),
            checkpoint_dir=Path(env["AUDIT_CHECKPOINT_DIR"]) if env.get("AUDIT_CHECKPOINT_DIR") else _instance("checkpoints"),
            soffice=_soffice(env.get("SOFFICE")),
            trust_roots=Path(env["TRUST_ROOTS"]) if env.get("TRUST_ROOTS") else None,
        )

    def audit_signing_key(self) -> bytes:
        """``AUDIT_KEY``, or the key generated once into ``AUDIT_KEY_FILE``."""
        return installation_key(self.audit_key, self.audit_key_file).encode("utf-8")


def installation_key(explicit: str | None, path: Path) -> str:
    """A secret given in the environment, or one generated once per installation into ``path``."""
    if explicit:
        return explicit
    if not path.exists():
        # Workers starting together must agree: the first complete file to be linked in wins.
        path.parent.mkdir(parents=True, exist_ok=True)
        candidate = path.with_name(f"{path.name}.{os.getpid()}")
        candidate.touch(mode=0o600)
        candidate.write_text(secrets.token_hex(32))
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    return path.read_text().strip()


def mail_domain(mail_from: str | None = None) -> str:
    """The domain of the sender's address (``MAIL_FROM``), for the Message-ID of a mail written to
    the outbox: by the scheduler, or by a change of a case (a receipt) in its own transaction."""
    address = parseaddr(mail_from or os.environ.get("MAIL_FROM") or DEFAULT_MAIL_FROM)[1]
    return address.rpartition("@")[2] or "localhost"


def new_message_id(domain: str) -> str:
    """A Message-ID, fixed when the mail is written to the outbox (a resend carries the same)."""
    return f"<{uuid.uuid4().hex}@{domain}>"


@lru_cache(maxsize=None)
def max_findings() -> int:
    """At most this many findings in one conclusion (``MAX_FINDINGS``)."""
    return int(os.environ.get("MAX_FINDINGS") or DEFAULT_MAX_FINDINGS)


@lru_cache(maxsize=None)
def zone(name: str | None = None) -> ZoneInfo:
    """The configured time zone (``TIMEZONE``, default Asia/Ho_Chi_Minh)."""
    return ZoneInfo(name or os.environ.get("TIMEZONE") or DEFAULT_TIMEZONE)


def local_date(moment: datetime) -> date:
    """The calendar date of an aware moment in the configured time zone."""
    if moment.tzinfo is None:
        raise ValueError("moments must be timezone-aware")
    return moment.astimezone(zone()).date()


def parse_moment(text: str) -> datetime:
    """Parse an ISO time for the CLI and the API; a time without offset is local time
    (``TIMEZONE``). ValueError for anything else, and for a moment outside 2000–2100."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone())
    if not date_in_range(moment) or not date_in_range(moment.astimezone(zone())):
        raise ValueError("out of range")
    return moment
