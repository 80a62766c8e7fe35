"""Shared fixtures. The suite runs against real PostgreSQL and Redis; it stops at once, naming the
service and how to start it, when either does not answer."""

import socket
from urllib.parse import urlparse

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group

from commitments.ops.roles import EDITORS_GROUP, sync_editors_group
from commitments.ops.schedules import install_digest_schedules, install_periodic_tasks, install_watch_defaults

from .factories import CommitmentFactory, EditorFactory, UserFactory

START_COMMANDS = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
}


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def pytest_sessionstart(session):
    database = settings.DATABASES["default"]
    needed = []
    if "postgresql" in database["ENGINE"]:
        needed.append(("PostgreSQL", database.get("HOST") or "127.0.0.1", int(database.get("PORT") or 5432)))
    if settings.REDIS_URL:
        redis = urlparse(settings.REDIS_URL)
        needed.append(("Redis", redis.hostname or "127.0.0.1", redis.port or 6379))
    for name, host, port in needed:
        if not _answers(host, port):
            pytest.exit(
                f"{name} is not answering at {host}:{port}. Start it with:\n    {START_COMMANDS[name]}\n"
                "or point DATABASE_URL / REDIS_URL at one that runs (see README).",
                returncode=3,
            )


def _recreate_core_data():
    if not Group.objects.filter(name=EDITORS_GROUP).exists():
        sync_editors_group(apps)
    install_watch_defaults(apps)
    install_periodic_tasks(apps)
    install_digest_schedules(apps)


@pytest.fixture(autouse=True)
def core_data(db):
    """The Editors group, the watched terms and bodies and the beat schedules come from data
    migrations, but a flushing (transactional) test empties the database: recreate what is
    missing, so every test sees what the migrations make."""
    _recreate_core_data()


@pytest.fixture(autouse=True)
def exports_dir(settings, tmp_path):
    """Whole exports are files named by the data version: each test builds its own."""
    settings.EXPORTS_DIR = tmp_path / "exports"
    return settings.EXPORTS_DIR


@pytest.fixture
def editor(db):
    return EditorFactory(username="editor")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def commitment(db):
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
