"""Hansard contributions: one speaker's words in a debate or at oral questions."""

from __future__ import annotations

import re

from django.db import models
from django.db.models import Q

from .choices import House, in_choices
from .observed import ObservedSource

_NOT_WORD = re.compile(r"[^A-Za-z0-9]+")


class HansardContribution(ObservedSource):
    """One speaker's contribution, keyed by the Hansard API's ItemId; its ContributionExtId (the
    anchor on Hansard's page) when the API gives one. A sitting date or debate id we do not know
    stays empty, never guessed: the page then links to where our copy came from."""

    item_id = models.BigIntegerField(unique=True, help_text="The Hansard API's ItemId.")
    contribution_ext_id = models.CharField(max_length=64, blank=True)
    house = models.CharField(max_length=10, choices=House.choices)
    sitting_date = models.DateField(null=True, blank=True)
    hansard_section = models.CharField(
        max_length=100, blank=True, help_text="Where it was said: Lords Chamber, Westminster Hall…"
    )
    debate = models.CharField(max_length=250, blank=True, help_text="The debate's title in Hansard.")
    debate_ext_id = models.CharField(max_length=64, blank=True)
    member = models.CharField(max_length=200, blank=True)
    member_id = models.PositiveIntegerField(null=True, blank=True)
    attributed_to = models.CharField(
        max_length=250, blank=True, help_text="As Hansard names the speaker, with their role."
    )

    # What the shared reading vocabulary needs to know (observed.ObservedReading).
    HEADING_FIELD = "debate"
    DATE_FIELD = "sitting_date"
    EVIDENCE_FIELD = "contribution_id"
    LIST_FIELDS = (
        "house",
        "sitting_date",
        "debate",
        "debate_ext_id",
        "contribution_ext_id",
        "member",
        "attributed_to",
        "source_url",
        "text_is_complete",
    )
    SEARCH_FIELDS = ("debate", "text", "member", "attributed_to")

    class Meta:
        ordering = [models.F("sitting_date").desc(nulls_last=True), "item_id"]
        constraints = [
            models.CheckConstraint(condition=in_choices("house", House), name="contribution_house_valid"),
            models.CheckConstraint(
                condition=Q(not_evidence=False) | Q(triaged_at__isnull=False),
                name="contribution_not_evidence_is_triaged",
                violation_error_message="A source found to be no evidence has been triaged.",
            ),
        ]

    def __str__(self) -> str:
        when = f"{self.sitting_date:%d/%m/%Y}" if self.sitting_date else "date unknown"
        return f"{self.member or 'Unnamed speaker'}, {self.house} {when}"

    @property
    def official_url(self) -> str:
        """Hansard's page for the debate, at the contribution; empty when the debate is unknown."""
        if not (self.sitting_date and self.debate_ext_id):
            return ""
        slug = "".join(word.capitalize() for word in _NOT_WORD.split(self.debate) if word)
        anchor = f"#contribution-{self.contribution_ext_id}" if self.contribution_ext_id else ""
        return (
            f"https://hansard.parliament.uk/{self.house}/{self.sitting_date:%Y-%m-%d}/debates/"
            f"{self.debate_ext_id}/{slug}{anchor}"
        )

    @property
    def citation_url(self) -> str:
        return self.official_url or self.source_url
