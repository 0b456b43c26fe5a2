"""The application factory: ``flask --app wsgi …`` and ``gunicorn 'wsgi:create_app()'``."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from vocabulary.config import PROJECT_DIR, Settings, installation_key
from workflow.audit.checkpoint import CheckpointStore
from workflow.casefile.rendering import pdf_converter
from workflow.records.files import FileStore


def _secret_key(settings: Settings, instance: Path) -> str:
    """``SECRET_KEY``, or one generated once per installation and kept in ``instance/``."""
    return installation_key(settings.secret_key, instance / "secret_key")


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
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
    from web import security

    security.install(app)  # before any route: the bounded <int:…> converter

    from admin import csrf, init_admin
    from api import blueprint as api
    from cli import register as register_cli
    from web.database import init_database
    from web.health import blueprint as health
    from web.i18n import init_i18n

    init_database(app, settings.database_url)
    app.extensions["file_store"] = FileStore.from_settings(settings)
    app.extensions["checkpoints"] = CheckpointStore(settings.checkpoint_dir, settings.audit_signing_key())
    app.extensions["pdf_converter"] = pdf_converter(settings.soffice)
    init_i18n(app, settings)
    app.register_blueprint(health)
    init_admin(app)
    csrf.exempt(api)  # token callers have no CSRF token; the API checks it itself for browser sessions
    app.register_blueprint(api)
    register_cli(app)
    return app
