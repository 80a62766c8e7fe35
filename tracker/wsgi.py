"""WSGI entry point for gunicorn."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

try:
    application = get_wsgi_application()
except ImproperlyConfigured as error:  # a setting is missing or unsafe: say which, no traceback
    sys.stderr.write(f"Configuration error: {error}\n")
    raise SystemExit(2) from None
