"""Fixtures: real databases (a SQLite file and a PostgreSQL server this run starts), migrated by
Alembic, seeded with the 2023 plan. Under ``STRICT=1`` a missing real component fails the test
instead of skipping it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path
from typing import Iterator

import pytest

from models.db import Database
from models.migrate import upgrade
from plans import tuky_2023
from tests import postgres
from vocabulary.config import PROJECT_DIR, zone
from vocabulary.i18n import set_locale

STRICT = os.environ.get("STRICT") == "1"
VN = zone("Asia/Ho_Chi_Minh")
SEED_NOW = datetime(2023, 7, 10, 8, 0, tzinfo=VN)


def missing(component: str, why: str) -> None:
    """Skip a test that needs ``component`` — or fail it under STRICT=1 (CI)."""
    message = f"{component} is not available: {why}"
    if STRICT:
        pytest.fail(message + " (STRICT=1: every real component must run)")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def vietnamese() -> None:
    set_locale("vi")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[postgres.PostgresServer]:
    server = postgres.start()
    if server is None:
        missing("PostgreSQL", "no initdb/pg_ctl found (apt-get install postgresql)")
    yield server
    server.stop()


def _seed(url: str) -> None:
    database = Database(url)
    with database.session() as session:
        tuky_2023.load(session, SEED_NOW)
    database.dispose()


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("templates")
    empty, seeded = directory / "empty.db", directory / "seeded.db"
    upgrade(f"sqlite:///{empty}")
    shutil.copy(empty, seeded)
    _seed(f"sqlite:///{seeded}")
    return {"empty": empty, "seeded": seeded}


@pytest.fixture(scope="session")
def postgres_templates(postgres_server: postgres.PostgresServer) -> dict[str, str]:
    names = {"empty": "cchc_template_empty", "seeded": "cchc_template_seeded"}
    for name in names.values():
        postgres_server.execute(f"DROP DATABASE IF EXISTS {name}")
    postgres_server.execute(f"CREATE DATABASE {names['empty']}")
    upgrade(postgres_server.url(names["empty"]))
    postgres_server.execute(f"CREATE DATABASE {names['seeded']} TEMPLATE {names['empty']}")
    _seed(postgres_server.url(names["seeded"]))
    return names


def _database_url(request: pytest.FixtureRequest, tmp_path: Path, template: str) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "cchc.db"
        shutil.copy(request.getfixturevalue("sqlite_templates")[template], path)
        yield f"sqlite:///{path}"
        return
    server: postgres.PostgresServer = request.getfixturevalue("postgres_server")
    name = f"t_{uuid.uuid4().hex[:12]}"
    server.execute(f"CREATE DATABASE {name} TEMPLATE {request.getfixturevalue('postgres_templates')[template]}")
    yield server.url(name)
    server.execute(f"DROP DATABASE {name} WITH (FORCE)")


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database seeded with the 2023 plan, on each backend."""
    yield from _database_url(request, tmp_path, "seeded")


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database, on each backend."""
    yield from _database_url(request, tmp_path, "empty")


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def session(db: Database):
    with db.session() as session:
        yield session


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 that records what it accepted."""
    from tests.smtp import SmtpServer

    with SmtpServer() as server:
        yield server


@pytest.fixture(scope="session")
def signing_pki(tmp_path_factory):
    """The test PKI of tests/pki.py (a root, an issuing CA, people's, an organisation's, an expired,
    an untrusted and a revoked certificate, as PKCS#12 files; ``.trust_dir`` the trust folder)."""
    from tests import pki

    return pki.build(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory):
    """SoftHSM2 with a token folder of this run (tests/softhsm.py); make tokens with ``make_token``."""
    from tests import softhsm

    why = softhsm.available()
    if why:
        missing("SoftHSM2", why)
    return softhsm.SoftHsm(tmp_path_factory.mktemp("softhsm"))


# --- the web app ------------------------------------------------------------------------------

PASSWORD = "mat-khau-thu-nghiem"
ROLE_USERS = {
    "admin": ("admin@tuky.local", None),
    "coordinator": ("coordinator@tuky.local", None),
    "inspector": ("inspector@tuky.local", None),
    "leader": ("leader@tuky.local", None),
    "auditor": ("auditor@tuky.local", None),
    "unit": ("vanthu@tnmt.tuky.local", "Phòng Tài nguyên và Môi trường"),
    "other_unit": ("vanthu@gddt.tuky.local", "Phòng Giáo dục và Đào tạo"),
}


@pytest.fixture(scope="session")
def web_template(sqlite_templates, tmp_path_factory) -> Path:
    """The seeded database plus one user of every role (and a second unit contact)."""
    from workflow.people.accounts import save_user
    from workflow.people.permissions import Actor

    path = tmp_path_factory.mktemp("web") / "web.db"
    shutil.copy(sqlite_templates["seeded"], path)
    database = Database(f"sqlite:///{path}")
    with database.session() as session:
        for role, (email, unit) in ROLE_USERS.items():
            save_user(session, email=email, role="unit" if unit else role, unit_name=unit, password=PASSWORD,
                      actor=Actor("test", "admin"), now=SEED_NOW)
    database.dispose()
    return path


@pytest.fixture
def web_db_url(web_template, tmp_path) -> str:
    path = tmp_path / "web.db"
    shutil.copy(web_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(web_db_url, tmp_path):
    from vocabulary.config import Settings
    from wsgi import create_app

    application = create_app(Settings(database_url=web_db_url, secret_key="test-secret", checkpoint_dir=tmp_path / "checkpoints"))
    application.config["TESTING"] = True
    yield application
    application.extensions["database"].dispose()


# --- the command line -------------------------------------------------------------------------

FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]


@pytest.fixture
def cli(tmp_path: Path, sqlite_templates):
    """Run a real ``flask --app wsgi`` command against a fresh migrated, seeded SQLite file."""
    path = tmp_path / "cchc.db"
    path.write_bytes(sqlite_templates["seeded"].read_bytes())
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "test", "FILES_DIR": str(tmp_path / "files"),
           "AUDIT_CHECKPOINT_DIR": str(tmp_path / "checkpoints")}

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([*FLASK, *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"{args} failed ({result.returncode}): {result.stderr}")
        return result

    run.path = path
    run.env = env  # a test may add a setting (TRUST_ROOTS) before its first command
    return run
