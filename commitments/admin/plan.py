"""The plan: commitments (with their status history and evidence inline), action plans, themes."""

from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from ..editorial import confirm_evidence, record_status_change, reject_evidence
from ..integrity import check_one, known_exceptions, status_change_warnings
from ..models import ActionPlan, Commitment, Evidence, PromiseWording, SourceCopy, StatusChange, Theme
from ..models.querysets import RECENT_EVIDENCE_DAYS
from ..sources import name_source
from .base import EDITOR_FIELDS, HistoryAdmin, ReadOnlyInline, ReadOnlyMixin
from .evidence import match_strength
from .forms import CommitmentAdminForm
from .triage import KINDS, triage_screen_url

# What the triage screen may fill in of a new status change, by the form's field names.
STATUS_PREFILL = (
    "new_status",
    "status_reason",
    "status_effective_on",
    "status_question",
    "status_source_url",
)


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    # Within 1280 px: the reason gets the room to wrap as prose; the source is a short link named by
    # its site, and who and when share a column.
    fields = ["effective_on", "change", "reason", "question", "source", "origin", "recorded"]
    readonly_fields = fields
    ordering = ["-effective_on", "-pk"]
    verbose_name_plural = "Status history (add a new status in the form above)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("commitment", "question", "changed_by")

    @admin.display(description="change")
    def change(self, obj):
        return f"{obj.get_from_status_display() or '—'} → {obj.get_to_status_display()}"

    @admin.display(description="source")
    def source(self, obj):
        if not obj.source_url:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.source_url, urlsplit(obj.source_url).hostname)

    @admin.display(description="recorded")
    def recorded(self, obj):
        return format_html("{}<br>{}", obj.changed_by or "import", date_format(obj.created_at.date()))


class EvidenceInlineForm(forms.ModelForm):
    """A tabular row's inputs have no label of their own: each is named for assistive technology."""

    class Meta:
        model = Evidence
        fields = ["question", "state", "excerpt"]
        widgets = {
            "state": forms.Select(attrs={"aria-label": "State"}),
            "excerpt": forms.Textarea(attrs={"aria-label": "Excerpt", "rows": 4, "cols": 40}),
        }


