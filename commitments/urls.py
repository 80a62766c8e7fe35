"""Every public address, by area. Pages, corrections, subscriptions and health checks are named under the
`commitments:` namespace; open data keeps its names without one."""

from django.urls import include, path

from .corrections import urls as corrections_urls
from .digests import urls as digests_urls
from .ops import urls as ops_urls
from .public import urls as public_urls

site = [
    *public_urls.urlpatterns,
    *corrections_urls.urlpatterns,
    *digests_urls.urlpatterns,
    *ops_urls.urlpatterns,
]

urlpatterns = [
    path("", include("commitments.opendata.urls")),
    path("", include((site, "commitments"))),
]
