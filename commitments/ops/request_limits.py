"""The largest request body the site reads: anything bigger is refused before a byte of it is read.

Django's own DATA_UPLOAD_MAX_MEMORY_SIZE limits only the form fields it keeps in memory; a multipart
file part has no total limit and is spooled to a temporary file, so a 300 MB POST to the correction
form was read whole and written to disk. No page here takes a file, and every form (the admin's
included) fits well inside REQUEST_BODY_MAX_BYTES, so a larger declared body is answered 413 at once.
A body without a Content-Length is read as empty by Django's WSGI handler, so it cannot get past this.
The proxy in front should refuse the same size first (docs/operations.md); this is the limit that
holds when it does not.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}".removesuffix(".0") + " MB"


class RequestBodyLimitMiddleware:
    """413 for a request whose Content-Length is over REQUEST_BODY_MAX_BYTES (or is not a number,
    400), before any middleware or view reads the body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            size = int(declared)
        except ValueError:
            return HttpResponse(
                "Bad request: the Content-Length header is not a number.\n",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        limit = settings.REQUEST_BODY_MAX_BYTES
        if size > limit:
            return HttpResponse(
                f"Too large: this site accepts at most {_megabytes(limit)} in one request, and this one "
                f"was {_megabytes(size)}. Shorten what you sent and try again.\n",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
