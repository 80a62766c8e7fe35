"""Copies of official records at other addresses, and the official address each copies.

The one rule for what a source link resolves to lives in commitments/sources.py; this table holds
what research found that no address can tell by itself (a Hansard debate's id behind a copy's
address, the tabled date a copy leaves out, a blog with no official equivalent and why)."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from .choices import SourceConfidence, SourceKind, in_choices


class SourceCopyQuerySet(models.QuerySet):
    def by_copy_url(self) -> dict[str, SourceCopy]:
        """Every copy by its address: what sources.resolve_source() looks copies up in."""
        return {copy.copy_url: copy for copy in self}


class SourceCopy(models.Model):
    """A page at an unofficial address (TheyWorkForYou, Parallel Parliament, a blog) and the official
    page it copies, when there is one. Editors add rows as they find them."""

    copy_url = models.URLField(max_length=500, unique=True, help_text="The unofficial address.")
    official_url = models.URLField(
        max_length=500,
        blank=True,
        help_text="The official page (parliament.uk, gov.uk, legislation.gov.uk) it copies. "
        "Empty when none exists; then say why below.",
    )
    kind = models.CharField(max_length=20, choices=SourceKind.choices, default=SourceKind.OTHER)
    confidence = models.CharField(
        max_length=6,
        choices=SourceConfidence.choices,
        default=SourceConfidence.HIGH,
        help_text="Low: the official address was assembled and not seen; pages then rest on the copy "
        "and call the official address probable.",
    )
    how_derived = models.TextField(blank=True, help_text="How the official address was found.")
    secondary_reason = models.TextField(
        blank=True,
        help_text="Shown to readers when a status rests on this copy: why no official source is "
        "given (none exists, or the official page could not be confirmed).",
    )
    history = HistoricalRecords()
    objects = SourceCopyQuerySet.as_manager()

    class Meta:
        verbose_name = "source copy"
        verbose_name_plural = "source copies"
        ordering = ["copy_url"]
        constraints = [
            models.CheckConstraint(condition=in_choices("kind", SourceKind), name="source_copy_kind_valid"),
            models.CheckConstraint(
                condition=in_choices("confidence", SourceConfidence), name="source_copy_confidence_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.copy_url

    @property
    def is_confirmed(self) -> bool:
        return bool(self.official_url) and self.confidence != SourceConfidence.LOW
