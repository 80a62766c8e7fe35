"""The link between a commitment and an answer that speaks to it, and the editors' review queue."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from ..text.quotes import Quote, quote_excerpt
from .choices import EvidenceState, Status, in_choices
from .evidence_source import EvidenceSource, describe_source
from .hansard import HansardContribution
from .plan import Commitment
from .publications import Publication
from .querysets import EvidenceQuerySet
from .questions import WrittenQuestion
from .statements import WrittenStatement

# Exactly one of these is set: one foreign key per kind of source (docs/data.md says why not a
# generic relation). The field's name also names the kind on the triage screen.
SOURCE_MODELS = {
    "question": WrittenQuestion,
    "statement": WrittenStatement,
    "contribution": HansardContribution,
    "publication": Publication,
}
# Every source field, for `select_related(*SOURCE_FIELDS)` where any kind may be read.
SOURCE_FIELDS = tuple(SOURCE_MODELS)
Source = WrittenQuestion | WrittenStatement | HansardContribution | Publication


def source_field(source: Source) -> str:
    """The Evidence field that points to a source of this kind: "question", "statement",
    "contribution" or "publication"."""
    return next(name for name, model in SOURCE_MODELS.items() if isinstance(source, model))


def _exactly_one_source() -> Q:
    """One of the source fields set, the others empty."""
    either = Q()
    for name in SOURCE_FIELDS:
        either |= Q(**{f"{other}__isnull": other != name for other in SOURCE_FIELDS})
    return either


class Evidence(models.Model):
    """The link between a commitment and one source that speaks to it: a written answer, a written
    ministerial statement, a Hansard contribution or a GOV.UK publication."""

    State = EvidenceState
    SOURCE_FIELDS = SOURCE_FIELDS

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="evidence")
    question = models.ForeignKey(
        WrittenQuestion, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    statement = models.ForeignKey(
        WrittenStatement, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    contribution = models.ForeignKey(
        HansardContribution, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    publication = models.ForeignKey(
        Publication, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
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
            models.CheckConstraint(
                condition=_exactly_one_source(),
                name="evidence_exactly_one_source",
                violation_error_message="Evidence rests on exactly one source.",
            ),
            models.UniqueConstraint(
                fields=["commitment", "question"],
                name="evidence_once_per_commitment_question",
                violation_error_message="This question is already linked to this commitment.",
            ),
            models.UniqueConstraint(
                fields=["commitment", "statement"],
                name="evidence_once_per_commitment_statement",
                violation_error_message="This statement is already linked to this commitment.",
            ),
            models.UniqueConstraint(
                fields=["commitment", "contribution"],
                name="evidence_once_per_commitment_contribution",
                violation_error_message="This contribution is already linked to this commitment.",
            ),
            models.UniqueConstraint(
                fields=["commitment", "publication"],
                name="evidence_once_per_commitment_publication",
                violation_error_message="This publication is already linked to this commitment.",
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
        return f"{self.source_record} → {self.commitment.slug} ({self.state})"

    @property
    def source_record(self) -> Source:
        """The one source this evidence rests on (the check constraint says there is exactly one)."""
        return self.question or self.statement or self.contribution or self.publication

    @property
    def read_from(self) -> str:
        """Where a publication's quoted words can be checked: the attachment the passage was pasted
        from (or the page, for its summary); "" for the other kinds, whose page holds the words."""
        return self.publication.read_from(self.excerpt) if self.publication_id else ""

    @cached_property
    def source(self) -> EvidenceSource:
        """How the public names, dates and links the source, whatever its kind."""
        return describe_source(self.source_record)

    @cached_property
    def quote(self) -> Quote:
        """What the public reads: the whole sentences of the source holding the excerpt, and which
        of an answer's tables it introduces. Reads the source's text: load it with the evidence."""
        return quote_excerpt(self.source.text, self.excerpt)


class EvidenceSuggestion(Evidence):
    """The editors' review queue: evidence the matcher suggested and nobody has reviewed yet."""

    class Meta:
        proxy = True
        verbose_name = "suggestion to review"
        verbose_name_plural = "review queue"


# What a triage form was made from, so a decision on a row that changed since is refused
# (editorial/triage.py checks; analysis/triage.py puts them in the forms).
def evidence_version(evidence: Evidence | None) -> str:
    """What a candidate's form was made from: its evidence row as it stood, or none yet."""
    if evidence is None:
        return "none"
    return f"{evidence.pk}-{evidence.state}-{evidence.updated_at.timestamp():.6f}"


def triage_version(source: Source, evidence: Iterable[Evidence]) -> str:
    """What a source's forms were made from: its triage and every decision on its evidence."""
    parts = [str(source.triaged_at.timestamp() if source.triaged_at else "")]
    parts += sorted(evidence_version(row) for row in evidence)
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
