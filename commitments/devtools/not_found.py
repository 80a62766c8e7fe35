"""The demo's 404s. `make run` serves the demo with DEBUG=1 (runserver's static files, readable
errors, no production checks), and with DEBUG on Django answers an unknown address with its
technical 404 page, which is not what a reader of the demo should see. With TRACKER_DEMO=1 this
middleware (tracker/settings/development.py adds it) answers with the site's own 404 page
instead; a server error still shows Django's debug page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.views.defaults import page_not_found


class SiteNotFoundPageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 404 and request.resolver_match is None:
            # No URL pattern matched: Django rendered its technical page before any view ran.
            return page_not_found(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A view found no such object (an unknown slug or id)."""
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
