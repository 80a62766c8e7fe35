"""Evidence, and the editors' review queue of suggestions. Every decision goes through a service."""

import re

from django.contrib import admin, messages
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from ..analysis.suggestions import threshold
from ..editorial import accept_status_suggestion, confirm_evidence, reject_evidence
from ..exceptions import TrackerError
from ..models import Evidence, EvidenceSuggestion
from ..models.evidence import SOURCE_FIELDS
from .base import HistoryAdmin


def match_strength(score: float | None) -> str:
    """A suggestion's score in an editor's words: strong when the matcher would suggest it by itself."""
    if score is None:
        return "from the research notes"
    return "strong match" if score >= threshold() else "weak match"


class ReviewActions:
    """Decisions on selected evidence, one by one through a service: each records the reviewer,
    and lands in the admin log."""

    @admin.display(description="match", ordering="score")
    def match(self, obj):
        """Sorted by the score; said in words, never the number against the threshold."""
        return match_strength(obj.score)

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
            "commitment", *SOURCE_FIELDS
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
    list_display = ["source", "answered", "commitment", "state", "match", "reviewed"]
    # By the day the answer was given, which is what an editor knows; not the day it was imported.
    list_filter = ["state", ("question__date_answered", admin.DateFieldListFilter), "commitment__theme"]
    search_fields = [
        "excerpt",
        "commitment__title",
        "question__uin",
        "question__heading",
        "statement__uin",
        "publication__title",
    ]
    autocomplete_fields = ["commitment", *SOURCE_FIELDS]
    exclude = ["reasons", "score"]  # shown in an editor's words as "why" and "match"
    # The state changes only through the confirm / reject actions, which record the reviewer; what
    # the matcher found, and the status change an accepted suggestion made, are records.
    readonly_fields = [
        "state",
        "match",
        "why",
        "matched_terms",
        "suggested_status",
        "status_cue",
        "status_change",
        "reviewed_by",
        "reviewed_at",
        "created_at",
        "updated_at",
    ]
    list_select_related = [*SOURCE_FIELDS, "commitment", "reviewed_by"]
    date_hierarchy = "question__date_answered"
    actions = ["confirm_selected", "reject_selected"]

    @admin.display(description="answered, made or said", ordering="question__date_answered")
    def answered(self, obj):
        return date_format(obj.source.day) if obj.source.day else "—"

    @admin.display(description="Why it was suggested")
    def why(self, obj):
        reasons = reasons_for_editors(obj.reasons)
        return format_html("<br>".join(["{}"] * len(reasons)), *reasons) if reasons else "—"

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


_REWORDED = [
    # The matcher's own line: the screen says "strong" or "weak" match instead of numbers.
    (re.compile(r"^Scored [\d.]+ \(suggested from [\d.]+\)\.?$"), None),
    (re.compile(r"^Matched: (.*?)\.?$"), "Words it shares with the commitment: {0}."),
    (
        re.compile(r"^Lowered \d+% for resembling.*$"),
        "Counts for less: it resembles passages editors rejected.",
    ),
    (re.compile(r"^Labelled in [^:]*:\s*(.*?)$"), "From the research notes: {0}"),
]
_FILE_NAME = re.compile(r"\b[\w.-]+\.(?:jsonl|json|csv|py)\b")


def reasons_for_editors(reasons: list[str]) -> list[str]:
    """Why a passage was suggested, in an editor's words: no scores against a threshold, no file
    names (stored reasons keep what the matcher and the loader wrote)."""
    worded = []
    for reason in reasons:
        for pattern, words in _REWORDED:
            if found := pattern.match(reason.strip()):
                reason = words.format(*found.groups()) if words else ""
                break
        reason = _FILE_NAME.sub("the research notes", reason)
        if reason and reason != "From the research notes: ":
            worded.append(reason.rstrip(": ") if reason.endswith(": ") else reason)
    return worded


@admin.register(EvidenceSuggestion)
class EvidenceSuggestionAdmin(ReviewActions, admin.ModelAdmin):
    """The review queue: suggestions best first, each with its quote, score and reasons."""

    list_display = ["quote", "commitment", "source", "match", "why", "status_hint"]
    list_display_links = None
    list_filter = ["commitment__theme", "suggested_status", "commitment"]
    search_fields = EvidenceAdmin.search_fields
    list_select_related = [*SOURCE_FIELDS, "commitment"]
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
        reasons = reasons_for_editors(obj.reasons)
        return format_html("<br>".join(["{}"] * len(reasons)), *reasons) if reasons else "—"

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
