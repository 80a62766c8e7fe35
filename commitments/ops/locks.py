"""One run at a time, for the re-check and for sending digests alike.

A PostgreSQL session advisory lock, taken on a database connection of the lock's own: the run keeps
opening and committing transactions on its usual connection meanwhile. The lock is released when the
run ends, and in any case dies with its session: a worker killed mid-run (SIGKILL, out of memory)
closes its socket and frees it at once, and a host that vanished is found out by TCP keepalives the
lock's session asks for, within about two minutes, so the next run is never shut out for long.
The lock needs a direct session to PostgreSQL: not a transaction-pooling proxy (PgBouncer in
transaction mode), which would hand the session, lock and all, to someone else.

Without PostgreSQL (the SQLite demo, one process) there is no one to exclude and every run goes
ahead.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

# Per session, so PostgreSQL probes the lock holder's connection: idle 60 s, then every 10 s, 6 tries.
KEEPALIVES = {"tcp_keepalives_idle": 60, "tcp_keepalives_interval": 10, "tcp_keepalives_count": 6}


@contextmanager
def run_exclusively(name: str) -> Iterator[bool]:
    """Yields True when this run holds the lock `name`, False when another run holds it."""
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        yield True
        return
    key = zlib.crc32(name.encode())
    lock_connection = connections.create_connection(DEFAULT_DB_ALIAS)
    acquired = False
    try:
        with lock_connection.cursor() as cursor:
            for setting, value in KEEPALIVES.items():
                cursor.execute("SELECT set_config(%s, %s, false)", [setting, str(value)])
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            acquired = cursor.fetchone()[0]
        yield acquired
    finally:
        if acquired:
            try:
                with lock_connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
            except DatabaseError:
                logger.warning("Could not release the lock %s; closing its session releases it", name)
        lock_connection.close()
