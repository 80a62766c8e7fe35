"""The recommendations pages: outside recommendations and the government's response, kept apart
from the plan's promises (a rejected recommendation is not a discontinued commitment)."""

from __future__ import annotations

from django.db.models import F, Prefetch
from django.views.generic import DetailView
from django_filters.views import FilterView

from ..models import Commitment, Recommendation, RecommendationDevelopment
from .filters import RecommendationFilter
from .tables import RecommendationTable
from .views import ValidatedListMixin


class RecommendationListView(ValidatedListMixin, FilterView):
    table_class = RecommendationTable
    filterset_class = RecommendationFilter
    csv_url_name = "recommendations-csv"
    template_name = "commitments/recommendation_list.html"

    def get_queryset(self):
        return Recommendation.objects.published()


class RecommendationDetailView(DetailView):
    """Who recommended what, the government's answer, and what became of it, each in its own words."""

    template_name = "commitments/recommendation_detail.html"
    context_object_name = "recommendation"

    def get_queryset(self):
        published = Commitment.objects.published().only("slug", "title", "status").order_by("title")
        developments = RecommendationDevelopment.objects.select_related("commitment").order_by(
            F("happened_on").asc(nulls_last=True), "pk"
        )
        return Recommendation.objects.published().prefetch_related(
            Prefetch("commitments", queryset=published),
            Prefetch("developments", queryset=developments),
        )
