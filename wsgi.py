"""The application factory: ``flask --app wsgi …`` and ``gunicorn 'wsgi:create_app()'``."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable

from flask import Flask

from vocabulary.config import PROJECT_DIR, Settings, installation_key


def _secret_key(settings: Settings, instance: Path) -> str:
    """``SECRET_KEY``, or one generated once per installation and kept in ``instance/``."""
    return installation_key(settings.secret_key, instance / "secret_key")


# Options of ``flask`` itself that take a value (before the command's name).
_FLASK_OPTIONS_WITH_VALUE = {"--app", "-A", "--env-file", "-e"}


def _command_line_only(argv: list[str]) -> bool:
    """Whether ``flask --app wsgi <group> …`` builds the app for one of our own command groups
    (cli/): such an app serves no request, so the admin and the API — most of the start-up
    time — are left out. ``flask run``, ``flask routes``, gunicorn and the tests get the whole app."""
    if os.environ.get("FLASK_RUN_FROM_CLI") != "true":
        return False
    from cli import GROUP_NAMES

    words = iter(argv[1:])
    for word in words:
        if word in _FLASK_OPTIONS_WITH_VALUE:
            next(words, None)
        elif not word.startswith("-"):
            return word in GROUP_NAMES
    return False


def create_app(settings: Settings | None = None, *, web: bool | None = None) -> Flask:
    """The app; ``web=False`` leaves out the admin and the API (default: see :func:`_command_line_only`)."""
    settings = settings or Settings.from_env()
    web = not _command_line_only(sys.argv) if web is None else web
    app = Flask(__name__, instance_path=str(PROJECT_DIR / "instance"), template_folder="admin/templates", static_folder="admin/static")
    app.config.update(
        SECRET_KEY=_secret_key(settings, Path(app.instance_path)),
        SETTINGS=settings,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Set SESSION_COOKIE_SECURE=1 behind HTTPS; plain-HTTP loopback runs (make run) need it off.
        SESSION_COOKIE_SECURE=os.environ.get("SESSION_COOKIE_SECURE") == "1",
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,  # a form left open all morning still submits
        # A form may carry a report with its appendices and evidence: several files up to the limit.
        MAX_CONTENT_LENGTH=8 * settings.max_upload_bytes,
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    from cli import register as register_cli

    if web:
        _install_services(app, settings)
        _install_web(app, settings)
    else:
        app.extensions = _ServicesOnFirstUse(lambda: _install_services(app, settings), app.extensions)
    register_cli(app)
    return app


_SERVICES = ("database", "file_store", "checkpoints", "pdf_converter", "trust_roots")


def _install_services(app: Flask, settings: Settings) -> None:
    """What every command and request works with: the database, the file store, the audit
    checkpoints, the PDF converter and the folder of trusted roots (``app.extensions[name]`` for
    each of :data:`_SERVICES`)."""
    from documents.pdf import pdf_converter
    from web.database import init_database
    from workflow.audit.checkpoint import CheckpointStore
    from workflow.audit.seal import use_key
    from workflow.records.files import FileStore

    database = init_database(app, settings.database_url)
    app.extensions["file_store"] = FileStore.from_settings(settings)
    # One key seals every entry, signs every checkpoint and checks both.
    use_key(database.engine, settings.audit_signing_key())
    app.extensions["checkpoints"] = CheckpointStore(settings.checkpoint_dir, settings.audit_signing_key())
    app.extensions["pdf_converter"] = pdf_converter(settings.soffice)
    app.extensions["trust_roots"] = settings.trust_roots


class _ServicesOnFirstUse(dict):
    """``app.extensions`` of a command-line app: the services are installed the first time a
    command asks for one of them, so ``… --help`` and a mistyped option load no SQLAlchemy, no
    models and no database driver (issue #14: CLI start-up)."""

    def __init__(self, install: Callable[[], None], existing: dict):
        super().__init__(existing)
        self._install: Callable[[], None] | None = install

    def __missing__(self, name: str) -> object:
        if name not in _SERVICES or self._install is None:
            raise KeyError(name)
        install, self._install = self._install, None
        install()
        return self[name]

    def get(self, name: str, default: object = None) -> object:
        try:
            return self[name]
        except KeyError:
            return default


def _install_web(app: Flask, settings: Settings) -> None:
    """What serves requests: security headers, languages, health, the admin, the API."""
    from admin import csrf, init_admin
    from api import blueprint as api
    from web import security, uploads
    from web.health import blueprint as health
    from web.i18n import init_i18n

    uploads.install(app)  # first: a refused upload is refused before anything reads its body
    security.install(app)  # before any route: the bounded <int:…> converter
    init_i18n(app, settings)
    app.register_blueprint(health)
    if os.environ.get("RENDER_IN_BACKGROUND_FROM", "").strip().isdigit():  # else render_jobs.BACKGROUND_FROM
        app.config["RENDER_IN_BACKGROUND_FROM"] = int(os.environ["RENDER_IN_BACKGROUND_FROM"])
    init_admin(app)
    csrf.exempt(api)  # token callers have no CSRF token; the API checks it itself for browser sessions
    app.register_blueprint(api)
