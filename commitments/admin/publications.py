"""GOV.UK publications as the re-check found them: read-only to editors, with their events (first
seen, updated on GOV.UK, summary changed) and GOV.UK's own change notes and attachments."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from ..models import Publication
from .base import ReadOnlyMixin
from .spoken import OfficialLink, SourceEventInline


@admin.register(Publication)
class PublicationAdmin(OfficialLink, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "document_type", "public_updated_at", "is_about_ipp", "official_link"]
    list_filter = ["document_type", "schema_name", "is_about_ipp"]
    search_fields = ["title", "description", "base_path", "text"]
    date_hierarchy = "public_updated_at"
    exclude = ["source_record", "change_history", "attachments", "documents"]
    readonly_fields = ["official_link", "change_notes", "attachment_links", "collection_pages"]
    inlines = [SourceEventInline]

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
