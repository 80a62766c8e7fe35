"""What's new: every public change of the last days, newest first, from the one recent-changes
query (commitments/recent.py), which the Atom feeds and the digests read too."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.views.generic import TemplateView

from .. import recent
from ..models import StatusChange
from ..models.deadlines import today

DEFAULT_DAYS = 30
DAYS_CHOICES = [(7, "7 days"), (30, "30 days"), (90, "90 days"), (365, "365 days")]
# A page is read, not searched: past this many changes it shows the newest and says so.
MOST_CHANGES = 300


class WhatsNewForm(forms.Form):
    days = forms.TypedChoiceField(
        label="Changes in the last",
        choices=DAYS_CHOICES,
        coerce=int,
        required=False,
        error_messages={"invalid_choice": "Choose 7, 30, 90 or 365 days."},
    )


COUNTED = {
    recent.STATUS: ("status change", "status changes"),
    recent.EVIDENCE: ("piece of new evidence", "pieces of new evidence"),
    recent.FIGURE: ("new figure", "new figures"),
    recent.DEADLINE: ("promised date passed", "promised dates passed"),
}


def count_by_kind(changes: list[recent.Change]) -> list[tuple[int, str]]:
    """How many of each kind, in words ("3 status changes"), kinds with none left out."""
    counted = []
    for kind, (one, many) in COUNTED.items():
        count = sum(change.kind == kind for change in changes)
        if count:
            counted.append((count, one if count == 1 else many))
    return counted


def starting_record_day():
    """The day (London) the tracker's starting record was loaded: the first initial status stored
    by load_shipped_data. Everything stored that day is the researched record it began with, not
    news of that day; None before anything was loaded."""
    first = StatusChange.objects.filter(origin=StatusChange.Origin.IMPORT).order_by("created_at").first()
    return timezone.localdate(first.created_at) if first else None


def since_days_ago(days: int) -> datetime:
    """Midnight (London) `days` days before today: "the last 30 days" includes today and 30 before."""
    return timezone.make_aware(datetime.combine(today() - timedelta(days=days), time()))


class WhatsNewView(TemplateView):
    template_name = "commitments/whats_new.html"

    @classmethod
    def query_parameters(cls) -> frozenset[str]:
        """The one parameter this page reads (public/cache.py)."""
        return frozenset({"days"})

    def get(self, request, *args, **kwargs):
        self.form = WhatsNewForm(request.GET or None)
        response = super().get(request, *args, **kwargs)
        if self.form.is_bound and not self.form.is_valid():
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        valid = not self.form.is_bound or self.form.is_valid()
        days = (self.form.cleaned_data.get("days") if valid and self.form.is_bound else None) or DEFAULT_DAYS
        since = since_days_ago(days)
        changes = recent.recent_changes(since=since, limit=MOST_CHANGES) if valid else []
        context.update(
            form=self.form,
            days=days,
            since=since,
            changes=changes,
            cut_short=len(changes) == MOST_CHANGES,
            most=MOST_CHANGES,
            counts=count_by_kind(changes),
            starting_record_day=starting_record_day() if changes else None,
        )
        return context
