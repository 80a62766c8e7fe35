"""What the benchmark commands share: a database of their own, a free port, waiting for a server,
the memory of its workers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

from .web_stack import StackError, wait_until_answering


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, *, what: str) -> None:
    """Until `url` answers at all (20 s at most); a command's error otherwise."""
    try:
        wait_until_answering(url, what=what)
    except StackError as error:
        raise CommandError(str(error)) from error


def fresh_database(name: str) -> str:
    """Drop and recreate database `name` on DATABASE_URL's server, migrate it, return its URL."""
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/tracker"
    database_url = f"{url.rsplit('/', 1)[0]}/{name}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url},
        check=True,
    )
    return database_url


def worker_rss_megabytes(parent: int) -> list[int]:
    """Resident memory of each gunicorn worker (the children of the arbiter), from /proc."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if int(fields.get("PPid", "0").strip()) == parent and "VmRSS" in fields:
            sizes.append(int(fields["VmRSS"].split()[0]) // 1024)
    return sorted(sizes)
