from django import forms

from ..models import DigestFrequency, Theme


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
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={"invalid": "Enter an email address in the right format, like name@example.org."},
    )

    field_order = ["email", "frequency", "themes"]
