"""What every area's admin shares: history to read but never restore, and read-only records."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from .dates import TYPED_DATES

# A typed address without a scheme is taken as https (Django 6's default, asked for now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}
# What every editor's form shares: https addresses and dates typed as people type them.
EDITOR_FIELDS = {**HTTPS_URLS, **TYPED_DATES}


class HistoryAdmin(SimpleHistoryAdmin):
    """History is there to read. Reverting from it would write old values around the services
    (an old status without a status change, a confirmation without a reviewer), so it is refused."""

    formfield_overrides = EDITOR_FIELDS

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
