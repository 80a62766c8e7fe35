from django import forms

from ..exceptions import EmailAddressRefused
from ..models import DigestFrequency, Theme
from .subscriptions import normalise_email


class SubscriberEmailField(forms.EmailField):
    """An address in its one normalised form (subscriptions.normalise_email), checked after
    normalising, so fullwidth letters pass as letters and invisible characters are refused."""

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return normalise_email(value) if value else value
        except EmailAddressRefused as refused:
            raise forms.ValidationError(str(refused), code="invisible") from None


class DigestChoicesForm(forms.Form):
    """How often, and about what. No theme ticked means every theme, including ones added later."""

    frequency = forms.ChoiceField(
        choices=DigestFrequency.choices,
        initial=DigestFrequency.WEEKLY,
        widget=forms.RadioSelect,
        label="How often",
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Themes",
        help_text="Tick none to hear about every theme, including new ones.",
    )


class SubscribeForm(DigestChoicesForm):
    email = SubscriberEmailField(
        label="Email address",
        max_length=254,
        error_messages={"invalid": "Enter an email address in the right format, like name@example.org."},
    )

    field_order = ["email", "frequency", "themes"]
