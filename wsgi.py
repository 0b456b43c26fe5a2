"""The application factory: ``flask --app wsgi …`` and ``gunicorn 'wsgi:create_app()'``."""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask

from models.db import Database
from workflow.config import PROJECT_DIR, Settings
from workflow.i18n import compile_catalogs


def _secret_key(settings: Settings, instance: Path) -> str:
    """``SECRET_KEY``, or one generated once per installation and kept in ``instance/``."""
    if settings.secret_key:
        return settings.secret_key
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__, instance_path=str(PROJECT_DIR / "instance"))
    app.config.update(
        SECRET_KEY=_secret_key(settings, Path(app.instance_path)),
        SETTINGS=settings,
        JSON_SORT_KEYS=False,
    )
    compile_catalogs()

    from cli import register as register_cli
    from web.database import init_database
    from web.health import blueprint as health
    from admin import init_admin

    init_database(app, Database(settings.database_url))
    app.register_blueprint(health)
    init_admin(app)
    register_cli(app)
    return app
