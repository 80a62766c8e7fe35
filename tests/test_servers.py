"""The servers a run uses (tests/servers.py): one clear line when a named one cannot be used, the
suite's own ones start and leave nothing behind, and a run deletes exactly the Redis keys it wrote."""

import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import port_for
import pytest
import redis

from .servers import (
    PrivateServers,
    Servers,
    _stop_leftovers,
    delete_keys,
    diagnose_database,
    diagnose_redis,
    explain_database_error,
    find_pg_ctl,
    find_redis_server,
    redacted,
)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _with_user(url: str, user: str) -> str:
    parts = urlsplit(url)
    return parts._replace(netloc=f"{user}@{parts.hostname}:{parts.port or 5432}").geturl()


# The default run (and CI) starts its own servers, so these programs are there and these tests run.
# Only a run on servers you name (DATABASE_URL and REDIS_URL set) may lack them: `make test` then
# does not install them, and the private-server path these tests exercise is not in use.
needs_server_programs = pytest.mark.skipif(
    not (find_pg_ctl() and find_redis_server()),
    reason="pg_ctl or redis-server is not installed: this run uses servers named by DATABASE_URL/REDIS_URL, "
    "so the suite's own servers cannot be started here",
)


def test_messages_name_the_url_without_its_password():
    assert redacted("postgres://me:s3cret@db.local:6543/tracker") == "postgres://me:***@db.local:6543/tracker"
    assert redacted("redis://:s3cret@cache.local:6380/2") == "redis://:***@cache.local:6380/2"
    assert redacted("postgres://me@db.local/tracker") == "postgres://me@db.local/tracker"


def test_a_refused_password_is_one_line_with_the_given_host_and_port_and_no_password():
    message = explain_database_error(
        "postgres://me:wrong@db.local:6543/tracker",
        'connection failed: FATAL:  password authentication failed for user "me"\nmore detail',
    )
    assert "\n" not in message
    assert "postgres://me:***@db.local:6543/tracker" in message
    assert "wrong" not in message
    assert "db.local:6543" in message and "5432" not in message
    assert "password authentication failed" in message


def test_the_servers_this_run_uses_pass_the_checks():
    assert diagnose_database(os.environ["DATABASE_URL"]) is None
    assert diagnose_redis(os.environ["REDIS_URL"]) is None


def test_a_missing_role_is_one_line_naming_it_and_how_to_create_it_on_the_given_port():
    url = _with_user(os.environ["DATABASE_URL"], "nobody_at_all")
    port = urlsplit(url).port or 5432

    message = diagnose_database(url)

    assert message is not None and "\n" not in message
    assert message.startswith(f"DATABASE_URL={url}:")
    assert "'nobody_at_all' does not exist" in message
    assert f"createuser -h {urlsplit(url).hostname} -p {port}" in message


def test_servers_that_do_not_answer_are_named_with_the_port_given():
    port = port_for.select_random()

    database = diagnose_database(f"postgres://postgres@127.0.0.1:{port}/tracker")
    cache = diagnose_redis(f"redis://127.0.0.1:{port}/0")

    assert database is not None and f"PostgreSQL is not answering at 127.0.0.1:{port}" in database
    assert cache is not None and f"Redis is not answering at 127.0.0.1:{port}" in cache
    assert "5432" not in database and "6379" not in cache


def test_a_run_deletes_its_own_keys_and_no_one_elses():
    url = os.environ["REDIS_URL"]
    client = redis.Redis.from_url(url)
    client.set("tracker-test-probe:cache:1:page", "x")
    client.set("tracker-test-probe:_kombu.binding.q", "x")
    client.set("tracker-test-probe-other:kept", "x")
    client.set("someone-else:kept", "x")
    try:
        Servers(redis_url=url, key_prefix="tracker-test-probe").stop()
        assert client.exists("tracker-test-probe:cache:1:page", "tracker-test-probe:_kombu.binding.q") == 0
        assert client.exists("tracker-test-probe-other:kept", "someone-else:kept") == 2
    finally:
        client.delete("tracker-test-probe-other:kept", "someone-else:kept")
        client.close()


def test_deleting_keys_reaches_past_one_scan_batch():
    url = os.environ["REDIS_URL"]
    client = redis.Redis.from_url(url)
    client.mset({f"tracker-test-many:{n}": n for n in range(2500)})
    try:
        assert delete_keys(url, "tracker-test-many") == 2500
        assert not list(client.scan_iter(match="tracker-test-many:*"))
    finally:
        client.close()


