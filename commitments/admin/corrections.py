"""Readers' suggested corrections: a queue for editors to read and decide on, never published.

What the reader wrote is read-only here and shown as plain text (escaped), however it looks;
editors set the state and a note, and the decision records who made it."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from ..corrections.records import decide_correction
from ..models import Correction, CorrectionState


class KnownFromFilter(admin.SimpleListFilter):
    """How the reader knows: from their own experience (no source needed) or from a source they give."""

    title = "how the reader knows"
    parameter_name = "known_from"

    def lookups(self, request, model_admin):
        return [("experience", "Own experience"), ("source", "A source")]

    def queryset(self, request, queryset):
        if self.value() == "experience":
            return queryset.filter(from_own_experience=True)
        if self.value() == "source":
            return queryset.filter(from_own_experience=False)
        return queryset


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "commitment", "state", "summary", "known_from", "wants_reply"]
    list_filter = ["state", KnownFromFilter, "commitment__theme", "created_at"]
    list_select_related = ["commitment"]
    search_fields = ["what_is_wrong", "source", "email", "commitment__title", "commitment__slug"]
    date_hierarchy = "created_at"
    fields = [
        "commitment_link",
        "what_is_wrong",
        "known_from",
        "source",
        "email",
        "created_at",
        "state",
        "editor_note",
        "reviewed_by",
        "updated_at",
    ]
    readonly_fields = [
        "commitment_link",
        "what_is_wrong",
        "known_from",
        "source",
        "email",
        "created_at",
        "reviewed_by",
        "updated_at",
    ]
    actions = ["accept_selected", "decline_selected"]

    def has_add_permission(self, request, obj=None):
        return False  # only readers suggest corrections, through the public form

    @admin.display(description="What is wrong")
    def summary(self, correction: Correction) -> str:
        return Truncator(correction.what_is_wrong).chars(80)

    @admin.display(description="How the reader knows", ordering="from_own_experience")
    def known_from(self, correction: Correction) -> str:
        if correction.from_own_experience:
            return "Own experience" + (" (and a source)" if correction.source.strip() else "")
        return "A source"

    @admin.display(description="Wants a reply", boolean=True)
    def wants_reply(self, correction: Correction) -> bool:
        return bool(correction.email)

    @admin.display(description="Commitment")
    def commitment_link(self, correction: Correction) -> str:
        public = reverse("commitments:commitment", args=[correction.commitment.slug])
        return format_html('{} (<a href="{}">public page</a>)', correction.commitment.title, public)

    def save_model(self, request, obj, form, change):
        """A changed state goes through the service, which records who decided."""
        if change and "state" in form.changed_data:
            decide_correction(obj, state=obj.state, by=request.user, note=obj.editor_note)
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description="Mark selected corrections accepted", permissions=["change"])
    def accept_selected(self, request, queryset):
        for correction in queryset:
            decide_correction(correction, state=CorrectionState.ACCEPTED, by=request.user)
        messages.success(request, f"{len(queryset)} marked accepted.")

    @admin.action(description="Mark selected corrections declined", permissions=["change"])
    def decline_selected(self, request, queryset):
        for correction in queryset:
            decide_correction(correction, state=CorrectionState.DECLINED, by=request.user)
        messages.success(request, f"{len(queryset)} marked declined.")
