"""Email digests. Subscribers' addresses are personal data that editing does not need, so only
superusers see them: the Editors group has no permission on these models (ops/roles.py)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from .. import digests
from ..models import DigestDelivery, DigestPeriod, Subscriber, SubscriberState
from ..tasks import send_digests_task
from .base import ReadOnlyMixin


class SubscriberStateFilter(admin.SimpleListFilter):
    """Pending: has not used the confirmation link yet. Confirmed: gets digests. Unsubscribed: stopped."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        shown = (SubscriberState.CONFIRMED, SubscriberState.PENDING, SubscriberState.UNSUBSCRIBED)
        return [(state.value, state.label) for state in shown]

    def queryset(self, request, queryset):
        chosen = {
            SubscriberState.CONFIRMED: queryset.confirmed,
            SubscriberState.PENDING: queryset.pending,
            SubscriberState.UNSUBSCRIBED: queryset.unsubscribed,
        }.get(self.value())
        return chosen() if chosen else queryset


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Subscriptions are made and changed only by the address itself (double opt-in, signed links);
    here they are read, previewed, or deleted on request."""

    list_display = ["email", "state", "frequency", "follows", "created_at", "confirmed_at", "preview"]
    list_filter = [SubscriberStateFilter, "frequency"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    fields = [
        "email",
        "frequency",
        "all_themes",
        "themes",
        "commitments",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("themes", "commitments")

    @admin.display(description="follows")
    def follows(self, obj):
        if obj.all_themes:
            return "Everything"
        names = [theme.name for theme in obj.themes.all()] + [c.title for c in obj.commitments.all()]
        return "; ".join(names)

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
