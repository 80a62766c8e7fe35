"""What came from Parliament (questions, their events, re-check runs: read-only to editors) and
what the re-check watches for."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html

from ..models import Evidence, QuestionEvent, RecheckRun, WatchedBody, WatchedTerm, WrittenQuestion
from ..tasks import recheck_answers_task, rewatch_task
from .base import EDITOR_FIELDS, HistoryAdmin, ReadOnlyInline, ReadOnlyMixin
from .dates import parse_typed_date
from .forms import answer_label


class QuestionEventInline(ReadOnlyInline):
    model = QuestionEvent
    fields = ["kind", "occurred_on", "detail", "previous_text", "recheck_run", "observed_at"]
    readonly_fields = fields


class QuestionEvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["commitment", "state", "excerpt"]
    readonly_fields = fields
    verbose_name_plural = "Evidence (edit from the commitment or evidence pages)"


@admin.register(WrittenQuestion)
class WrittenQuestionAdmin(admin.ModelAdmin):
    formfield_overrides = EDITOR_FIELDS
    list_display = [
        "__str__",
        "heading",
        "date_answered",
        "answering_body",
        "answer_is_complete",
        "is_withdrawn",
        "official_link",
    ]
    list_filter = [
        "house",
        "answering_body",
        "answer_is_holding",
        "answer_is_correction",
        "is_withdrawn",
        "answer_is_complete",
        "not_evidence",
    ]
    search_fields = [
        "uin",
        "heading",
        "house",
        "question_text",
        "answer_text",
        "asking_member",
        "answering_member",
    ]
    date_hierarchy = "date_answered"
    readonly_fields = [
        "parliament_id",
        "source_record",
        "content_hash",
        "first_seen_at",
        "last_seen_at",
        "official_link",
        # Recorded by the triage screen's decisions (commitments.editorial.triage).
        "triaged_at",
        "triaged_by",
        "not_evidence",
    ]
    inlines = [QuestionEvidenceInline, QuestionEventInline]

    def get_search_results(self, request, queryset, search_term):
        """The words as usual; a term that is a date ("27 April 2022", "27/4/2022") also finds the
        answers given that day."""
        found, duplicates = super().get_search_results(request, queryset, search_term)
        day = parse_typed_date(search_term) if search_term else None
        if day is not None:
            found = found | queryset.filter(date_answered=day)
        return found, duplicates

    @staticmethod
    def autocomplete_label(obj) -> str:
        """How the evidence picker names an answer (the admin site's autocomplete asks for it)."""
        return answer_label(obj)

    @admin.display(description="Official page")
    def official_link(self, obj):
        if not obj.citation_url:
            return "—"
        return format_html('<a href="{}" rel="noopener">{}</a>', obj.citation_url, "open")


@admin.register(QuestionEvent)
class QuestionEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["question", "kind", "occurred_on", "observed_at"]
    list_filter = ["kind"]
    search_fields = ["question__uin", "detail"]
    date_hierarchy = "observed_at"
    list_select_related = ["question"]


@admin.register(RecheckRun)
class RecheckRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Runs are records of what happened: read-only, plus a button that queues a new one."""

    # What an editor checks at a glance, within 1280 px; window, pages, requests and events are on
    # each run's page.
    list_display = [
        "started_at",
        "kind",
        "outcome",
        "created",
        "updated",
        "error_count",
        "failed_record_count",
        "duration",
    ]
    list_filter = ["kind", "outcome"]
    date_hierarchy = "started_at"
    readonly_fields = [field.name for field in RecheckRun._meta.fields]

    @admin.display(description="created", ordering="questions_created")
    def created(self, obj):
        return obj.questions_created

    @admin.display(description="updated", ordering="questions_updated")
    def updated(self, obj):
        return obj.questions_updated

    @admin.display(description="errors")
    def error_count(self, obj):
        return len(obj.errors)

    @admin.display(description="not stored")
    def failed_record_count(self, obj):
        return len(obj.failed_records)

    def get_urls(self):
        return [
            path(
                "recheck-now/",
                self.admin_site.admin_view(self.recheck_now),
                name="commitments_recheckrun_recheck_now",
            ),
            *super().get_urls(),
        ]

    def recheck_now(self, request):
        if request.method != "POST" or not self.has_view_permission(request):
            raise PermissionDenied
        transaction.on_commit(recheck_answers_task.delay)
        self.message_user(request, "A re-check of Parliament has been queued; refresh to see it here.")
        return redirect("admin:commitments_recheckrun_changelist")


class RewatchOnSave:
    """Saving a watched term or body re-matches stored questions and searches the whole window
    again (on a worker, after the save commits)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(rewatch_task.delay)
        self.message_user(request, "Stored questions will be re-matched and Parliament searched again.")


@admin.register(WatchedTerm)
class WatchedTermAdmin(RewatchOnSave, HistoryAdmin):
    list_display = ["term", "scope", "is_active"]
    list_filter = ["scope", "is_active"]
    search_fields = ["term"]


@admin.register(WatchedBody)
class WatchedBodyAdmin(RewatchOnSave, HistoryAdmin):
    list_display = ["name", "answering_body_id", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
