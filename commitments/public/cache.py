"""Public responses are reused while the data they show is unchanged, decided by one mark per URL.

- `public_data(view)`: the answer depends only on the public data, the address and the day, so it
  carries an ETag and Last-Modified derived from the data's last change, and a client holding the
  current one gets 304 before any view, query or template runs (ConditionalRequestMiddleware).
- `cached_public_page(view)`: the same, and the whole page is cached too (Redis in production,
  local memory by default), keyed by the data version, the path and the query parameters that
  change the page, which come from the view's own filter and table. A hit is served by the
  middleware with one round trip to the cache, before the view (or its transaction) runs.
- Unmarked views (admin, about, subscription pages, health checks) are neither: they show a
  person's own page, or something else that is not only public data.
- `PerDataVersion`: what a page computes from all the data and many addresses share (the home
  page's figures, a filter's choices, a filtered list's count, shared by its sort orders and pages)
  is remembered in this process until the data version or the day changes. A page-cache miss then
  renders with those at hand; the first request after a change computes them.

The marks are put on the URLs in each area's urls.py. Any change to what the pages show bumps the
data version, through model signals (including `bulk_written` for bulk writes): writers never call
this module. Every page's footer says when Parliament was last checked, so a successful re-check
bumps it too, even one that stored nothing (`bump_when_parliament_checked`). Old cache entries
are simply never asked for again, and expire.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from datetime import date, datetime
from functools import lru_cache, wraps
from typing import Generic, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

from .. import models
from ..models.signals import bulk_written

VERSION_KEY = "public-data-version"
CHANGED_AT_KEY = "public-data-changed-at"
# What the public pages show; a write to any of these bumps the data version.
PUBLIC_MODELS = (
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
    models.SourceCopy,
    models.PromiseWording,
    models.Recommendation,
    models.RecommendationDevelopment,
    models.WrittenStatement,
    models.HansardContribution,
)
# Not RecheckRun: a run is saved after every page it fetches, and only its success changes a page.
PAGE_SECONDS = 60 * 60
# `request.public_page_key` when the middleware did not look for the page (None: not cacheable).
_NOT_LOOKED = object()
# Sent once a write the public pages show is committed and the data version moved on (once per
# write: a receiver that queues work debounces it). The whole exports are rebuilt on it (tasks.py).
data_version_changed = Signal()


def data_version() -> int:
    return cache.get_or_set(VERSION_KEY, time.time_ns, timeout=None)


# The data version ConditionalRequestMiddleware read for the request being served, if it read one.
_request_version: ContextVar[int | None] = ContextVar("public_data_version", default=None)

T = TypeVar("T")


class PerDataVersion(Generic[T]):
    """Values remembered in this process for as long as the public data and the day are unchanged.

    Used only for what depends on nothing else (not the user, not the request beyond the key).
    Everything is forgotten at once when the version or the day moves on, and when more than
    `size` keys are held, so memory stays bounded."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        # The state and its values as one tuple, replaced whole: a request on another thread never
        # reads values kept for another version, nor stores into them.
        self._current: tuple[tuple[int, date] | None, dict[Hashable, T]] = (None, {})

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        if not settings.REMEMBER_PER_DATA_VERSION:  # bench_web's "after a change" pass
            return compute()
        state = (_request_version.get() or data_version(), timezone.localdate())
        current = self._current
        if current[0] != state or len(current[1]) >= self.size:
            current = self._current = (state, {})
        values = current[1]
        if key not in values:
            values[key] = compute()
        return values[key]


def per_data_version(function: Callable[..., T]) -> Callable[..., T]:
    """`function(*args)` remembered per data version and day (see PerDataVersion)."""
    remembered: PerDataVersion[T] = PerDataVersion()

    @wraps(function)
    def wrapper(*args):
        return remembered.get(args, lambda: function(*args))

    return wrapper


def data_changed_at() -> datetime:
    return cache.get_or_set(CHANGED_AT_KEY, lambda: timezone.now().replace(microsecond=0), timeout=None)


# This process's last-seen data version: a guess that lets a page hit take one round trip to the
# cache (the version, when it changed, and the page under the guessed version, together).
_last_version: int | None = None


def data_state_and_page(request, view) -> tuple[int, datetime, object | None]:
    """The data version, when it last changed, and `view`'s cached page for `request` if any."""
    global _last_version
    page_key = getattr(view, "page_key", None) if settings.PUBLIC_PAGE_CACHE else None
    if request.method != "GET":
        page_key = None
    guessed_version = _last_version
    guess = page_key(request, guessed_version) if page_key and guessed_version else None
    found = cache.get_many([VERSION_KEY, CHANGED_AT_KEY, *([guess] if guess else [])])
    if VERSION_KEY in found and CHANGED_AT_KEY in found:
        version, changed_at = found[VERSION_KEY], found[CHANGED_AT_KEY]
    else:
        version, changed_at = data_version(), data_changed_at()
    _last_version = version
    page = None
    if page_key:
        if guess and version == guessed_version:
            key, page = guess, found.get(guess)
        else:
            key = page_key(request, version)
            page = cache.get(key) if key else None
        request.public_page_key = key
    return version, changed_at, page


def _bump() -> None:
    # A time, not a counter: after Redis restarts empty, old ETags must not match new content.
    cache.set_many(
        {VERSION_KEY: time.time_ns(), CHANGED_AT_KEY: timezone.now().replace(microsecond=0)}, timeout=None
    )


