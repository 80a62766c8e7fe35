"""Exports that show everything are files, built off the request and served as they are.

Building the dataset zip at 50,000 answers takes seconds, and under load as long as gunicorn's 30 s
timeout: built inside a request, a killed worker meant a 500, no file, and the next request starting
again. So each whole export is written to EXPORTS_DIR by a Celery task (builds.py), named by the data
version (public/cache.py), and a request only opens the newest file. When the current version's file
is not built yet, a request queues a build (once: a mark in the cache) and serves the previous
version's file, saying so, or, before the very first build, answers 503 with Retry-After.

Only the holder of a lock file writes, to a `.partial` file renamed into place when whole; so any
`.partial` the holder finds was left by a builder that was killed, and it removes them.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, HttpResponse
from django.utils.http import quote_etag

from ..public.cache import data_version

BUILD_TASK = "commitments.tasks.build_exports_task"
# Set while a build is queued and not yet started, so a burst of writes or downloads queues one.
QUEUED_KEY = "exports-build-queued"
# If the queued build is lost (its worker died before it started, Redis evicted the mark), the
# next request after this long queues another.
QUEUED_SECONDS = 15 * 60


@dataclass(frozen=True)
class Snapshot:
    file: BinaryIO  # open: a file replaced meanwhile stays readable until closed
    version: str
    is_current: bool


def _directory() -> Path:
    directory = Path(settings.EXPORTS_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _path(directory: Path, version: str, name: str) -> Path:
    return directory / f"{version}--{name}"


def latest(name: str) -> Snapshot | None:
    """The current version's file of the export `name`, else the newest earlier one, else None.
    Never builds; the caller closes the file (a FileResponse does)."""
    version = str(data_version())
    directory = _directory()
    for _ in range(3):
        try:
            current = _path(directory, version, name)
            if current.exists():
                return Snapshot(open(current, "rb"), version, is_current=True)  # noqa: SIM115
            built = sorted(directory.glob(f"*--{name}"), key=lambda p: p.stat().st_mtime, reverse=True)
            if not built:
                return None
            return Snapshot(open(built[0], "rb"), built[0].name.split("--", 1)[0], is_current=False)  # noqa: SIM115
        except FileNotFoundError:  # a builder replaced the file between finding and opening it
            continue
    return None


def queue_export_build(*, delay: int = 0) -> bool:
    """Queue one build of the current version's exports, `delay` seconds from now, unless one is
    queued already; True if this call queued it. Call it only once the writes it follows are
    committed (the builder must see them). With Celery eager (the demo) the build runs here."""
    if not cache.add(QUEUED_KEY, 1, timeout=QUEUED_SECONDS):
        return False
    # By its pinned name: the task module imports the builder, which imports this module.
    try:
        current_app.tasks[BUILD_TASK].apply_async(countdown=delay)
    except Exception:
        cache.delete(QUEUED_KEY)  # not queued after all: the next request or write tries again
        raise
    return True


def is_queued() -> bool:
    return cache.get(QUEUED_KEY) is not None


def forget_queued() -> None:
    """Called by a builder holding the lock, before it reads the data version: a write committed
    after this queues another build, which this builder (or the next) will see."""
    cache.delete(QUEUED_KEY)


@contextlib.contextmanager
def build_lock() -> Iterator[bool]:
    """True while this process holds the builders' lock, False when another builder does. The
    kernel lets go of it when the holder dies, however it dies."""
    with open(_directory() / ".build.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def remove_partials() -> int:
    """Remove what killed builders left half written; only call it holding the lock."""
    removed = 0
    for partial in _directory().glob(".*.partial"):
        partial.unlink(missing_ok=True)
        removed += 1
    return removed


def write(name: str, version: str, write_file: Callable[[BinaryIO], None]) -> bool:
    """Write the export `name` for `version` unless it exists, then delete its older files; True if
    it wrote. Only call it holding the lock."""
    directory = _directory()
    current = _path(directory, version, name)
    if current.exists():
        return False
    partial = directory / f".{version}--{name}.{os.getpid()}.partial"
    try:
        with open(partial, "wb") as file:
            write_file(file)
        os.replace(partial, current)
    finally:
        partial.unlink(missing_ok=True)
    for old in directory.glob(f"*--{name}"):
        if old != current:
            old.unlink(missing_ok=True)  # a request still sending it keeps its open file
    return True


# A build at 50,000 answers under load takes about half a minute.
RETRY_AFTER_SECONDS = 30


def serve(name: str, content_type: str) -> HttpResponse:
    """The last built file of the export `name`: the current version's, else the previous one's
    (marked `X-Export-Version: previous`, with an ETag of its own) while a build is queued, else
    503 with Retry-After. Never builds in the request, unless Celery is eager (the demo)."""
    built = latest(name)
    # With Celery eager (the demo) a build queued here has just run, in-process: look again.
    if (built is None or not built.is_current) and queue_export_build():
        if built is not None:
            built.file.close()
        built = latest(name)
    if built is None:
        response = HttpResponse(
            "This export is being prepared; please try again in half a minute.\n",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    response = FileResponse(built.file, as_attachment=True, filename=name, content_type=content_type)
    response["X-Export-Version"] = "current" if built.is_current else "previous"
    if not built.is_current:
        # Its own validator, so no client keeps the previous version as the current data.
        response["ETag"] = quote_etag(f"export-{built.version}")
        response["Cache-Control"] = "no-cache"
    return response
