"""The editors' admin site: two-factor (TOTP) login required for staff when ADMIN_REQUIRE_2FA is on
(the default in production), and the admin's address from ADMIN_URL."""

from django import forms
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth.signals import user_login_failed
from django_otp import match_token


class TwoFactorLoginForm(AdminAuthenticationForm):
    """Password and code checked together, refused with one message whichever was wrong, so a
    correct password is never confirmed before the second factor. A wrong code counts as a failed
    login, so the lockout after the sixth failure covers guessing codes too."""

    otp_token = forms.CharField(
        label="Code from your authenticator app",
        max_length=8,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "aria-describedby": "otp-help"}
        ),
    )
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": (
            "Please enter the correct username, password and code for a staff account. "
            "The username and password may be case-sensitive."
        ),
    }

    def clean(self):
        cleaned_data = super().clean()
        token = cleaned_data.get("otp_token", "").strip()
        # An empty code is not tried: a failed try starts django-otp's per-device throttle.
        device = match_token(self.user_cache, token) if token else None
        if device is None:
            user_login_failed.send(
                sender=type(self),
                credentials={"username": cleaned_data.get("username")},
                request=self.request,
            )
            raise self.get_invalid_login_error()
        # django-otp's user_logged_in receiver marks the session verified with this device.
        self.user_cache.otp_device = device
        return cleaned_data


class LabelledAutocompleteView(AutocompleteJsonView):
    """A picker's options named as the model's admin names them (`autocomplete_label`), when it
    does: an answer by house, UIN, day answered and subject rather than its bare key."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        return {**result, "text": label(obj)} if label else result


class TrackerAdminSite(AdminSite):
    site_header = "IPP Action Plan tracker: editors"
    site_title = "IPP tracker admin"
    index_title = "Commitments, evidence and history"
    index_template = "admin/tracker_index.html"

    def index(self, request, extra_context=None):
        """The index says how many suggestions wait for review and how many answers wait for
        triage, so nobody has to go looking."""
        from commitments.digests.editors import editors_news, visit_since

        if not self.has_permission(request):
            return super().index(request, extra_context)
        news = editors_news(visit_since(request.user, request.session))
        waiting = {
            "suggestions_waiting": news.suggestions_waiting,
            "answers_waiting": news.answers_waiting,
            "others_waiting": news.others_waiting,
            "news": news,
        }
        return super().index(request, {**waiting, **(extra_context or {})})

    def autocomplete_view(self, request):
        return LabelledAutocompleteView.as_view(admin_site=self)(request)

    def has_permission(self, request):
        verified = not settings.ADMIN_REQUIRE_2FA or request.user.is_verified()
        return super().has_permission(request) and verified

    def login(self, request, extra_context=None):
        # Read per request, so the setting can change in tests and the page follows it.
        two_factor = settings.ADMIN_REQUIRE_2FA
        self.login_form = TwoFactorLoginForm if two_factor else None
        self.login_template = "admin/login_two_factor.html" if two_factor else None
        return super().login(request, extra_context)
