"""Start-up loads what the command uses: a simple command on SQLite never imports the document
libraries, the PostgreSQL driver, Alembic, the scheduler or the admin (not timed: the modules
loaded are what decides the time, see bench/startup.py)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from vocabulary.config import PROJECT_DIR

HEAVY = ("docx", "openpyxl", "psycopg", "alembic", "apscheduler", "flask_admin", "playwright")
PROBE = """
import json, sys
heavy = set(json.loads(sys.argv[2]))
sys.argv = ["flask", "--app", "wsgi", *json.loads(sys.argv[1])]
from flask.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules} & heavy), separators=(",", ":")))
"""


def loaded(tmp_path, *command: str, watched: tuple[str, ...] = HEAVY) -> list[str]:
    """Which of the ``watched`` packages ``flask --app wsgi <command>`` has imported by its end."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/none.db", "FILES_DIR": str(tmp_path / "files")}
    run = subprocess.run([sys.executable, "-c", PROBE, json.dumps(command), json.dumps(watched)], cwd=PROJECT_DIR, env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_a_simple_command_loads_none_of_the_heavy_libraries(tmp_path):
    assert loaded(tmp_path, "inspections", "list", "--help") == []


def test_a_help_page_loads_no_database_layer_which_the_command_itself_does(tmp_path):
    """The services are installed when a command first asks for one (wsgi._ServicesOnFirstUse)."""
    database_layer = ("sqlalchemy", "flask_sqlalchemy_lite", "models")
    assert loaded(tmp_path, "inspections", "list", "--help", watched=database_layer) == []
    assert loaded(tmp_path, "inspections", "lis", watched=database_layer) == []  # a mistyped command: Click's message
    assert loaded(tmp_path, "db", "upgrade", watched=database_layer) == sorted(database_layer)


def test_the_command_list_still_shows_every_group_and_the_web_commands(tmp_path):
    listing = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "--help"], cwd=PROJECT_DIR, capture_output=True,
                             text=True, timeout=120, check=True, env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/none.db"}).stdout
    from cli import GROUP_NAMES

    for name in (*GROUP_NAMES, "routes", "run"):
        assert f"  {name} " in listing, name


def test_a_database_url_no_driver_can_use_is_named_in_one_line_and_its_password_is_not_shown(tmp_path):
    env = {**os.environ, "DATABASE_URL": "nosuch://cchc:bi-mat@dbhost/cchc", "FILES_DIR": str(tmp_path / "files"), "CLI_LANGUAGE": "vi"}
    run = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "inspections", "list"], cwd=PROJECT_DIR, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        "DATABASE_URL: \u201cnosuch\u201d không phải loại cơ sở dữ liệu mà hệ thống dùng được; hãy đặt sqlite:///đường/dẫn/tệp.db "
        "hoặc postgresql://người_dùng:mật_khẩu@máy_chủ/tên_cơ_sở_dữ_liệu."]


def test_a_command_line_app_installs_its_services_on_the_first_look_up_of_any_of_them(tmp_path):
    from vocabulary.config import Settings
    from wsgi import create_app

    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/cchc.db", files_dir=tmp_path / "files",
                              audit_key="test", checkpoint_dir=tmp_path / "checkpoints"), web=False)
    assert "database" not in app.extensions
    assert app.extensions.get("pdf_converter", "absent") != "absent"  # .get installs too, like [...]
    assert {"database", "file_store", "checkpoints"} <= set(app.extensions)
    assert app.extensions.get("no such service", "absent") == "absent"
    app.extensions["database"].dispose()
