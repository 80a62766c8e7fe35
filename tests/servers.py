"""The servers a test run uses: its own throwaway PostgreSQL and Redis, or the ones you name.

With DATABASE_URL / REDIS_URL unset (or empty), `provide()` starts a private PostgreSQL (a data
directory under a temporary folder, trust login, a free loopback port) and a private Redis (a free
loopback port, nothing saved to disk) with pytest-postgresql's and pytest-redis's executors, and
points the variables at them; `stop()` stops them and deletes the folder. With the variables set,
it checks those servers answer and accept the login, and stops the run with one line if not.

Either way the run writes Redis keys only under its own prefix (REDIS_KEY_PREFIX) and deletes them
at the end, so a Redis you give the suite is left as it was found.

This runs from tests/conftest.py's pytest_configure, before Django reads its settings: the settings
read DATABASE_URL and REDIS_URL when imported, so the servers must exist first. (pytest-django would
import them earlier if DJANGO_SETTINGS_MODULE were in pyproject.toml, which is why it is not.)
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import stat
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import port_for

TEMP_PREFIX = "tracker-test-servers-"
RUN_KEY_PREFIX = "tracker-test"
LOOPBACK = "127.0.0.1"
PACKAGES = {"PostgreSQL": "postgresql", "Redis": "redis-server"}


class ServersRefused(Exception):
    """A one-line reason the run cannot start, with the fix."""


def redacted(url: str) -> str:
    """The URL with its password replaced by ***, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def _host_port(url: str, default_port: int) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or LOOPBACK, parts.port or default_port


# ---------------------------------------------------------------------------------------------------
# Servers you name: one clear line when they cannot be used.


def explain_database_error(url: str, error: str) -> str:
    """One line for PostgreSQL's refusal `error`: the URL (no password), the cause and the fix,
    with the host and port from the URL."""
    host, port = _host_port(url, 5432)
    user = urlsplit(url).username or "postgres"
    where = f"DATABASE_URL={redacted(url)}"
    unset = "or unset DATABASE_URL to let the suite start its own PostgreSQL"
    text = error.strip().splitlines()[0] if error.strip() else "no reason given"
    lowered = error.lower()
    if "connection refused" in lowered or "could not connect" in lowered or "timeout" in lowered:
        return f"{where}: PostgreSQL is not answering at {host}:{port} ({text}); start it there, {unset}."
    if "role" in lowered and "does not exist" in lowered:
        return (
            f"{where}: the role {user!r} does not exist on {host}:{port}; create it with "
            f"`createuser -h {host} -p {port} -U postgres --createdb {user}`, {unset}."
        )
    if "password" in lowered:
        return (
            f"{where}: {host}:{port} refused the login ({text}); put the password in the URL "
            f"(postgres://{user}:PASSWORD@{host}:{port}/…), {unset}."
        )
    if "pg_hba.conf" in lowered:
        return (
            f"{where}: {host}:{port} does not accept this login (no pg_hba.conf entry); allow it in "
            f"pg_hba.conf, {unset}."
        )
    if "database" in lowered and "does not exist" in lowered:
        return (
            f"{where}: {text} on {host}:{port}; create it with "
            f"`createdb -h {host} -p {port} -U {user} postgres`, {unset}."
        )
    return f"{where}: PostgreSQL at {host}:{port} refused the connection: {text}; {unset}."


def diagnose_database(url: str) -> str | None:
    """None when `url`'s server accepts the login and may create the test database; else one line.
    Like Django's test runner, it logs in to the `postgres` database (the test database is created
    beside the named one, which need not exist)."""
    import psycopg

    parts = urlsplit(url)
    host, port = _host_port(url, 5432)
    try:
        with psycopg.connect(
            host=host,
            port=port,
            user=parts.username or "postgres",
            password=parts.password or None,
            dbname="postgres",
            connect_timeout=3,
        ) as connection:
            may_create = connection.execute(
                "SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user"
            ).fetchone()[0]
    except psycopg.Error as error:
        return explain_database_error(url, str(error))
    if not may_create:
        user = parts.username or "postgres"
        return (
            f"DATABASE_URL={redacted(url)}: the role {user!r} may not create the test database on "
            f'{host}:{port}; run `ALTER ROLE "{user}" CREATEDB` as a superuser, or unset DATABASE_URL '
            "to let the suite start its own PostgreSQL."
        )
    return None


def diagnose_redis(url: str) -> str | None:
    """None when `url`'s Redis answers a PING; else one line naming it and the fix."""
    import redis

    host, port = _host_port(url, 6379)
    where = f"REDIS_URL={redacted(url)}"
    unset = "or unset REDIS_URL to let the suite start its own Redis"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.AuthenticationError as error:
        return f"{where}: {host}:{port} refused the login ({error}); put the password in the URL, {unset}."
    except redis.ResponseError as error:
        return f"{where}: Redis at {host}:{port} refused the connection ({error}); {unset}."
    except redis.RedisError as error:
        return f"{where}: Redis is not answering at {host}:{port} ({error}); start it there, {unset}."
    return None


