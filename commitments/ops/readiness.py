"""Is this process ready to serve? Each check names the dependency and says what is wrong, for
/readyz (load balancers, compose health checks) and `manage.py preflight` (before starting)."""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def check_database(alias: str = DEFAULT_DB_ALIAS) -> str | None:
    """None when PostgreSQL (or SQLite) answers; otherwise the problem, naming DATABASE_URL."""
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 - any failure means "not ready", reported by name
        where = (
            f"{connection.settings_dict.get('HOST') or 'local'}:{connection.settings_dict.get('PORT') or ''}"
        )
        connection.close()
        return f"database unreachable at {where} (DATABASE_URL): {str(error).splitlines()[0]}"
    return None


def check_migrations() -> str | None:
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:  # noqa: BLE001
        return f"migrations could not be read: {str(error).splitlines()[0]}"
    if pending:
        return f"{len(pending)} migrations not applied: run `python manage.py migrate`"
    return None


def check_redis() -> str | None:
    """None when Redis answers, or when none is configured (the embedded default). The broker's
    (REDIS_URL) and, when it is another, the cache's (CACHE_REDIS_URL): either one down is not ready."""
    import redis

    urls = {"REDIS_URL": settings.REDIS_URL, "CACHE_REDIS_URL": settings.CACHE_REDIS_URL}
    if urls["CACHE_REDIS_URL"] == urls["REDIS_URL"]:
        del urls["CACHE_REDIS_URL"]
    failing = []
    for name, url in urls.items():
        if not url:
            continue
        try:
            redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
        except redis.RedisError as error:
            failing.append(f"redis unreachable ({name}): {error}")
    return "; ".join(failing) or None


# What /readyz tells the world; `manage.py preflight` and the log carry the detail.
PUBLIC_REASONS = {
    "database": "unreachable (DATABASE_URL); details in the log",
    "redis": "unreachable (REDIS_URL or CACHE_REDIS_URL); details in the log",
    "migrations": "not all applied, or unreadable: run `python manage.py migrate`",
}


def problems() -> dict[str, str]:
    """Every failing dependency, by name; empty when ready."""
    found = {"database": check_database(), "redis": check_redis()}
    if found["database"] is None:
        found["migrations"] = check_migrations()
    return {name: problem for name, problem in found.items() if problem}
