"""The production shape: compose file, deploy checks, readiness, admin hardening, clear start-up errors."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands
from django.db import connections
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from commitments.ops.readiness import check_database, check_redis

from .factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "tracker.example.org"}


# What the test run sets for itself (pyproject.toml) and a production process would not have.
TEST_ONLY = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "TRACKER_DEMO",
    "LOG_FORMAT",
    "API_THROTTLE_RATE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_SETTINGS_MODULE",  # the suite's is tracker.settings.test
}


def _run(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


@pytest.mark.processes
def test_compose_file_is_valid_against_the_compose_specification():
    checked = subprocess.run(
        [
            str(Path(sys.executable).parent / "check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(ROOT / "docker" / "compose.yaml"),
        ],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_every_command_in_the_compose_file_exists():
    compose = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
    commands = set(get_commands())
    services = compose["services"]
    assert {"nginx", "web", "worker", "beat", "redis", "postgres", "migrate"} <= set(services)
    for name, service in services.items():
        command = " ".join(service.get("command", []))
        for management_command in re.findall(r"manage\.py (\w+)", command):
            assert management_command in commands, (name, management_command)
        for module in re.findall(r"-A (\w+)|(\w+)\.wsgi:application", command):
            __import__(next(filter(None, module)))
        assert all(service.get(key) for key in ("restart",)) or name == "migrate", name
        assert "healthcheck" in service or name in {"migrate", "beat"}, name


def test_only_nginx_is_published_and_it_runs_the_config_the_tests_run():
    """No request reaches a gunicorn worker unbuffered, and the nginx config the suite exercises
    (test_nginx_cache.py) is the one production mounts."""
    services = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"nginx"}
    assert services["nginx"]["ports"] == ["127.0.0.1:8000:80"]
    mounted = [volume.split(":") for volume in services["nginx"]["volumes"]]
    assert ["./nginx/default.conf.template", "/etc/nginx/templates/default.conf.template", "ro"] in mounted
    template = (ROOT / "docker" / "nginx" / "default.conf.template").read_text()
    placeholders = set(re.findall(r"\$\{(\w+)\}", template))
    assert placeholders == set(services["nginx"]["environment"])
    assert services["nginx"]["environment"]["TRACKER_UPSTREAM"] == "web:8000"


def _redis_flags(service: dict) -> dict[str, str]:
    """A redis-server command's `--name value` pairs."""
    command = service["command"]
    assert command[0] == "redis-server"
    return dict(zip(command[1::2], command[2::2], strict=True))


def test_compose_gives_the_cache_an_evicting_redis_and_the_broker_one_that_never_evicts():
    """Redis evicts per instance, not per database: two services, each with its own policy."""
    compose = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
    services = compose["services"]
    cache, broker = _redis_flags(services["redis-cache"]), _redis_flags(services["redis"])
    assert cache["--maxmemory-policy"] == "allkeys-lru"
    assert re.fullmatch(r"[1-9]\d*mb", cache["--maxmemory"])
    assert broker["--maxmemory-policy"] == "noeviction"
    assert broker["--appendonly"] == "yes" and services["redis"]["volumes"]
    environment = compose["x-app"]["environment"]
    assert environment["REDIS_URL"].startswith("redis://redis:")
    assert environment["CACHE_REDIS_URL"].startswith("redis://redis-cache:")
    # migrate waits for both; web, worker and beat wait for migrate.
    assert {"redis", "redis-cache"} <= set(services["migrate"]["depends_on"])


@pytest.mark.processes
def test_production_settings_pass_the_deploy_check_without_warnings():
    checked = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "0", "ALLOWED_HOSTS": "x.org"}, "SECRET_KEY must be set"),
        (
            {
                "DEBUG": "0",
                "SECRET_KEY": "change-me-to-a-long-random-string-of-fifty-characters",
                "ALLOWED_HOSTS": "x.org",
            },
            "SECRET_KEY must be set",
        ),
        ({"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50)}, "ALLOWED_HOSTS must name"),
    ],
)
@pytest.mark.processes
def test_a_missing_or_weak_setting_is_one_clear_line_not_a_traceback(env, message):
    started = _run("manage.py", "check", **env)
    assert started.returncode == 2
    assert started.stderr.startswith(f"Configuration error: {message}")
    assert "Traceback" not in started.stderr


@pytest.mark.processes
def test_preflight_names_an_unreachable_database():
    checked = _run(
        "manage.py",
        "preflight",
        **PRODUCTION,
        DATABASE_URL="postgres://postgres@127.0.0.1:1/tracker",
        REDIS_URL="",
    )
    assert checked.returncode == 1
    assert "database unreachable at 127.0.0.1:1 (DATABASE_URL)" in checked.stderr
    assert "Traceback" not in checked.stderr


def test_readyz_is_200_when_everything_answers(client):
    response = client.get(reverse("commitments:readyz"))
    assert response.status_code == 200 and response.json() == {"ready": True, "problems": {}}


def test_readyz_is_503_naming_redis_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("commitments:readyz"))
    assert response.status_code == 503
    assert list(response.json()["problems"]) == ["redis"]
    assert "REDIS_URL" in response.json()["problems"]["redis"]


def test_an_unreachable_cache_redis_is_named_apart_from_the_broker(settings):
    settings.CACHE_REDIS_URL = "redis://127.0.0.1:1/0"
    problem = check_redis()
    assert problem is not None and "(CACHE_REDIS_URL)" in problem and "(REDIS_URL)" not in problem


