"""Settings come from the environment; production mode refuses to start unsafely."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.processes  # each test starts Python with the settings under other variables

PROBE = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.DATABASES['default']['ENGINE'])"
)


REDIS_PROBE = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.CACHES['default']['LOCATION'], settings.CELERY_BROKER_URL, "
    "settings.CELERY_RESULT_BACKEND)"
)


def _start(probe=PROBE, **env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "DEBUG",
            "TRACKER_DEMO",
            "DATABASE_URL",
            "REDIS_URL",
            "CACHE_REDIS_URL",
            "CELERY_BROKER_URL",
            "CELERY_RESULT_BACKEND",
            "CELERY_TASK_ALWAYS_EAGER",
        }
    }
    return subprocess.run(
        [sys.executable, "-c", probe],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "tracker.settings", **env},
        capture_output=True,
        text=True,
    )


def test_production_mode_refuses_to_start_without_a_secret_key():
    started = _start(DEBUG="0")
    assert started.returncode != 0
    assert "SECRET_KEY must be set" in started.stderr


def test_production_mode_refuses_a_short_secret_key():
    started = _start(DEBUG="0", SECRET_KEY="short")
    assert started.returncode != 0
    assert "at least 32 characters" in started.stderr


def test_demo_login_mode_is_refused_outside_debug():
    started = _start(DEBUG="0", SECRET_KEY="x" * 50, TRACKER_DEMO="1")
    assert started.returncode != 0
    assert "TRACKER_DEMO=1" in started.stderr


def test_development_defaults_to_a_sqlite_file_with_no_secret_needed():
    started = _start(DEBUG="1")
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "django.db.backends.sqlite3"


def test_tests_run_on_postgresql_in_london_time():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.LANGUAGE_CODE == "en-gb"


def test_the_cache_uses_its_own_redis_apart_from_the_broker():
    started = _start(
        REDIS_PROBE, DEBUG="1", REDIS_URL="redis://broker:6379/0", CACHE_REDIS_URL="redis://cache:6379/0"
    )
    assert started.returncode == 0, started.stderr
    cache, broker, results = started.stdout.split()
    assert cache == "redis://cache:6379/0"
    assert broker == results == "redis://broker:6379/0"


def test_without_a_cache_redis_the_cache_shares_the_broker_redis():
    started = _start(REDIS_PROBE, DEBUG="1", REDIS_URL="redis://broker:6379/0", CACHE_REDIS_URL="")
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["redis://broker:6379/0"] * 3
