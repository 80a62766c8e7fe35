"""The one form on the read-only pages: the search box in the header and on the results page."""

from django import forms


class SearchKind:
    """Which results a search page shows: every group, or one group's pages."""

    ALL = ""
    COMMITMENTS = "commitments"
    ANSWERS = "answers"
    STATEMENTS = "statements"
    CONTRIBUTIONS = "contributions"
    PUBLICATIONS = "publications"
    CHOICES = [
        (ALL, "Everything"),
        (COMMITMENTS, "Commitments"),
        (ANSWERS, "Written answers"),
        (STATEMENTS, "Written ministerial statements"),
        (CONTRIBUTIONS, "Said in Parliament (Hansard)"),
        (PUBLICATIONS, "GOV.UK publications"),
    ]
    # What one result and several are called in a sentence ("3 written answers found").
    NOUNS = {
        COMMITMENTS: ("commitment", "commitments"),
        ANSWERS: ("written answer", "written answers"),
        STATEMENTS: ("written ministerial statement", "written ministerial statements"),
        CONTRIBUTIONS: ("Hansard contribution", "Hansard contributions"),
        PUBLICATIONS: ("GOV.UK publication", "GOV.UK publications"),
    }


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search commitments, written answers, statements, Hansard and GOV.UK publications",
        max_length=200,
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search"}),
        error_messages={
            "max_length": "Search for at most %(limit_value)d characters (you gave %(show_value)d)."
        },
    )
    kind = forms.ChoiceField(choices=SearchKind.CHOICES, required=False, widget=forms.HiddenInput)
