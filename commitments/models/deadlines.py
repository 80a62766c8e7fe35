"""Deadlines: the dates commitments were promised by, in the source's own words, and the recurring
duties the law sets (the annual report under s.67 of the Victims and Prisoners Act 2024).

`Deadline.standing()` is the one rule for where a promised date stands; the queryset's
`passed_undelivered()` is the same rule written for the database (a test holds them together)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .choices import DateClaim, DeadlineAlertState, DeadlineState, in_choices
from .digests import Subscriber
from .plan import ActionPlan, Commitment


def today() -> date:
    """London's today: a date passes at midnight where the promise was made."""
    return timezone.localdate()


@dataclass(frozen=True)
class Standing:
    """Where a promised date stands on a day: the state, and the days late, overdue or left."""

    state: DeadlineState
    days: int = 0

    @property
    def text(self) -> str:
        """“Met on time”, “Met 229 days late”, “Overdue by 12 days”, “No date promised”."""
        days = f"{self.days} day{'' if self.days == 1 else 's'}"
        if self.state == DeadlineState.MET_LATE:
            return f"Met {days} late"
        if self.state == DeadlineState.OVERDUE:
            return f"Overdue by {days}"
        if self.state == DeadlineState.NOT_YET_DUE:
            return f"Due in {days}" if self.days else "Due today"
        return self.state.label


class StatutoryDuty(models.Model):
    """A duty the law sets that recurs, with its rule in the statute's words; each occurrence is a
    Deadline that names it."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    provision = models.CharField(max_length=200, help_text="e.g. “Victims and Prisoners Act 2024, s.67(1)”.")
    rule = models.TextField(help_text="The statute's words, verbatim.")
    rule_source_url = models.CharField(max_length=500, help_text="Its official address (legislation.gov.uk).")
    in_force_on = models.DateField(null=True, blank=True)
    commitment = models.ForeignKey(
        Commitment, null=True, blank=True, on_delete=models.SET_NULL, related_name="duties"
    )
    note = models.TextField(blank=True, help_text="Shown to readers: what could not be confirmed.")

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "statutory duties"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeadlineQuerySet(models.QuerySet):
    def published(self) -> models.QuerySet:
        """Shown to the public: published, and not about an unpublished commitment."""
        return self.filter(is_published=True).filter(
            Q(commitment__isnull=True) | Q(commitment__is_published=True)
        )

    def held_to_account(self) -> models.QuerySet:
        """Dates the government promised or the law set: not a third party's account of a date,
        which pages show as such but never count or alert as a broken promise."""
        return self.exclude(date_claimed_by=DateClaim.THIRD_PARTY)

    def passed_undelivered(self, on: date) -> models.QuerySet:
        """Overdue on `on` by Deadline.standing(): a date promised, passed, nothing delivered."""
        return self.filter(due_on__lt=on, delivered_on__isnull=True)

    def count_by_standing(self, on: date | None = None) -> dict[str, int]:
        """How many stand in each state on `on`, by Deadline.standing() itself (every state present,
        0 for none): a few dozen rows, so the rule is applied in Python rather than restated."""
        counts = dict.fromkeys(DeadlineState.values, 0)
        for deadline in self.only("due_on", "delivered_on"):
            counts[deadline.standing(on).state] += 1
        return counts

    def for_pages(self) -> models.QuerySet:
        """Published, with what each names, by date promised (no date last)."""
        return self.published().select_related("commitment", "action_plan", "duty").in_date_order()

    def in_date_order(self) -> models.QuerySet:
        return self.order_by(
            models.F("due_on").asc(nulls_last=True), models.F("said_on").asc(nulls_last=True), "pk"
        )


class Deadline(models.Model):
    """A date something was promised by, in the source's own words, and when and how it was
    delivered. No date (`due_on` empty) is a promise tied to an event, or a duty with no fixed day.

    It belongs to a commitment, or to an action plan version when the promise was the plan itself
    (a refresh, an annual report) and no commitment carries it."""

    Claim = DateClaim

    commitment = models.ForeignKey(
        Commitment, null=True, blank=True, on_delete=models.CASCADE, related_name="deadlines"
    )
    action_plan = models.ForeignKey(
        ActionPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="deadlines"
    )
    duty = models.ForeignKey(
        StatutoryDuty,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="occurrences",
        help_text="The recurring duty this is one occurrence of.",
    )
    occurrence = models.CharField(max_length=200, blank=True, help_text="e.g. “The first annual report”.")
    promise = models.TextField(help_text="The promise in the source's own words, verbatim.")
    promise_is_verbatim = models.BooleanField(
        default=True, help_text="Untick for a summary: it is then shown without quotation marks."
    )
    due_on = models.DateField(null=True, blank=True, help_text="The date promised; empty when none was.")
    date_claimed_by = models.CharField(
        max_length=16, choices=DateClaim.choices, default=DateClaim.GOVERNMENT, help_text="Whose date it is."
    )
    said_on = models.DateField(null=True, blank=True)
    said_by = models.CharField(max_length=300, help_text="Who said it, and where.")
    source_url = models.CharField(max_length=500)
    delivered_on = models.DateField(null=True, blank=True)
    delivered_how = models.TextField(blank=True, help_text="How it was delivered, and what says so.")
    delivered_source_url = models.CharField(max_length=500, blank=True)
    note = models.TextField(blank=True, help_text="Shown to readers: what could not be confirmed.")
    is_published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = [models.F("due_on").asc(nulls_last=True), "pk"]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("date_claimed_by", DateClaim), name="deadline_claim_valid"
            ),
            models.CheckConstraint(
                condition=Q(commitment__isnull=False) | Q(action_plan__isnull=False),
                name="deadline_belongs_somewhere",
            ),
            models.CheckConstraint(condition=~Q(promise=""), name="deadline_has_promise"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_title}: {self.due_on or 'no date promised'}"

    @property
    def owner_title(self) -> str:
        return self.commitment.title if self.commitment_id else self.action_plan.title

    @property
    def is_third_party_date(self) -> bool:
        return self.date_claimed_by == DateClaim.THIRD_PARTY

    def standing(self, on: date | None = None) -> Standing:
        """The one rule: no date promised; met on time (delivered on or before the date); met N days
        late; overdue by N days (the date passed, nothing delivered); or not yet due. A third
        party's date is judged the same way, and pages say whose date it is."""
        on = on or today()
        if self.due_on is None:
            return Standing(DeadlineState.NO_DATE)
        if self.delivered_on is not None:
            late = (self.delivered_on - self.due_on).days
            return Standing(DeadlineState.MET_LATE, late) if late > 0 else Standing(DeadlineState.MET_ON_TIME)
        if on > self.due_on:
            return Standing(DeadlineState.OVERDUE, (on - self.due_on).days)
        return Standing(DeadlineState.NOT_YET_DUE, (self.due_on - on).days)


class DeadlineAlert(models.Model):
    """One follower told once that a promised date passed undelivered: the row is claimed before
    the email is sent and marked sent after, so a re-run or a second worker never sends it twice."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="alerts")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deadline_alerts")
    state = models.CharField(
        max_length=8, choices=DeadlineAlertState.choices, default=DeadlineAlertState.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deadline", "subscriber"], name="deadline_alert_once"),
            models.CheckConstraint(
                condition=in_choices("state", DeadlineAlertState), name="deadline_alert_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deadline} → {self.subscriber}"
