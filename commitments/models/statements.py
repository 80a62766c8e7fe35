"""Written ministerial statements, keyed as Parliament keys them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .choices import House, in_choices
from .observed import ObservedSource


class WrittenStatement(ObservedSource):
    """A written ministerial statement (HCWS…/HLWS…).

    Parliament restarts statement UINs every session, so the key is (house, date_made, uin); the
    API's numeric id is unique too. The text is the API's HTML, kept as received, and as plain text.
    """

    parliament_id = models.PositiveIntegerField(unique=True, help_text="The API's numeric id.")
    house = models.CharField(max_length=10, choices=House.choices)
    uin = models.CharField("UIN", max_length=20)
    date_made = models.DateField()
    title = models.CharField(max_length=250, blank=True)
    text_html = models.TextField(blank=True, help_text="The statement's HTML exactly as received.")
    member = models.CharField(max_length=200, blank=True)
    member_id = models.PositiveIntegerField(null=True, blank=True)
    member_role = models.CharField(max_length=250, blank=True)
    answering_body = models.CharField(max_length=200, blank=True)
    answering_body_id = models.PositiveIntegerField(null=True, blank=True)
    attachments = models.JSONField(default=list, blank=True)
    linked_statements = models.JSONField(default=list, blank=True)

    # What the shared reading vocabulary needs to know (observed.ObservedReading).
    HEADING_FIELD = "title"
    DATE_FIELD = "date_made"
    EVIDENCE_FIELD = "statement_id"
    LIST_FIELDS = ("house", "uin", "date_made", "title", "member", "member_role", "text_is_complete")
    SEARCH_FIELDS = ("uin", "title", "text", "member", "member_role")

    class Meta:
        ordering = ["-date_made", "house", "uin"]
        constraints = [
            models.UniqueConstraint(
                fields=["house", "date_made", "uin"], name="statement_unique_parliament_key"
            ),
            models.CheckConstraint(condition=~Q(uin=""), name="statement_uin_not_blank"),
            models.CheckConstraint(condition=in_choices("house", House), name="statement_house_valid"),
            models.CheckConstraint(
                condition=Q(not_evidence=False) | Q(triaged_at__isnull=False),
                name="statement_not_evidence_is_triaged",
                violation_error_message="A source found to be no evidence has been triaged.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.uin} ({self.date_made:%d/%m/%Y})"

    @property
    def official_url(self) -> str:
        """Parliament's own page, keyed by the day it was made and its UIN."""
        return (
            "https://questions-statements.parliament.uk/written-statements/detail/"
            f"{self.date_made:%Y-%m-%d}/{self.uin}"
        )

    @property
    def citation_url(self) -> str:
        return self.official_url
