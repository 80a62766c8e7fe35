"""Development mode (DEBUG=1): the embedded default `make run` uses. Static files straight from the
apps, no second factor, plain HTTP, and with TRACKER_DEMO=1 the site's own 404 page."""

from .base import *  # noqa: F403
from .base import DEMO_MODE, INSTALLED_APPS, MIDDLEWARE

# The demo, the recorded-API server, the benchmarks and the matcher's evaluation (never in production).
INSTALLED_APPS = [*INSTALLED_APPS, "commitments.devtools"]

ADMIN_REQUIRE_2FA = False
WHITENOISE_USE_FINDERS = True

if DEMO_MODE:
    # The demo runs with DEBUG=1 but answers unknown addresses with the site's own 404 page.
    # Innermost, so the page still gets every header (CSP, security) the others add.
    MIDDLEWARE = [*MIDDLEWARE, "commitments.devtools.not_found.SiteNotFoundPageMiddleware"]
