"""Start-up time of the command line and of the web app, beside ``python -c pass``, the bare
import of Flask and SQLAlchemy (the floor every command pays) and that of our mapped classes,
configured (the floor of every command that reads the database), median of a few runs, wall and
CPU time; then the modules that cost the most (``python -X importtime``, own time).

    python -m bench.startup [--runs 5] [--top 12]
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

PYTHON = sys.executable
FLASK = [PYTHON, "-m", "flask", "--app", "wsgi"]
COMMANDS = {
    "python -c pass": [PYTHON, "-c", "pass"],
    "import flask, sqlalchemy": [PYTHON, "-c", "import flask, sqlalchemy"],
    # The floor of a command that reads the database: the mapped classes, configured.
    "import flask, models; configure": [PYTHON, "-c", "import flask, models, sqlalchemy.orm; sqlalchemy.orm.configure_mappers()"],
    "flask … inspections list --help": [*FLASK, "inspections", "list", "--help"],
    "flask … inspections list": [*FLASK, "inspections", "list"],
    "import wsgi; create_app()": [PYTHON, "-c", "import wsgi; wsgi.create_app()"],
}


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def offenders(command: list[str], env: dict[str, str], top: int) -> list[tuple[int, str]]:
    """The modules with the largest own import time (µs)."""
    run = subprocess.run([command[0], "-X", "importtime", *command[1:]], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, check=True)
    rows = []
    for line in run.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "self" not in line:
            own, _cumulative, name = line[len("import time:"):].split("|")
            rows.append((int(own), name.strip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{directory}/startup.db", "FILES_DIR": f"{directory}/files"}
        subprocess.run([*FLASK, "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"{'':34} {'wall (median)':>14} {'CPU (median)':>13}")
        wall = {}
        for label, command in COMMANDS.items():
            runs = [timed(command, env) for _ in range(args.runs)]
            wall[label] = statistics.median(w for w, _ in runs)
            print(f"{label:34} {wall[label]:>13.3f}s {statistics.median(c for _, c in runs):>12.3f}s")
        help_page, listing, floor = (wall[label] for label in (
            "flask … inspections list --help", "flask … inspections list", "import flask, models; configure"))
        # A help page loads no database layer (wsgi._ServicesOnFirstUse); a command that reads the
        # database cannot start faster than our mapped classes load and configure.
        print(f"\nhelp page {help_page:.2f} s [target < 0.5 s: {'met' if help_page < 0.5 else 'MISSED'}]; "
              f"a listing {listing:.2f} s, {listing - floor:+.2f} s over the floor of the mapped classes ({floor:.2f} s)")
        print("largest own import times of `flask --app wsgi inspections list`:")
        for own, name in offenders(COMMANDS["flask … inspections list"], env, args.top):
            print(f"  {own / 1000:8.1f} ms  {name}")


if __name__ == "__main__":
    main()
