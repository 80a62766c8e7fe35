"""The production web shape on loopback, for the tests and `make bench-web`: gunicorn, and Debian's
nginx running the very site config the compose file runs (docker/nginx/default.conf.template)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from django.conf import settings

SITE_TEMPLATE = Path(settings.BASE_DIR) / "docker" / "nginx" / "default.conf.template"
PLACEHOLDERS = ("TRACKER_UPSTREAM", "TRACKER_LISTEN", "TRACKER_CACHE_DIR")


class StackError(RuntimeError):
    """A server of the stack is missing or did not start; the message says which and why."""


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if not found:
        raise StackError("nginx is missing: install Debian's nginx (apt-get install -y nginx)")
    return found


def site_config(*, upstream: str, listen: int, cache_dir: Path) -> str:
    """The compose file's site config with its placeholders filled in, as the nginx image's
    entrypoint fills them from the environment."""
    values = {
        "TRACKER_UPSTREAM": upstream,
        "TRACKER_LISTEN": f"127.0.0.1:{listen}",
        "TRACKER_CACHE_DIR": str(cache_dir),
    }
    text = SITE_TEMPLATE.read_text()
    for name in PLACEHOLDERS:
        text = text.replace("${" + name + "}", values[name])
    if "${" in text:
        raise StackError(f"{SITE_TEMPLATE} names a placeholder this runner does not fill")
    return text


def wait_until_answering(url: str, *, what: str, process: subprocess.Popen | None = None) -> None:
    """Until `url` answers at all (20 s at most), or the process serving it has exited."""
    for _ in range(200):
        if process is not None and process.poll() is not None:
            raise StackError(f"{what} exited with code {process.returncode} before answering")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise StackError(f"{what} did not answer on {url} within 20 s")


@dataclass
class Running:
    url: str
    process: subprocess.Popen
    folder: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _serving(process: subprocess.Popen, *, port: int, folder: Path, what: str) -> Iterator[Running]:
    """The body of each server's context manager: once it answers, hand it over; stop it after."""
    running = Running(f"http://127.0.0.1:{port}", process, folder)
    try:
        wait_until_answering(running.url + "/healthz", what=what, process=process)
        yield running
    finally:
        running.stop()


@contextmanager
def gunicorn(
    env: dict[str, str], *, port: int, folder: Path, workers: int = 2, timeout: int = 30
) -> Iterator[Running]:
    """gunicorn as the compose file runs it (sync workers), logging each request it serves to
    `folder/access.log`, so a test can count what reached Django."""
    folder.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "tracker.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync"),
            *("--timeout", str(timeout), "--log-level", "warning"),
            *("--access-logfile", str(folder / "access.log")),
        ],
        cwd=settings.BASE_DIR,
        env=env,
    )
    yield from _serving(process, port=port, folder=folder, what="gunicorn")


@contextmanager
def nginx(*, upstream: str, port: int, folder: Path, extra_http: str = "") -> Iterator[Running]:
    """Debian's nginx running the production site config in front of `upstream` (host:port), with
    everything it writes (cache, temporary files, logs, pid) under `folder`. `extra_http` adds
    directives to its http block (the benchmark's static file server)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.conf").write_text(site_config(upstream=upstream, listen=port, cache_dir=folder / "cache"))
    temp_paths = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx would run its workers as "nobody", who may not enter this folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"""{user}daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    default_type application/octet-stream;
    sendfile on;  # as the nginx image's own nginx.conf has it
    access_log {folder / "access.log"};
{temp_paths}
    include {folder / "site.conf"};
{extra_http}
}}
"""
    )
    binary = nginx_binary()
    checked = subprocess.run(
        [
            binary,
            "-t",
            "-q",
            "-e",
            str(folder / "error.log"),
            "-p",
            str(folder),
            "-c",
            str(folder / "nginx.conf"),
        ],
        capture_output=True,
        text=True,
    )
    if checked.returncode:
        raise StackError(f"nginx refused the config: {checked.stderr.strip()}")
    process = subprocess.Popen(
        [binary, "-e", str(folder / "error.log"), "-p", str(folder), "-c", str(folder / "nginx.conf")]
    )
    yield from _serving(process, port=port, folder=folder, what="nginx")


def requests_served(log: Path, path: str) -> int:
    """How many requests for exactly `path` gunicorn's access log records."""
    if not log.exists():
        return 0
    return sum(1 for line in log.read_text().splitlines() if f' "GET {path} HTTP/' in line)
