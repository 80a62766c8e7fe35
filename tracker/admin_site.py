"""The editors' admin site: two-factor (TOTP) login required for staff when ADMIN_REQUIRE_2FA is on
(the default in production), and the admin's address from ADMIN_URL."""

from django.conf import settings
from django.contrib.admin import AdminSite


class TrackerAdminSite(AdminSite):
    site_header = "IPP Action Plan tracker: editors"
    site_title = "IPP tracker admin"
    index_title = "Commitments, evidence and history"
    index_template = "admin/tracker_index.html"

    def index(self, request, extra_context=None):
        """The index says how many suggestions wait for review, so nobody has to go looking."""
        from commitments.models import Evidence

        waiting = Evidence.objects.suggested().count() if self.has_permission(request) else 0
        return super().index(request, {"suggestions_waiting": waiting, **(extra_context or {})})

    def has_permission(self, request):
        verified = not settings.ADMIN_REQUIRE_2FA or request.user.is_verified()
        return super().has_permission(request) and verified

    def login(self, request, extra_context=None):
        from django_otp.admin import OTPAdminAuthenticationForm

        # Read per request, so the setting can change in tests and the form follows it.
        self.login_form = OTPAdminAuthenticationForm if settings.ADMIN_REQUIRE_2FA else None
        return super().login(request, extra_context)
