from django.contrib.admin.apps import AdminConfig


class TrackerAdminConfig(AdminConfig):
    """The admin, with the tracker's own site (two-factor login in production)."""

    default_site = "tracker.admin_site.TrackerAdminSite"
