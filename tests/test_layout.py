"""The layout keeps its arrows pointing one way (the contracts in ``.importlinter``)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PACKAGES = ("admin", "api", "cli", "jobs", "web", "plans", "workflow", "documents", "models", "vocabulary")


def lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--config", str(tree / ".importlinter"), "--no-cache"],
                          cwd=tree, capture_output=True, text=True, env={"PYTHONPATH": str(tree), "PATH": ""})


def copy_of_the_tree(target: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, target / package, ignore=shutil.ignore_patterns("__pycache__", "static", "templates"))
    shutil.copy(ROOT / ".importlinter", target / ".importlinter")
    return target


def test_every_import_points_down_the_layers():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_every_top_level_package_is_in_the_contract():
    config = (ROOT / ".importlinter").read_text()
    found = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name not in ("tests", "bench", "migrations")}
    assert found == set(PACKAGES)
    assert all(f"    {package}\n" in config for package in PACKAGES)


def test_an_arrow_pointing_up_breaks_the_contract(tmp_path):
    tree = copy_of_the_tree(tmp_path)
    with open(tree / "models" / "campaign.py", "a") as module:
        module.write("\nfrom workflow.deadlines import counting  # models must not know the domain\n")
    result = lint(tree)
    assert result.returncode != 0
    assert "models.campaign -> workflow.deadlines" in result.stdout


def test_inside_workflow_the_engine_does_not_import_the_case_file(tmp_path):
    tree = copy_of_the_tree(tmp_path)
    with open(tree / "workflow" / "engine" / "service.py", "a") as module:
        module.write("\nfrom workflow.casefile import review\n")
    result = lint(tree)
    assert result.returncode != 0
    assert "workflow.engine.service -> workflow.casefile.review" in result.stdout
