"""Read vocabulary for the tracker's models: pages and services say what they want in these words."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Self

from django.db import models
from django.db.models import Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .exceptions import ImmutableRecord

# "Recent" for the computed flag *no recent evidence*: newest confirmed evidence answered within
# twelve months. Shown on the about page and the admin filter.
RECENT_EVIDENCE_DAYS = 365


class AppendOnlyQuerySet(models.QuerySet):
    """History rows are written once: bulk update and delete are refused too."""

    def update(self, **kwargs):
        raise ImmutableRecord(f"{self.model._meta.verbose_name} rows cannot be updated.")

    def delete(self):
        raise ImmutableRecord(f"{self.model._meta.verbose_name} rows cannot be deleted.")

    update.queryset_only = True
    delete.queryset_only = True


class StatusChangeQuerySet(AppendOnlyQuerySet):
    def published(self) -> Self:
        return self.filter(commitment__is_published=True)

    def for_display(self) -> Self:
        return self.select_related("commitment", "question")

    def newest_first(self) -> Self:
        return self.order_by("-effective_on", "-pk")


class CommitmentQuerySet(models.QuerySet):
    def published(self) -> Self:
        return self.filter(is_published=True)

    def with_latest_status(self) -> Self:
        """Annotate the status computed from history; no history means `planned`."""
        from .models import Status, StatusChange

        latest = StatusChange.objects.filter(commitment=OuterRef("pk")).order_by("-effective_on", "-pk")
        return self.annotate(
            latest_status=Coalesce(Subquery(latest.values("to_status")[:1]), Value(Status.PLANNED))
        )

    def with_latest_change_date(self) -> Self:
        return self.annotate(latest_change_on=Max("status_changes__effective_on"))

    def for_list(self) -> Self:
        """What a public list shows: the theme, and when the current status took effect."""
        return self.published().select_related("theme").with_latest_change_date()

    def with_latest_evidence_date(self) -> Self:
        return self.annotate(
            latest_evidence_on=Max("evidence__question__date_answered", filter=Q(evidence__state="confirmed"))
        )

    def without_recent_evidence(self, *, today: date | None = None) -> Self:
        """No confirmed evidence answered within RECENT_EVIDENCE_DAYS of `today`."""
        cutoff = (today or timezone.localdate()) - timedelta(days=RECENT_EVIDENCE_DAYS)
        return self.with_latest_evidence_date().filter(
            Q(latest_evidence_on__lt=cutoff) | Q(latest_evidence_on__isnull=True)
        )


class EvidenceQuerySet(models.QuerySet):
    def confirmed(self) -> Self:
        return self.filter(state="confirmed")

    def suggested(self) -> Self:
        return self.filter(state="suggested")

    def published(self) -> Self:
        return self.confirmed().filter(commitment__is_published=True)

    def for_display(self) -> Self:
        return self.select_related("commitment", "question")


class WrittenQuestionQuerySet(models.QuerySet):
    def published(self) -> Self:
        """What the public sees: answers that name IPP, or that evidence a published commitment."""
        evidencing = Q(evidence__state="confirmed", evidence__commitment__is_published=True)
        return self.filter(
            Q(is_about_ipp=True) | Q(pk__in=self.model.objects.filter(evidencing).values("pk"))
        )

    def answered(self) -> Self:
        return self.filter(date_answered__isnull=False, answer_is_holding=False)

    def with_key(
        self, *, house: str, uin: str, date_tabled: date | None, date_answered: date | None = None
    ) -> Self:
        """Parliament's key. A copy with no tabled date yet also matches, but only when the record
        was answered on or after the copy's `answered_after` bound: UINs restart every session."""
        undated = Q(date_tabled__isnull=True) & (
            Q(answered_after__isnull=True)
            | (Q(answered_after__lte=date_answered) if date_answered else Q(pk__in=[]))
        )
        return self.filter(house=house, uin__iexact=uin).filter(Q(date_tabled=date_tabled) | undated)


class RecheckRunQuerySet(models.QuerySet):
    def succeeded(self) -> Self:
        return self.filter(outcome="succeeded")

    def high_water_mark(self, kind: str) -> date | None:
        """The day of the latest run of this kind that fetched everything since the mark before it;
        None before the first."""
        return self.succeeded().filter(kind=kind, advances_mark=True).aggregate(mark=Max("window_to"))["mark"]


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self) -> Self:
        """Confirmed and still subscribed: the only addresses a digest goes to."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)

    def pending(self) -> Self:
        return self.filter(confirmed_at__isnull=True, unsubscribed_at__isnull=True)

    def unsubscribed(self) -> Self:
        return self.filter(unsubscribed_at__isnull=False)

    def due(self, period) -> Self:
        """Who gets `period`'s digest: its frequency, confirmed before it ended, still subscribed."""
        return self.confirmed().filter(frequency=period.frequency, confirmed_at__lt=period.ends_at)


class DigestDeliveryQuerySet(models.QuerySet):
    def pending(self) -> Self:
        return self.filter(state="pending")

    def sent(self) -> Self:
        return self.filter(state="sent")

    def failed(self) -> Self:
        return self.filter(state="failed")
