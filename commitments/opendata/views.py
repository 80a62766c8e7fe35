"""The two plain pages of open data: the API's documentation and robots.txt."""

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse
from django.views.generic import TemplateView


class ApiDocsView(TemplateView):
    template_name = "commitments/api_docs.html"


ROBOTS = """User-agent: *
Disallow: /{admin}
Disallow: /exports/
Sitemap: {sitemap}
"""


@transaction.non_atomic_requests
def robots_txt(request):
    # On SITE_URL, not the Host header: a client's port must not be repeated to crawlers.
    sitemap = settings.SITE_URL + reverse("sitemap")
    return HttpResponse(ROBOTS.format(admin=settings.ADMIN_URL, sitemap=sitemap), content_type="text/plain")
