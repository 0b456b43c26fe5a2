"""Languages of the web UI: Vietnamese by default, English on request.

Three catalogs, compiled at start-up into ``instance/translations``:
``messages`` (ours, also used by the domain), ``admin`` (Flask-Admin's Vietnamese catalog compiled
from its ``.po`` — its shipped ``.mo`` lacks strings — plus our additions) and ``wtforms``
(WTForms ships no Vietnamese; ours is in ``translations/vi/LC_MESSAGES/wtforms.po``).
"""
from __future__ import annotations

import os
from pathlib import Path

import flask_admin
from flask import Flask, has_request_context, redirect, request, session
from flask_babel import Babel, Domain, get_locale

from vocabulary.config import Settings
from vocabulary.i18n import DEFAULT_LOCALE, LOCALES, TRANSLATIONS_DIR, compile_po, set_locale

FLASK_ADMIN_PO = Path(flask_admin.__file__).parent / "translations" / "{locale}" / "LC_MESSAGES" / "admin.po"


def compile_web_catalogs(target: Path) -> None:
    for locale in LOCALES:
        ours = TRANSLATIONS_DIR / locale / "LC_MESSAGES"
        out = target / locale / "LC_MESSAGES"
        out.mkdir(parents=True, exist_ok=True)
        sources = {
            "messages": [ours / "messages.po"],
            "admin": [Path(str(FLASK_ADMIN_PO).format(locale=locale)), ours / "admin.po"],
            "wtforms": [ours / "wtforms.po"],
        }
        for domain, paths in sources.items():
            existing = [path for path in paths if path.exists()]
            if existing:
                # Several workers start at once: each writes its own file and swaps it in whole.
                temporary = out / f"{domain}.mo.{os.getpid()}"
                temporary.write_bytes(compile_po(*existing))
                os.replace(temporary, out / f"{domain}.mo")


def select_locale() -> str:
    wanted = session.get("lang") if has_request_context() else None
    return wanted if wanted in LOCALES else DEFAULT_LOCALE


class WTFormsTranslations:
    """Gives WTForms (and Flask-Admin's forms) their messages in the request's language."""

    def __init__(self, directory: Path):
        self.domain = Domain(str(directory), domain="wtforms")

    def gettext(self, string: str) -> str:
        return self.domain.get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.domain.get_translations().ungettext(singular, plural, n)


def init_i18n(app: Flask, settings: Settings) -> None:
    compiled = Path(app.instance_path) / "translations"
    compile_web_catalogs(compiled)
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT_LOCALE
    app.config["BABEL_DEFAULT_TIMEZONE"] = settings.timezone
    Babel(app, locale_selector=select_locale, default_translation_directories=str(compiled))
    app.extensions["wtforms_translations"] = WTFormsTranslations(compiled)
    app.extensions["compiled_translations"] = compiled

    @app.before_request
    def use_request_locale() -> None:
        set_locale(str(get_locale()))

    @app.get("/lang/<code>")
    def switch_language(code: str):
        if code in LOCALES:
            session["lang"] = code
        target = request.referrer or "/admin/"
        return redirect(target if target.startswith(request.host_url) or target.startswith("/") else "/admin/")
