"""The two plain pages of open data: the API's documentation and robots.txt."""

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
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
    sitemap = request.build_absolute_uri("/sitemap.xml")
    return HttpResponse(ROBOTS.format(admin=settings.ADMIN_URL, sitemap=sitemap), content_type="text/plain")