# ---------------------------------------------------------------------------------------------------
# Keys: the run writes under its own prefix and deletes exactly those.


def new_key_prefix() -> str:
    return f"{RUN_KEY_PREFIX}-{uuid.uuid4().hex[:12]}"


def delete_keys(redis_url: str, prefix: str) -> int:
    """Delete every key starting with "<prefix>:" from `redis_url`'s database; how many it deleted."""
    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=3, socket_timeout=10)
    deleted = 0
    try:
        batch = []
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            batch.append(key)
            if len(batch) == 1000:
                deleted += client.unlink(*batch)
                batch = []
        if batch:
            deleted += client.unlink(*batch)
    finally:
        client.close()
    return deleted


def clear_cache() -> None:
    """Empty Django's cache of this run's entries only: RedisCache.clear() would FLUSHDB a database
    other people may share."""
    from django.conf import settings
    from django.core.cache import cache

    key_prefix = settings.CACHES["default"].get("KEY_PREFIX")
    if settings.REDIS_URL and key_prefix:
        # Django's keys are "<KEY_PREFIX>:<version>:<key>"; the broker's, beside them, stay.
        delete_keys(settings.REDIS_URL, key_prefix)
    else:
        cache.clear()


# ---------------------------------------------------------------------------------------------------
# Private servers.


def find_pg_ctl() -> Path | None:
    """Debian's newest PostgreSQL server, else pg_ctl on PATH."""

    def major(path: Path) -> float:
        try:
            return float(path.parents[1].name)
        except ValueError:
            return 0.0

    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=major)
    if found:
        return found[-1]
    on_path = shutil.which("pg_ctl")
    return Path(on_path) if on_path else None


def find_redis_server() -> Path | None:
    on_path = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    return Path(on_path) if on_path else None


def _missing(name: str) -> ServersRefused:
    return ServersRefused(
        f"The suite starts its own {name} but its server is not installed: run `make test` as root "
        f"(it installs Debian's {PACKAGES[name]}), or `apt-get install {PACKAGES[name]}`, "
        f"or set {'DATABASE_URL' if name == 'PostgreSQL' else 'REDIS_URL'} to a server you run."
    )


def _pg_ctl_for_this_user(pg_ctl: Path, folder: Path) -> Path:
    """pg_ctl itself, or as root a wrapper running it as the `postgres` system user: initdb and
    postgres refuse to run as root. The folder is handed to that user so it can write there."""
    if os.geteuid() != 0:
        return pg_ctl
    try:
        postgres = pwd.getpwnam("postgres")
    except KeyError:
        raise ServersRefused(
            "The suite runs PostgreSQL as the `postgres` system user when run as root, and there is "
            "none: `apt-get install postgresql` creates it, or run the suite as another user."
        ) from None
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    wrapper = folder / "pg_ctl"
    wrapper.write_text(
        "#!/bin/sh\n"
        "# initdb and postgres refuse to run as root: run pg_ctl as the postgres system user.\n"
        f'exec {runuser} -u postgres -- {pg_ctl} "$@"\n'
    )
    wrapper.chmod(0o755)
    os.chown(folder, postgres.pw_uid, postgres.pw_gid)
    return wrapper


