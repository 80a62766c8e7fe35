"""The plan: commitments (with their status history and evidence inline), action plans, themes."""

from django.contrib import admin

from ..models import ActionPlan, Commitment, Evidence, StatusChange, Theme
from ..models.querysets import RECENT_EVIDENCE_DAYS
from ..services import confirm_evidence, record_status_change, reject_evidence
from .base import HTTPS_URLS, HistoryAdmin, ReadOnlyInline, ReadOnlyMixin
from .forms import CommitmentAdminForm


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
    list_display = ["title", "theme", "status", "owner", "is_published", "follower_count", "updated_at"]
    list_filter = ["status", "theme", "action_plans", "is_published", NoRecentEvidenceFilter]
    search_fields = ["title", "slug", "summary", "owner"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["status", "follower_count", "created_at", "updated_at"]
    filter_horizontal = ["action_plans"]
    date_hierarchy = "updated_at"
    inlines = [EvidenceInline, StatusChangeInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "theme", "owner", "action_plans", "summary", "is_published"]}),
        ("Details", {"fields": ["summary_quoted_from", "keywords", "targets", "source_urls"]}),
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
        ("Record", {"fields": ["follower_count", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_follower_count()

    @admin.display(description="followers", ordering="follower_count")
    def follower_count(self, obj) -> int:
        """Confirmed subscribers following this commitment itself: a count only, never who."""
        return obj.follower_count

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
