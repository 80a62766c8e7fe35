"""Outside recommendations, the government's response and what became of each: curated by editors
beside the commitments, never mixed with them."""

from django import forms
from django.contrib import admin

from ..models import Recommendation, RecommendationDevelopment
from .base import EDITOR_FIELDS, HistoryAdmin


class DevelopmentInlineForm(forms.ModelForm):
    """A tabular row's inputs have no label of their own: each is named for assistive technology."""

    class Meta:
        model = RecommendationDevelopment
        fields = ["happened_on", "said_by", "quote", "quote_is_complete", "source_url", "commitment", "note"]
        widgets = {
            "happened_on": forms.DateInput(attrs={"aria-label": "Date"}),
            "said_by": forms.Textarea(attrs={"aria-label": "Said by", "rows": 3, "cols": 20}),
            "quote": forms.Textarea(attrs={"aria-label": "Quote, verbatim", "rows": 4, "cols": 40}),
            "source_url": forms.Textarea(attrs={"aria-label": "Source", "rows": 3, "cols": 20}),
            "note": forms.Textarea(attrs={"aria-label": "Note", "rows": 3, "cols": 20}),
        }


class DevelopmentInline(admin.StackedInline):
    formfield_overrides = EDITOR_FIELDS
    model = RecommendationDevelopment
    form = DevelopmentInlineForm
    extra = 0
    autocomplete_fields = ["commitment"]
    verbose_name_plural = "What became of it (verbatim quotes; leave the date empty when not known)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("commitment")


@admin.register(Recommendation)
class RecommendationAdmin(HistoryAdmin):
    list_display = ["title", "made_by", "report_on", "verdict", "verdict_is_inferred", "is_published"]
    list_filter = ["verdict", "made_by", "verdict_is_inferred", "is_published"]
    search_fields = ["title", "slug", "text", "description", "report", "response_text"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["commitments"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [DevelopmentInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "is_published", "commitments"]}),
        (
            "The recommendation",
            {
                "fields": Recommendation.RECOMMENDED,
                "description": "Its own words, verbatim; never completed from memory. Untick "
                "“complete” when the copy stops before the end.",
            },
        ),
        (
            "The government's response",
            {
                "fields": Recommendation.RESPONSE,
                "description": "Give the response's official address; where its words were read "
                "elsewhere, put that page in the last field.",
            },
        ),
        ("Record", {"fields": ["note", "created_at", "updated_at"]}),
    ]
