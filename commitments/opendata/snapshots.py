"""Exports that show everything are built once per data version and served as files.

Building the dataset zip at 50,000 answers takes seconds; built per request, three downloads held
every web worker and /healthz waited. So each whole export is written once to EXPORTS_DIR, named by
the data version (public/cache.py), and every request until the data changes gets that file. One
worker builds at a time, whichever export (a lock file): while it does, the others serve the
previous file (it says so in its ETag), or, before the very first build, answer 503 with
Retry-After rather than wait; so exports can never hold more than one worker.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from ..public.cache import data_version


@dataclass(frozen=True)
class Snapshot:
    file: BinaryIO  # open: a file replaced meanwhile stays readable until closed
    version: str
    is_current: bool


class SnapshotBuilding(Exception):
    """The first build of this export is under way in another worker."""


def _directory() -> Path:
    directory = Path(settings.EXPORTS_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _newest(directory: Path, name: str) -> Snapshot | None:
    built = sorted(directory.glob(f"*--{name}"), key=lambda path: path.stat().st_mtime, reverse=True)
    if not built:
        return None
    return Snapshot(open(built[0], "rb"), built[0].name.split("--", 1)[0], is_current=False)  # noqa: SIM115


def snapshot(name: str, write: Callable[[BinaryIO], None]) -> Snapshot:
    """The export `name` for the current data version, built by `write` if no worker has yet; the
    caller closes its file (a FileResponse does)."""
    for _ in range(3):
        try:
            return _snapshot(name, write)
        except FileNotFoundError:  # a newer build replaced the file between finding and opening it
            continue
    raise SnapshotBuilding(name)


def _snapshot(name: str, write: Callable[[BinaryIO], None]) -> Snapshot:
    version = str(data_version())
    directory = _directory()
    current = directory / f"{version}--{name}"
    if current.exists():
        return Snapshot(open(current, "rb"), version, is_current=True)  # noqa: SIM115
    with open(directory / ".build.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            previous = _newest(directory, name)
            if previous is None:
                raise SnapshotBuilding(name) from None
            return previous
        if not current.exists():  # another worker may have finished it while we looked
            partial = directory / f".{version}--{name}.{os.getpid()}.partial"
            try:
                with open(partial, "wb") as file:
                    write(file)
                os.replace(partial, current)
            finally:
                partial.unlink(missing_ok=True)
            for old in directory.glob(f"*--{name}"):
                if old != current:
                    old.unlink(missing_ok=True)  # a worker still sending it keeps its open file
    return Snapshot(open(current, "rb"), version, is_current=True)  # noqa: SIM115
