"""What machines read: the JSON API and its schema, Atom feeds, CSV exports, sitemaps. Every one
shows public data only, so every one is conditional (ETag, 304); see public/cache.py."""

from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.db import transaction
from django.urls import URLPattern, include, path
from drf_spectacular.views import SpectacularAPIView

from ..public.addresses import on_site_url
from ..public.cache import public_data
from . import exports, feeds, numbers
from .api import router
from .sitemaps import SITEMAPS
from .views import ApiDocsView, robots_txt

api_urls = [
    URLPattern(pattern.pattern, public_data(pattern.callback), pattern.default_args, pattern.name)
    for pattern in router.urls
]

urlpatterns = [
    path("api/", public_data(ApiDocsView.as_view()), name="api-docs"),
    # The document needs no database: no transaction either (and tests can load it at collection).
    path(
        "api/v1/schema/",
        public_data(transaction.non_atomic_requests(SpectacularAPIView.as_view())),
        name="api-schema",
    ),
    path("api/v1/", include(api_urls)),
    path("feeds/updates.atom", public_data(feeds.UpdatesFeed()), name="feed"),
    path("whats-new/feed.atom", public_data(feeds.WhatsNewFeed()), name="whats-new-feed"),
    path("recommendations/feed.atom", public_data(feeds.RecommendationsFeed()), name="recommendations-feed"),
    path("numbers/feed.atom", public_data(feeds.IndicatorPointsFeed()), name="indicator-points-feed"),
    path("deadlines/feed.atom", public_data(feeds.DeadlinesFeed()), name="deadlines-feed"),
    path("themes/<slug:slug>/feed.atom", public_data(feeds.ThemeUpdatesFeed()), name="theme-feed"),
    path(
        "commitments/<slug:slug>/feed.atom",
        public_data(feeds.CommitmentUpdatesFeed()),
        name="commitment-feed",
    ),
    path("exports/commitments.csv", public_data(exports.commitments_csv), name="commitments-csv"),
    path("exports/questions.csv", public_data(exports.questions_csv), name="questions-csv"),
    path("exports/recommendations.csv", public_data(exports.recommendations_csv), name="recommendations-csv"),
    path(
        "exports/indicator-points.csv", public_data(numbers.indicator_points_csv), name="indicator-points-csv"
    ),
    path("exports/indicators/<slug:slug>.csv", public_data(numbers.indicator_csv), name="indicator-csv"),
    path("exports/deadlines.csv", public_data(numbers.deadlines_csv), name="deadlines-csv"),
    path("exports/figures/<slug:slug>.csv", public_data(exports.figure_table_csv), name="figure-table-csv"),
    path("exports/ipp-tracker-data.zip", public_data(exports.dataset_zip), name="dataset-zip"),
    # An index of per-section sitemaps, each paged, so 50,000 questions are all listed.
    path("sitemap.xml", public_data(on_site_url(sitemap_index)), {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        public_data(on_site_url(sitemap)),
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", public_data(robots_txt), name="robots"),
]
