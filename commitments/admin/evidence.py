"""Evidence, and the editors' review queue of suggestions. Every decision goes through a service."""

import re

from django.contrib import admin, messages
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from ..editorial import accept_status_suggestion, confirm_evidence, reject_evidence
from ..exceptions import TrackerError
from ..models import Evidence, EvidenceSuggestion
from .base import HistoryAdmin


class ReviewActions:
    """Decisions on selected evidence, one by one through a service: each records the reviewer,
    and lands in the admin log."""

    review_noun = "evidence row(s)"
    review_place = "evidence list"

    @admin.display(description="Source")
    def source(self, obj):
        """Which answer, statement or contribution, named as the public pages name it."""
        return obj.source.heading

    def review(self, request, queryset, service, verb):
        done = 0
        # As Evidence, not a proxy: history and signals are registered for Evidence itself.
        chosen = Evidence.objects.filter(pk__in=queryset.values("pk")).select_related(
            "commitment", "question", "statement", "contribution"
        )
        for evidence in chosen:
            try:
                service(evidence, by=request.user)
            except TrackerError as error:
                self.message_user(request, f"{evidence}: {error}", messages.ERROR)
                continue
            done += 1
            self.log_change(request, evidence, f"{verb.capitalize()} from the {self.review_place}.")
        self.message_user(
            request, f"{done} {self.review_noun} {verb}.", messages.SUCCESS if done else messages.WARNING
        )


@admin.register(Evidence)
class EvidenceAdmin(ReviewActions, HistoryAdmin):
    list_display = ["source", "answered", "commitment", "state", "score", "reviewed"]
    # By the day the answer was given, which is what an editor knows; not the day it was imported.
    list_filter = ["state", ("question__date_answered", admin.DateFieldListFilter), "commitment__theme"]
    search_fields = ["excerpt", "commitment__title", "question__uin", "question__heading", "statement__uin"]
    autocomplete_fields = ["commitment", "question", "statement", "contribution"]
    # The state changes only through the confirm / reject actions, which record the reviewer; what
    # the matcher found, and the status change an accepted suggestion made, are records.
    readonly_fields = [
        "state",
        "score",
        "reasons",
        "matched_terms",
        "suggested_status",
        "status_cue",
        "status_change",
        "reviewed_by",
        "reviewed_at",
        "created_at",
        "updated_at",
    ]
    list_select_related = ["question", "statement", "contribution", "commitment", "reviewed_by"]
    date_hierarchy = "question__date_answered"
    actions = ["confirm_selected", "reject_selected"]

    @admin.display(description="answered, made or said", ordering="question__date_answered")
    def answered(self, obj):
        return date_format(obj.source.day) if obj.source.day else "—"

    @admin.display(description="reviewed", ordering="reviewed_at")
    def reviewed(self, obj):
        if not obj.reviewed_at:
            return "—"
        return format_html("{}<br>{}", obj.reviewed_by or "—", date_format(obj.reviewed_at.date()))

    @admin.action(description="Confirm selected evidence")
    def confirm_selected(self, request, queryset):
        self.review(request, queryset, confirm_evidence, "confirmed")

    @admin.action(description="Reject selected evidence")
    def reject_selected(self, request, queryset):
        self.review(request, queryset, reject_evidence, "rejected")


def highlight(text: str, terms: list[str]) -> SafeString:
    """`text` escaped, with each matched term in <mark>, so an editor sees why it matched."""
    words = sorted({term for term in terms if term.strip()}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    parts, last = [], 0
    for found in pattern.finditer(text):
        parts += [escape(text[last : found.start()]), format_html("<mark>{}</mark>", found.group(0))]
        last = found.end()
    return mark_safe("".join([*parts, escape(text[last:])]))  # every part was escaped above


@admin.register(EvidenceSuggestion)
class EvidenceSuggestionAdmin(ReviewActions, admin.ModelAdmin):
    """The review queue: suggestions best first, each with its quote, score and reasons."""

    list_display = ["quote", "commitment", "source", "score", "why", "status_hint"]
    list_display_links = None
    list_filter = ["commitment__theme", "suggested_status", "commitment"]
    search_fields = ["excerpt", "commitment__title", "question__uin", "question__heading", "statement__uin"]
    list_select_related = ["question", "statement", "contribution", "commitment"]
    ordering = ["-score", "-created_at"]
    actions = ["confirm_selected", "reject_selected", "accept_status_selected"]
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).suggested()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Excerpt (matched words marked)")
    def quote(self, obj):
        return highlight(obj.excerpt, obj.matched_terms)

    @admin.display(description="Why")
    def why(self, obj):
        return format_html("<br>".join(["{}"] * len(obj.reasons)), *obj.reasons) if obj.reasons else "—"

    @admin.display(description="Suggested status", ordering="suggested_status")
    def status_hint(self, obj):
        if not obj.suggested_status:
            return "—"
        return format_html("{} (“{}”)", obj.get_suggested_status_display(), obj.status_cue)

    review_noun = "suggestion(s)"
    review_place = "review queue"

    @admin.action(description="Confirm selected suggestions", permissions=["change"])
    def confirm_selected(self, request, queryset):
        self.review(request, queryset, confirm_evidence, "confirmed")

    @admin.action(description="Reject selected suggestions", permissions=["change"])
    def reject_selected(self, request, queryset):
        self.review(request, queryset, reject_evidence, "rejected")

    @admin.action(
        description="Confirm and accept the suggested status (records a status change)",
        permissions=["change"],
    )
    def accept_status_selected(self, request, queryset):
        self.review(request, queryset, accept_status_suggestion, "confirmed with their status accepted")