def _stop_leftovers() -> None:
    """Stop and delete servers an earlier run left behind when it was killed outright (SIGKILL)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*"):
        try:
            owner = int((folder / "owner.pid").read_text())
        except (OSError, ValueError):
            continue
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            _stop_folder(folder)
        except PermissionError:
            pass  # another user's run, still going


def _stop_folder(folder: Path) -> None:
    import subprocess

    data = folder / "postgresql" / "data"
    wrapper = folder / "postgresql" / "pg_ctl"
    pg_ctl = wrapper if wrapper.exists() else find_pg_ctl()
    if (data / "postmaster.pid").exists() and pg_ctl:
        subprocess.run([str(pg_ctl), "stop", "-D", str(data), "-m", "immediate"], capture_output=True)
    redis_pids = []
    for pidfile in (folder / "redis").glob("redis-server.*.pid"):
        with contextlib.suppress(OSError, ValueError):
            redis_pids.append(int(pidfile.read_text()))
            os.kill(redis_pids[-1], signal.SIGTERM)
    # A stopping server may still write into its folder: wait for it, then delete until it is gone.
    for _ in range(100):
        alive = []
        for pid in redis_pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, 0)
                alive.append(pid)
        shutil.rmtree(folder, ignore_errors=True)
        if not alive and not folder.exists():
            return
        redis_pids = alive
        time.sleep(0.05)


@dataclass
class PrivateServers:
    """Throwaway servers for one run, all under one temporary folder."""

    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix=TEMP_PREFIX)))
    postgresql: object | None = None
    redis: object | None = None
    described: list[str] = field(default_factory=list)
    started: set[str] = field(default_factory=set)

    def __post_init__(self):
        # Traversable by the postgres system user when PostgreSQL runs as it (see above).
        self.folder.chmod(self.folder.stat().st_mode | stat.S_IXOTH)
        (self.folder / "owner.pid").write_text(str(os.getpid()))

    def start_postgresql(self) -> str:
        from pytest_postgresql.executors import PostgreSQLExecutor

        pg_ctl = find_pg_ctl()
        if pg_ctl is None:
            raise _missing("PostgreSQL")
        folder = self.folder / "postgresql"
        folder.mkdir()
        port = port_for.select_random()
        executor = PostgreSQLExecutor(
            executable=str(_pg_ctl_for_this_user(pg_ctl, folder)),
            host=LOOPBACK,
            port=port,
            datadir=str(folder / "data"),
            unixsocketdir=str(folder),
            logfile=str(folder / "postgresql.log"),
            startparams="-w",
            dbname="tracker",
            user="postgres",
            # A throwaway cluster: nothing needs to survive a crash, so skip the waits for disk.
            postgres_options="-c listen_addresses=127.0.0.1 -c synchronous_commit=off "
            "-c full_page_writes=off",
        )
        self.postgresql = executor
        try:
            executor.start()
        except Exception as error:
            log = folder / "postgresql.log"
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
            raise ServersRefused(
                f"The suite's own PostgreSQL ({pg_ctl}) did not start on {LOOPBACK}:{port}: "
                f"{' '.join(tail) or error}"
            ) from error
        self.described.append(f"PostgreSQL {executor.version} on {LOOPBACK}:{port}")
        self.started.add("DATABASE_URL")
        return f"postgres://postgres@{LOOPBACK}:{port}/tracker"

    def start_redis(self) -> str:
        from pytest_redis.executor import RedisExecutor

        redis_server = find_redis_server()
        if redis_server is None:
            raise _missing("Redis")
        folder = self.folder / "redis"
        folder.mkdir()
        port = port_for.select_random()
        executor = RedisExecutor(
            executable=str(redis_server),
            databases=16,
            redis_timeout=0,
            loglevel="warning",
            host=LOOPBACK,
            port=port,
            datadir=folder,
        )
        # Nothing saved to disk: no snapshots (pytest-redis leaves Redis's default save points).
        executor.command_parts += ["--save", ""]
        self.redis = executor
        try:
            executor.start()
        except Exception as error:
            raise ServersRefused(
                f"The suite's own Redis ({redis_server}) did not start on {LOOPBACK}:{port}: {error}"
            ) from error
        self.described.append(f"Redis {executor.version} on {LOOPBACK}:{port}")
        self.started.add("REDIS_URL")
        return f"redis://{LOOPBACK}:{port}/0"

    def stop(self) -> None:
        for executor in (self.redis, self.postgresql):
            if executor is not None:
                with contextlib.suppress(Exception):
                    executor.stop()
        self.redis = self.postgresql = None
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class Servers:
    """What this run uses, and what to undo at the end."""

    private: PrivateServers | None = None
    key_prefix: str = ""
    redis_url: str = ""
    header: list[str] = field(default_factory=list)

    def stop(self) -> None:
        if self.redis_url and self.key_prefix:
            with contextlib.suppress(Exception):
                delete_keys(self.redis_url, self.key_prefix)
        if self.private is not None:
            self.private.stop()
            self.private = None


def provide(environ=os.environ, *, worker: str | None = None) -> Servers:
    """Point DATABASE_URL and REDIS_URL at usable servers, starting private ones for those unset;
    raises ServersRefused with one line when a named server cannot be used. A pytest-xdist `worker`
    takes its key prefix under the one it inherited from the process that started it."""
    servers = Servers()
    database_url = environ.get("DATABASE_URL", "")
    redis_url = environ.get("REDIS_URL", "")
    is_postgresql = urlsplit(database_url).scheme in {"postgres", "postgresql", "pgsql"}
    for problem in (
        diagnose_database(database_url) if database_url and is_postgresql else None,
        diagnose_redis(redis_url) if redis_url else None,
    ):
        if problem:
            raise ServersRefused(problem)
    if not database_url or not redis_url:
        _stop_leftovers()
        servers.private = PrivateServers()
        try:
            if not database_url:
                database_url = environ["DATABASE_URL"] = servers.private.start_postgresql()
            if not redis_url:
                redis_url = environ["REDIS_URL"] = servers.private.start_redis()
        except BaseException:
            servers.stop()
            raise
        servers.header.append(
            "servers: the suite's own "
            + ", ".join(servers.private.described)
            + ", deleted at the end (set DATABASE_URL / REDIS_URL to use yours)"
        )
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not servers.private or name not in servers.private.started:
            servers.header.append(f"servers: yours, {name}={redacted(environ[name])}")
    servers.redis_url = redis_url
    # Always a fresh prefix: the run deletes every key under it at the end. A worker's is inside the
    # run's ("<run>:gw0"), so the run's cleanup also deletes what a worker killed mid-test left.
    inherited = environ.get("REDIS_KEY_PREFIX", "")
    fresh = f"{inherited}:{worker}" if worker and inherited.startswith(RUN_KEY_PREFIX) else new_key_prefix()
    servers.key_prefix = environ["REDIS_KEY_PREFIX"] = fresh
    return servers
