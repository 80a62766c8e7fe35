"""GOV.UK publications as the re-check found them, with their events (first seen, updated on GOV.UK,
summary changed) and GOV.UK's own change notes and attachments. What GOV.UK sent is read-only to
editors; they change only the passages they paste from the attachments to quote them."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from ..analysis.source_suggestions import suggest_source_evidence
from ..models import Publication
from .spoken import OfficialLink, SourceEventInline, SourceEvidenceInline

FROM_GOVUK = [
    "title",
    "base_path",
    "content_id",
    "description",
    "document_type",
    "schema_name",
    "first_published_at",
    "public_updated_at",
    "text",
    "is_about_ipp",
    "matched_terms",
    "content_hash",
    "list_fingerprint",
    "first_seen_at",
    "last_seen_at",
    "triaged_at",
    "triaged_by",
    "not_evidence",
    "cleared_in_bulk",
]


@admin.register(Publication)
class PublicationAdmin(OfficialLink, admin.ModelAdmin):
    list_display = ["title", "document_type", "public_updated_at", "is_about_ipp", "official_link"]
    list_filter = ["document_type", "schema_name", "is_about_ipp"]
    search_fields = ["title", "description", "base_path", "text"]
    date_hierarchy = "public_updated_at"
    fields = [
        "official_link",
        *FROM_GOVUK[:9],
        "attachment_links",
        "quoted_passages",
        "change_notes",
        "collection_pages",
        *FROM_GOVUK[9:],
    ]
    readonly_fields = ["official_link", "change_notes", "attachment_links", "collection_pages", *FROM_GOVUK]
    inlines = [SourceEventInline, SourceEvidenceInline]

    def has_add_permission(self, request):
        return False  # publications come from GOV.UK's Content API

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Saved as typed (`Publication.clean` has checked the addresses, and that confirmed quotes
        stay); then matched again, so a pasted passage can be suggested as evidence."""
        super().save_model(request, obj, form, change)
        if "quoted_passages" in form.changed_data:
            suggest_source_evidence(obj)

    @admin.display(description="change notes (GOV.UK's)")
    def change_notes(self, obj):
        return (
            format_html_join(
                "", "<p>{}: {}</p>", ((n.get("public_timestamp"), n.get("note")) for n in obj.change_history)
            )
            or "—"
        )

    @admin.display(description="attachments")
    def attachment_links(self, obj):
        return (
            format_html_join(
                "",
                '<p><a href="{}">{}</a> ({})</p>',
                ((a["url"], a["title"], a["content_type"] or "type not given") for a in obj.attachments),
            )
            or "—"
        )

    @admin.display(description="pages in the collection")
    def collection_pages(self, obj):
        return format_html_join(
            "",
            '<p><a href="https://www.gov.uk{}">{}</a></p>',
            ((d["base_path"], d["title"]) for d in obj.documents),
        ) or format_html("{}", "—")
