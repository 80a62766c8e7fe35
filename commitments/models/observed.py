"""What the written statements and Hansard contributions we re-check have in common: the text as
received, whether our copy is whole, what the re-check last saw, and an append-only event log
(SourceEvent) like QuestionEvent, pointing to exactly one of them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from ..exceptions import ImmutableRecord
from .choices import SourceEventKind, in_choices
from .querysets import AppendOnlyQuerySet


class ObservedSource(models.Model):
    """Fields every re-checked source carries besides its own key (abstract)."""

    text = models.TextField(blank=True, help_text="The words as plain text, verbatim from the source.")
    text_is_complete = models.BooleanField(
        default=True,
        help_text="False when our copy stopped short of the official page: shown as it is, marked "
        "cut short, with a link to the official page for the rest.",
    )
    source_url = models.URLField(
        max_length=500, blank=True, help_text="Where our copy came from, when not the official page."
    )
    source_record = models.JSONField(default=dict, blank=True, help_text="The raw record as received.")
    is_about_ipp = models.BooleanField(default=False, help_text="The text names IPP in so many words.")
    matched_terms = models.JSONField(default=list, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    list_fingerprint = models.CharField(
        max_length=64, blank=True, help_text="Hash of the API record last seen; unchanged means no work."
    )
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class SourceEvent(models.Model):
    """Append-only record of what the re-check observed about a statement or a contribution: first
    seen, or its words changed. Exactly one of `statement` and `contribution` is set."""

    Kind = SourceEventKind

    statement = models.ForeignKey(
        "WrittenStatement", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    contribution = models.ForeignKey(
        "HansardContribution", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_on = models.DateField(null=True, blank=True, help_text="Parliament's date, if any.")
    content_hash = models.CharField(max_length=64, blank=True)
    detail = models.TextField(blank=True)
    previous_text = models.TextField(blank=True, help_text="For a text change: the words before it.")
    recheck_run = models.ForeignKey(
        "RecheckRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="source_events"
    )
    observed_at = models.DateTimeField(auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["observed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(statement__isnull=False, contribution__isnull=True)
                | Q(statement__isnull=True, contribution__isnull=False),
                name="source_event_one_source",
            ),
            models.UniqueConstraint(
                fields=["statement", "kind", "content_hash"],
                condition=Q(statement__isnull=False),
                name="source_event_once_per_statement",
            ),
            models.UniqueConstraint(
                fields=["contribution", "kind", "content_hash"],
                condition=Q(contribution__isnull=False),
                name="source_event_once_per_contribution",
            ),
            models.CheckConstraint(
                condition=in_choices("kind", SourceEventKind), name="source_event_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement or self.contribution}: {self.get_kind_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ImmutableRecord("Source events are append-only and cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord("Source events are append-only and cannot be deleted.")
