"""Publications on GOV.UK (the Content API's content items) that the tracker watches: the IPP
action plan and annual report pages, the offender management statistics collection."""

from __future__ import annotations

from django.db import models

from .querysets import BulkWriteSignalsQuerySet

GOVUK_WEBSITE = "https://www.gov.uk"


class Publication(models.Model):
    """One GOV.UK content item, keyed by its content_id (GOV.UK's own key: the page keeps it when its
    address changes); its base_path is unique too.

    Not an ObservedSource: that shares the public reading vocabulary (what is published, search),
    which rests on evidence pointing at the source, and publications are not evidence yet. The
    fields that mean the same thing carry the same names. Its `text` is the page's summary as plain
    text; what a publication says is mostly in its attachments (PDF, spreadsheets), which the
    tracker does not read: an editor quotes the passage from the attachment."""

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
    content_hash = models.CharField(
        max_length=64, blank=True, help_text="Hash of what makes an update news: date, notes, documents."
    )
    list_fingerprint = models.CharField(
        max_length=64, blank=True, help_text="Hash of the item last seen; unchanged means no work."
    )
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now_add=True)

    objects = BulkWriteSignalsQuerySet.as_manager()

    class Meta:
        ordering = [models.F("public_updated_at").desc(nulls_last=True), "base_path"]

    def __str__(self) -> str:
        return self.title

    @property
    def official_url(self) -> str:
        return f"{GOVUK_WEBSITE}{self.base_path}"

    @property
    def citation_url(self) -> str:
        return self.official_url
