"""Recommendations made to government from outside it, the government's response, and what became
of each: never promises, so never counted with commitments (DESIGN.md "Recommendation")."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from .choices import ResponseVerdict, in_choices
from .plan import Commitment


class RecommendationQuerySet(models.QuerySet):
    def published(self) -> models.QuerySet:
        return self.filter(is_published=True)


class Recommendation(models.Model):
    """Who recommended what, where, and how the government answered.

    The recommendation's own words are often not to be had: `text` holds what survives, verbatim,
    with `text_is_complete` false when the copy stops; `description` is someone else's description,
    quoted and attributed. Neither is ever filled in from memory."""

    Verdict = ResponseVerdict
    # The fields that say what was recommended, and those of the government's response, in the order
    # editors fill them in and the CSV writes them (the admin and opendata/recommendations.py read them).
    RECOMMENDED = (
        "made_by",
        "report",
        "report_url",
        "report_on",
        "number",
        "paragraph",
        "text",
        "text_is_complete",
        "text_source_url",
        "description",
        "description_is_complete",
        "description_by",
        "description_source_url",
    )
    RESPONSE = (
        "verdict",
        "verdict_is_inferred",
        "verdict_basis",
        "response_by",
        "response_document",
        "response_on",
        "response_url",
        "response_text",
        "response_text_is_complete",
        "response_text_source_url",
    )

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(
        max_length=250, help_text="A short name for lists, in plain words (not a quotation)."
    )
    made_by = models.CharField(max_length=250)
    report = models.CharField(max_length=300, help_text="The report it is in, e.g. “IPP sentences, HC 266”.")
    report_url = models.CharField(max_length=500, blank=True, help_text="The report's official address.")
    report_on = models.DateField(null=True, blank=True)
    number = models.CharField(max_length=20, blank=True, help_text="Its number in the report.")
    paragraph = models.CharField(max_length=20, blank=True)
    text = models.TextField(blank=True, help_text="The recommendation's own words, verbatim.")
    text_is_complete = models.BooleanField(default=False)
    text_source_url = models.CharField(max_length=500, blank=True, help_text="Where `text` was read.")
    description = models.TextField(blank=True, help_text="Another's description of it, verbatim.")
    description_is_complete = models.BooleanField(
        default=True, help_text="Untick when the copy of the description stops before its end."
    )
    description_by = models.CharField(max_length=300, blank=True)
    description_source_url = models.CharField(max_length=500, blank=True)

    verdict = models.CharField(max_length=16, choices=Verdict.choices, default=Verdict.NOT_ANSWERED)
    verdict_is_inferred = models.BooleanField(
        default=False,
        help_text="The response does not say it in so many words: the verdict is a reading of it.",
    )
    verdict_basis = models.TextField(blank=True, help_text="Why the verdict is what it is.")
    response_by = models.CharField(max_length=250, blank=True)
    response_document = models.CharField(max_length=300, blank=True)
    response_on = models.DateField(null=True, blank=True)
    response_url = models.CharField(max_length=500, blank=True, help_text="The response's official address.")
    response_text = models.TextField(blank=True, help_text="The government's words, verbatim.")
    response_text_is_complete = models.BooleanField(default=False)
    response_text_source_url = models.CharField(
        max_length=500, blank=True, help_text="Where `response_text` was read, when not the response itself."
    )
    commitments = models.ManyToManyField(
        Commitment, blank=True, related_name="recommendations", help_text="Commitments it bears on."
    )
    note = models.TextField(blank=True, help_text="What could not be confirmed, shown to readers.")
    is_published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[commitments])
    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = [models.F("report_on").asc(nulls_last=True), "made_by", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("verdict", ResponseVerdict), name="recommendation_verdict_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RecommendationDevelopment(models.Model):
    """One dated thing that later happened to a recommendation, in the words of who said it."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="developments")
    happened_on = models.DateField(null=True, blank=True, help_text="Leave empty when not known.")
    said_by = models.CharField(max_length=300)
    quote = models.TextField(help_text="Verbatim.")
    quote_is_complete = models.BooleanField(default=True)
    source_url = models.CharField(max_length=500)
    commitment = models.ForeignKey(
        Commitment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The commitment that carried it out, when one did.",
    )
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["recommendation", models.F("happened_on").asc(nulls_last=True), "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(quote=""), name="recommendation_development_has_quote"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recommendation.slug}: {self.happened_on or 'date not known'}"

    @property
    def source_is_web_address(self) -> bool:
        """Some sources are data files described in words ("github:… key 1666083"): shown as
        they were written, never as a link or a name made from them."""
        return self.source_url.startswith(("https://", "http://"))
