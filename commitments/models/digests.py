"""Email digests: subscribers without accounts, the periods a run covers, one delivery per both."""

from __future__ import annotations

import secrets
from typing import Self

from django.db import models
from django.db.models import Exists, F, OuterRef, Q

from .choices import DeliveryState, DigestFrequency, SubscriberState, in_choices
from .plan import Commitment, Theme


def new_subscriber_token() -> str:
    return secrets.token_urlsafe(24)


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self) -> Self:
        """Confirmed and still subscribed: the only addresses a digest goes to."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)

    def pending(self) -> Self:
        return self.filter(confirmed_at__isnull=True, unsubscribed_at__isnull=True)

    def unsubscribed(self) -> Self:
        return self.filter(unsubscribed_at__isnull=False)

    def due(self, period) -> Self:
        """Who gets `period`'s digest: its frequency, confirmed before it ended, still subscribed.
        A daily digest also goes to as-it-happens subscribers whose alerts in that day went over the
        daily cap: the rest of their day is rolled into it."""
        due = Q(frequency=period.frequency)
        if period.frequency == DigestFrequency.DAILY:
            Delivery = self.model._meta.get_field("deliveries").related_model
            capped = Delivery.objects.filter(
                subscriber=OuterRef("pk"),
                state=DeliveryState.CAPPED,
                period__frequency=DigestFrequency.AS_IT_HAPPENS,
                period__starts_at__lt=period.ends_at,
                period__ends_at__gt=period.starts_at,
            )
            due |= Q(Exists(capped), frequency=DigestFrequency.AS_IT_HAPPENS)
        return self.confirmed().filter(due, confirmed_at__lt=period.ends_at)


class DigestDeliveryQuerySet(models.QuerySet):
    def pending(self) -> Self:
        return self.filter(state=DeliveryState.PENDING)

    def sent(self) -> Self:
        return self.filter(state=DeliveryState.SENT)


class Subscriber(models.Model):
    """An email address that asked for digests, without an account.

    It follows themes and/or single commitments; with neither chosen (`all_themes`) it hears about
    everything. Pending until the address confirms (double opt-in); confirmed until it
    unsubscribes. The links in emails are signed and carry `token`, a random secret of this row,
    never the address: a new token (on subscribing again) makes every older link invalid.
    """

    Frequency = DigestFrequency

    email = models.EmailField(max_length=254, unique=True, help_text="Stored in lower case.")
    frequency = models.CharField(max_length=16, choices=Frequency.choices, default=Frequency.WEEKLY)
    all_themes = models.BooleanField(
        default=True, help_text="Everything, including themes added later: no theme or commitment chosen."
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="subscribers")
    commitments = models.ManyToManyField(
        Commitment, blank=True, related_name="followers", help_text="Commitments followed one by one."
    )
    token = models.CharField(max_length=64, unique=True, default=new_subscriber_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("frequency", DigestFrequency), name="subscriber_frequency_valid"
            ),
            models.CheckConstraint(
                condition=Q(email=models.functions.Lower("email")), name="subscriber_email_lower"
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def state(self) -> SubscriberState:
        if self.unsubscribed_at:
            return SubscriberState.UNSUBSCRIBED
        return SubscriberState.CONFIRMED if self.confirmed_at else SubscriberState.PENDING

    @property
    def emails_described(self) -> str:
        """What this address gets, in words for a sentence: "daily email digests", and so on."""
        if self.frequency == DigestFrequency.AS_IT_HAPPENS:
            return "email alerts as it happens"
        return f"{self.get_frequency_display().lower()} email digests"

    def follows_described(self) -> list[str]:
        """What this address follows, one line each, for the confirmation email and page: the
        commitments by title, then the themes, or everything."""
        if self.all_themes:
            return ["Every theme and commitment, including ones added later"]
        commitments = [
            f"“{title}”" for title in self.commitments.order_by("title").values_list("title", flat=True)
        ]
        themes = [
            f"The theme “{name}”" for name in self.themes.order_by("name").values_list("name", flat=True)
        ]
        return commitments + themes

    def still_due(self, frequency: str) -> bool:
        """Decided again at sending, as planning may be stale: still confirmed, and still on that
        frequency (an as-it-happens subscriber also gets the daily digest its capped alerts were
        rolled into; planning chose whom)."""
        gets = {self.frequency}
        if self.frequency == DigestFrequency.AS_IT_HAPPENS:
            gets.add(DigestFrequency.DAILY)
        return self.state == SubscriberState.CONFIRMED and frequency in gets


class DigestPeriod(models.Model):
    """The window one run of a frequency covers: changes recorded in [starts_at, ends_at). For
    as-it-happens alerts a window is a few minutes (ops/schedules.ALERT_MINUTES): the change set
    one alert per subscriber reports.

    Every subscriber of a frequency shares it, so a digest's content is built once per set of themes,
    not once per subscriber. A period starts where the previous one of its frequency ended, so
    nothing falls between two periods even when a run was missed.
    """

    Frequency = DigestFrequency

    frequency = models.CharField(max_length=16, choices=Frequency.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    planned_at = models.DateTimeField(
        null=True, blank=True, help_text="When its deliveries were created; empty until then."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ends_at", "frequency"]
        get_latest_by = "ends_at"
        constraints = [
            models.UniqueConstraint(fields=["frequency", "ends_at"], name="digest_period_once"),
            models.CheckConstraint(
                condition=in_choices("frequency", DigestFrequency), name="digest_period_frequency_valid"
            ),
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="digest_period_not_empty"),
        ]

    def __str__(self) -> str:
        kind = "alerts" if self.frequency == DigestFrequency.AS_IT_HAPPENS else "digest"
        return f"{self.get_frequency_display()} {kind} to {self.ends_at:%d/%m/%Y %H:%M}"


class DigestDelivery(models.Model):
    """One subscriber's digest for one period: unique, so a re-run, or a run that stopped halfway,
    picks up the pending rows and never sends a sent one again."""

    State = DeliveryState

    period = models.ForeignKey(DigestPeriod, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DigestDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "digest deliveries"
        ordering = ["-period__ends_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["period", "subscriber"], name="digest_delivery_once"),
            models.CheckConstraint(
                condition=in_choices("state", DeliveryState), name="digest_delivery_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state=DeliveryState.SENT) | Q(sent_at__isnull=False),
                name="digest_delivery_sent_has_time",
            ),
        ]
        indexes = [models.Index(fields=["state", "period"], name="digest_delivery_state_period")]

    def __str__(self) -> str:
        return f"{self.period} to subscriber {self.subscriber_id} ({self.state})"
