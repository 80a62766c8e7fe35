"""Shared fixtures, and the servers the run uses (tests/servers.py): its own throwaway PostgreSQL and
Redis unless DATABASE_URL / REDIS_URL name yours. It stops at once, with one line, when a server you
named does not answer or refuses the login. Under pytest-xdist (`make test`) the process handing out
tests starts the servers once; each worker inherits their URLs, takes a Redis key prefix under that
process's own (so its cleanup reaches keys a killed worker left) and gets its own test database from
pytest-django."""

import os
import signal

import pytest

from . import servers as run_servers

SERVERS_KEY = pytest.StashKey[run_servers.Servers]()


def _stop_on_sigterm(signum, frame):
    # Ends the run the way Ctrl-C does, so the servers are stopped and deleted.
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """Before pytest-django (trylast) sets Django up: the settings read DATABASE_URL and REDIS_URL
    when imported, so the servers must exist first."""
    if config.option.help:
        return
    from django.conf import settings

    if settings.configured:
        pytest.exit(
            "Django's settings were read before the suite could choose its servers and Redis key "
            "prefix (is DJANGO_SETTINGS_MODULE set in your environment, or --ds given?): unset it; "
            "tests/conftest.py sets it.",
            returncode=3,
        )
    try:
        servers = run_servers.provide(worker=getattr(config, "workerinput", {}).get("workerid"))
    except run_servers.ServersRefused as refusal:
        pytest.exit(str(refusal), returncode=3)
    config.stash[SERVERS_KEY] = servers
    config.add_cleanup(servers.stop)
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _stop_on_sigterm)
    if _is_xdist_controller(config):
        # The workers run the tests and inherit this environment: with DJANGO_SETTINGS_MODULE in
        # it, pytest-django would read the settings before each worker took its own key prefix.
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings.test")
    settings.DATABASES  # noqa: B018 - read them now; pytest-django then sets Django up


def _is_xdist_controller(config) -> bool:
    """True in the process that hands tests to workers (pytest-xdist) and runs none itself: xdist's
    own test for starting them (`-n` or `--tx`), and never when it only collects (`--co`)."""
    return (
        config.getoption("dist", "no") != "no"
        and bool(config.getoption("tx", None))
        and not config.getoption("collectonly")
        and not hasattr(config, "workerinput")
    )


def pytest_report_header(config):
    servers = config.stash.get(SERVERS_KEY, None)
    return servers.header if servers else None


def _recreate_core_data():
    from django.apps import apps
    from django.contrib.auth.models import Group

    from commitments.ops.roles import EDITORS_GROUP, sync_editors_group
    from commitments.ops.schedules import (
        install_digest_schedules,
        install_editors_email,
        install_periodic_tasks,
        install_watch_defaults,
    )

    if not Group.objects.filter(name=EDITORS_GROUP).exists():
        sync_editors_group(apps)
    install_watch_defaults(apps)
    install_periodic_tasks(apps)
    install_digest_schedules(apps)
    install_editors_email(apps)


def _database_access(request) -> str | None:
    """Which database fixture a test uses: "transactional_db", "db" or None (no database)."""
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in names or "live_server" in names:
        return "transactional_db"
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return "transactional_db"
    if "db" in names or marker is not None:
        return "db"
    return None


@pytest.fixture(autouse=True)
def core_data(request):
    """The Editors group, the watched terms and bodies and the beat schedules come from data
    migrations, but a flushing (transactional) test empties the database: recreate what is
    missing, so every database test sees what the migrations make. Tests without the database
    stay without it."""
    access = _database_access(request)
    if access is not None:
        request.getfixturevalue(access)
        _recreate_core_data()


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with no cached pages, counts or rate-limit marks (this run's keys only)."""
    run_servers.clear_cache()


@pytest.fixture(scope="module")
def shared_demo(django_db_setup, django_db_blocker):
    """The data that ships in fixtures/, loaded once per test module (and worker) inside a transaction
    that is rolled back when the module's last test ends. Each test runs in a savepoint within it
    (pytest-django's `db`), so what a test writes is gone before the next one starts. Loading takes
    2-6 s; once per module instead of once per test saves minutes of the suite."""
    from django.db import transaction

    from commitments.loading import load_shipped_data  # the settings are read in pytest_configure

    with django_db_blocker.unblock():
        module = transaction.atomic()
        module.__enter__()
        try:
            yield load_shipped_data()
        finally:
            transaction.set_rollback(True)
            module.__exit__(None, None, None)


@pytest.fixture
def demo(shared_demo, db):
    """The data that ships in fixtures/, as `make run` loads it (shared by the module's tests, each
    rolled back). A test that needs it committed, for another process or a live server, calls
    `load_shipped_data()` itself on `transactional_db`."""
    return shared_demo


def pytest_collection_modifyitems(config, items):
    """Within each module, the tests on the shared demo data run last: its transaction stays open
    until the module ends, so no other test of the module may run inside it. The sort is stable and
    the same in every worker, as pytest-xdist requires."""
    items.sort(key=lambda item: (item.path, "shared_demo" in getattr(item, "fixturenames", ())))


@pytest.fixture(autouse=True)
def exports_dir(settings, tmp_path):
    """Whole exports are files named by the data version: each test builds its own."""
    settings.EXPORTS_DIR = tmp_path / "exports"
    return settings.EXPORTS_DIR


@pytest.fixture
def editor(db):
    from .factories import EditorFactory

    return EditorFactory(username="editor")


@pytest.fixture
def superuser(db):
    from .factories import UserFactory

    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def commitment(db):
    from .factories import CommitmentFactory

    return CommitmentFactory(theme__name="Delivery plans")


@pytest.fixture
def parliament():
    """The recorded-API server on a free loopback port, with the small data set."""
    from .parliament import start_server

    server = start_server()
    yield server
    server.stop()


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback that Django's SMTP backend sends through (tests/smtp.py)."""
    from .smtp import SMTPServer

    with SMTPServer() as server:
        for name, value in server.settings.items():
            setattr(settings, name, value)
        yield server
