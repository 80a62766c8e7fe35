"""Public pages are cached whole (Redis in production, local memory by default) under a key that
includes a data version. Any change to what the pages show bumps the version, so a cached page is
never staler than the data: old entries are simply never asked for again and expire."""

from __future__ import annotations

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "public-data-version"
PAGE_SECONDS = 60 * 60


def data_version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, timeout=None)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


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
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"public-page:{data_version()}:{digest}"
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
