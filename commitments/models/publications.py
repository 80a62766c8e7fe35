"""Publications on GOV.UK (the Content API's content items) that the tracker watches: the IPP
action plan and annual report pages, the offender management statistics collection."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from ..text.attachments import Passage, PassageError, excerpt_in, passage_text, read_from, read_passages
from .choices import EvidenceState
from .observed import ObservedReading, Rechecked
from .querysets import BulkWriteSignalsQuerySet
from .triage_queue import ObservedAwaitingTriage, Triaged

GOVUK_WEBSITE = "https://www.gov.uk"


class PublicationQuerySet(ObservedReading, ObservedAwaitingTriage, BulkWriteSignalsQuerySet):
    """The public reading statements and contributions share (what the public sees, search), and the
    triage queue's `worth_reading()` and `awaiting_triage()`, read over the page's summary and the
    passages editors pasted (`TEXT_FIELDS`)."""


class Publication(Rechecked, Triaged):
    """One GOV.UK content item, keyed by its content_id (GOV.UK's own key: the page keeps it when its
    address changes); its base_path is unique too.

    Not an ObservedSource (it has no house, no HTML, no copy elsewhere), but it reads as one in
    public (ObservedReading: what the public sees, search), and the fields that mean the same thing
    carry the same names. Its `text` is the page's summary as plain text; what a publication says
    is mostly in its attachments (PDF, spreadsheets), which the tracker does not read: an editor
    pastes the passage they quote into `quoted_passages`, under the attachment's address, so the
    quote names where its words can be checked (docs/evidence-review.md)."""

    content_id = models.UUIDField(unique=True, help_text="GOV.UK's content_id.")
    base_path = models.CharField(max_length=300, unique=True, help_text="The page's path on GOV.UK.")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    document_type = models.CharField(max_length=80, blank=True, help_text="GOV.UK's: policy_paper, …")
    schema_name = models.CharField(max_length=80, blank=True)
    first_published_at = models.DateTimeField(null=True, blank=True)
    public_updated_at = models.DateTimeField(
        null=True, blank=True, help_text="When GOV.UK last announced a major change."
    )
    change_history = models.JSONField(
        default=list, blank=True, help_text="GOV.UK's change notes as received: public_timestamp, note."
    )
    attachments = models.JSONField(default=list, blank=True, help_text="Each file's title, url, type.")
    documents = models.JSONField(
        default=list, blank=True, help_text="For a collection: the pages in it (title, base_path)."
    )
    text = models.TextField(blank=True, help_text="The page's summary (details.body) as plain text.")
    source_record = models.JSONField(default=dict, blank=True, help_text="The content item as received.")
    is_about_ipp = models.BooleanField(default=False, help_text="The page names IPP in so many words.")
    matched_terms = models.JSONField(default=list, blank=True)
    quoted_passages = models.TextField(
        blank=True,
        help_text="Passages an editor quotes from the attachments, pasted verbatim: the attachment's "
        "address (https://assets.publishing.service.gov.uk/… or https://www.gov.uk/…) on a line of "
        "its own, then the passage under it, one paragraph per line; a blank line, then the next "
        "address. One attachment address per passage.",
    )
    # The words search reads, weighted (models/search.py); written by a PostgreSQL trigger
    # (migration 0035_publication_search_vector), empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    # Rechecked's, with what makes a publication's update news.
    content_hash = models.CharField(
        max_length=64, blank=True, help_text="Hash of what makes an update news: date, notes, documents."
    )

    # What the triage queue and screen (models/triage_queue.py, admin/triage.py) and the public
    # reading (observed.ObservedReading) need to know.
    HEADING_FIELD = "title"
    DATE_FIELD = "first_published_at"
    EVIDENCE_FIELD = "publication_id"
    TEXT_FIELDS = ("text", "quoted_passages")
    LIST_FIELDS = ("base_path", "title", "first_published_at", "public_updated_at")
    SEARCH_FIELDS = ("title", "description", "text", "quoted_passages")

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = [models.F("public_updated_at").desc(nulls_last=True), "base_path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(not_evidence=False) | Q(triaged_at__isnull=False),
                name="publication_not_evidence_is_triaged",
                violation_error_message="A source found to be no evidence has been triaged.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def passages(self) -> list[Passage]:
        """The pasted passages under their attachments' addresses (none when they cannot be read:
        `clean()` refuses that before it is saved)."""
        try:
            return read_passages(self.quoted_passages)
        except PassageError:
            return []

    @property
    def quotable_text(self) -> str:
        """What a quote from the publication may be taken from: the page's summary, then the pasted
        passages (without their addresses), a paragraph apart."""
        return "\n\n".join(part for part in (self.text, passage_text(self.passages)) if part.strip())

    def read_from(self, excerpt: str) -> str:
        """The address of the attachment the excerpt was read from; the page itself when the excerpt
        is from its summary."""
        return read_from(self.passages, excerpt) or self.official_url

    def match_inputs(self) -> dict[str, str]:
        """What the matcher reads (analysis/matching.py): the summary and passages, under the title."""
        return {"answer_text": self.quotable_text, "heading": self.title}

    def clean(self) -> None:
        """Passages must name their attachments, and a passage confirmed evidence quotes stays: a
        quote the public reads must remain in the text it cites."""
        try:
            read_passages(self.quoted_passages)
        except PassageError as error:
            raise ValidationError({"quoted_passages": str(error)}) from error
        if self.pk is None:
            return
        lost = [
            evidence.commitment.slug
            for evidence in self.evidence.filter(state=EvidenceState.CONFIRMED).select_related("commitment")
            if not excerpt_in(self.quotable_text, evidence.excerpt)
        ]
        if lost:
            raise ValidationError(
                {
                    "quoted_passages": "Confirmed evidence quotes words no longer here (for "
                    f"{', '.join(lost)}): keep the passages it quotes as they were."
                }
            )

    @property
    def official_url(self) -> str:
        return f"{GOVUK_WEBSITE}{self.base_path}"

    @property
    def citation_url(self) -> str:
        return self.official_url