@pytest.mark.processes
def test_readyz_is_503_naming_the_database_when_postgresql_is_down():
    probe = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tracker.settings');"
        "django.setup();"
        "from django.test import Client; r = Client(HTTP_HOST='tracker.example.org').get('/readyz');"
        "print(r.status_code, r.content.decode())"
    )
    checked = _run(
        "-c",
        probe,
        **PRODUCTION,
        REDIS_URL="",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/tracker",
    )
    assert checked.stdout.startswith("503 "), checked.stderr[-500:]
    assert '"database": "unreachable (DATABASE_URL); details in the log"' in checked.stdout
    assert "127.0.0.1:1" not in checked.stdout  # the host is logged, not published
    assert "database unreachable at 127.0.0.1:1 (DATABASE_URL)" in checked.stderr


def test_database_check_names_a_closed_port(db):
    connections.settings["closed"] = {**connections["default"].settings_dict, "PORT": "1"}
    try:
        assert "database unreachable at 127.0.0.1:1 (DATABASE_URL)" in check_database("closed")
    finally:
        connections["closed"].close()
        del connections.settings["closed"]


def test_a_sixth_wrong_password_locks_the_login(client):
    UserFactory(username="ed", is_staff=True)
    login = reverse("admin:login")
    for _ in range(5):
        response = client.post(login, {"username": "ed", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    sixth = client.post(login, {"username": "ed", "password": "wrong"})
    assert sixth.status_code == 429
    locked = client.post(login, {"username": "ed", "password": "correct horse battery"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def _staff_with_device(username="ed"):
    user = UserFactory(username=username, is_staff=True, is_superuser=True)
    return user, TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_the_two_factor_login_page_asks_for_the_code(client, settings):
    settings.ADMIN_REQUIRE_2FA = True
    page = client.get(reverse("admin:login")).content.decode()
    assert 'name="otp_token"' in page and 'autocomplete="one-time-code"' in page
    assert "Code from your authenticator app" in page


def test_staff_login_needs_password_and_code_together(client, settings):
    settings.ADMIN_REQUIRE_2FA = True
    _, device = _staff_with_device()
    login = reverse("admin:login")
    refused = client.post(login, {"username": "ed", "password": "correct horse battery"})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    accepted = client.post(
        login,
        {"username": "ed", "password": "correct horse battery", "otp_token": TOTP(device.bin_key).token()},
    )
    assert accepted.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/admin/", ""])
def test_a_login_whose_next_is_refused_lands_on_the_admin_index(client, settings, next_url):
    """Not on /accounts/profile/ (Django's default LOGIN_REDIRECT_URL), which is a 404 here."""
    settings.ADMIN_REQUIRE_2FA = True
    _, device = _staff_with_device()
    response = client.post(
        reverse("admin:login"),
        {
            "username": "ed",
            "password": "correct horse battery",
            "otp_token": TOTP(device.bin_key).token(),
            "next": next_url,
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")


def test_a_failed_login_does_not_say_which_factor_was_wrong(client, settings):
    settings.ADMIN_REQUIRE_2FA = True
    _, device = _staff_with_device()
    good_code = f"{TOTP(device.bin_key).token():06d}"
    wrong_code = f"{(int(good_code) + 1) % 1_000_000:06d}"
    attempts = [
        {"username": "ed", "password": "wrong", "otp_token": good_code},
        {"username": "ed", "password": "correct horse battery"},
        {"username": "ed", "password": "correct horse battery", "otp_token": wrong_code},
        {"username": "nobody", "password": "wrong", "otp_token": good_code},
    ]
    errors = set()
    for attempt in attempts:
        response = client.post(reverse("admin:login"), attempt)
        assert response.status_code == 200 and "_auth_user_id" not in client.session
        errors.add(tuple(str(e) for e in response.context["form"].errors.get("__all__", [])))
    assert len(errors) == 1 and errors.pop(), "every failure must give the same, non-empty message"


def test_guessing_codes_counts_towards_the_lockout(client, settings):
    settings.ADMIN_REQUIRE_2FA = True
    _, device = _staff_with_device()
    good_code = f"{TOTP(device.bin_key).token():06d}"
    wrong_code = f"{(int(good_code) + 1) % 1_000_000:06d}"
    login = reverse("admin:login")
    for _ in range(5):
        client.post(login, {"username": "ed", "password": "correct horse battery", "otp_token": wrong_code})
    sixth = client.post(
        login, {"username": "ed", "password": "correct horse battery", "otp_token": wrong_code}
    )
    assert sixth.status_code == 429
    locked = client.post(
        login, {"username": "ed", "password": "correct horse battery", "otp_token": good_code}
    )
    assert locked.status_code == 429 and "_auth_user_id" not in client.session


def test_a_session_without_a_verified_second_factor_does_not_reach_the_admin(client, settings):
    settings.ADMIN_REQUIRE_2FA = True
    client.force_login(UserFactory(username="ed", is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:index")).status_code == 302


def test_every_command_in_the_operations_guide_exists():
    guide = (ROOT / "docs" / "operations.md").read_text()
    commands = set(get_commands())
    named = set(re.findall(r"manage\.py (\w+)", guide))
    assert named and named <= commands, named - commands
    makefile = (ROOT / "Makefile").read_text()
    for target in re.findall(r"`make ([\w-]+)", guide):
        assert re.search(rf"^{target}:", makefile, re.M), target
