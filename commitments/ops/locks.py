"""One run at a time, for the re-check and for sending digests alike.

A PostgreSQL session advisory lock, taken on a database connection of the lock's own: the run keeps
opening and committing transactions on its usual connection meanwhile, and the lock dies with its
connection, so a worker killed mid-run (SIGKILL, out of memory, a lost host) never leaves it held
and the next run can start at once. Without PostgreSQL (the SQLite demo, one process) there is no
one to exclude and every run goes ahead; unique keys still keep the data free of duplicates.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections


@contextmanager
def run_exclusively(name: str) -> Iterator[bool]:
    """Yields True when this run holds the lock `name`, False when another run holds it."""
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        yield True
        return
    lock_connection = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with lock_connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [zlib.crc32(name.encode())])
            acquired = cursor.fetchone()[0]
        yield acquired
    finally:
        lock_connection.close()  # ends the session, and with it the lock
