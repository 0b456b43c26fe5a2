"""A throw-away PostgreSQL server for the test run (and the benchmarks).

Debian's server binaries refuse to run as root, so as root the cluster belongs to the
``postgres`` system user. Set ``TEST_POSTGRES_URL`` to use a server you already have instead.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PostgresServer:
    admin_dsn: str  # libpq URL of a superuser, for creating databases
    directory: Path | None = None
    bin_dir: Path | None = None

    def url(self, database: str) -> str:
        """SQLAlchemy URL of ``database`` on this server."""
        base = self.admin_dsn.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
        return f"{base}/{database}"

    def execute(self, statement: str) -> None:
        with psycopg.connect(self.admin_dsn, autocommit=True) as connection:
            connection.execute(statement)

    def stop(self) -> None:
        if self.directory is None:
            return
        _run_as_owner([str(self.bin_dir / "pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate", "stop"], check=False)
        shutil.rmtree(self.directory, ignore_errors=True)


def _run_as_owner(command: list[str], check: bool = True) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=check, capture_output=True, text=True)


def start(durable: bool = False) -> PostgresServer | None:
    """Start a server on a free loopback port, or None when PostgreSQL is not installed.

    Tests run with ``fsync=off``; the benchmarks ask for a ``durable`` server."""
    if os.environ.get("TEST_POSTGRES_URL"):
        return PostgresServer(os.environ["TEST_POSTGRES_URL"])
    bin_dir = _binaries()
    if bin_dir is None:
        return None
    directory = Path(tempfile.mkdtemp(prefix="cchc-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
        os.chmod(directory, 0o700)
    data, port = directory / "data", _free_port()
    _run_as_owner([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"])
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {directory} -c max_connections=200"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    _run_as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(directory / "log"), "-w", "start"])
    server = PostgresServer(f"postgresql://postgres@127.0.0.1:{port}/postgres", directory, bin_dir)
    deadline = time.monotonic() + 30
    while True:
        try:
            server.execute("SELECT 1")
            return server
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
