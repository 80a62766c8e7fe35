from django.db.models import Count
from django.views.generic import TemplateView

from .models import Commitment, Status, StatusChange


class HomeView(TemplateView):
    """Progress at a glance: commitments by status, grouped by theme, and the latest changes."""

    template_name = "commitments/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        commitments = Commitment.objects.published().select_related("theme").order_by("theme__name", "title")
        counts = dict(commitments.order_by().values_list("status").annotate(n=Count("pk")))
        context["status_counts"] = [(status, counts.get(status.value, 0)) for status in Status]
        context["total"] = sum(counts.values())
        context["commitments"] = commitments
        context["latest_changes"] = (
            StatusChange.objects.published().newest_first().select_related("commitment")[:5]
        )
        return context
