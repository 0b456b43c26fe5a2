"""Settings read from the environment, in one place.

Every entry point (web app, CLI, scheduler) builds a :class:`Settings` once and passes it on;
the domain only needs the time zone, through :func:`local_date`.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


DEFAULT_MAX_UPLOAD_MB = 20


def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_DIR / 'instance' / 'cchc.db'}"


def _default_files_dir() -> Path:
    return PROJECT_DIR / "instance" / "files"


def _soffice(value: str | None) -> str | None:
    """``SOFFICE``: LibreOffice's program for the PDFs; unset, the one on the PATH; ``off``: none."""
    if value and value.strip().lower() in ("off", "0", "no", "false"):
        return None
    return value or shutil.which("soffice")


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=_default_database_url)
    secret_key: str | None = None
    smtp_url: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    # Where uploaded and generated files are kept (never under a static folder), and how big one may be.
    files_dir: Path = field(default_factory=_default_files_dir)
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MB * 1024 * 1024
    # LibreOffice, to give every document as PDF too; None where it is not installed (or turned off).
    soffice: str | None = None

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
            soffice=_soffice(env.get("SOFFICE")),
        )


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
    """Parse an ISO time for the CLI; a time without offset is local time (``TIMEZONE``)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone())
    return moment
