"""The plan and its history: action plan versions, themes, commitments and their status changes."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from ..exceptions import ImmutableRecord
from .choices import Status, StatusOrigin, in_choices
from .querysets import EVIDENCE_RECENCY_FIELDS, CommitmentQuerySet, StatusChangeQuerySet
from .questions import WrittenQuestion


class ActionPlan(models.Model):
    """A published version of the IPP Action Plan (or a report that carries commitments)."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    published_on = models.DateField(null=True, blank=True, help_text="Leave empty when unknown.")
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField(
        max_length=500,
        blank=True,
        help_text="An official page that names this version and its date (an answer, a Library briefing).",
    )
    document_url = models.URLField(
        max_length=500,
        blank=True,
        help_text="The plan document itself, when a copy has been found (gov.uk or parliament.uk). "
        "Empty: pages say no copy of the document has been found.",
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = [models.F("published_on").asc(nulls_first=True), "slug"]

    def __str__(self) -> str:
        return self.title


class Theme(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Commitment(models.Model):
    """One promise or workstream of the Action Plan.

    `status` is a cached copy of the latest StatusChange; only editorial.record_status_change()
    writes it. A commitment with no history yet is `planned`.
    """

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=250)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="commitments")
    owner = models.CharField(max_length=200, blank=True, help_text="Who delivers it, e.g. HMPPS.")
    action_plans = models.ManyToManyField(ActionPlan, related_name="commitments", blank=True)
    summary = models.TextField()
    summary_quoted_from = models.URLField(
        max_length=500,
        blank=True,
        help_text="Only when the summary is a source's own words, quoted exactly: where they are. "
        "Empty means the summary is the tracker's own wording, and the page says so.",
    )
    keywords = models.JSONField(default=list, blank=True, help_text="A list of phrases.")
    targets = models.JSONField(default=list, blank=True, help_text="A list of published targets.")
    source_urls = models.JSONField(default=list, blank=True, help_text="A list of URLs.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED, editable=False)
    is_published = models.BooleanField(default=True, help_text="Shown on the public pages.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Filled by a database trigger on PostgreSQL (models/search.py); empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "search_vector"], m2m_fields=[action_plans])
    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["theme__name", "title"]
        constraints = [
            models.CheckConstraint(condition=in_choices("status", Status), name="commitment_status_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        """An existing commitment never writes `status` here: only record_status_change() does,
        naming it in update_fields. A stale copy (an old version, a second tab) cannot undo it."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                # search_vector is the database's own (a trigger writes it).
                if not field.primary_key and field.name not in ("status", "search_vector")
            ]
        super().save(*args, **kwargs)

    # These come from CommitmentQuerySet.with_evidence_recency(), the one definition: a commitment
    # read through it has them already, one given them by use_evidence_recency() too; any other costs
    # one query for all, so a list must read its commitments through that method.
    def use_evidence_recency(self, recency: dict) -> None:
        """Take the EVIDENCE_RECENCY_FIELDS already read for this commitment (by a page that reads
        them for every commitment at once) instead of asking the database."""
        self._evidence_recency = recency

    @cached_property
    def no_recent_evidence(self) -> bool:
        return self._evidence_recency["no_recent_evidence"]

    @cached_property
    def latest_evidence_on(self) -> date | None:
        return self._evidence_recency["latest_evidence_on"]

    @cached_property
    def latest_dated_evidence_on(self) -> date | None:
        return self._evidence_recency["latest_dated_evidence_on"]

    @property
    def latest_evidence_is_lower_bound(self) -> bool:
        """No answer was given on `latest_evidence_on` itself: it is only the date the newest answer
        is known to have come after, and pages say "after"."""
        return (
            self.latest_evidence_on is not None and self.latest_dated_evidence_on != self.latest_evidence_on
        )

    @cached_property
    def _evidence_recency(self) -> dict:
        return (
            Commitment.objects.with_evidence_recency()
            .filter(pk=self.pk)
            .values(*EVIDENCE_RECENCY_FIELDS)
            .get()
        )


class StatusChange(models.Model):
    """Append-only history of a commitment's status; the cached Commitment.status follows it."""

    Origin = StatusOrigin

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(
        max_length=20, choices=Status.choices, blank=True, help_text="Empty for the first change."
    )
    to_status = models.CharField(max_length=20, choices=Status.choices)
    effective_on = models.DateField()
    reason = models.TextField()
    question = models.ForeignKey(
        WrittenQuestion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="status_changes",
        help_text="The answer this change rests on, if any.",
    )
    source_url = models.URLField(max_length=500, blank=True)
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.EDITOR)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        ordering = ["commitment", "effective_on", "pk"]
        get_latest_by = ["effective_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=in_choices("to_status", Status), name="status_change_to_valid"),
            models.CheckConstraint(
                condition=in_choices("from_status", Status, or_blank=True),
                name="status_change_from_valid",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="status_change_has_reason",
                violation_error_message="A status change needs a reason.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.slug}: {self.from_status or '—'} → {self.to_status} ({self.effective_on})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ImmutableRecord("Status changes are append-only; record a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord("Status changes are append-only and cannot be deleted.")
