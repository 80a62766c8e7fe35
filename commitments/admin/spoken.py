"""Written statements and Hansard contributions as the re-check found them: read-only to editors,
with their events and the evidence resting on them."""

from django.contrib import admin
from django.utils.html import format_html

from ..models import Evidence, HansardContribution, SourceEvent, WrittenStatement
from .base import ReadOnlyInline, ReadOnlyMixin


class SourceEventInline(ReadOnlyInline):
    model = SourceEvent
    fields = ["kind", "occurred_on", "detail", "previous_text", "recheck_run", "observed_at"]
    readonly_fields = fields


class SourceEvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["commitment", "state", "excerpt"]
    readonly_fields = fields
    verbose_name_plural = "Evidence (edit from the commitment or evidence pages)"


class OfficialLink:
    @admin.display(description="official page")
    def official_link(self, obj):
        url = obj.official_url
        return format_html('<a href="{}">{}</a>', url, url) if url else "— (not known)"


@admin.register(WrittenStatement)
class WrittenStatementAdmin(OfficialLink, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["uin", "title", "date_made", "house", "member", "text_is_complete", "official_link"]
    list_filter = ["house", "answering_body", "text_is_complete", "is_about_ipp"]
    search_fields = ["uin", "title", "text", "member"]
    date_hierarchy = "date_made"
    exclude = ["source_record", "text_html"]
    inlines = [SourceEventInline, SourceEvidenceInline]


@admin.register(HansardContribution)
class HansardContributionAdmin(OfficialLink, ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "debate",
        "hansard_section",
        "attributed_to",
        "text_is_complete",
        "official_link",
    ]
    list_filter = ["house", "hansard_section", "text_is_complete", "is_about_ipp"]
    search_fields = ["member", "attributed_to", "debate", "text"]
    date_hierarchy = "sitting_date"
    exclude = ["source_record"]
    inlines = [SourceEventInline, SourceEvidenceInline]
