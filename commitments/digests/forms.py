from django import forms
from django.conf import settings

from ..exceptions import EmailAddressRefused
from ..models import Commitment, DigestFrequency, Theme
from .subscriptions import normalise_email


class SubscriberEmailField(forms.EmailField):
    """An address in its one normalised form (subscriptions.normalise_email), checked after
    normalising, so fullwidth letters pass as letters, a quoted name is the name and an
    internationalised domain is its IDNA form; invisible characters, quoted parts that are not a
    plain name and domains IDNA cannot encode are refused with the reason."""

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return normalise_email(value) if value else value
        except EmailAddressRefused as refused:
            raise forms.ValidationError(str(refused), code="refused") from None


class DigestChoicesForm(forms.Form):
    """How often, and about what: themes and/or single commitments. Nothing ticked means everything,
    including themes added later."""

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
        help_text="Everything on a theme, including commitments added to it later.",
    )
    commitments = forms.ModelMultipleChoiceField(
        queryset=Commitment.objects.published().select_related("theme").order_by("theme__name", "title"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Commitments",
        help_text="Follow single commitments, grouped by theme, without the rest of their theme.",
    )

    @property
    def alerts_per_day(self) -> int:
        return settings.DIGEST_ALERTS_PER_DAY

    def commitment_groups(self) -> list[tuple[str, list]]:
        """The commitment boxes grouped by theme, in the queryset's order, for one fieldset each."""
        groups: dict[str, list] = {}
        for box in self["commitments"]:
            groups.setdefault(box.data["value"].instance.theme.name, []).append(box)
        return list(groups.items())


class SubscribeForm(DigestChoicesForm):
    email = SubscriberEmailField(
        label="Email address",
        max_length=254,
        error_messages={"invalid": "Enter an email address in the right format, like name@example.org."},
    )

    field_order = ["email", "frequency", "themes", "commitments"]
