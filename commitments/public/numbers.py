"""The numbers beside the promises: indicator series with charts and tables, and every promised
date held to account. Views pick querysets; the rules live on the models (Indicator, Deadline)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.views.generic import TemplateView

from ..models import Commitment, Deadline, DeadlineState, Indicator, StatutoryDuty
from ..models.deadlines import today
from ..sources import distinct_sources
from .indicator_charts import series_chart
from .site_wide import source_copies


def series_for_page(indicators) -> list[dict]:
    """Each series with its chart (two figures or more), its current figures with the figures they
    revised, and its distinct sources (address and the title research gave it), official first
    where the source rule finds one."""
    copies = source_copies()
    found = []
    for indicator in indicators:
        points = indicator.current_points
        titles = {}
        for point in points:
            titles.setdefault(point.source_url, point.source_title)
        found.append(
            {
                "indicator": indicator,
                "chart": series_chart(indicator),
                "rows": [{"point": point, "earlier": indicator.earlier_figures(point)} for point in points],
                "sources": [
                    (url, titles[url])
                    for url in distinct_sources([point.source_url for point in points], copies)
                ],
            }
        )
    return found


class NumbersView(TemplateView):
    """Every published series: charts a phone can read, the same figures as tables, a CSV each."""

    template_name = "commitments/numbers.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Commitment.objects.published().only("slug", "title").order_by("title")
        indicators = (
            Indicator.objects.published()
            .with_points()
            .prefetch_related(Prefetch("commitments", queryset=published))
        )
        series = series_for_page(indicators)
        context["charted"] = [entry for entry in series if entry["chart"]]
        context["single"] = [entry for entry in series if not entry["chart"]]
        return context


class DeadlinesView(TemplateView):
    """Every promised date: kept, kept late, missed or never given, each in the source's words."""

    template_name = "commitments/deadlines.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        deadlines = list(Deadline.objects.for_pages())
        promises = [deadline for deadline in deadlines if not deadline.duty_id]
        occurrences = [deadline for deadline in deadlines if deadline.duty_id]
        context["today"] = today()
        context["dated"] = [deadline for deadline in promises if deadline.due_on]
        context["undated"] = [deadline for deadline in promises if not deadline.due_on]
        context["duties"] = [
            {"duty": duty, "occurrences": [item for item in occurrences if item.duty_id == duty.pk]}
            for duty in StatutoryDuty.objects.filter(pk__in={item.duty_id for item in occurrences})
        ]
        counts = Deadline.objects.published().count_by_standing(context["today"])
        context["counts"] = [(state, counts[state.value]) for state in DeadlineState]
        return context
