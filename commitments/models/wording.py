"""The promise in official words: verbatim passages that say what the plan commits to."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from .choices import WordingKind, in_choices
from .plan import ActionPlan, Commitment


class PromiseWordingQuerySet(models.QuerySet):
    def best_first(self) -> models.QuerySet:
        """The plan's own words before an official description, before a third party's quotation."""
        order = models.Case(
            *(
                models.When(kind=kind, then=models.Value(rank))
                for rank, kind in enumerate(WordingKind.values)
            ),
            output_field=models.IntegerField(),
        )
        return self.alias(kind_rank=order).order_by("kind_rank", "position", "pk")


class PromiseWording(models.Model):
    """A passage quoted exactly, with who said or wrote it and where: never a paraphrase."""

    Kind = WordingKind

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="wordings")
    action_plan = models.ForeignKey(
        ActionPlan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wordings",
        help_text="The plan version the words are from or describe, when known.",
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    quote = models.TextField(help_text="Exactly as published: no paraphrase, no tidying.")
    is_complete = models.BooleanField(
        default=True, help_text="Untick when the copy read stops before the passage ends."
    )
    said_by = models.CharField(
        max_length=300,
        help_text="Who said or published it, e.g. “Ministry of Justice written answer HL7122”.",
    )
    said_on = models.DateField(null=True, blank=True)
    source_url = models.CharField(
        max_length=500, help_text="Where the words are: the official address first, when there is one."
    )
    also_at = models.CharField(
        max_length=500, blank=True, help_text="Where the words were read, when that is a copy elsewhere."
    )
    note = models.TextField(blank=True, help_text="What could not be confirmed, shown to readers.")
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()
    objects = PromiseWordingQuerySet.as_manager()

    class Meta:
        ordering = ["commitment", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("kind", WordingKind), name="promise_wording_kind_valid"
            ),
            models.CheckConstraint(condition=~models.Q(quote=""), name="promise_wording_has_quote"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.slug}: {self.quote[:60]}"