class EvidenceInline(admin.TabularInline):
    model = Evidence
    form = EvidenceInlineForm
    extra = 0
    fields = ["question", "state", "excerpt", "review"]
    readonly_fields = ["review"]
    autocomplete_fields = ["question"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewed_by", "question", "commitment")

    @admin.display(description="match, reviewed")
    def review(self, obj):
        score = match_strength(obj.score)
        if not obj.reviewed_at:
            return score
        return format_html("{}<br>{}, {}", score, obj.reviewed_by or "—", date_format(obj.reviewed_at.date()))


class PromiseWordingInline(admin.StackedInline):
    """The promise in official words: editors add the plan's own words when they have the document."""

    model = PromiseWording
    extra = 0
    formfield_overrides = EDITOR_FIELDS
    fields = [
        ("kind", "action_plan"),
        "quote",
        ("is_complete", "position"),
        ("said_by", "said_on"),
        ("source_url", "also_at"),
        "note",
    ]
    verbose_name = "promise in official words"
    verbose_name_plural = "The promise in official words (quoted exactly; the best kind is shown first)"


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
    formfield_overrides = EDITOR_FIELDS
    # Within 1280 px beside the menu and the filters: short headers, and the day of the last edit.
    list_display = ["title", "theme", "status", "owner", "published", "follower_count", "updated"]
    list_filter = ["status", "theme", "action_plans", "is_published", NoRecentEvidenceFilter]
    search_fields = ["title", "slug", "summary", "owner"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["record_checks", "status", "follower_count", "created_at", "updated_at"]
    date_hierarchy = "updated_at"
    inlines = [PromiseWordingInline, EvidenceInline, StatusChangeInline]
    # The status first: recording a change is what an editor most often opens a commitment for.
    fieldsets = [
        (
            "Status",
            {
                "fields": [
                    "record_checks",
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
        (
            "The commitment",
            {"fields": ["title", "slug", "theme", "owner", "action_plans", "summary", "is_published"]},
        ),
        ("Details", {"fields": ["summary_quoted_from", "keywords", "targets", "source_urls"]}),
        ("Record", {"fields": ["follower_count", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_follower_count()

    def get_form(self, request, obj=None, change=False, **kwargs):
        """A status change filled in from the address (the triage screen's "confirm and record")."""
        form = super().get_form(request, obj, change, **kwargs)
        prefill = {name: request.GET[name] for name in STATUS_PREFILL if request.GET.get(name)}
        return type(form.__name__, (form,), {"prefill": prefill}) if prefill else form

    def response_change(self, request, obj):
        """Saved from the triage screen: back to the source it came from, to finish it."""
        pk, kind = request.GET.get("triage", ""), request.GET.get("triage_kind", "question")
        if not pk.isdigit() or kind not in KINDS or "_continue" in request.POST:
            return super().response_change(request, obj)
        noun = KINDS[kind].noun
        self.message_user(
            request, f"{obj.title}: saved. Back to the {noun}: finish it when its links are all."
        )
        return HttpResponseRedirect(triage_screen_url(kind, pk=int(pk)))

    @admin.display(description="public", boolean=True, ordering="is_published")
    def published(self, obj) -> bool:
        return obj.is_published

    @admin.display(description="updated", ordering="updated_at")
    def updated(self, obj) -> str:
        return date_format(obj.updated_at.date())

    @admin.display(description="followers", ordering="follower_count")
    def follower_count(self, obj) -> int:
        """Confirmed subscribers following this commitment itself: a count only, never who."""
        return obj.follower_count

    @admin.display(description="record checks")
    def record_checks(self, obj) -> str:
        """The integrity warnings (commitments/integrity.py) as they stand, above the status fields."""
        if obj is None or obj.pk is None:
            return "—"
        warnings = check_one(obj)
        if not warnings:
            return "No warnings: the status rests on an official source or confirmed evidence."
        known = known_exceptions()
        return format_html_join(
            "",
            '<p class="record-warning"><strong>Warning:</strong> {}{}</p>',
            (
                (
                    w.message,
                    f" Known exception: {known[key]}"
                    if (key := (w.commitment_slug, w.check)) in known
                    else "",
                )
                for w in warnings
            ),
        )

    def get_fieldsets(self, request, obj=None):
        if request.user.has_perm("commitments.add_statuschange"):
            return self.fieldsets
        read_only = ["record_checks", "status"]
        return [
            (name, {**options, "fields": read_only}) if name == "Status" else (name, options)
            for name, options in self.fieldsets
        ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        data = form.cleaned_data
        if data.get("new_status") and request.user.has_perm("commitments.add_statuschange"):
            change = record_status_change(
                obj,
                to=data["new_status"],
                reason=data["status_reason"],
                effective_on=data["status_effective_on"],
                question=data.get("status_question"),
                source_url=data.get("status_source_url") or "",
                by=request.user,
            )
            for warning in status_change_warnings(change):
                messages.warning(request, warning.message)

    def save_related(self, request, form, formsets, change):
        """Once evidence and wording are saved too: the commitment's warnings, to act on now."""
        super().save_related(request, form, formsets, change)
        for warning in check_one(form.instance):
            if warning.check != "stale_evidence":  # already said when the change was recorded
                messages.warning(request, warning.message)

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
    formfield_overrides = EDITOR_FIELDS
    list_display = ["title", "published_on", "publisher", "document_found"]
    search_fields = ["title", "slug", "notes"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_on"

    @admin.display(description="document found", boolean=True)
    def document_found(self, obj) -> bool:
        return bool(obj.document_url)


@admin.register(SourceCopy)
class SourceCopyAdmin(HistoryAdmin):
    """Where a copy's official page is: every public link to the copy resolves through this."""

    formfield_overrides = EDITOR_FIELDS
    # Named, not raw addresses: four columns fit 1280 px beside the menu and the filters.
    list_display = ["copy", "official_page", "kind", "confidence"]
    list_filter = ["kind", "confidence"]
    search_fields = ["copy_url", "official_url", "how_derived", "secondary_reason"]

    @admin.display(description="copy", ordering="copy_url")
    def copy(self, obj) -> str:
        link = name_source(obj.copy_url)
        return f"{link.title} ({link.publisher})" if link.shows_publisher else link.title

    @admin.display(description="official page", ordering="official_url")
    def official_page(self, obj) -> str:
        return name_source(obj.official_url).title if obj.official_url else "None: see the reason"


@admin.register(Theme)
class ThemeAdmin(HistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
