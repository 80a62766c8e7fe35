"""How a page is shared and found: its canonical address (absolute, on SITE_URL) and the query a
list's "Download CSV" link carries.

A list's canonical address keeps its filters and drops its order and page number: the filters make
a different set of results, worth sharing and indexing on its own; the order and page are ways of
reading that one set, and every item on a later page has a page of its own (and a sitemap entry).
Pages that belong to one person (subscription links) and error pages have no canonical address."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.utils.http import urlencode

# One person's pages: their addresses carry a signed token and are never shared.
PERSONAL_PAGES = frozenset({"subscribe_sent", "subscribe_confirm", "subscriber_preferences", "unsubscribe"})


def filter_query(filterset) -> str:
    """The list's filters as a query string, in the filter's own order, without empty ones, sort or
    page; empty when a filter value is invalid (the page says so and shows the whole list)."""
    if filterset.is_bound and not filterset.is_valid():
        return ""
    data: QueryDict = filterset.data
    return urlencode([(name, value) for name in filterset.filters for value in data.getlist(name) if value])


class SiteAddressRequest:
    """A request as if it had come to SITE_URL: its host and scheme are the site's, everything else
    is the request's own. For code that builds absolute links from the request (Django's feeds and
    sitemaps ask `get_host()` and `is_secure()`/`scheme`): the Host header a client sends, port and
    all, must never reach a link others will follow."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request
        site = urlsplit(settings.SITE_URL)
        self.scheme = site.scheme
        self._host = site.netloc

    def __getattr__(self, name: str):
        return getattr(self._request, name)

    def get_host(self) -> str:
        return self._host

    def is_secure(self) -> bool:
        return self.scheme == "https"


def on_site_url(view):
    """Run `view` with the request as SiteAddressRequest sees it, so its absolute links are on SITE_URL."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(SiteAddressRequest(request), *args, **kwargs)

    return wrapper


def canonical_url(request: HttpRequest, query: str = "") -> str:
    return settings.SITE_URL + request.path + (f"?{query}" if query else "")


def page_address(request: HttpRequest) -> dict:
    """Context processor: every page's canonical address, unless it is one person's page. List views
    replace it with one that keeps their filters."""
    match = request.resolver_match
    if match is None or match.url_name in PERSONAL_PAGES:
        return {}
    return {"canonical_url": canonical_url(request)}