@pytest.mark.processes
@needs_server_programs
def test_private_servers_answer_then_stop_and_leave_no_folder():
    servers = PrivateServers()
    try:
        database_url = servers.start_postgresql()
        redis_url = servers.start_redis()
        assert diagnose_database(database_url) is None
        assert diagnose_redis(redis_url) is None
    finally:
        servers.stop()
    assert not _answers(urlsplit(database_url).port)
    assert not _answers(urlsplit(redis_url).port)
    assert not servers.folder.exists()


@pytest.mark.processes
@needs_server_programs
def test_servers_left_by_a_killed_run_are_stopped_and_deleted_by_the_next():
    servers = PrivateServers()
    try:
        database_url = servers.start_postgresql()
        redis_url = servers.start_redis()
        dead = subprocess.Popen(["true"])  # a process id that no longer runs
        dead.wait()
        (servers.folder / "owner.pid").write_text(str(dead.pid))

        _stop_leftovers()

        assert not servers.folder.exists()
        assert not _answers(urlsplit(database_url).port)
        assert not _answers(urlsplit(redis_url).port)
    finally:
        servers.stop()


@pytest.mark.processes
def test_servers_of_a_run_still_going_are_left_alone():
    servers = PrivateServers()  # owned by this process, which is running
    try:
        _stop_leftovers()
        assert servers.folder.exists()
    finally:
        servers.stop()


WHERE_A_TEST_RUNS = """
import os
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection


@pytest.mark.parametrize("n", range(4))
def test_where(db, n):
    cache.set(f"probe-{n}", n)  # a key under the worker's prefix, for the run to delete
    prefix = settings.REDIS_KEY_PREFIX
    keys = len(list(redis.Redis.from_url(settings.REDIS_URL).scan_iter(match=f"{prefix}:*")))
    where = [os.environ["PYTEST_XDIST_WORKER"], connection.settings_dict["NAME"], prefix, str(keys)]
    Path(os.environ["WHERE_LOG"], f"{n}.txt").write_text(" ".join(where))
"""


@pytest.mark.processes
def test_parallel_workers_each_have_their_own_test_database_and_redis_key_prefix(tmp_path):
    """What `make test` relies on when it splits the suite: no worker sees another's rows or keys."""
    (tmp_path / "test_where.py").write_text(WHERE_A_TEST_RUNS)
    log = tmp_path / "where"
    log.mkdir()
    # This run's servers, under a database name of the check's own beside this run's.
    database = urlsplit(os.environ["DATABASE_URL"])
    name = f"{database.path.lstrip('/')}_xdistcheck"
    database_url = database._replace(path=f"/{name}").geturl()
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "DJANGO_"))}
    root = Path(__file__).resolve().parents[1]
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "tests.conftest",
            "-c",
            str(root / "pyproject.toml"),
            "--rootdir",
            str(root),
            "-n",
            "2",
            # The tables straight from the models: what is checked is where each worker's rows and
            # keys go, not the migrations (tests/test_migrations.py), and migrating twice takes ~40 s.
            "--no-migrations",
            str(tmp_path / "test_where.py"),
        ],
        cwd=root,
        env={**clean, "DATABASE_URL": database_url, "WHERE_LOG": str(log)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    seen = [path.read_text().split() for path in log.glob("*.txt")]
    assert len(seen) == 4 and all(int(keys) > 0 for *_, keys in seen)  # each wrote under its prefix
    workers = {worker: (name, prefix) for worker, name, prefix, _ in seen}
    assert set(workers) == {"gw0", "gw1"}
    assert {database for database, _ in workers.values()} == {f"test_{name}_gw0", f"test_{name}_gw1"}
    # Each worker's prefix is its own, inside its run's (not this run's), and nothing is left under it.
    assert {worker: prefix.rsplit(":", 1)[1] for worker, (_, prefix) in workers.items()} == {
        "gw0": "gw0",
        "gw1": "gw1",
    }
    [run_prefix] = {prefix.rsplit(":", 1)[0] for _, prefix in workers.values()}
    assert run_prefix.startswith("tracker-test-") and run_prefix != os.environ["REDIS_KEY_PREFIX"]
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    try:
        assert list(client.scan_iter(match=f"{run_prefix}:*")) == []
    finally:
        client.close()
