"""Production mode (DEBUG off): refuse to start unsafely, HTTPS only, collected static files."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, DEMO_MODE, DEVELOPMENT_SECRET_KEY, SECRET_KEY, STORAGES, env

if (
    not SECRET_KEY
    or SECRET_KEY == DEVELOPMENT_SECRET_KEY
    or len(SECRET_KEY) < 32
    or SECRET_KEY.lower().startswith(("change-me", "django-insecure"))
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 32 characters when DEBUG is off "
        "(production mode). For local development set DEBUG=1 instead."
    )
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must name the host(s) this site answers to when DEBUG is off, "
        "e.g. ALLOWED_HOSTS=tracker.example.org"
    )
if DEMO_MODE:
    raise ImproperlyConfigured("TRACKER_DEMO=1 creates a known login and is only allowed with DEBUG=1.")

# Staff log in with a password and a second factor (TOTP, django-otp).
ADMIN_REQUIRE_2FA = True

STORAGES = {
    **STORAGES,
    # Compressed, with hashed names; needs `collectstatic` first (docker/ does it at build time).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False

SECURE_SSL_REDIRECT = True
# Health checks come from inside the container, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# HSTS preload is a submission to browser vendors, not a setting to switch on silently: opt in with
# SECURE_HSTS_PRELOAD=1 once the domain is ready for it.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
