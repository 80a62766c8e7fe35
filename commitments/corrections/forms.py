from django import forms


class CorrectionForm(forms.Form):
    """What a reader may tell us: what is wrong, where the right information is (or that they know
    it from their own experience, which needs no link), and optionally where to reply. Plain text,
    stored as typed (and shown escaped)."""

    what_is_wrong = forms.CharField(
        label="What is wrong or out of date?",
        help_text="Say which part of the page, and what it should say.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Tell us what is wrong or out of date."},
    )
    from_own_experience = forms.BooleanField(
        label="I know this from my own experience",
        help_text="For example, as someone serving an IPP sentence or their family. You do not need a link.",
        required=False,
    )
    source = forms.CharField(
        label="Where can we check it?",
        help_text="A link to an official page (gov.uk, parliament.uk, legislation.gov.uk) or a reference "
        "such as a written question’s number. Leave it empty if you know from your own experience.",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    email = forms.EmailField(
        label="Your email address (optional)",
        help_text="Only if you would like a reply. It is used for nothing else.",
        max_length=254,
        required=False,
        error_messages={"invalid": "Enter an email address in the right format, like name@example.org."},
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("source", "").strip() and not cleaned.get("from_own_experience"):
            self.add_error(
                "source",
                "Tell us where we can check it (a link or a reference), or tick “I know this from my own "
                "experience”.",
            )
        return cleaned
