"""The editors' triage queue, as read vocabulary for WrittenQuestionQuerySet (querysets.py is at
its length limit). Like querysets, it never imports the model modules: it reaches question events
through the question's own relation."""

from __future__ import annotations

from typing import Self

from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from .choices import QuestionEventKind

# What brings a triaged answer back: Parliament corrected it, or its text changed.
RETURNS_TO_TRIAGE = (QuestionEventKind.CORRECTED, QuestionEventKind.TEXT_CHANGED)


class AwaitingTriage(models.QuerySet):
    def awaiting_triage(self) -> Self:
        """The triage queue, newest first: answers worth reading (querysets.py), either never
        triaged (done, not evidence, or cleared with an old backlog: commitments.editorial.triage)
        or corrected or changed since it was. `returned_as` is then that event's kind, else ""."""
        events = self.model._meta.get_field("events").related_model
        changed = events.objects.filter(
            question=OuterRef("pk"), kind__in=RETURNS_TO_TRIAGE, observed_at__gt=OuterRef("triaged_at")
        ).order_by("-observed_at", "-pk")
        return (
            self.worth_reading()  # the one rule (querysets.WORTH_READING)
            .annotate(returned_as=Coalesce(Subquery(changed.values("kind")[:1]), Value("")))
            .filter(Q(triaged_at__isnull=True) | ~Q(returned_as=""))
            .order_by(models.F("date_answered").desc(), "-id")
        )
