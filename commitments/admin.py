"""The editors' admin: configuration, plus actions that call services."""

import re

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from simple_history.admin import SimpleHistoryAdmin

from . import digests
from .exceptions import TrackerError
from .forms import CommitmentAdminForm
from .models import (
    ActionPlan,
    Commitment,
    DigestDelivery,
    DigestPeriod,
    Evidence,
    EvidenceSuggestion,
    FigureCell,
    FigureColumn,
    FigureRow,
    FigureTable,
    QuestionEvent,
    RecheckRun,
    StatusChange,
    Subscriber,
    Theme,
    WatchedBody,
    WatchedTerm,
    WrittenQuestion,
)
from .querysets import RECENT_EVIDENCE_DAYS
from .services import accept_status_suggestion, confirm_evidence, record_status_change, reject_evidence
from .tasks import recheck_answers_task, rewatch_task, send_digests_task

# A typed address without a scheme is taken as https (Django 6's default, asked for now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class HistoryAdmin(SimpleHistoryAdmin):
    """History is there to read. Reverting from it would write old values around the services
    (an old status without a status change, a confirmation without a reviewer), so it is refused."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Past versions can be viewed, not restored.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyMixin:
    """Records of what happened: shown, never added, changed or deleted through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    """History shown beside its object."""

    extra = 0
    can_delete = False
    show_change_link = False


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = [
        "effective_on",
        "from_status",
        "to_status",
        "reason",
        "question",
        "source_url",
        "origin",
        "changed_by",
        "created_at",
    ]
    readonly_fields = fields
    ordering = ["-effective_on", "-pk"]
    verbose_name_plural = "Status history (add a new status in the form above)"


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["question", "state", "excerpt", "score", "reviewed_by", "reviewed_at"]
    readonly_fields = ["score", "reviewed_by", "reviewed_at"]
    autocomplete_fields = ["question"]


class NoRecentEvidenceFilter(admin.SimpleListFilter):
    """Commitments whose newest confirmed evidence was answered more than RECENT_EVIDENCE_DAYS
    (twelve months) ago, or that have none."""

    title = "evidence"
    parameter_name = "evidence"

    def lookups(self, request, model_admin):
        return [("stale", f"No recent evidence (over {RECENT_EVIDENCE_DAYS} days)")]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return queryset.without_recent_evidence()
        return queryset


