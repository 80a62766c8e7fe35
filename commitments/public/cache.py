"""What a shared HTTP cache may keep, decided by one mark per URL and one data version.

- `public_data(view)`, put on the URLs in each area's urls.py, is the one place that says a page
  shows only public data. Its anonymous GETs carry an ETag and Last-Modified derived from the data's
  last change (a client holding the current one gets 304 before any view, query or template runs),
  and, when the address is one the site itself links to, `Cache-Control: public, max-age=0,
  s-maxage=PUBLIC_PAGE_FRESH_SECONDS`: the nginx in front (docker/nginx/) keeps the page that long
  and then revalidates it in the background, which costs a 304 while the data is unchanged.
- Anything else is never stored by a shared cache: unmarked views (admin, forms, a subscriber's own
  pages, health checks) send no caching headers, which nginx does not store; a marked page asked for
  with a session cookie (an editor) or with words a reader typed or parameters the page does not
  offer is `private, no-cache`, so a client cannot fill the cache by inventing addresses.
- `PerDataVersion`: what many pages share (the home page's figures, a filter's choices, a list's
  count) is remembered in this process until the data version or the day changes, so a render after
  a change is quick without nginx too (`make run`).

Every write to a model of this app bumps the data version, through model signals (including
`bulk_written` for bulk writes), unless the model is listed in `NOT_ON_PUBLIC_PAGES`: a new model
cannot be forgotten, at worst it bumps the version needlessly. Writers never call this module.
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
from django.db import models as db_models
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

from .. import models
from ..models.signals import bulk_written

VERSION_KEY = "public-data-version"
CHANGED_AT_KEY = "public-data-changed-at"
APP_LABEL = "commitments"
# Models of this app that no public page, feed, export or API shows; a write to any other moves
# the data version. RecheckRun is handled apart: only a successful run changes a page.
NOT_ON_PUBLIC_PAGES = frozenset(
    [
        "AnswerToTriage",
        "RecheckRun",
        "WatchedTerm",
        "WatchedBody",
        "EvidenceSuggestion",
        "Correction",
        "Subscriber",
        "DigestPeriod",
        "DigestDelivery",
        "DeadlineAlert",
    ]
)
# Sent once a write the public pages show is committed and the data version moved on (once per
# write: a receiver that queues work debounces it). The whole exports are rebuilt on it (tasks.py).
data_version_changed = Signal()


def shown_on_public_pages(model: type[db_models.Model]) -> bool:
    """Whether a write to `model` can change what a public page shows: every model of this app, its
    many-to-many tables with it, unless it is listed above. Edit histories are written with the row
    they record, so they need no bump of their own."""
    parent = model._meta.auto_created or model  # a many-to-many table belongs to its model
    return (
        parent._meta.app_label == APP_LABEL
        and parent.__name__ not in NOT_ON_PUBLIC_PAGES
        and not hasattr(parent, "instance_type")  # django-simple-history's historical models
    )


def data_version() -> int:
    return cache.get_or_set(VERSION_KEY, time.time_ns, timeout=None)


def data_changed_at() -> datetime:
    return cache.get_or_set(CHANGED_AT_KEY, lambda: timezone.now().replace(microsecond=0), timeout=None)


def data_state() -> tuple[int, datetime]:
    """The data version and when it last changed, in one round trip to the cache."""
    found = cache.get_many([VERSION_KEY, CHANGED_AT_KEY])
    if VERSION_KEY in found and CHANGED_AT_KEY in found:
        return found[VERSION_KEY], found[CHANGED_AT_KEY]
    return data_version(), data_changed_at()


# The data version ConditionalRequestMiddleware read for the request being served, if it read one,
# so PerDataVersion need not ask the cache again during the same request.
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


def _bump() -> None:
    # A time, not a counter: after Redis restarts empty, old ETags must not match new content.
    cache.set_many(
        {VERSION_KEY: time.time_ns(), CHANGED_AT_KEY: timezone.now().replace(microsecond=0)}, timeout=None
    )


def bump_data_version(**_) -> None:
    """Bumped now, so this process's next read is fresh, and again on commit, so a page that another
    request rendered from the old data between the two is not taken for the new one."""
    _bump()
    transaction.on_commit(_bump_when_committed)


def _bump_when_committed() -> None:
    _bump()
    data_version_changed.send(sender=None)


def _bump_on_write(sender, **_) -> None:
    if shown_on_public_pages(sender):
        bump_data_version()


def bump_when_parliament_checked(sender, instance, **_) -> None:
    """A re-check that finished successfully moves "Parliament last checked" on every page, even
    when it stored nothing; a failed, partial or skipped run, or one still going, changes no page."""
    if instance.outcome == models.RecheckRun.Outcome.SUCCEEDED and instance.finished_at:
        bump_data_version()


def public_data(view):
    """Mark `view` as one whose answer depends only on the public data, its address and the day.

    A shared cache may keep its answer to an address the site links to: no parameter the view does
    not read (`query_parameters()`, none for a view without the method) and no value for one a
    reader types (`free_text_parameters()`)."""
    view_class = getattr(view, "view_class", None)
    parameters = view_class.query_parameters() if hasattr(view_class, "query_parameters") else frozenset()
    free_text = (
        view_class.free_text_parameters() if hasattr(view_class, "free_text_parameters") else frozenset()
    )

    def shareable(request) -> bool:
        return all(
            name in parameters and (name not in free_text or not any(values))
            for name, values in request.GET.lists()
        )

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapper.serves_public_data = True
    wrapper.shareable = shareable
    return wrapper


def connect_signals() -> None:
    for name, signal in [
        ("save", post_save),
        ("delete", post_delete),
        ("bulk", bulk_written),
        ("m2m", m2m_changed),
    ]:
        signal.connect(_bump_on_write, dispatch_uid=f"public-data-{name}")
    post_save.connect(
        bump_when_parliament_checked, sender=models.RecheckRun, dispatch_uid="public-data-recheck-succeeded"
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


def _cache_headers(response, *, shareable: bool) -> None:
    if shareable:
        patch_cache_control(response, public=True, max_age=0, s_maxage=settings.PUBLIC_PAGE_FRESH_SECONDS)
    else:
        patch_cache_control(response, private=True, no_cache=True)


class ConditionalRequestMiddleware:
    """ETag, Last-Modified and Cache-Control on every GET of a view marked as public data. A request
    that already holds the current version gets 304 before the middlewares below this one run (no
    session, CSRF token or user), while the security middlewares above it (HSTS, nosniff, CSP,
    X-Frame-Options) still add their headers, which a shared cache then stores with the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view_func = public_data_view(request.path_info) if request.method in ("GET", "HEAD") else None
        if view_func is None:
            return self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            response = self.get_response(request)  # editors may see more than the public
            _cache_headers(response, shareable=False)
            return response
        shareable = view_func.shareable(request)
        version, changed_at = data_state()
        token = _request_version.set(version)
        try:
            # The day is part of it: "no recent evidence" turns on with time, not with a change.
            digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:16]
            etag = quote_etag(f"{version}-{timezone.localdate():%Y%m%d}-{digest}")
            last_modified = int(changed_at.timestamp())
            response = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if response is None:
                response = self.get_response(request)
                if response.status_code != 200 or response.has_header("ETag"):
                    return response  # an error, or a file with validators of its own (exports)
            # On a 304 too: a cache revalidating its copy keeps the validators it is told.
            response["ETag"], response["Last-Modified"] = etag, http_date(last_modified)
        finally:
            _request_version.reset(token)
        _cache_headers(response, shareable=shareable)
        return response
