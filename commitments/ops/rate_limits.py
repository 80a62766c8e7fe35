"""Request limits per client: hourly for the public forms that write (subscribing, suggesting a
correction), per minute for site search (public/views.py).

Fixed windows counted in Django's cache (Redis in production, local memory in the demo):
cheap, shared by every web process, and forgotten after the hour.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

RATE_WINDOW_SECONDS = 60 * 60


def client_address(request) -> str:
    """The client's address as the JSON API's throttle sees it: the last X-Forwarded-For hop behind
    our proxy (REST_FRAMEWORK NUM_PROXIES, set by BEHIND_TLS_PROXY), REMOTE_ADDR otherwise."""
    return BaseThrottle().get_ident(request)


def within_hourly_limits(limits: Iterable[tuple[str, int]]) -> bool:
    """Count one request against each (key, limit) in turn for this hour; False at the first that
    is over its limit (the keys after it are not counted). A refused request counts against the key
    that refused it. Keys name what is limited, e.g. `subscribe-rate:ip:<address>`; the window is
    added here."""
    return within_limits(limits, window_seconds=RATE_WINDOW_SECONDS)


def within_limits(limits: Iterable[tuple[str, int]], *, window_seconds: int) -> bool:
    """within_hourly_limits() for fixed windows of `window_seconds` (keys carry the window's length,
    so a key counted per minute and one counted per hour never share a count)."""
    window = int(time.time() // window_seconds)
    for key, limit in limits:
        windowed = f"{key}:{window_seconds}s:{window}"
        cache.add(windowed, 0, window_seconds)
        try:
            count = cache.incr(windowed)
        except ValueError:  # expired between add and incr
            cache.set(windowed, 1, window_seconds)
            count = 1
        if count > limit:
            return False
    return True