@admin.register(Commitment)
class CommitmentAdmin(HistoryAdmin):
    form = CommitmentAdminForm
    list_display = ["title", "theme", "status", "owner", "is_published", "updated_at"]
    list_filter = ["status", "theme", "action_plans", "is_published", NoRecentEvidenceFilter]
    search_fields = ["title", "slug", "summary", "owner"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["status", "created_at", "updated_at"]
    filter_horizontal = ["action_plans"]
    date_hierarchy = "updated_at"
    inlines = [EvidenceInline, StatusChangeInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "theme", "owner", "action_plans", "summary", "is_published"]}),
        ("Details", {"fields": ["keywords", "targets", "source_urls"]}),
        (
            "Status",
            {
                "fields": [
                    "status",
                    "new_status",
                    "status_reason",
                    "status_effective_on",
                    "status_question",
                    "status_source_url",
                ],
                "description": "The status changes only by adding a dated change with a reason; "
                "past changes stay in the history below.",
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if request.user.has_perm("commitments.add_statuschange"):
            return self.fieldsets
        return [
            (name, {**options, "fields": ["status"]}) if name == "Status" else (name, options)
            for name, options in self.fieldsets
        ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        data = form.cleaned_data
        if data.get("new_status") and request.user.has_perm("commitments.add_statuschange"):
            record_status_change(
                obj,
                to=data["new_status"],
                reason=data["status_reason"],
                effective_on=data["status_effective_on"],
                question=data.get("status_question"),
                source_url=data.get("status_source_url") or "",
                by=request.user,
            )

    def save_formset(self, request, form, formset, change):
        """Confirming or rejecting evidence inline goes through the same services as the actions."""
        if formset.model is not Evidence:
            return super().save_formset(request, form, formset, change)
        evidence_rows = formset.save(commit=False)
        for evidence in formset.deleted_objects:
            evidence.delete()
        for evidence in evidence_rows:
            if evidence.state == Evidence.State.CONFIRMED and "state" in _changed(formset, evidence):
                confirm_evidence(evidence, by=request.user)
            elif evidence.state == Evidence.State.REJECTED and "state" in _changed(formset, evidence):
                reject_evidence(evidence, by=request.user)
            else:
                evidence.save()
        formset.save_m2m()
        return None


def _changed(formset, instance) -> list[str]:
    for form in formset.forms:
        if form.instance is instance:
            return form.changed_data
    return []


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Append-only: listed and read here, added from the commitment page."""

    list_display = [
        "commitment",
        "from_status",
        "to_status",
        "effective_on",
        "origin",
        "changed_by",
        "created_at",
    ]
    list_filter = ["to_status", "origin", "commitment__theme"]
    search_fields = ["commitment__title", "reason", "question__uin"]
    date_hierarchy = "effective_on"
    list_select_related = ["commitment", "changed_by"]


@admin.register(Evidence)
class EvidenceAdmin(HistoryAdmin):
    list_display = ["question", "commitment", "state", "score", "reviewed_by", "reviewed_at"]
    list_filter = ["state", "commitment__theme"]
    search_fields = ["excerpt", "commitment__title", "question__uin", "question__heading"]
    autocomplete_fields = ["commitment", "question"]
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
    list_select_related = ["question", "commitment", "reviewed_by"]
    date_hierarchy = "created_at"
    actions = ["confirm_selected", "reject_selected"]

    @admin.action(description="Confirm selected evidence")
    def confirm_selected(self, request, queryset):
        self._review(request, queryset, confirm_evidence, "confirmed")

    @admin.action(description="Reject selected evidence")
    def reject_selected(self, request, queryset):
        self._review(request, queryset, reject_evidence, "rejected")

    def _review(self, request, queryset, service, verb):
        done = 0
        for evidence in queryset:
            try:
                service(evidence, by=request.user)
                done += 1
            except TrackerError as error:
                self.message_user(request, f"{evidence}: {error}", messages.ERROR)
        self.message_user(request, f"{done} evidence row(s) {verb}.", messages.SUCCESS)


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
class EvidenceSuggestionAdmin(admin.ModelAdmin):
    """The review queue: suggestions best first, each with its quote, score and reasons."""

    list_display = ["quote", "commitment", "question", "score", "why", "status_hint"]
    list_display_links = None
    list_filter = ["commitment__theme", "suggested_status", "commitment"]
    search_fields = ["excerpt", "commitment__title", "question__uin", "question__heading"]
    list_select_related = ["question", "commitment"]
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

    @admin.action(description="Confirm selected suggestions", permissions=["change"])
    def confirm_selected(self, request, queryset):
        self._review(request, queryset, confirm_evidence, "confirmed")

    @admin.action(description="Reject selected suggestions", permissions=["change"])
    def reject_selected(self, request, queryset):
        self._review(request, queryset, reject_evidence, "rejected")

    @admin.action(
        description="Confirm and accept the suggested status (records a status change)",
        permissions=["change"],
    )
    def accept_status_selected(self, request, queryset):
        self._review(request, queryset, accept_status_suggestion, "confirmed with their status accepted")

    def _review(self, request, queryset, service, verb):
        done = 0
        # As Evidence, not the proxy: history and signals are registered for Evidence itself.
        chosen = Evidence.objects.filter(pk__in=queryset.values("pk")).select_related(
            "commitment", "question"
        )
        for evidence in chosen:
            try:
                service(evidence, by=request.user)
            except TrackerError as error:
                self.message_user(request, f"{evidence}: {error}", messages.ERROR)
                continue
            done += 1
            self.log_change(request, evidence, f"{verb.capitalize()} from the review queue.")
        self.message_user(
            request, f"{done} suggestion(s) {verb}.", messages.SUCCESS if done else messages.WARNING
        )


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
    formfield_overrides = HTTPS_URLS
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
    ]
    search_fields = ["uin", "heading", "question_text", "answer_text", "asking_member", "answering_member"]
    date_hierarchy = "date_answered"
    readonly_fields = [
        "parliament_id",
        "source_record",
        "content_hash",
        "first_seen_at",
        "last_seen_at",
        "official_link",
    ]
    inlines = [QuestionEvidenceInline, QuestionEventInline]

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


@admin.register(ActionPlan)
class ActionPlanAdmin(HistoryAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["title", "published_on", "publisher"]
    search_fields = ["title", "slug", "notes"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_on"


@admin.register(Theme)
class ThemeAdmin(HistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


class FigureRowInline(admin.TabularInline):
    model = FigureRow
    extra = 0
    fields = ["position", "label", "label_missing", "is_total"]


class FigureColumnInline(admin.TabularInline):
    model = FigureColumn
    extra = 0
    fields = ["position", "label", "label_missing", "is_total"]


@admin.register(FigureTable)
class FigureTableAdmin(HistoryAdmin):
    list_display = ["caption", "question", "created_at"]
    search_fields = ["caption", "question__uin"]
    autocomplete_fields = ["question"]
    date_hierarchy = "created_at"
    inlines = [FigureColumnInline, FigureRowInline]


@admin.register(FigureCell)
class FigureCellAdmin(admin.ModelAdmin):
    list_display = ["row", "column", "kind", "value", "published"]
    list_filter = ["kind", "row__table"]
    search_fields = ["row__label", "column__label", "published"]
    list_select_related = ["row", "column"]


@admin.register(FigureRow, FigureColumn)
class FigureAxisLabelAdmin(HistoryAdmin):
    """Row and column labels, editable so a label the source lost can be restored with a source."""

    list_display = ["display_label", "table", "position", "label_missing", "is_total"]
    list_filter = ["label_missing", "is_total", "table"]
    search_fields = ["label", "table__caption"]
    list_select_related = ["table"]


@admin.register(RecheckRun)
class RecheckRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Runs are records of what happened: read-only, plus a button that queues a new one."""

    list_display = [
        "started_at",
        "kind",
        "outcome",
        "window_from",
        "pages_fetched",
        "requests_made",
        "questions_created",
        "questions_updated",
        "questions_unchanged",
        "events_created",
        "error_count",
        "duration",
    ]
    list_filter = ["kind", "outcome"]
    date_hierarchy = "started_at"
    readonly_fields = [field.name for field in RecheckRun._meta.fields]

    @admin.display(description="errors")
    def error_count(self, obj):
        return len(obj.errors)

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


# -- Email digests. Subscribers' addresses are personal data that editing does not need, so only
# superusers see them: the Editors group has no permission on these models (commitments/roles.py).


class SubscriberStateFilter(admin.SimpleListFilter):
    """Pending: has not used the confirmation link yet. Confirmed: gets digests. Unsubscribed: stopped."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("confirmed", "Confirmed"), ("pending", "Pending"), ("unsubscribed", "Unsubscribed")]

    def queryset(self, request, queryset):
        if self.value() in {"confirmed", "pending", "unsubscribed"}:
            return getattr(queryset, self.value())()
        return queryset


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Subscriptions are made and changed only by the address itself (double opt-in, signed links);
    here they are read, previewed, or deleted on request."""

    list_display = ["email", "state", "frequency", "themes_display", "created_at", "confirmed_at", "preview"]
    list_filter = [SubscriberStateFilter, "frequency"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    fields = ["email", "frequency", "all_themes", "themes", "created_at", "confirmed_at", "unsubscribed_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("themes")

    @admin.display(description="themes")
    def themes_display(self, obj):
        return "All" if obj.all_themes else ", ".join(theme.name for theme in obj.themes.all())

    @admin.display(description="next digest")
    def preview(self, obj):
        url = reverse("admin:commitments_subscriber_preview", args=[obj.pk])
        return format_html('<a href="{}">Preview</a>', url)

    def get_urls(self):
        return [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="commitments_subscriber_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        subscriber = get_object_or_404(Subscriber, pk=pk)
        content, subject, text, html = digests.preview_digest(subscriber)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Next digest for {subscriber.email}",
            "subscriber": subscriber,
            "content": content,
            "subject": subject,
            "text": text,
            "html": html,
        }
        return TemplateResponse(request, "admin/commitments/subscriber/preview.html", context)


@admin.register(DigestPeriod)
class DigestPeriodAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["frequency", "starts_at", "ends_at", "planned_at"]
    list_filter = ["frequency"]


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """One row per subscriber and period: what was sent, what failed and why."""

    list_display = ["period", "subscriber", "state", "attempts", "last_error", "sent_at", "updated_at"]
    list_filter = ["state", "period__frequency", "period"]
    search_fields = ["subscriber__email"]
    list_select_related = ["period", "subscriber"]
    readonly_fields = [field.name for field in DigestDelivery._meta.fields]
    actions = ["resend_selected"]

    @admin.action(description="Resend selected failed or skipped digests")
    def resend_selected(self, request, queryset):
        """Back to pending with attempts reset, then a send is queued. Sent digests are left alone:
        the (period, subscriber) row is unique and a digest is never sent twice."""
        skipped = queryset.filter(state=DigestDelivery.State.SENT).count()
        count = queryset.exclude(state__in=[DigestDelivery.State.SENT, DigestDelivery.State.PENDING]).count()
        for frequency in digests.resend_deliveries(queryset):
            transaction.on_commit(lambda frequency=frequency: send_digests_task.delay(frequency))
        message = f"{count} digest(s) queued to send again."
        if skipped:
            message += f" {skipped} already sent were left alone: a digest is never sent twice."
        self.message_user(request, message, messages.SUCCESS if count else messages.WARNING)
