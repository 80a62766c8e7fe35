"""Public pages are cached whole (Redis in production, local memory by default) under a key that
includes a data version. Any change to what the pages show bumps the version, so a cached page is
never staler than the data: old entries are simply never asked for again and expire."""

from __future__ import annotations

import hashlib
import time
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

VERSION_KEY = "public-data-version"
CHANGED_AT_KEY = "public-data-changed-at"
# Not answered from the data version: the liveness checks, the about page (it shows the time of
# the last re-check, which is not public data) and the subscription pages (each is one person's,
# with a form). The admin is added from ADMIN_URL.
UNCONDITIONAL_PREFIXES = ("/healthz", "/readyz", "/about/", "/subscribe/")
# Query parameters the public pages understand; others cannot change a page, so they are left out of
# the cache key (a random ?x= must not force a fresh render every time).
PAGE_PARAMETERS = {
    "q",
    "theme",
    "status",
    "owner",
    "plan",
    "house",
    "answered_from",
    "answered_to",
    "commitment",
    "sort",
    "page",
}
PAGE_SECONDS = 60 * 60


def data_version() -> int:
    return cache.get_or_set(VERSION_KEY, time.time_ns, timeout=None)


def data_changed_at() -> datetime:
    return cache.get_or_set(CHANGED_AT_KEY, lambda: timezone.now().replace(microsecond=0), timeout=None)


def _bump() -> None:
    # A time, not a counter: after Redis restarts empty, old ETags must not match new content.
    cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    cache.set(CHANGED_AT_KEY, timezone.now().replace(microsecond=0), timeout=None)


def bump_data_version(**_) -> None:
    """Call after any write the public pages show (signals do it for ordinary saves).

    Bumped now, so this process's next read is fresh, and again on commit, so a page that another
    request cached from the old data between the two is not served afterwards."""
    _bump()
    transaction.on_commit(_bump)


def cached_public_page(view):
    """Cache anonymous GETs of a public page; the key is the version, the path and the query."""

    @transaction.non_atomic_requests  # read-only pages need no transaction
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PUBLIC_PAGE_CACHE or request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        known = sorted((k, v) for k, v in request.GET.lists() if k in PAGE_PARAMETERS)
        digest = hashlib.sha256(f"{request.path}?{known}".encode()).hexdigest()
        key = f"public-page:{data_version()}:{timezone.localdate()}:{digest}"
        cached = cache.get(key)
        if cached is not None:
            return cached
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200:
            cache.set(key, response, PAGE_SECONDS)
        return response

    return wrapper


def connect_signals() -> None:
    from . import models

    for model in (
        models.ActionPlan,
        models.Theme,
        models.Commitment,
        models.StatusChange,
        models.WrittenQuestion,
        models.QuestionEvent,
        models.Evidence,
        models.FigureTable,
        models.FigureRow,
        models.FigureColumn,
        models.FigureCell,
    ):
        post_save.connect(bump_data_version, sender=model, dispatch_uid=f"public-cache-save-{model.__name__}")
        post_delete.connect(
            bump_data_version, sender=model, dispatch_uid=f"public-cache-delete-{model.__name__}"
        )
    m2m_changed.connect(
        bump_data_version, sender=models.Commitment.action_plans.through, dispatch_uid="public-cache-plans"
    )


class ConditionalRequestMiddleware:
    """ETag and Last-Modified on every public GET, derived from the data's last change; a request
    that already holds the current version gets 304 before any view, query or template runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method not in ("GET", "HEAD")
            or request.path.startswith((*UNCONDITIONAL_PREFIXES, "/" + settings.ADMIN_URL))
            or settings.SESSION_COOKIE_NAME in request.COOKIES  # editors may see more than the public
        ):
            return self.get_response(request)
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:16]
        # The day is part of it: "no recent evidence" turns on with time, not with a change.
        etag = quote_etag(f"{data_version()}-{timezone.localdate():%Y%m%d}-{digest}")
        last_modified = int(data_changed_at().timestamp())
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return not_modified
        response = self.get_response(request)
        if response.status_code == 200 and not response.has_header("ETag"):
            response["ETag"] = etag
            response["Last-Modified"] = http_date(last_modified)
        return response
