"""The link between a commitment and an answer that speaks to it, and the editors' review queue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from ..analysis.quotes import Quote, quote_excerpt
from .choices import EvidenceState, Status, in_choices
from .plan import Commitment
from .querysets import EvidenceQuerySet
from .questions import WrittenQuestion


class Evidence(models.Model):
    """The link between a commitment and a written question that speaks to it."""

    State = EvidenceState

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="evidence")
    question = models.ForeignKey(WrittenQuestion, on_delete=models.PROTECT, related_name="evidence")
    excerpt = models.TextField(
        blank=True, help_text="The sentence(s) of the answer that matter, quoted exactly."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUGGESTED)
    score = models.FloatField(null=True, blank=True, help_text="Matcher score of a suggestion.")
    reasons = models.JSONField(default=list, blank=True, help_text="Why it was suggested.")
    matched_terms = models.JSONField(
        default=list, blank=True, help_text="Words and phrases of the answer the matcher found."
    )
    suggested_status = models.CharField(
        max_length=20,
        choices=Status.choices,
        blank=True,
        help_text="The status the excerpt's wording points to. Never applied by itself.",
    )
    status_cue = models.CharField(
        max_length=100, blank=True, help_text="The phrase of the excerpt that points to that status."
    )
    status_change = models.OneToOneField(
        "StatusChange",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accepted_suggestion",
        help_text="The status change an editor made by accepting the suggested status.",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["commitment", "-created_at"]
        indexes = [
            # The home page's newest confirmed evidence: walked in order, not sorted from every row.
            models.Index(
                fields=["-reviewed_at", "-id"],
                condition=Q(state=EvidenceState.CONFIRMED),
                name="evidence_newest_confirmed",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "question"],
                name="evidence_once_per_commitment_question",
                violation_error_message="This question is already linked to this commitment.",
            ),
            models.CheckConstraint(condition=in_choices("state", EvidenceState), name="evidence_state_valid"),
            models.CheckConstraint(
                condition=~Q(state=EvidenceState.CONFIRMED) | ~Q(excerpt=""),
                name="evidence_confirmed_has_excerpt",
                violation_error_message="Confirmed evidence needs the quoted excerpt.",
            ),
            models.CheckConstraint(
                condition=in_choices("suggested_status", Status, or_blank=True),
                name="evidence_suggested_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(suggested_status="") | ~Q(status_cue=""),
                name="evidence_suggested_status_has_cue",
                violation_error_message="A suggested status needs the phrase it rests on.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question} → {self.commitment.slug} ({self.state})"

    @cached_property
    def quote(self) -> Quote:
        """What the public reads: the whole sentences of the answer holding the excerpt, and which
        of the answer's tables it introduces. Reads the question's text: load it with the evidence."""
        return quote_excerpt(self.question.answer_text, self.excerpt)


class EvidenceSuggestion(Evidence):
    """The editors' review queue: evidence the matcher suggested and nobody has reviewed yet."""

    class Meta:
        proxy = True
        verbose_name = "suggestion to review"
        verbose_name_plural = "review queue"
