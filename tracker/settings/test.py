"""The test suite and the benchmarks: the mode DEBUG chooses (production, as the suite runs it),
served over plain HTTP on loopback with static files straight from the apps. The switches here
exist only for them and are never read in production."""

from . import *  # noqa: F403
from .base import INSTALLED_APPS, env

# The recorded-API server, the demo and the benchmarks' commands (never in production).
if "commitments.devtools" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "commitments.devtools"]

# Plain HTTP on loopback: no redirect to HTTPS, cookies sent without TLS, no HSTS.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Nothing is collected: static files come from the apps, unhashed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Tests that check the second factor switch it on themselves.
ADMIN_REQUIRE_2FA = False
# Off only to prove that the database's unique keys alone prevent duplicates (a test and
# bench-ingest do): RECHECK_USE_LOCK=0.
RECHECK_USE_LOCK = env.bool("RECHECK_USE_LOCK", default=True)
