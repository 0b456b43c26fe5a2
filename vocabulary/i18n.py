"""Translations of everything a user reads.

Message ids are English; the Vietnamese catalog in ``translations/vi`` is the default language and
English is the fallback.  The domain has no Flask in it, so the current language lives in a
context variable that the web app sets per request and the CLI leaves at Vietnamese.
"""
from __future__ import annotations

import gettext as _gettext
import io
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Mapping

from babel.messages.mofile import write_mo
from babel.numbers import format_decimal
from babel.messages.pofile import read_po

from vocabulary.config import PROJECT_DIR, zone

TRANSLATIONS_DIR = PROJECT_DIR / "translations"
DEFAULT_LOCALE = "vi"
LOCALES = ("vi", "en")

_locale: ContextVar[str] = ContextVar("locale", default=DEFAULT_LOCALE)


def N_(msgid: str) -> str:
    """Mark a message id for extraction without translating it yet."""
    return msgid


def current_locale() -> str:
    return _locale.get()


def set_locale(locale: str) -> None:
    _locale.set(locale if locale in LOCALES else DEFAULT_LOCALE)


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    token = _locale.set(locale if locale in LOCALES else DEFAULT_LOCALE)
    try:
        yield
    finally:
        _locale.reset(token)


def compile_po(*po_paths: Path) -> bytes:
    """A compiled catalog from one or more ``.po`` files, later ones winning; fuzzy entries
    are left out."""
    catalog = None
    for po_path in po_paths:
        with po_path.open("rb") as po_file:
            part = read_po(po_file)
        if catalog is None:
            catalog = part
        else:
            for message in part:
                if message.id and message.string:
                    # Catalog[...] = … keeps an existing entry's translation: replace it instead.
                    catalog.delete(message.id, message.context)
                    catalog[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


@lru_cache(maxsize=None)
def translations(locale: str) -> _gettext.NullTranslations:
    po_path = TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return _gettext.NullTranslations()
    return _gettext.GNUTranslations(io.BytesIO(compile_po(po_path)))


def gettext(msgid: str) -> str:
    return translations(current_locale()).gettext(msgid)


def format_date(value: date | None) -> str:
    """dd/mm/yyyy, the way every Vietnamese document writes a date."""
    return value.strftime("%d/%m/%Y") if value else ""


def format_datetime(value: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in the configured time zone (Asia/Ho_Chi_Minh by default)."""
    return value.astimezone(zone()).strftime("%d/%m/%Y %H:%M") if value else ""


def format_number(value: float) -> str:
    """A number the way the current language writes it, at most one decimal: "0,6", "20", "1.234,5"."""
    return format_decimal(value, format="#,##0.#", locale=current_locale())


def format_size(size: int) -> str:
    """A file size in KB or MB with the current language's decimal mark: "0,6 KB", "20 MB"."""
    if size >= 1024 * 1024:
        return f"{format_number(size / 1024 / 1024)} MB"
    return f"{format_number(size / 1024)} KB"


def _display(value: Any) -> Any:
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, Text):
        return str(value)
    return value


@dataclass(frozen=True)
class Text:
    """A message id with its parameters, translated when it is shown."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        translated = gettext(self.msgid)
        if not self.params:
            return translated
        return translated.format(**{key: _display(value) for key, value in self.params.items()})


def _(msgid: str, **params: Any) -> Text:
    """A translatable text; rendered in the current language when turned into ``str``."""
    return Text(msgid, params)
