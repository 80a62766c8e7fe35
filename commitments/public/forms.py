"""The one form on the read-only pages: the search box in the header and on the results page."""

from django import forms


class SearchKind:
    """Which results a search page shows: both groups, or one group's pages."""

    ALL = ""
    COMMITMENTS = "commitments"
    ANSWERS = "answers"
    CHOICES = [(ALL, "Everything"), (COMMITMENTS, "Commitments"), (ANSWERS, "Written answers")]


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search commitments and written answers",
        max_length=200,
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search"}),
        error_messages={
            "max_length": "Search for at most %(limit_value)d characters (you gave %(show_value)d)."
        },
    )
    kind = forms.ChoiceField(choices=SearchKind.CHOICES, required=False, widget=forms.HiddenInput)
