from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.db import transaction
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from commitments import exports, feeds
from commitments.api import router
from commitments.sitemaps import SITEMAPS
from commitments.views import ApiDocsView, robots_txt

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/", ApiDocsView.as_view(), name="api-docs"),
    # The document needs no database: no transaction either (and tests can load it at collection).
    path("api/v1/schema/", transaction.non_atomic_requests(SpectacularAPIView.as_view()), name="api-schema"),
    path("api/v1/", include(router.urls)),
    path("feeds/updates.atom", feeds.UpdatesFeed(), name="feed"),
    path("themes/<slug:slug>/feed.atom", feeds.ThemeUpdatesFeed(), name="theme-feed"),
    path("commitments/<slug:slug>/feed.atom", feeds.CommitmentUpdatesFeed(), name="commitment-feed"),
    path("exports/commitments.csv", exports.commitments_csv, name="commitments-csv"),
    path("exports/questions.csv", exports.questions_csv, name="questions-csv"),
    path("exports/ipp-tracker-data.zip", exports.dataset_zip, name="dataset-zip"),
    # An index of per-section sitemaps, each paged, so 50,000 questions are all listed.
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="django.contrib.sitemaps.views.sitemap"
    ),
    path("robots.txt", robots_txt, name="robots"),
    path("", include("commitments.urls")),
]