def bump_data_version(**_) -> None:
    """A signal receiver for every write the public pages show.

    Bumped now, so this process's next read is fresh, and again on commit, so a page that another
    request cached from the old data between the two is not served afterwards."""
    _bump()
    transaction.on_commit(_bump_when_committed)


def _bump_when_committed() -> None:
    _bump()
    data_version_changed.send(sender=None)


def bump_when_parliament_checked(sender, instance, **_) -> None:
    """A re-check that finished successfully moves "Parliament last checked" on every page, even
    when it stored nothing; a failed, partial or skipped run, or one still going, changes no page."""
    if instance.outcome == models.RecheckRun.Outcome.SUCCEEDED and instance.finished_at:
        bump_data_version()


def public_data(view):
    """Mark `view` as one whose answer depends only on the public data, its address and the day."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapper.serves_public_data = True
    return wrapper


def cached_public_page(view):
    """Mark `view` as public data, and cache its anonymous GETs whole. ConditionalRequestMiddleware
    serves a hit before the view is called; the view renders and stores a miss.

    Only pages the site itself links to are cached: a request carrying a value for one of the view's
    `free_text_parameters()` (words typed into a search box, a typed date) is rendered every time,
    with its ETag but never stored, so a client cannot fill the cache by inventing values."""
    view_class = getattr(view, "view_class", None)
    parameters = view_class.query_parameters() if hasattr(view_class, "query_parameters") else frozenset()
    free_text = (
        view_class.free_text_parameters() if hasattr(view_class, "free_text_parameters") else frozenset()
    )

    def page_key(request, version: int) -> str | None:
        """The page's cache key, or None when it is not to be cached (free text in its query)."""
        if any(value for name in free_text for value in request.GET.getlist(name)):
            return None
        # Parameters the page does not read cannot change it: a random ?x= must not force a render.
        known = sorted((k, v) for k, v in request.GET.lists() if k in parameters)
        digest = hashlib.sha256(f"{request.path}?{known}".encode()).hexdigest()
        return f"public-page:{version}:{timezone.localdate()}:{digest}"

    @transaction.non_atomic_requests  # read-only pages need no transaction
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PUBLIC_PAGE_CACHE or request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key = getattr(request, "public_page_key", _NOT_LOOKED)
        if key is _NOT_LOOKED:  # the middleware did not look (a request carrying a session cookie)
            key = page_key(request, data_version())
            cached = cache.get(key) if key else None
            if cached is not None:
                return cached
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if key and response.status_code == 200:
            cache.set(key, response, PAGE_SECONDS)
        return response

    wrapper.serves_public_data = True
    wrapper.page_key = page_key
    return wrapper


def connect_signals() -> None:
    for model in PUBLIC_MODELS:
        name = model.__name__
        post_save.connect(bump_data_version, sender=model, dispatch_uid=f"public-cache-save-{name}")
        post_delete.connect(bump_data_version, sender=model, dispatch_uid=f"public-cache-delete-{name}")
        bulk_written.connect(bump_data_version, sender=model, dispatch_uid=f"public-cache-bulk-{name}")
    post_save.connect(
        bump_when_parliament_checked, sender=models.RecheckRun, dispatch_uid="public-cache-recheck-succeeded"
    )
    m2m_changed.connect(
        bump_data_version, sender=models.Commitment.action_plans.through, dispatch_uid="public-cache-plans"
    )
    m2m_changed.connect(
        bump_data_version,
        sender=models.Recommendation.commitments.through,
        dispatch_uid="public-cache-recommendation-commitments",
    )


@lru_cache(maxsize=4096)
def public_data_view(path: str):
    """The view marked as public data that serves `path`, or None. Remembered per path (bounded),
    so a request that is not a public page, such as /healthz, pays for no second URL resolution."""
    try:
        view_func = resolve(path).func
    except Resolver404:
        return None
    return view_func if getattr(view_func, "serves_public_data", False) else None


class ConditionalRequestMiddleware:
    """ETag and Last-Modified on every GET of a view marked as public data, derived from the data's
    last change. A request that already holds the current version gets 304, and a cached page is
    served, before the middlewares below this one run: a hit needs no session, CSRF token, user or
    message store, and the security middlewares above it (HSTS, nosniff, CSP, X-Frame-Options)
    still add their headers to it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_version.set(None)
        try:
            answered = self._answer_from_data_state(request)
            if answered is not None:
                return answered
            response = self.get_response(request)
        finally:
            _request_version.reset(token)
        validators = getattr(request, "public_data_validators", None)
        if validators and response.status_code == 200 and not response.has_header("ETag"):
            response["ETag"], response["Last-Modified"] = validators
        return response

    def _answer_from_data_state(self, request):
        """A 304 or a cached page for an anonymous GET of public data; None lets the request go on."""
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None  # editors may see more than the public
        view_func = public_data_view(request.path_info)
        if view_func is None:
            return None
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:16]
        version, changed_at, page = data_state_and_page(request, view_func)
        _request_version.set(version)
        # The day is part of it: "no recent evidence" turns on with time, not with a change.
        etag = quote_etag(f"{version}-{timezone.localdate():%Y%m%d}-{digest}")
        last_modified = int(changed_at.timestamp())
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return not_modified
        request.public_data_validators = (etag, http_date(last_modified))
        if page is not None:
            page["ETag"], page["Last-Modified"] = request.public_data_validators
        return page  # a cached page, served without the view; None lets the view run
